"""Planning wired to the plant (B2, C1–C7): the database becomes a problem, the planner answers.

Times inside a run are minutes after the run's origin (its minute 0). An insertion re-uses the
accepted plan's origin, so "operations that started before now stay put" is simply the planner's
frozen part: everything starting before the urgent order's release (= now).
"""
from __future__ import annotations

import math
import re
from datetime import datetime, timedelta

from jidan.adapters.db.repositories import OrderFilter
from jidan.domain import errors
from jidan.domain.calendar import WorkCalendar
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.roles import Role
from jidan.domain.states import OrderState
from jidan.planning.insert import insert
from jidan.planning.levers import options
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.promise import LoadedPlan
from jidan.planning.repair import MachineDown, repair
from jidan.planning.result import Assignment, Schedule, impact as compare
from jidan.planning.solve import solve
from jidan.services import audit
from jidan.services.calendar import effective_calendar
from jidan.services.context import Context
from jidan.services.permissions import load_order, require_role

PLANNED_STATES = (OrderState.APPROVED, OrderState.PLANNED, OrderState.RELEASED,
                  OrderState.IN_PRODUCTION, OrderState.ON_HOLD)
WEIGHT = {"key": 10, "urgent": 5, "normal": 1}
PLANNERS = {Role.PMC, Role.ADMIN}
VIEWERS = {Role.PMC, Role.ADMIN, Role.MANAGEMENT, Role.SALES, Role.MANUFACTURING, Role.PURCHASING,
           Role.FINANCE, Role.CUSTOMER_SERVICE}


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


def order_jobs(order: Order, origin: datetime, groups: dict[str, list[str]], shift_minutes: int,
               release: int = 0) -> list[Job]:
    """One job per order line: its routing, the due date's end of day, weight by priority."""
    due_day = order.promised_date or order.requested_date
    due = int((datetime.combine(due_day + timedelta(days=1), datetime.min.time()) - origin).total_seconds() // 60)
    jobs = []
    for line in order.lines:
        ops = []
        for step in line.product.routing:
            minutes = step.setup_minutes + math.ceil(step.minutes_per_unit * line.quantity)
            lots = _chunks(minutes, shift_minutes)
            resources = tuple(groups.get(_group(step.work_center_code), [step.work_center_code]))
            for k, duration in enumerate(lots, start=1):
                suffix = f".{k}" if len(lots) > 1 else ""
                ops.append(Operation(f"{order.number}/{line.line_no}-{step.seq}{suffix}", duration, resources))
        if ops:
            jobs.append(Job(f"{order.number}/{line.line_no}", tuple(ops), release, due, WEIGHT[order.priority]))
    return jobs


class PlantModel:
    """Resources and their working windows for one origin; builds jobs for orders."""

    def __init__(self, uow, ctx: Context, origin: datetime):
        self.origin = origin
        centers = [w.code for w in uow.plant.work_centers()]
        self.groups: dict[str, list[str]] = {}
        for code in centers:
            self.groups.setdefault(_group(code), []).append(code)
        closed = closed_windows(effective_calendar(uow, ctx), origin, ctx.horizon_days, ctx.shifts)
        self.resources = tuple(Resource(code, closed) for code in centers)
        self.shift_minutes = min(end - start for start, end in ctx.shifts)

    def problem(self, orders: list[Order], release: dict[int, int] | None = None) -> Problem:
        release = release or {}
        jobs = [j for o in orders
                for j in order_jobs(o, self.origin, self.groups, self.shift_minutes, release.get(o.id, 0))]
        return Problem(self.resources, tuple(jobs))

    def at(self, minute: int) -> str:
        return (self.origin + timedelta(minutes=minute)).isoformat(timespec="minutes")


def _minute_of(now: datetime, origin: datetime) -> int:
    return max(0, int((now - origin).total_seconds() // 60))


def _plannable(uow, ids: list[int] | None = None) -> list[Order]:
    found = []
    for state in PLANNED_STATES:
        found += uow.orders.list(OrderFilter(status=state.value, limit=100_000))[0]
    return [o for o in found if ids is None or o.id in ids]


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


def run_view(run: dict) -> dict:
    view = {k: run[k] for k in ("id", "kind", "status", "objective", "urgent_order_id", "order_ids",
                                "summary", "impact", "created_by", "accepted_by", "version")}
    view["origin"] = run["origin"].isoformat(timespec="minutes")
    view["created_at"] = run["created_at"].isoformat(timespec="seconds")
    view["accepted_at"] = run["accepted_at"].isoformat(timespec="seconds") if run["accepted_at"] else None
    return view


# ---------------------------------------------------------------- use cases
def propose_full(ctx: Context, actor: Actor, time_limit: float = 5.0) -> dict:
    """Plans all approved, open work from now (C3); proposed until pmc accepts it."""
    require_role(actor, PLANNERS)
    with ctx.uow() as uow:
        origin = ctx.now().replace(second=0, microsecond=0)
        model = PlantModel(uow, ctx, origin)
        orders = _plannable(uow)
        problem = model.problem(orders)
        schedule = solve(problem, "weighted-tardiness", time_limit, workers=2)
        previous = uow.planning_runs.accepted()
        slips = []
        if previous:
            shift = int((previous["origin"] - origin).total_seconds() // 60)
            old = [Assignment(a["job"], a["operation"], a["resource"], a["start"] + shift, a["end"] + shift)
                   for a in previous["schedule"]["assignments"]]
            slips = _slips(model, compare(problem, old, schedule.assignments), {o.number: o for o in orders})
        return _store(uow, ctx, actor, "full", origin, schedule, [o.id for o in orders], None,
                      {"slipped": slips, "moved": None})


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
        problem = model.problem(orders + [urgent], {urgent.id: now})
        current = _current(accepted, problem)
        result = _insert_lines(problem, current, urgent, model, time_limit)
        numbers = {o.number: o for o in orders}
        extra = {"slipped": _slips(model, result["impact"], numbers), "moved": len(result["impact"].moved),
                 "urgent_completion": model.at(result["completion"]),
                 "earliest_possible": model.at(result["earliest"]),
                 "based_on": accepted["id"]}
        return _store(uow, ctx, actor, "insert", model.origin, result["schedule"],
                      [o.id for o in orders] + [urgent.id], urgent.id, extra)


def propose_repair(ctx: Context, actor: Actor, work_center: str, start: datetime, end: datetime,
                   time_limit: float = 2.0) -> dict:
    """A machine is down: one call re-plans around it and shows who slips, until pmc accepts (C7, E5)."""
    require_role(actor, PLANNERS)
    if end <= start:
        raise errors.ValidationFailed("the downtime must end after it starts", fields={"end": "before_start"})
    with ctx.uow() as uow:
        accepted = _accepted(uow)
        model = PlantModel(uow, ctx, accepted["origin"])
        if work_center not in {r.id for r in model.resources}:
            raise errors.ValidationFailed("unknown work center", fields={"work_center": "unknown_work_center"})
        orders = _plannable(uow, accepted["order_ids"])
        problem = model.problem(orders)
        down = MachineDown(work_center, _minute_of(start, model.origin), _minute_of(end, model.origin))
        result = repair(problem, _current(accepted, problem), down, now=_minute_of(ctx.now(), model.origin),
                        time_limit=time_limit)
        extra = {"slipped": _slips(model, result.impact, {o.number: o for o in orders}),
                 "moved": len(result.impact.moved), "based_on": accepted["id"],
                 "disturbance": {"work_center": work_center, "start": start.isoformat(timespec="minutes"),
                                 "end": end.isoformat(timespec="minutes")}}
        return _store(uow, ctx, actor, "repair", model.origin, result.schedule, [o.id for o in orders], None,
                      extra)


def _insert_lines(problem: Problem, current: Schedule, order: Order, model: PlantModel, time_limit: float) -> dict:
    """Each line of the urgent order in turn; the impact is against the plan before the first."""
    jobs = [j for j in problem.jobs if j.id.startswith(order.number + "/")]
    before, schedule = current, current
    completion = earliest = 0
    for job in jobs:
        partial = Problem(problem.resources, tuple(j for j in problem.jobs if not j.id.startswith(order.number + "/"))
                          + tuple(j for j in jobs if j is job or any(a.job == j.id for a in schedule.assignments)))
        result = insert(partial, schedule, job.id, time_limit / max(1, len(jobs)))
        schedule = result.schedule
        completion = max(completion, result.urgent_completion)
        earliest = max(earliest, result.earliest_possible)
    return {"schedule": schedule, "impact": compare(problem, before.assignments, schedule.assignments),
            "completion": completion, "earliest": earliest}


def _store(uow, ctx, actor, kind, origin, schedule: Schedule, order_ids, urgent_id, extra) -> dict:
    summary = {**schedule.summary(), **{k: v for k, v in extra.items() if k not in ("slipped",)}}
    run_id = uow.planning_runs.add(
        kind=kind, status="proposed", origin=origin, objective=schedule.objective,
        urgent_order_id=urgent_id, order_ids=order_ids, schedule=schedule.to_dict(),
        impact={"slipped": extra.get("slipped", [])}, summary=summary,
        created_by=actor.user_id, created_at=ctx.now())
    audit.record(uow, ctx, actor, "planning_run", run_id, "propose", None,
                 {"kind": kind, "orders": len(order_ids), "urgent_order_id": urgent_id,
                  "value": schedule.value, "slipped": len(extra.get("slipped", []))})
    uow.commit()
    return run_view(uow.planning_runs.get(run_id))


def accept(ctx: Context, actor: Actor, run_id: int, version: int | None = None) -> dict:
    """pmc accepts a proposed run: it becomes the plan, its approved orders become planned (C7)."""
    require_role(actor, PLANNERS)
    with ctx.uow() as uow:
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
        for order_id in run["order_ids"]:
            order = uow.orders.get(order_id)
            if order.status == OrderState.APPROVED and actor.role == Role.PMC:
                order.apply("plan", actor)
                uow.flush()
                audit.record(uow, ctx, actor, "order", order.id, "plan", {"status": "approved"},
                             {"status": "planned"}, f"planning run {run_id}")
        audit.record(uow, ctx, actor, "planning_run", run_id, "accept", {"status": "proposed"},
                     {"status": "accepted", "affected_orders": sorted({s["order"] for s in run["impact"]["slipped"]})})
        uow.commit()
        return run_view(uow.planning_runs.get(run_id))


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


def in_accepted_plan(uow, order_id: int) -> bool:
    accepted = uow.planning_runs.accepted()
    return accepted is not None and order_id in accepted["order_ids"]


def check_release(uow, ctx, actor, order, reason) -> None:
    """Release needs an accepted plan that includes the order (D1)."""
    if not in_accepted_plan(uow, order.id):
        raise errors.Conflict("the order is not in the accepted plan; plan it first",
                              code="order.not_in_accepted_plan")


def promise(ctx: Context, actor: Actor, order_id: int, time_limit: float = 1.0) -> dict:
    """First assessment (A5, B2, C5): earliest date without moving anyone, with insertion, levers."""
    require_role(actor, VIEWERS)
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        accepted = uow.planning_runs.accepted()
        origin = accepted["origin"] if accepted else ctx.now().replace(second=0, microsecond=0)
        model = PlantModel(uow, ctx, origin)
        planned = _plannable(uow, accepted["order_ids"]) if accepted else []
        planned = [o for o in planned if o.id != order.id]
        now = _minute_of(ctx.now(), origin)
        jobs = order_jobs(order, origin, model.groups, model.shift_minutes, now)
        if not jobs:
            raise errors.ValidationFailed("the order's products have no routing", code="planning.no_routing",
                                          fields={"lines": "no_routing"})
        problem = model.problem(planned)
        current = _current(accepted, problem)
        loaded = LoadedPlan(problem, current)
        gap = [loaded.earliest_completion(j) for j in jobs]
        without = max(p.completion for p in gap)
        inserted = _insert_lines(Problem(problem.resources, problem.jobs + tuple(jobs)), current, order, model,
                                 time_limit)
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
        }


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


def _current(accepted: dict | None, problem: Problem) -> Schedule:
    """The accepted plan's operations that are still open work (finished orders drop out)."""
    if accepted is None:
        return Schedule("feasible", "weighted-tardiness", 0, 0, ())
    plan = Schedule.from_dict(accepted["schedule"])
    ops = set(problem.operation_by_id)
    return Schedule(plan.status, plan.objective, plan.value, plan.lower_bound,
                    tuple(a for a in plan.assignments if a.operation in ops), plan.seconds)


def _accepted(uow) -> dict:
    accepted = uow.planning_runs.accepted()
    if accepted is None:
        raise errors.Conflict("there is no accepted plan yet; run a full plan first", code="planning.no_plan")
    return accepted
