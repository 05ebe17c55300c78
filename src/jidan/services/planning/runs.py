"""Planning wired to the plant (B2, C1–C7): the database becomes a problem, the planner answers.

Times inside a run are minutes after the run's origin (its minute 0). An insertion re-uses the
accepted plan's origin, so "operations that started before now stay put" is simply the planner's
frozen part: everything starting before the urgent order's release (= now).

Every job's release is also the minute its materials are ready (C6, `material_plan`), so no plan
starts an order before its materials. Insertion and promise leave other orders where the plan has
them; re-planning after a disturbance (machine down, material late, order changed) moves them.
"""
from __future__ import annotations

import math
import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from jidan.services.ports import OrderFilter
from jidan.domain import errors
from jidan.domain.calendar import WorkCalendar
from jidan.domain.execution import TaskState, TaskTiming
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.roles import Role
from jidan.domain.states import ON_FLOOR, OrderState
from jidan.planning.insert import insert
from jidan.planning.levers import options
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.promise import LoadedPlan
from jidan.planning.repair import MachineDown, MaterialLate, OrderChanged, repair
from jidan.planning.result import Assignment, Schedule, impact as compare
from jidan.planning.shift import bring_forward, place_job, right_shift, timeline_with, under_way
from jidan.planning.solve import solve
from jidan.services import audit
from jidan.services.masterdata.calendar import effective_calendar
from jidan.services.context import Context
from jidan.services.materials.material_plan import MaterialPlan, OrderMaterials, job_key, step_key
from jidan.services.notices.notify import notify
from jidan.services.permissions import load_order, require_role

PLANNED_STATES = (OrderState.APPROVED, OrderState.PLANNED, OrderState.RELEASED,
                  OrderState.IN_PRODUCTION, OrderState.ON_HOLD)
WEIGHT = {"key": 10, "urgent": 5, "normal": 1}
PLANNERS = {Role.PMC, Role.ADMIN}
VIEWERS = {Role.PMC, Role.ADMIN, Role.MANAGEMENT, Role.SALES, Role.MANUFACTURING, Role.PURCHASING,
           Role.FINANCE, Role.CUSTOMER_SERVICE}
#: Orders a promise is still worth giving for: not yet released to the floor.
PROMISABLE = {OrderState.DRAFT, OrderState.SUBMITTED, OrderState.REVIEWED, OrderState.APPROVED,
              OrderState.PLANNED}


# ---------------------------------------------------------------- the plant as a problem
def closed_windows(calendar: WorkCalendar, origin: datetime, days: int,
                   shifts: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int], ...]:
    """Minutes outside the shifts of working days, from the origin over the horizon."""
    midnight = origin.replace(hour=0, minute=0, second=0, microsecond=0)
    offset = int((origin - midnight).total_seconds() // 60)
    closed, cursor = [], 0
    for d in range(days):
        base = d * 1440
        if calendar.is_working_day((midnight + timedelta(days=d)).date()):
            for start, end in shifts:
                if base + start > cursor:
                    closed.append((cursor, base + start))
                cursor = base + end
    closed.append((cursor, days * 1440))
    return tuple((max(s - offset, 0), e - offset) for s, e in closed if e - offset > 0 and e > s)


def _group(code: str) -> str:
    """Work centers of one kind (SMT1…SMT4) can stand in for each other."""
    return re.match(r"[A-Za-z]+", code).group(0)


def _chunks(total: int, most: int) -> list[int]:
    """Splits work into lots that each fit in one shift; the planner does not interrupt operations."""
    count = max(1, math.ceil(total / most))
    return [total // count + (1 if k < total % count else 0) for k in range(count)]


def _due(order: Order, origin: datetime) -> int:
    """The end of the promised (else requested) day, in plan minutes."""
    due_day = order.promised_date or order.requested_date
    return int((datetime.combine(due_day + timedelta(days=1), datetime.min.time()) - origin).total_seconds() // 60)


@dataclass(frozen=True)
class Floor:
    """What the shop floor reports of its tasks: the production operations finished, and the work
    center each started task runs on (a started task stays where it started), rework and
    replacement tasks included."""

    done: frozenset[str] = frozenset()
    started: Mapping[str, str] = field(default_factory=dict)
    running: frozenset[str] = frozenset()
    """Started and not paused: the work center is busy with it now."""
    minutes: Mapping[str, int] = field(default_factory=dict)
    """How long each started step lasts in the plan."""

    @classmethod
    def of(cls, tasks: Iterable[dict], now: datetime, kept: Mapping[str, int] | None = None) -> Floor:
        """``kept``: each step's minutes in the plan in force. A started step keeps them, so that
        the plan still matches the problem; one no plan has yet lasts what is left of it ``now``."""
        kept = kept or {}
        tasks = list(tasks)
        production = [t for t in tasks if t["kind"] == "production"]
        started = [t for t in tasks if t["status"] in (TaskState.RUNNING, TaskState.PAUSED)]
        return cls(frozenset(t["operation"] for t in production if t["status"] == TaskState.DONE),
                   {t["operation"]: t["work_center_code"] for t in started},
                   frozenset(t["operation"] for t in started if t["status"] == TaskState.RUNNING),
                   {t["operation"]: kept.get(t["operation"], max(1, TaskTiming.of(t).left(now))) for t in started})


def order_jobs(order: Order, origin: datetime, groups: dict[str, list[str]], shift_minutes: int,
               release: int = 0, releases: Mapping[str, int] | None = None, floor: Floor = Floor()) -> list[Job]:
    """One job per order line: its routing, the due date's end of day, weight by priority.

    ``releases`` gives a routing step's own release (its materials), by step key ("SO-1/1-30"):
    every lot of the step waits for it, the steps before it do not. Of the ``floor``'s
    operations, finished ones are left out (a line with nothing left has no job) and started
    ones keep their work center and wait for no material (theirs is at the machine).
    """
    due = _due(order, origin)
    releases = releases or {}
    jobs = []
    for line in order.lines:
        ops = []
        for step in line.product.routing:
            minutes = step.setup_minutes + math.ceil(step.minutes_per_unit * line.quantity)
            lots = _chunks(minutes, shift_minutes)
            resources = tuple(groups.get(_group(step.work_center_code), [step.work_center_code]))
            key = step_key(order, line, step.seq)
            for k, duration in enumerate(lots, start=1):
                suffix = f".{k}" if len(lots) > 1 else ""
                op_id = f"{key}{suffix}"
                if op_id in floor.started:
                    ops.append(Operation(op_id, floor.minutes.get(op_id, duration), (floor.started[op_id],)))
                elif op_id not in floor.done:
                    ops.append(Operation(op_id, duration, resources, release=releases.get(key, 0)))
        if ops:
            jobs.append(Job(job_key(order, line), tuple(ops), release, due, WEIGHT[order.priority]))
    return jobs


def _step_of(operation: str) -> str:
    """The step key of an operation: its id without the lot suffix ("SO-1/1-30.2" → "SO-1/1-30")."""
    return re.sub(r"\.\d+$", "", operation)


class PlantModel:
    """Resources and their working windows for one origin; builds jobs for orders."""

    def __init__(self, uow, ctx: Context, origin: datetime):
        self.uow = uow
        self.origin = origin
        self.now = ctx.now()
        centers = [w.code for w in uow.plant.work_centers()]
        self.groups: dict[str, list[str]] = {}
        for code in centers:
            self.groups.setdefault(_group(code), []).append(code)
        self.calendar = effective_calendar(uow, ctx)
        self.shifts = ctx.shifts
        self.closed = closed_windows(self.calendar, origin, ctx.horizon_days, ctx.shifts)
        self.resources = tuple(Resource(code, self.closed) for code in centers)
        self.shift_minutes = min(end - start for start, end in ctx.shifts)

    def problem(self, orders: list[Order], release: dict[int, int] | None = None,
                releases: Mapping[str, int] | None = None, plan: Schedule | None = None,
                floor_tasks: Mapping[int, list[dict]] | None = None) -> Problem:
        """Jobs of the orders; ``release`` by order id, ``releases`` by job id (the later wins).

        Of the orders on the floor, steps the floor has finished are not planned again, started
        ones stay on their work center and last what ``plan`` (the plan in force) gives them, or
        without one what is left of them now; open rework and replacement work is planned too.
        ``floor_tasks``: the orders' tasks if the caller has read them already."""
        release = release or {}
        floor_tasks = self.floor_tasks(orders) if floor_tasks is None else floor_tasks
        kept = {a.operation: a.end - a.start for a in plan.assignments} if plan else {}
        floors = {o.id: Floor.of(floor_tasks.get(o.id, ()), self.now, kept) for o in orders}
        jobs = [j for o in orders
                for j in order_jobs(o, self.origin, self.groups, self.shift_minutes, release.get(o.id, 0),
                                    releases, floors[o.id])]
        return Problem(self.resources, tuple(jobs + self.rework_jobs(orders, release, floor_tasks, floors)))

    def floor_tasks(self, orders: list[Order]) -> dict[int, list[dict]]:
        """The tasks of the orders on the floor, by order id."""
        return {o.id: self.uow.tasks.for_order(o.id) for o in orders if o.status in ON_FLOOR}

    def running(self, floor_tasks: Mapping[int, list[dict]]) -> set[str]:
        """The production steps the floor is working on now, of the tasks by order."""
        return {op for tasks in floor_tasks.values() for op in Floor.of(tasks, self.now).running}

    def rework_jobs(self, orders: list[Order], release: Mapping[int, int],
                    floor_tasks: Mapping[int, list[dict]], floors: Mapping[int, Floor]) -> list[Job]:
        """Open rework and replacement work of the orders on the floor (F1, F2): each failed
        quantity's steps again, a job of its order with its tasks' work centers and remaining
        minutes, so that every run plans it with the rest instead of dropping it. A started task
        stays on its work center and lasts as the ``floors`` say, like a started production step."""
        jobs = []
        for order in orders:
            floor = floors[order.id]
            open_tasks: dict[str, list[dict]] = {}
            for task in floor_tasks.get(order.id, ()):
                if task["kind"] != "production" and task["status"] != TaskState.DONE:
                    open_tasks.setdefault(task["job"], []).append(task)
            for job_id, tasks in sorted(open_tasks.items()):
                ops = tuple(Operation(t["operation"], floor.minutes[t["operation"]], (floor.started[t["operation"]],))
                            if t["operation"] in floor.started else
                            Operation(t["operation"], max(1, t["planned_minutes"] - t["worked_minutes"]),
                                      tuple(self.groups.get(_group(t["work_center_code"]), [t["work_center_code"]])))
                            for t in sorted(tasks, key=lambda t: (t["step_seq"], t["lot"], t["id"])))
                jobs.append(Job(job_id, ops, release.get(order.id, 0), _due(order, self.origin),
                                WEIGHT[order.priority]))
        return jobs

    def at(self, minute: int) -> str:
        return _at(self.origin, minute)

    def minute_of(self, day: date) -> int:
        """The start of the day's first shift, in plan minutes (negative before the origin)."""
        start = datetime.combine(day, time()) + timedelta(minutes=self.shifts[0][0])
        return int((start - self.origin).total_seconds() // 60)

    def day_of(self, minute: int) -> date:
        return (self.origin + timedelta(minutes=minute)).date()


def _at(origin: datetime, minute: int) -> str:
    return (origin + timedelta(minutes=minute)).isoformat(timespec="minutes")


def _minute_of(now: datetime, origin: datetime) -> int:
    return max(0, int((now - origin).total_seconds() // 60))


def _plannable(uow, ids: list[int] | None = None) -> list[Order]:
    found = []
    for state in PLANNED_STATES:
        found += uow.orders.list(OrderFilter(status=state.value, limit=100_000))[0]
    return [o for o in found if ids is None or o.id in ids]


def _first_starts(assignments, key=lambda a: a.job) -> dict[str, int]:
    """The earliest start per job (or per ``key``: `_step_starts`)."""
    starts: dict[str, int] = {}
    for a in assignments:
        k = key(a)
        starts[k] = min(a.start, starts.get(k, a.start))
    return starts


def _step_starts(assignments) -> dict[str, int]:
    return _first_starts(assignments, key=lambda a: _step_of(a.operation))


def _releases(materials: dict[int, OrderMaterials], current: Schedule | None, now: int,
              keep: bool) -> dict[str, int]:
    """Each routing step's release: when the materials it consumes are ready (C6).

    A step the current plan started before now keeps its start; with ``keep``, so does every step
    the plan already has (insertion and promise move nobody for material: the material-late
    repair does).
    """
    starts = _step_starts(current.assignments) if current else {}
    out = {}
    for answer in materials.values():
        for step, ready in answer.ready.items():
            if step in starts and (keep or starts[step] < now):
                ready = min(ready, starts[step])
            out[step] = max(0, ready)
    return out


# ---------------------------------------------------------------- views
def _slips(model: PlantModel, imp, numbers: dict[str, Order]) -> list[dict]:
    """Impact in the business's words: which order, by how many minutes, late or not, whose."""
    out = []
    for s in imp.slipped:
        order = numbers.get(s.job.split("/")[0])
        out.append({"job": s.job, "order": s.job.split("/")[0], "order_id": order.id if order else None,
                    "owner_id": (order.owner_id or order.created_by) if order else None,
                    "old_end": model.at(s.old_end), "new_end": model.at(s.new_end), "due": model.at(s.due),
                    "slip_minutes": s.new_end - s.old_end, "newly_late": s.newly_late})
    return out


def _moves(model: PlantModel, imp) -> list[dict]:
    """Operations that start at another time or place than in the plan before."""
    return [{"operation": m.operation, "order": m.operation.split("/")[0],
             "old_start": model.at(m.old_start), "new_start": model.at(m.new_start),
             "old_resource": m.old_resource, "new_resource": m.new_resource} for m in imp.moved]


def run_view(run: dict) -> dict:
    view = {k: run[k] for k in ("id", "kind", "status", "objective", "urgent_order_id", "order_ids",
                                "summary", "impact", "created_by", "accepted_by", "version")}
    view["origin"] = run["origin"].isoformat(timespec="minutes")
    view["created_at"] = run["created_at"].isoformat(timespec="seconds")
    view["accepted_at"] = run["accepted_at"].isoformat(timespec="seconds") if run["accepted_at"] else None
    return view


def materials_view(model: PlantModel, answer: OrderMaterials, now: int) -> dict:
    """An order's materials as the promise and the order page show them (C6)."""
    needs: dict[str, dict] = {}
    for n in answer.needs:
        row = needs.setdefault(n.material, {
            "material": n.material, "name": n.name, "unit": n.unit, "required": 0.0, "from_stock": 0.0,
            "from_purchase_orders": 0.0, "to_purchase": 0.0, "ready": n.ready, "purchase_orders": []})
        for key in ("required", "from_stock", "from_purchase_orders", "to_purchase"):
            row[key] += getattr(n, key)
        row["ready"] = max(row["ready"], n.ready)
        row["purchase_orders"] += [p for p in n.purchase_orders if p not in row["purchase_orders"]]
    rows = []
    for row in needs.values():
        row["short"] = row["ready"] > now
        row["ready_at"] = model.at(row.pop("ready"))
        rows.append(row)
    ready = max(now, answer.ready_at)
    return {
        "ready_at": model.at(ready), "waits_for_material": ready > now, "materials": rows,
        "shortages": [{"material": r["material"], "quantity": r["required"] - r["from_stock"],
                       "available_at": r["ready_at"]} for r in rows if r["short"]],
        "purchase_requests": [{"material": r["material"], "quantity": r["to_purchase"], "order_by": model.at(now),
                               "earliest_arrival": r["ready_at"]} for r in rows if r["to_purchase"] > 0],
    }


# ---------------------------------------------------------------- use cases
def propose_full(ctx: Context, actor: Actor, time_limit: float = 5.0) -> dict:
    """Plans all approved, open work from now (C3); proposed until pmc accepts it. Steps the
    floor is working on go on first on their work center: no plan stops a running machine."""
    require_role(actor, PLANNERS)
    with ctx.uow() as uow:
        origin = ctx.now().replace(second=0, microsecond=0)
        model = PlantModel(uow, ctx, origin)
        orders = _plannable(uow)
        previous = uow.planning_runs.accepted()
        old = []
        if previous:
            shift = int((previous["origin"] - origin).total_seconds() // 60)
            old = [Assignment(a["job"], a["operation"], a["resource"], a["start"] + shift, a["end"] + shift)
                   for a in previous["schedule"]["assignments"]]
        materials = MaterialPlan(uow, model, 0).explain(orders, {j: max(0, s) for j, s in _first_starts(old).items()})
        floor_tasks = model.floor_tasks(orders)
        problem, under_way_now = under_way(
            model.problem(orders, releases=_releases(materials, None, 0, keep=False), floor_tasks=floor_tasks),
            model.running(floor_tasks))
        schedule = solve(problem, "weighted-tardiness", time_limit, workers=2, frozen=under_way_now)
        slips, moves = [], []
        if previous:
            imp = compare(problem, old, schedule.assignments)
            slips, moves = _slips(model, imp, {o.number: o for o in orders}), _moves(model, imp)
        extra = {"slipped": slips, "moved": len(moves), "compared_with": previous["id"] if previous else None}
        run_id = _store(uow, ctx, actor, "full", origin, schedule, [o.id for o in orders], None, extra, moves)
        uow.commit()
        return run_view(uow.planning_runs.get(run_id))


def propose_insertion(ctx: Context, actor: Actor, order_id: int, time_limit: float = 5.0) -> dict:
    """Inserts an urgent order into the accepted plan, moving others as little as possible (C4)."""
    require_role(actor, PLANNERS)
    with ctx.uow() as uow:
        accepted = _accepted(uow)
        urgent = load_order(uow, actor, order_id)
        if order_id in accepted["order_ids"]:
            raise errors.Conflict("the order is already in the accepted plan", code="planning.already_planned")
        model = PlantModel(uow, ctx, accepted["origin"])
        orders = _plannable(uow, accepted["order_ids"])
        now = _minute_of(ctx.now(), model.origin)
        plan = _plan_of(accepted)
        materials = MaterialPlan(uow, model, now).explain(orders, _first_starts(plan.assignments), last=urgent)
        floor_tasks = model.floor_tasks(orders + [urgent])
        running = model.running(floor_tasks)
        problem = model.problem(orders + [urgent], {urgent.id: now}, _releases(materials, plan, now, keep=True), plan,
                                floor_tasks)
        problem, current = _current(accepted, problem, now, skip=_jobs_of(urgent, problem), running=running)
        result = _insert_lines(problem, current, urgent, model, time_limit, running)
        numbers = {o.number: o for o in orders}
        extra = {"slipped": _slips(model, result["impact"], numbers), "moved": len(result["impact"].moved),
                 "urgent_completion": model.at(result["completion"]),
                 "earliest_possible": model.at(result["earliest"]),
                 "material_ready": model.at(max(now, materials[urgent.id].ready_at)),
                 "based_on": accepted["id"]}
        run_id = _store(uow, ctx, actor, "insert", model.origin, result["schedule"],
                        [o.id for o in orders] + [urgent.id], urgent.id, extra, _moves(model, result["impact"]))
        uow.commit()
        return run_view(uow.planning_runs.get(run_id))


class Replan:
    """What every repair needs: the accepted plan, the plant at its origin, its orders, now."""

    def __init__(self, uow, ctx: Context, accepted: dict | None = None):
        self.uow = uow
        self.accepted = accepted or _accepted(uow)
        self.model = PlantModel(uow, ctx, self.accepted["origin"])
        self.orders = _plannable(uow, self.accepted["order_ids"])
        self.now = _minute_of(ctx.now(), self.model.origin)
        self.plan = _plan_of(self.accepted)
        self.floor_tasks = self.model.floor_tasks(self.orders)
        self.running = self.model.running(self.floor_tasks)
        self.refresh_materials()

    @classmethod
    def start(cls, uow, ctx: Context) -> "Replan | None":
        """None when there is no plan to repair."""
        accepted = uow.planning_runs.accepted()
        return cls(uow, ctx, accepted) if accepted else None

    def refresh_materials(self) -> None:
        """Reads stock and purchase orders again (after the caller changed them)."""
        self.uow.flush()
        self.materials = MaterialPlan(self.uow, self.model, self.now)

    def problem(self, keep: bool) -> Problem:
        """The plan's orders with their material releases (``keep``: see `_releases`)."""
        answers = self.materials.explain(self.orders, _first_starts(self.plan.assignments))
        return self.model.problem(self.orders, releases=_releases(answers, self.plan, self.now, keep), plan=self.plan,
                                  floor_tasks=self.floor_tasks)

    def late_steps(self, held: Mapping[str, int] | None = None) -> dict[str, int]:
        """Routing steps not yet started whose materials are ready only after the plan starts them.

        ``held``: material → minute before which none of its open purchase orders arrives (a what-if).
        """
        starts = _step_starts(self.plan.assignments)
        answers = self.materials.explain(self.orders, _first_starts(self.plan.assignments), late=held)
        return {step: ready for a in answers.values() for step, ready in a.ready.items()
                if step in starts and starts[step] >= self.now and ready > starts[step]}

    def run(self, uow, ctx, actor, problem: Problem, disturbances, time_limit: float, extra: dict,
            current: Schedule | None = None) -> int:
        """Applies the disturbances one after the other, the last one with the time limit; steps
        under way stay where the floor has them (see `_current`), which ``current`` must respect."""
        if current is None:
            problem, current = _current(self.accepted, problem, self.now, running=self.running)
        schedule = current  # each disturbance repairs the plan the one before left
        for k, disturbance in enumerate(disturbances):
            last = k == len(disturbances) - 1
            if isinstance(disturbance, OrderChanged):
                problem = problem.with_job(disturbance.job)
            result = repair(problem, schedule, disturbance, now=self.now, time_limit=time_limit if last else 0,
                            started=self.running, reference=current)
            problem, schedule = result.problem, result.schedule
        imp = compare(problem, self.plan.assignments, schedule.assignments)
        extra = {"slipped": _slips(self.model, imp, {o.number: o for o in self.orders}), "moved": len(imp.moved),
                 "based_on": self.accepted["id"], **extra}
        return _store(uow, ctx, actor, "repair", self.model.origin, schedule, [o.id for o in self.orders],
                      None, extra, _moves(self.model, imp))


def propose_repair(ctx: Context, actor: Actor, work_center: str, start: datetime, end: datetime,
                   time_limit: float = 2.0) -> dict:
    """A machine is down: one call re-plans around it and shows who slips, until pmc accepts (C7, E5)."""
    require_role(actor, PLANNERS)
    if end <= start:
        raise errors.ValidationFailed("the downtime must end after it starts", fields={"end": "before_start"})
    with ctx.uow() as uow:
        replan = Replan(uow, ctx)
        model = replan.model
        if work_center not in {r.id for r in model.resources}:
            raise errors.ValidationFailed("unknown work center", fields={"work_center": "unknown_work_center"})
        down = MachineDown(work_center, _minute_of(start, model.origin), _minute_of(end, model.origin))
        disturbance = {"kind": "machine_down", "work_center": work_center,
                       "start": start.isoformat(timespec="minutes"), "end": end.isoformat(timespec="minutes")}
        run_id = replan.run(uow, ctx, actor, replan.problem(keep=False), [down], time_limit,
                            {"disturbance": disturbance})
        uow.commit()
        return run_view(uow.planning_runs.get(run_id))


def propose_material_late(ctx: Context, actor: Actor, available_from: datetime, order_id: int | None = None,
                          material: str | None = None, time_limit: float = 1.0) -> dict:
    """Material comes late (材料交期延迟): for one order, or for every order waiting on a material (C7)."""
    require_role(actor, PLANNERS)
    if (order_id is None) == (material is None):
        raise errors.ValidationFailed("name the order or the material that is late",
                                      fields={"order_id": "order_or_material"})
    with ctx.uow() as uow:
        replan = Replan(uow, ctx)
        minute = _minute_of(available_from, replan.model.origin)
        if order_id is not None:
            order = load_order(uow, actor, order_id)
            if order_id not in replan.accepted["order_ids"]:
                raise errors.Conflict("the order is not in the accepted plan", code="planning.not_in_plan")
            late = {f"{order.number}/{ln.line_no}": minute for ln in order.lines}
        else:
            product = uow.products.by_code(material)
            if product is None or product.kind != "material":
                raise errors.ValidationFailed("unknown material", fields={"material": "unknown_material"})
            late = replan.late_steps(held={material: minute})
        run_id = material_late_run(uow, ctx, actor, replan, late, time_limit, {
            "kind": "material_late", "order_id": order_id, "material": material,
            "available_from": available_from.isoformat(timespec="minutes")})
        uow.commit()
        return run_view(uow.planning_runs.get(run_id))


def material_late_run(uow, ctx: Context, actor: Actor, replan: Replan, late: Mapping[str, int],
                      time_limit: float, disturbance: dict) -> int:
    """Proposes the repair for work whose material comes late, in the caller's transaction.

    ``late``: a job id (the whole line waits) or a step key (that step and what follows) → minute.
    """
    problem = replan.problem(keep=True)
    disturbances = []
    for key, minute in sorted(late.items()):
        if key in problem.job_by_id:
            disturbances.append(MaterialLate(key, max(minute, problem.job_by_id[key].release)))
            continue
        first = key if key in problem.operation_by_id else f"{key}.1"  # its first lot
        if first in problem.operation_by_id:
            job, k = problem.operation_by_id[first]
            disturbances.append(MaterialLate(job.id, max(minute, job.operations[k].release), operation=first))
    return replan.run(uow, ctx, actor, problem, disturbances, time_limit,
                      {"disturbance": {**disturbance, "jobs": sorted({d.job for d in disturbances}),
                                       "steps": sorted(_step_of(d.operation) for d in disturbances if d.operation)}})


def propose_order_changed(ctx: Context, actor: Actor, order_id: int, time_limit: float = 1.0) -> dict:
    """An approved change (订单变更) is re-planned: the order's lines placed again, others moved as needed (H3, C7)."""
    require_role(actor, PLANNERS)
    with ctx.uow() as uow:
        replan = Replan(uow, ctx)
        order = load_order(uow, actor, order_id)
        if order_id not in replan.accepted["order_ids"] or order.id not in {o.id for o in replan.orders}:
            raise errors.Conflict("the order is not in the accepted plan", code="planning.not_in_plan")
        problem = replan.problem(keep=False)
        own = _jobs_of(order, problem)
        others = Problem(problem.resources, tuple(j for j in problem.jobs if j.id not in own))
        others, current = _current(replan.accepted, others, replan.now, running=replan.running)
        changed = [OrderChanged(_not_before(problem.job(j), replan.now)) for j in sorted(own)]
        run_id = replan.run(uow, ctx, actor, others, changed, time_limit,
                            {"disturbance": {"kind": "order_changed", "order_id": order.id, "order": order.number}},
                            current=current)
        uow.commit()
        return run_view(uow.planning_runs.get(run_id))


def _not_before(job: Job, minute: int) -> Job:
    return Job(job.id, job.operations, max(job.release, minute), job.due, job.weight)


def _insert_lines(problem: Problem, current: Schedule, order: Order, model: PlantModel, time_limit: float,
                  running: Collection[str] = ()) -> dict:
    """Each line of the urgent order in turn; the impact is against the plan before the first.
    ``running``: steps under way, which stay where ``current`` has them."""
    jobs = [j for j in problem.jobs if j.id.startswith(order.number + "/")]
    before, schedule = current, current
    completion = earliest = 0
    for job in jobs:
        partial = Problem(problem.resources, tuple(j for j in problem.jobs if not j.id.startswith(order.number + "/"))
                          + tuple(j for j in jobs if j is job or any(a.job == j.id for a in schedule.assignments)))
        result = insert(partial, schedule, job.id, time_limit / max(1, len(jobs)), started=running)
        schedule = result.schedule
        completion = max(completion, result.urgent_completion)
        earliest = max(earliest, result.earliest_possible)
    return {"schedule": schedule, "impact": compare(problem, before.assignments, schedule.assignments),
            "completion": completion, "earliest": earliest}


def _store(uow, ctx, actor, kind, origin, schedule: Schedule, order_ids, urgent_id, extra, moves) -> int:
    """Records a proposed run in the caller's transaction (the caller commits)."""
    summary = {**schedule.summary(), **{k: v for k, v in extra.items() if k not in ("slipped",)}}
    run_id = uow.planning_runs.add(
        kind=kind, status="proposed", origin=origin, objective=schedule.objective,
        urgent_order_id=urgent_id, order_ids=order_ids, schedule=schedule.to_dict(),
        impact={"slipped": extra.get("slipped", []), "moved": moves}, summary=summary,
        created_by=actor.user_id, created_at=ctx.now())
    audit.record(uow, ctx, actor, "planning_run", run_id, "propose", None,
                 {"kind": kind, "orders": len(order_ids), "urgent_order_id": urgent_id,
                  "value": schedule.value, "slipped": len(extra.get("slipped", [])),
                  "disturbance": extra.get("disturbance")})
    return run_id


def accept(ctx: Context, actor: Actor, run_id: int, version: int | None = None) -> dict:
    """pmc accepts a proposed run: it becomes the plan, its approved orders become planned (C7)."""
    require_role(actor, PLANNERS)
    with ctx.uow() as uow:
        uow.planning_runs.lock_plan()
        run = uow.planning_runs.get(run_id, lock=True)
        if run is None:
            raise errors.NotFound(f"planning run {run_id} not found", code="planning.run_not_found")
        if version is not None and version != run["version"]:
            raise errors.StaleVersion("the run changed; reload it", current_version=run["version"])
        if run["status"] != "proposed":
            raise errors.Conflict(f"the run is {run['status']}, not proposed", code="planning.not_proposed")
        current = uow.planning_runs.accepted()
        based_on = run["summary"].get("based_on")
        if based_on is not None and (current is None or current["id"] != based_on):
            raise errors.Conflict("the plan changed since this what-if; run it again",
                                  code="planning.plan_changed")
        uow.planning_runs.supersede_accepted()
        uow.planning_runs.set_status(run_id, run["version"], status="accepted", accepted_by=actor.user_id,
                                     accepted_at=ctx.now())
        on_floor = []
        for order_id in run["order_ids"]:
            order = uow.orders.get(order_id)
            if order.status == OrderState.APPROVED and actor.role == Role.PMC:
                order.apply("plan", actor)
                uow.flush()
                audit.record(uow, ctx, actor, "order", order.id, "plan", {"status": "approved"},
                             {"status": "planned"}, f"planning run {run_id}")
            elif order.status in ON_FLOOR:
                on_floor.append(order.id)
        _move_tasks(uow, ctx, actor, run, on_floor)
        _tell_slipped_owners(uow, ctx, actor, run)
        audit.record(uow, ctx, actor, "planning_run", run_id, "accept", {"status": "proposed"},
                     {"status": "accepted", "affected_orders": sorted({s["order"] for s in run["impact"]["slipped"]})})
        uow.flush()
        # Imported here: purchase requests place purchase orders through materials, which re-plans.
        from jidan.services.materials import purchase_requests
        raised = purchase_requests.raise_for_plan(uow, ctx, actor, run_id, shortfalls(uow, ctx, run))
        view = run_view(uow.planning_runs.get(run_id))  # as this accept left it, not as a later one did
        uow.commit()
        return view | {"purchase_requests": raised}


def _tell_slipped_owners(uow, ctx: Context, actor: Actor, run: dict) -> None:
    """Each order the accepted plan finishes later is one notice to its owner (专人, else the
    salesperson who took it) with the old and new completion and the due date (C4, C7)."""
    latest: dict[str, dict] = {}
    for slip in run["impact"].get("slipped", []):
        if slip.get("order_id") is None:
            continue
        seen = latest.get(slip["order"])
        if seen is None or slip["new_end"] > seen["new_end"]:
            latest[slip["order"]] = slip | {"old_end": min(slip["old_end"], (seen or slip)["old_end"])}
    for number, slip in sorted(latest.items()):
        late = "，将晚于交期" if slip["newly_late"] or slip["new_end"] > slip["due"] else ""
        notify(uow, ctx.now(), ctx=ctx, kind="plan.slipped", order_id=slip["order_id"],
               users=[slip["owner_id"]] if slip.get("owner_id") else (), exclude=actor,
               ref=f"planning_run:{run['id']}:{number}", critical=bool(late),
               subject=f"订单 {number} 完工推迟{late}"[:200],
               body=(f"排产方案 #{run['id']} 已生效：订单 {number} 预计完工由 {_hm(slip['old_end'])} "
                     f"改为 {_hm(slip['new_end'])}（交期 {_hm(slip['due'])}）。"))


def _hm(value) -> str:
    """A run's stored time (ISO text or datetime) as 'YYYY-MM-DD HH:MM'."""
    return str(value).replace("T", " ")[:16]


def _move_tasks(uow, ctx: Context, actor: Actor, run: dict, order_ids: list[int]) -> None:
    """Tasks not started yet take their work center and times from the plan just accepted, rework
    and replacement tasks among them (F1): what the floor and the records read is the plan in force."""
    placed = {a["operation"]: a for a in run["schedule"]["assignments"]}
    for order_id in order_ids:
        for task in uow.tasks.for_order(order_id):
            a = placed.get(task["operation"])
            if a is None or task["status"] != "planned":
                continue
            new = {"work_center_code": a["resource"], "planned_start": run["origin"] + timedelta(minutes=a["start"]),
                   "planned_end": run["origin"] + timedelta(minutes=a["end"]), "planned_minutes": a["end"] - a["start"]}
            old = {k: task[k] for k in new}
            if old != new:
                uow.tasks.update(task["id"], task["version"], **new)
                audit.record(uow, ctx, actor, "production_task", task["id"], "replan", old, new,
                             f"planning run {run['id']}")


def shortfalls(uow, ctx: Context, run: dict) -> list:
    """What the plan's waiting orders still lack after stock and open purchase orders: one entry
    per material and the day the plan first needs it, with the orders it serves (C6)."""
    from jidan.services.materials.purchase_requests import Shortfall
    model = PlantModel(uow, ctx, run["origin"])
    now = _minute_of(ctx.now(), model.origin)
    orders = {o.id: o for o in _plannable(uow, run["order_ids"])}
    answers = MaterialPlan(uow, model, now).explain(list(orders.values()),
                                                    _first_starts(Schedule.from_dict(run["schedule"]).assignments))
    short: dict[tuple[str, date], tuple[float, set[int]]] = {}
    for order_id, answer in answers.items():
        for need in answer.needs:
            if need.to_purchase > 0:
                key = (need.material, model.day_of(max(now, need.need_by)))
                quantity, ids = short.get(key, (0.0, set()))
                short[key] = (quantity + need.to_purchase, ids | {order_id})
    return [Shortfall(material, Decimal(str(round(quantity, 3))), day, tuple(sorted(ids)),
                      any(orders[i].urgent for i in ids))
            for (material, day), (quantity, ids) in short.items()]


def get_run(ctx: Context, actor: Actor, run_id: int, with_schedule: bool = False) -> dict:
    require_role(actor, VIEWERS)
    with ctx.uow() as uow:
        run = uow.planning_runs.get(run_id)
        if run is None:
            raise errors.NotFound(f"planning run {run_id} not found", code="planning.run_not_found")
        view = run_view(run)
        if with_schedule:
            origin = run["origin"]
            view["assignments"] = [
                {**a, "start_at": (origin + timedelta(minutes=a["start"])).isoformat(timespec="minutes"),
                 "end_at": (origin + timedelta(minutes=a["end"])).isoformat(timespec="minutes")}
                for a in run["schedule"]["assignments"]]
        return view


def chart(ctx: Context, actor: Actor, run_id: int | None = None) -> dict:
    """The plan in force (or one run) as the Gantt draws it: work centers, closed time, operations
    with their orders, and for a what-if what it moves (C2, C4, C7)."""
    require_role(actor, VIEWERS)
    with ctx.uow() as uow:
        run = uow.planning_runs.accepted() if run_id is None else uow.planning_runs.get(run_id)
        if run is None and run_id is not None:
            raise errors.NotFound(f"planning run {run_id} not found", code="planning.run_not_found")
        centers = uow.plant.work_centers()
        if run is None:
            return {"run": None, "origin": ctx.now().replace(second=0, microsecond=0), "operations": [],
                    "work_centers": [{"code": w.code, "name": w.name} for w in centers], "closed": [],
                    "downtime": {}, "orders": [], "now": ctx.now()}
        model = PlantModel(uow, ctx, run["origin"])
        orders = {o.number: o for o in (uow.orders.get(i) for i in run["order_ids"]) if o is not None}
        moved = {m["operation"]: m for m in (run["impact"] or {}).get("moved", [])}
        operations = []
        for a in run["schedule"]["assignments"]:
            number = a["job"].split("/")[0]
            order = orders.get(number)
            operations.append({
                **a, "order": number, "order_id": order.id if order else None,
                "urgent": bool(order and order.urgent), "priority": order.priority if order else "normal",
                "name": _step_name(order, a["operation"]), "start_at": model.at(a["start"]),
                "end_at": model.at(a["end"]), "moved": moved.get(a["operation"])})
        disturbance = (run["summary"] or {}).get("disturbance") or {}
        downtime = {}
        if disturbance.get("kind", "machine_down") == "machine_down" and disturbance.get("work_center"):
            window = tuple(_minute_of(datetime.fromisoformat(disturbance[k]), model.origin) for k in ("start", "end"))
            downtime[disturbance["work_center"]] = [window]
        return {
            "run": run_view(run), "origin": model.origin, "now": ctx.now(), "operations": operations,
            "work_centers": [{"code": w.code, "name": w.name} for w in centers],
            "closed": list(model.closed), "downtime": downtime,
            "orders": sorted(({"id": o.id, "number": o.number, "urgent": o.urgent, "priority": o.priority,
                               "customer": o.customer.name,
                               "due": (o.promised_date or o.requested_date).isoformat()} for o in orders.values()),
                             key=lambda o: (not o["urgent"], o["number"])),
        }


#: Rework (RW) and replacement (RP) jobs of a failed inspection, as their tasks name them (F1, F2).
_REDO = {"RW": "返工", "RP": "补产"}


def _step_name(order: Order | None, operation: str) -> str:
    """The routing step's name of an operation id such as SO-1/1-20.2 (or SO-1/1-RW7-20 for rework)."""
    match = re.search(r"/(\d+)(?:-(RW|RP)\d+)?-(\d+)(?:\.\d+)?$", operation)
    if order is None or match is None:
        return ""
    line_no, redo, seq = int(match.group(1)), match.group(2), int(match.group(3))
    for line in order.lines:
        if line.line_no == line_no:
            name = next((s.name for s in line.product.routing if s.seq == seq), "")
            return f"{_REDO[redo]} {name}" if redo and name else name
    return ""


def recent_runs(ctx: Context, actor: Actor, limit: int = 15) -> list[dict]:
    """The latest runs, newest first, for the planning page."""
    require_role(actor, VIEWERS)
    with ctx.uow() as uow:
        return [{**r, "origin": r["origin"].isoformat(timespec="minutes"),
                 "created_at": r["created_at"].isoformat(timespec="minutes")}
                for r in uow.run_history.recent(limit)]


def order_id_of(ctx: Context, actor: Actor, number: str) -> int | None:
    """The id of the order with this number, if the actor may see it (for forms that take numbers)."""
    with ctx.uow() as uow:
        order = uow.orders.by_number(number)
        if order is None:
            return None
        return load_order(uow, actor, order.id).id


def in_accepted_plan(uow, order_id: int) -> bool:
    accepted = uow.planning_runs.accepted()
    return accepted is not None and order_id in accepted["order_ids"]


def order_in_accepted_plan(uow, order: Order) -> bool:
    """The fact release's guard reads (D1): the accepted plan includes the order."""
    return in_accepted_plan(uow, order.id)


def promise(ctx: Context, actor: Actor, order_id: int, time_limit: float = 1.0) -> dict:
    """First assessment (A5, B2, C5, C6): earliest date without moving anyone, with insertion, levers, materials."""
    require_role(actor, VIEWERS)
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        accepted = uow.planning_runs.accepted()
        origin = accepted["origin"] if accepted else ctx.now().replace(second=0, microsecond=0)
        model = PlantModel(uow, ctx, origin)
        planned = _plannable(uow, accepted["order_ids"]) if accepted else []
        planned = [o for o in planned if o.id != order.id]
        now = _minute_of(ctx.now(), origin)
        plan = _plan_of(accepted)
        materials = MaterialPlan(uow, model, now).explain(planned, _first_starts(plan.assignments), last=order)
        mine = materials[order.id]
        jobs = order_jobs(order, origin, model.groups, model.shift_minutes, now, mine.ready)
        if not jobs:
            raise errors.ValidationFailed("the order's products have no routing", code="planning.no_routing",
                                          fields={"lines": "no_routing"})
        floor_tasks = model.floor_tasks(planned)
        running = model.running(floor_tasks)
        problem = model.problem(planned, releases=_releases(materials, plan, now, keep=True), plan=plan,
                                floor_tasks=floor_tasks)
        problem, current = _current(accepted, problem, now, running=running)
        loaded = LoadedPlan(problem, current)
        gap = [loaded.earliest_completion(j) for j in jobs]
        without = max(p.completion for p in gap)
        inserted = _insert_lines(Problem(problem.resources, problem.jobs + tuple(jobs)), current, order, model,
                                 time_limit, running)
        # Insertion was computed above for all lines; the levers add the other ways.
        levers = [o.to_dict() | {"completion": model.at(o.completion)}
                  for o in options(problem, current, jobs[0], with_insertion=False)] if len(jobs) == 1 else []
        bottleneck = max((a for p in gap for a in p.assignments), key=lambda a: a.end).resource
        return {
            "order": order.number, "requested_date": order.requested_date.isoformat(),
            "due": model.at(jobs[0].due),
            "without_moving": {"completion": model.at(without), "on_time": without <= jobs[0].due},
            "with_insertion": {"completion": model.at(inserted["completion"]),
                               "on_time": inserted["completion"] <= jobs[0].due,
                               "moved": len(inserted["impact"].moved),
                               "slipped": _slips(model, inserted["impact"], {o.number: o for o in planned})},
            "bottleneck": bottleneck, "levers": levers,
            "material": materials_view(model, mine, now),
        }


def order_plan(ctx: Context, actor: Actor, order_id: int) -> dict:
    """The order in the plan in force (planned start and end) and, while it is open, its promise."""
    require_role(actor, VIEWERS)
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        accepted = uow.planning_runs.accepted()
        view = {"order_id": order.id, "order": order.number, "urgent": order.urgent, "in_plan": False,
                "run_id": accepted["id"] if accepted else None, "planned_start": None, "planned_end": None,
                "promise": None}
        if accepted and order.id in accepted["order_ids"]:
            mine = [a for a in accepted["schedule"]["assignments"] if a["job"].split("/")[0] == order.number]
            if mine:
                origin = accepted["origin"]
                view.update(in_plan=True, planned_start=_at(origin, min(a["start"] for a in mine)),
                            planned_end=_at(origin, max(a["end"] for a in mine)))
        promisable = OrderState(order.status) in PROMISABLE and any(ln.product.routing for ln in order.lines)
    if promisable:
        view["promise"] = promise(ctx, actor, order_id, time_limit=0)
    return view


def load(ctx: Context, actor: Actor, days: int = 10) -> dict:
    """Booked and free minutes per work center and day in the accepted plan; the bottleneck (C2)."""
    require_role(actor, VIEWERS)
    with ctx.uow() as uow:
        accepted = uow.planning_runs.accepted()
        origin = ctx.now().replace(hour=0, minute=0, second=0, microsecond=0)
        model = PlantModel(uow, ctx, origin)
        closed = model.resources[0].unavailable if model.resources else ()
        shift = int((accepted["origin"] - origin).total_seconds() // 60) if accepted else 0
        booked: dict[tuple[str, int], int] = {}
        for a in (accepted["schedule"]["assignments"] if accepted else []):
            start, end = a["start"] + shift, a["end"] + shift
            for d in range(max(0, start // 1440), min(days, (end - 1) // 1440 + 1)):
                overlap = min(end, (d + 1) * 1440) - max(start, d * 1440)
                booked[(a["resource"], d)] = booked.get((a["resource"], d), 0) + max(0, overlap)
        capacity = [1440 - sum(max(0, min(e, (d + 1) * 1440) - max(s, d * 1440)) for s, e in closed)
                    for d in range(days)]
        rows = []
        for r in model.resources:
            cells = [{"day": (origin + timedelta(days=d)).date().isoformat(), "capacity": capacity[d],
                      "booked": booked.get((r.id, d), 0),
                      "free": max(0, capacity[d] - booked.get((r.id, d), 0))} for d in range(days)]
            total_cap = sum(capacity) or 1
            rows.append({"work_center": r.id, "days": cells,
                         "utilisation": round(sum(c["booked"] for c in cells) / total_cap, 3)})
        bottleneck = max(rows, key=lambda r: r["utilisation"])["work_center"] if rows else None
        return {"run_id": accepted["id"] if accepted else None, "bottleneck": bottleneck, "work_centers": rows}


def _plan_of(accepted: dict | None) -> Schedule:
    if accepted is None:
        return Schedule("feasible", "weighted-tardiness", 0, 0, ())
    return Schedule.from_dict(accepted["schedule"])


def _jobs_of(order: Order, problem: Problem) -> set[str]:
    return {j.id for j in problem.jobs if j.id.startswith(order.number + "/")}


def _current(accepted: dict | None, problem: Problem, now: int = 0, skip: set[str] = frozenset(),
             running: Collection[str] = ()) -> tuple[Problem, Schedule]:
    """The accepted plan as a valid plan of ``problem``: the open work it holds, nothing else.

    Finished orders and finished steps drop out. Kept work is pushed later only where the problem no longer allows
    it (a day closed since, material later); a line the plan no longer matches (the order changed
    since) or lacks is placed again after now. Jobs in ``skip`` are left for the caller to place.
    Steps ``running`` on the floor ahead of the plan go on now, before what the plan had next on
    their machine (`bring_forward`); the problem comes back with those machines held until then.
    """
    plan = _plan_of(accepted)
    by_job: dict[str, dict[str, Assignment]] = {}
    for a in plan.assignments:
        by_job.setdefault(a.job, {})[a.operation] = a
    kept, missing = [], []
    for job in problem.jobs:
        if job.id in skip:
            continue
        got = by_job.get(job.id, {})
        if all(op.id in got and got[op.id].end - got[op.id].start == op.duration
               and got[op.id].resource in op.resources for op in job.operations):
            kept += [got[op.id] for op in job.operations]  # steps finished since are not in the job
        else:
            missing.append(job)
    timeline = timeline_with(problem, ())
    assignments = right_shift(problem, timeline, kept, {}, keep_order=False, reroute=True)
    for job in missing:
        assignments += place_job(timeline, job, now)
    problem, assignments = bring_forward(problem, assignments, running, now)
    return problem, Schedule(plan.status, plan.objective, plan.value, plan.lower_bound,
                             tuple(sorted(assignments, key=lambda a: (a.start, a.operation))), plan.seconds)


def _accepted(uow) -> dict:
    accepted = uow.planning_runs.accepted()
    if accepted is None:
        raise errors.Conflict("there is no accepted plan yet; run a full plan first", code="planning.no_plan")
    return accepted
