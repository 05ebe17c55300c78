"""Planning runs (C3, C4, C7): propose a full plan, an insertion or a repair, and accept one.

A run is proposed until pmc accepts it; accepting makes it the plan in force, plans its approved
orders, moves their tasks not yet started, tells the owners of orders it finishes later and
raises purchase requests for what its orders still lack (C6). Insertion leaves other orders where
the plan has them; re-planning after a disturbance (machine down, material late, order changed)
moves them. Each proposal reads, then solves with no transaction open (in a worker process),
then stores itself (`bounds.solve_outside`): each ``read(uow)`` returns the solve.
"""
from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from jidan.domain import errors
from jidan.domain.execution import Task, TaskState, TaskTiming, continued_as, continued_from, unfinished_quantity
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.planning_run import PLANNERS, PlanningRun
from jidan.domain.roles import Role
from jidan.domain.states import ON_FLOOR, OrderState
from jidan.planning.insert import insert
from jidan.planning.problem import Job, Problem
from jidan.planning.repair import MachineDown, MaterialLate, OrderChanged, repair
from jidan.planning.result import Assignment, Schedule, impact as compare
from jidan.planning.shift import under_way
from jidan.planning.solve import solve
from jidan.services import audit
from jidan.services.context import Context, inline
from jidan.services.materials.material_plan import MaterialPlan
from jidan.services.materials.purchase_requests import Shortfall, raise_for_plan
from jidan.services.notices.notify import notify
from jidan.services.notices.answers import answer as answer_notices
from jidan.services.permissions import load_order, require_role
from jidan.services.planning.bounds import Budget, follow_up, solve_outside
from jidan.services.planning.in_force import (
    accepted_run, current_plan, first_starts, jobs_of, plan_of, step_releases, step_starts,
)
from jidan.services.planning.plant import (PlantModel, beyond_horizon, lot_minutes, plan_minute, plannable,
                                           planned_minutes, step_of, with_lot_minutes)
from jidan.services.planning.views import moved_view, run_view, slipped_view


def propose_full(ctx: Context, actor: Actor, time_limit: float = 5.0) -> dict:
    """Plans all approved, open work from now (C3); proposed until pmc accepts it. Steps the
    floor is working on go on first on their work center: no plan stops a running machine."""
    require_role(actor, PLANNERS)
    budget = Budget(time_limit)

    def read(uow):
        origin = ctx.now().replace(second=0, microsecond=0)
        model = PlantModel(uow, ctx, origin)
        orders, beyond = within_horizon(plannable(uow), model)
        previous = uow.planning_runs.accepted()
        old = []
        if previous:
            shift = int((previous.origin - origin).total_seconds() // 60)
            old = [Assignment(a["job"], a["operation"], a["resource"], a["start"] + shift, a["end"] + shift)
                   for a in previous.schedule["assignments"]]
        materials = MaterialPlan(uow, model, 0).explain(orders, {j: max(0, s) for j, s in first_starts(old).items()})
        floor_tasks = model.floor_tasks(orders)

        def plan() -> Proposal:  # what was read is all it needs: the problem is built here, unlocked
            problem, under_way_now = under_way(
                model.problem(orders, releases=step_releases(materials, None, 0, keep=False), floor_tasks=floor_tasks),
                model.running(floor_tasks))
            schedule = ctx.offload(solve, problem, "weighted-tardiness", budget.left(), workers=2,
                                   frozen=under_way_now)
            slips, moves = [], []
            if previous:
                imp = compare(problem, old, schedule.assignments)
                slips, moves = slipped_view(model, imp, {o.number: o for o in orders}), moved_view(model, imp)
            extra = {"slipped": slips, "moved": len(moves), "compared_with": previous.id if previous else None,
                     **beyond}
            return Proposal("full", origin, schedule, [o.id for o in orders], None, extra, moves, lot_minutes(problem))
        return plan

    return _propose(ctx, actor, read)


def propose_insertion(ctx: Context, actor: Actor, order_id: int, time_limit: float = 5.0) -> dict:
    """Inserts an urgent order into the accepted plan, moving others as little as possible (C4)."""
    require_role(actor, PLANNERS)
    return _propose(ctx, actor, _insertion(ctx, actor, order_id, Budget(time_limit)))


def _insertion(ctx: Context, actor: Actor, order_id: int, budget: Budget):
    """The insertion's read: given a unit of work, what it needs, and the solve that uses it."""
    def read(uow):
        accepted = accepted_run(uow)
        urgent = load_order(uow, actor, order_id)
        if order_id in accepted.order_ids:
            raise errors.Conflict("the order is already in the accepted plan", code="planning.already_planned")
        model = PlantModel(uow, ctx, accepted.origin)
        orders, beyond = within_horizon(plannable(uow, accepted.order_ids), model)
        now = plan_minute(ctx.now(), model.origin)
        plan = plan_of(accepted)
        materials = MaterialPlan(uow, model, now).explain(orders, first_starts(plan.assignments), last=urgent)
        floor_tasks = model.floor_tasks(orders + [urgent])
        running = model.running(floor_tasks)

        def insertion() -> Proposal:  # what was read is all it needs: the problem is built here, unlocked
            problem = model.problem(orders + [urgent], {urgent.id: now},
                                    step_releases(materials, plan, now, keep=True), plan, floor_tasks)
            problem, current = current_plan(accepted, problem, now, skip=jobs_of(urgent, problem), running=running)
            result = insert_lines(problem, current, urgent, model, budget.left(), running, ctx.offload,
                                  deadline=budget.deadline)
            numbers = {o.number: o for o in orders}
            extra = {"slipped": slipped_view(model, result["impact"], numbers), "moved": len(result["impact"].moved),
                     "urgent_completion": model.at(result["completion"]),
                     "earliest_possible": model.at(result["earliest"]),
                     "material_ready": model.at(max(now, materials[urgent.id].ready_at)),
                     "based_on": accepted.id, **beyond, **({"traded": result["traded"]} if result["traded"] else {})}
            return Proposal("insert", model.origin, result["schedule"], [o.id for o in orders] + [urgent.id],
                            urgent.id, extra, moved_view(model, result["impact"]), lot_minutes(problem))
        return insertion

    return read


@dataclass(frozen=True)
class Proposal:
    """A solved run before it is stored: what `store` records."""

    kind: str
    origin: datetime
    schedule: Schedule
    order_ids: list[int]
    urgent_id: int | None
    extra: dict
    moves: list[dict]
    lots: Mapping[str, int] = field(default_factory=dict)
    """The working minutes of its lots that pause over closed hours (`lot_minutes`): their
    spans are longer, and the floor's tasks must not take the nights for work."""


def _propose(ctx: Context, actor: Actor, read) -> dict:
    """Reads, solves outside any transaction, then stores the proposal with its audit row."""
    def write(uow, proposal: Proposal) -> dict:
        return run_view(uow.planning_runs.get(store(uow, ctx, actor, proposal)))
    return solve_outside(ctx, read, write)


def within_horizon(orders: list[Order], model: PlantModel) -> tuple[list[Order], dict]:
    """The orders a plan can hold, and the numbers of those left out because a step of theirs is
    more work than the horizon holds (`beyond_horizon`): the run's summary names them."""
    beyond = [o.number for o in orders if beyond_horizon(o, model.shift_minutes)]
    return [o for o in orders if o.number not in beyond], {"beyond_horizon": beyond} if beyond else {}


def insertion_read(ctx: Context, actor: Actor, order_id: int, time_limit: float):
    """The insertion of the order as a read for `proposed_after` (a decision that adds capacity)."""
    return _insertion(ctx, actor, order_id, Budget(time_limit))


def proposed_after(ctx: Context, actor: Actor, read, then: Callable[[Any, int], None]) -> int:
    """The proposal an act asks for once the act is committed (`bounds.follow_up`): stored, with
    what ``then(uow, run_id)`` writes, in one short transaction; the run's id."""
    def write(uow, proposal: Proposal) -> int:
        run_id = store(uow, ctx, actor, proposal)
        then(uow, run_id)
        return run_id
    return follow_up(ctx, read, write)


class Replan:
    """What every repair needs: the accepted plan, the plant at its origin, its orders, now.

    Built while a unit of work is open (it reads); `repaired` then needs none."""

    def __init__(self, uow, ctx: Context, accepted: PlanningRun | None = None):
        self.uow, self.offload = uow, ctx.offload
        self.accepted = accepted or accepted_run(uow)
        self.model = PlantModel(uow, ctx, self.accepted.origin)
        self.orders, self.beyond = within_horizon(plannable(uow, self.accepted.order_ids), self.model)
        self.now = plan_minute(ctx.now(), self.model.origin)
        self.plan = plan_of(self.accepted)
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
        """The plan's orders with their material releases (``keep``: see `step_releases`)."""
        answers = self.materials.explain(self.orders, first_starts(self.plan.assignments))
        return self.model.problem(self.orders, releases=step_releases(answers, self.plan, self.now, keep),
                                  plan=self.plan, floor_tasks=self.floor_tasks)

    def late_steps(self, held: Mapping[str, int] | None = None) -> dict[str, int]:
        """Routing steps not yet started whose materials are ready only after the plan starts them.

        ``held``: material → minute before which none of its open purchase orders arrives (a what-if).
        """
        starts = step_starts(self.plan.assignments)
        answers = self.materials.explain(self.orders, first_starts(self.plan.assignments), late=held)
        return {step: ready for a in answers.values() for step, ready in a.ready.items()
                if step in starts and starts[step] >= self.now and ready > starts[step]}

    def repaired(self, problem: Problem, disturbances, time_limit: float, extra: dict,
                 current: Schedule | None = None) -> Proposal:
        """Applies the disturbances one after the other, the last one with the time limit; steps
        under way stay where the floor has them (see `current_plan`), which ``current`` must respect.
        Reads nothing: called with no unit of work open."""
        if current is None:
            problem, current = current_plan(self.accepted, problem, self.now, running=self.running)
        schedule = current  # each disturbance repairs the plan the one before left
        for k, disturbance in enumerate(disturbances):
            last = k == len(disturbances) - 1
            if isinstance(disturbance, OrderChanged):
                problem = problem.with_job(disturbance.job)
            result = self.offload(repair, problem, schedule, disturbance, now=self.now,
                                  time_limit=time_limit if last else 0, started=self.running, reference=current)
            problem, schedule = result.problem, result.schedule
        imp = compare(problem, self.plan.assignments, schedule.assignments)
        extra = {"slipped": slipped_view(self.model, imp, {o.number: o for o in self.orders}), "moved": len(imp.moved),
                 "based_on": self.accepted.id, **self.beyond, **extra}
        return Proposal("repair", self.model.origin, schedule, [o.id for o in self.orders], None, extra,
                        moved_view(self.model, imp), lot_minutes(problem))



def propose_repair(ctx: Context, actor: Actor, work_center: str, start: datetime, end: datetime,
                   time_limit: float = 2.0) -> dict:
    """A machine is down: one call re-plans around it and shows who slips, until pmc accepts (C7, E5).
    Steps started on it go on elsewhere as their unfinished parts, named in the disturbance."""
    require_role(actor, PLANNERS)
    if end <= start:
        raise errors.ValidationFailed("the downtime must end after it starts", fields={"end": "before_start"})
    budget = Budget(time_limit)

    def read(uow):
        replan = Replan(uow, ctx)
        model = replan.model
        if work_center not in {r.id for r in model.resources}:
            raise errors.ValidationFailed("unknown work center", fields={"work_center": "unknown_work_center"})
        down = MachineDown(work_center, plan_minute(start, model.origin), plan_minute(end, model.origin))
        problem = replan.problem(keep=False)
        planned = {a.operation for a in replan.plan.assignments}
        disturbance = {"kind": "machine_down", "work_center": work_center,
                       "start": start.isoformat(timespec="minutes"), "end": end.isoformat(timespec="minutes"),
                       "continued_elsewhere": sorted(op for op in problem.operation_by_id
                                                     if continued_from(op) and op not in planned)}
        return lambda: replan.repaired(problem, [down], budget.left(), {"disturbance": disturbance})

    return _propose(ctx, actor, read)


def propose_material_late(ctx: Context, actor: Actor, available_from: datetime, order_id: int | None = None,
                          material: str | None = None, time_limit: float = 1.0) -> dict:
    """Material comes late (材料交期延迟): for one order, or for every order waiting on a material (C7)."""
    require_role(actor, PLANNERS)
    if (order_id is None) == (material is None):
        raise errors.ValidationFailed("name the order or the material that is late",
                                      fields={"order_id": "order_or_material"})
    budget = Budget(time_limit)

    def read(uow):
        replan = Replan(uow, ctx)
        minute = plan_minute(available_from, replan.model.origin)
        if order_id is not None:
            order = load_order(uow, actor, order_id)
            if order_id not in replan.accepted.order_ids:
                raise errors.Conflict("the order is not in the accepted plan", code="planning.not_in_plan")
            late = {f"{order.number}/{ln.line_no}": minute for ln in order.lines}
        else:
            product = uow.products.by_code(material)
            if product is None or product.kind != "material":
                raise errors.ValidationFailed("unknown material", fields={"material": "unknown_material"})
            late = replan.late_steps(held={material: minute})
        repaired = material_late_repair(replan, late, {
            "kind": "material_late", "order_id": order_id, "material": material,
            "available_from": available_from.isoformat(timespec="minutes")})
        return lambda: repaired(budget.left())

    return _propose(ctx, actor, read)


def material_late_repair(replan: Replan, late: Mapping[str, int],
                         disturbance: dict) -> Callable[[float], Proposal]:
    """Reads the problem of work whose material comes late; returns its repair, a function of the
    time limit that reads nothing.

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
    extra = {"disturbance": {**disturbance, "jobs": sorted({d.job for d in disturbances}),
                             "steps": sorted(step_of(d.operation) for d in disturbances if d.operation)}}
    return lambda time_limit: replan.repaired(problem, disturbances, time_limit, extra)


def repair_after_material_change(uow, ctx: Context, actor: Actor, change: Callable[[], None],
                                 time_limit: float, disturbance: dict):
    """Makes a material change (a purchase order's later date) in the caller's transaction (C6, C7):
    the orders affected, and the repair of the steps it makes late (None: none), which the caller
    runs once it committed: ``repair(then)`` proposes it (`proposed_after`) and answers its id."""
    replan = Replan.start(uow, ctx)
    before = replan.late_steps() if replan else {}
    change()
    if replan is None:
        return [], None
    replan.refresh_materials()
    late = {step: ready for step, ready in replan.late_steps().items() if ready > before.get(step, -1)}
    if not late:
        return [], None
    numbers = {job.split("/")[0] for job in late}
    origin = replan.model.origin  # when: a plan accepted before the repair reads has another origin
    late_at = {step: origin + timedelta(minutes=ready) for step, ready in late.items()}

    def repair(then: Callable[[Any, int], None]) -> int:
        budget = Budget(time_limit)

        def read(uow):
            again = Replan(uow, ctx)
            repaired = material_late_repair(again, {step: plan_minute(at, again.model.origin)
                                                    for step, at in late_at.items()}, disturbance)
            return lambda: repaired(budget.left())
        return proposed_after(ctx, actor, read, then)
    return [o for o in replan.orders if o.number in numbers], repair


def propose_order_changed(ctx: Context, actor: Actor, order_id: int, time_limit: float = 1.0) -> dict:
    """An approved change (订单变更) is re-planned: the order's lines placed again, others moved as needed (H3, C7)."""
    require_role(actor, PLANNERS)
    return _propose(ctx, actor, _order_changed(ctx, actor, order_id, Budget(time_limit)))


def order_changed_read(ctx: Context, actor: Actor, order_id: int, time_limit: float,
                       disturbance: dict | None = None):
    """Placing the order's lines again as a read for `proposed_after` (after a change to the
    capacity it may use)."""
    return _order_changed(ctx, actor, order_id, Budget(time_limit), disturbance)


def _order_changed(ctx: Context, actor: Actor, order_id: int, budget: Budget, disturbance: dict | None = None):
    """The re-plan of a changed order's read: given a unit of work, what it needs and the solve."""
    def read(uow):
        replan = Replan(uow, ctx)
        order = load_order(uow, actor, order_id)
        if order_id not in replan.accepted.order_ids or order.id not in {o.id for o in replan.orders}:
            raise errors.Conflict("the order is not in the accepted plan", code="planning.not_in_plan")
        problem = replan.problem(keep=False)
        own = jobs_of(order, problem)
        others = Problem(problem.resources, tuple(j for j in problem.jobs if j.id not in own))
        others, current = current_plan(replan.accepted, others, replan.now, running=replan.running)
        changed = [OrderChanged(_not_before(problem.job(j), replan.now)) for j in sorted(own)]
        extra = {"disturbance": disturbance or {"kind": "order_changed", "order_id": order.id, "order": order.number}}
        return lambda: replan.repaired(others, changed, budget.left(), extra, current=current)

    return read


def _not_before(job: Job, minute: int) -> Job:
    return Job(job.id, job.operations, max(job.release, minute), job.due, job.weight)


def insert_lines(problem: Problem, current: Schedule, order: Order, model: PlantModel, time_limit: float,
                  running: Collection[str] = (), offload: Callable[..., Any] = inline, workers: int = 2,
                  seed: int | None = None, deadline: float | None = None) -> dict:
    """Each line of the urgent order in turn; the impact is against the plan before the first.
    ``running``: steps under way, which stay where ``current`` has them; ``offload``: where the
    insertions run (``ctx.offload``: a worker process); ``workers`` and ``seed``: see `insert`
    (one worker and a seed: the same answer every time); ``deadline``: the clock's
    (`Budget.deadline`), shared out evenly over the lines still to insert. ``traded``: the promise
    an insertion gave way on (`Insertion.traded`), if any line did."""
    jobs = [j for j in problem.jobs if j.id.startswith(order.number + "/")]
    before, schedule = current, current
    completion = earliest = 0
    traded = None
    for k, job in enumerate(jobs):
        share = None if deadline is None else time.monotonic() + (deadline - time.monotonic()) / (len(jobs) - k)
        partial = Problem(problem.resources, tuple(j for j in problem.jobs if not j.id.startswith(order.number + "/"))
                          + tuple(j for j in jobs if j is job or any(a.job == j.id for a in schedule.assignments)))
        result = offload(insert, partial, schedule, job.id, time_limit / max(1, len(jobs)), workers=workers, seed=seed,
                         started=running, deadline=share)
        schedule = result.schedule
        completion = max(completion, result.urgent_completion)
        earliest = max(earliest, result.earliest_possible)
        traded = traded or result.traded
    return {"schedule": schedule, "impact": compare(problem, before.assignments, schedule.assignments),
            "completion": completion, "earliest": earliest, "traded": traded}


def store(uow, ctx, actor, proposal: Proposal) -> int:
    """Records a proposed run, solved before, in the caller's transaction (the caller commits)."""
    p = proposal
    summary = {**p.schedule.summary(), **{k: v for k, v in p.extra.items() if k not in ("slipped",)}}
    run_id = uow.planning_runs.add(
        kind=p.kind, status="proposed", origin=p.origin, objective=p.schedule.objective,
        urgent_order_id=p.urgent_id, order_ids=p.order_ids, schedule=with_lot_minutes(p.schedule.to_dict(), p.lots),
        impact={"slipped": p.extra.get("slipped", []), "moved": p.moves}, summary=summary,
        created_by=actor.user_id, created_at=ctx.now())
    audit.record(uow, ctx, actor, "planning_run", run_id, "propose", None,
                 {"kind": p.kind, "orders": len(p.order_ids), "urgent_order_id": p.urgent_id,
                  "value": p.schedule.value, "slipped": len(p.extra.get("slipped", [])),
                  "disturbance": p.extra.get("disturbance")})
    return run_id


def accept(ctx: Context, actor: Actor, run_id: int, version: int | None = None) -> dict:
    """pmc accepts a proposed run: it becomes the plan, its approved orders become planned (C7)."""
    require_role(actor, PLANNERS)
    with ctx.uow() as uow:
        uow.planning_runs.lock_plan()
        run = uow.planning_runs.get(run_id, lock=True)
        if run is None:
            raise errors.NotFound(f"planning run {run_id} not found", code="planning.run_not_found")
        if version is not None and version != run.version:
            raise errors.StaleVersion("the run changed; reload it", current_version=run.version)
        if run.status != "proposed":
            raise errors.Conflict(f"the run is {run.status}, not proposed", code="planning.not_proposed")
        current = uow.planning_runs.accepted()
        based_on = run.summary.get("based_on")
        if based_on is not None and (current is None or current.id != based_on):
            raise errors.Conflict("the plan changed since this what-if; run it again",
                                  code="planning.plan_changed")
        uow.planning_runs.supersede_accepted()
        uow.planning_runs.set_status(run_id, run.version, status="accepted", accepted_by=actor.user_id,
                                     accepted_at=ctx.now())
        on_floor = []
        for order_id in run.order_ids:
            order = uow.orders.get(order_id)
            if order.status == OrderState.APPROVED and actor.role == Role.PMC:
                order.apply("plan", actor)
                uow.flush()
                audit.record(uow, ctx, actor, "order", order.id, "plan", {"status": "approved"},
                             {"status": "planned"}, f"planning run {run_id}")
            elif order.status in ON_FLOOR:
                on_floor.append(order.id)
        answer_notices(uow, ctx, order_ids=run.order_ids, act="plan", actor=actor)  # "please plan" is done (D2)
        _move_tasks(uow, ctx, actor, run, on_floor)
        _tell_slipped_owners(uow, ctx, actor, run)
        audit.record(uow, ctx, actor, "planning_run", run_id, "accept", {"status": "proposed"},
                     {"status": "accepted", "affected_orders": sorted({s["order"] for s in run.impact["slipped"]})})
        uow.flush()
        raised = raise_for_plan(uow, ctx, actor, run_id, shortfalls(uow, ctx, run))
        view = run_view(uow.planning_runs.get(run_id))  # as this accept left it, not as a later one did
        uow.commit()
        return view | {"purchase_requests": raised}


def _tell_slipped_owners(uow, ctx: Context, actor: Actor, run: PlanningRun) -> None:
    """Each order the accepted plan finishes later is one notice to its owner (专人, else the
    salesperson who took it) with the old and new completion and the due date (C4, C7)."""
    latest: dict[str, dict] = {}
    for slip in run.impact.get("slipped", []):
        if slip.get("order_id") is None:
            continue
        seen = latest.get(slip["order"])
        if seen is None or slip["new_end"] > seen["new_end"]:
            latest[slip["order"]] = slip | {"old_end": min(slip["old_end"], (seen or slip)["old_end"])}
    text = ctx.messages.text
    for number, slip in sorted(latest.items()):
        late = slip["newly_late"] or slip["new_end"] > slip["due"]
        notify(uow, ctx.now(), ctx=ctx, kind="plan.slipped", order_id=slip["order_id"],
               users=[slip["owner_id"]] if slip.get("owner_id") else (), exclude=actor,
               ref=f"planning_run:{run.id}:{number}", critical=late,
               subject=text("ui.planning.msg.slipped", order=number,
                            late=text("ui.planning.msg.later_than_due") if late else "")[:200],
               body=text("ui.planning.msg.slipped_body", run=run.id, order=number, old=_hm(slip["old_end"]),
                         new=_hm(slip["new_end"]), due=_hm(slip["due"])))


def _hm(value) -> str:
    """A run's stored time (ISO text or datetime) as 'YYYY-MM-DD HH:MM'."""
    return str(value).replace("T", " ")[:16]


def _move_tasks(uow, ctx: Context, actor: Actor, run: PlanningRun, order_ids: list[int]) -> None:
    """Tasks not started yet take their work center and times from the plan just accepted, rework
    and replacement tasks among them (F1): what the floor and the records read is the plan in force.
    A started task the plan continues elsewhere (its work center is down) is split (E5)."""
    placed = {a["operation"]: a for a in run.schedule["assignments"]}
    for order_id in order_ids:
        _continue_elsewhere(uow, ctx, actor, run, uow.tasks.for_order(order_id), placed)
        for task in uow.tasks.for_order(order_id):
            a = placed.get(task.operation)
            if a is None or task.status != "planned":
                continue
            new = {"work_center_code": a["resource"], "planned_start": run.origin + timedelta(minutes=a["start"]),
                   "planned_end": run.origin + timedelta(minutes=a["end"]), "planned_minutes": planned_minutes(a)}
            old = {k: getattr(task, k) for k in new}
            if old != new:
                uow.tasks.update(task.id, task.version, **new)
                audit.record(uow, ctx, actor, "production_task", task.id, "replan", old, new,
                             f"planning run {run.id}")


def _continue_elsewhere(uow, ctx: Context, actor: Actor, run: PlanningRun, tasks: list[Task],
                        placed: Mapping[str, dict]) -> None:
    """A started task whose unfinished part the plan runs on another work center ends with the
    quantity and hours done where they were done; the rest becomes a new task there, with its own
    set-up (E5). Both stay on the order's record."""
    now = ctx.now()
    have = {t.operation for t in tasks}
    for task in tasks:
        a = placed.get(continued_as(task.operation))
        if a is None or a["operation"] in have or task.status not in (TaskState.RUNNING, TaskState.PAUSED):
            continue
        left, worked = unfinished_quantity(task, now), TaskTiming.of(task).worked(now)
        done = {"status": TaskState.DONE.value, "quantity": task.quantity - left, "good_qty": task.quantity - left,
                "scrap_qty": 0, "worked_minutes": worked, "resumed_at": None, "finished_at": now}
        uow.tasks.update(task.id, task.version, **done)
        uow.tasks.add_report(task_id=task.id, action="finish", at=now, user_id=actor.user_id, good_qty=done["good_qty"],
                             scrap_qty=0, minutes=worked, note=f"planning run {run.id}")
        part = {"operation": a["operation"], "work_center_code": a["resource"], "quantity": left,
                "planned_start": run.origin + timedelta(minutes=a["start"]),
                "planned_end": run.origin + timedelta(minutes=a["end"]), "planned_minutes": planned_minutes(a),
                "source": f"split:{task.id}"}
        part_id = uow.tasks.add(order_id=task.order_id, job=task.job, line_no=task.line_no, step_seq=task.step_seq,
                                lot=task.lot, kind=task.kind, name=task.name, inspection=task.inspection,
                                urgent=task.urgent, status=TaskState.PLANNED.value, worked_minutes=0,
                                created_at=now, **part)
        audit.record(uow, ctx, actor, "production_task", task.id, "split",
                     {"status": task.status, "quantity": task.quantity}, done | {"continued_by": part_id},
                     f"planning run {run.id}")
        audit.record(uow, ctx, actor, "production_task", part_id, "continue", None,
                     part | {"continues": task.id}, f"planning run {run.id}")


def shortfalls(uow, ctx: Context, run: PlanningRun) -> list[Shortfall]:
    """What the plan's waiting orders still lack after stock and open purchase orders: one entry
    per material and the day the plan first needs it, with the orders it serves (C6)."""
    model = PlantModel(uow, ctx, run.origin)
    now = plan_minute(ctx.now(), model.origin)
    orders = {o.id: o for o in plannable(uow, run.order_ids)}
    answers = MaterialPlan(uow, model, now).explain(list(orders.values()),
                                                    first_starts(Schedule.from_dict(run.schedule).assignments))
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



def in_accepted_plan(uow, order_id: int) -> bool:
    """Whether the plan in force holds the order."""
    return order_id in uow.planning_runs.accepted_order_ids()


def order_in_accepted_plan(uow, order: Order) -> bool:
    """The fact release's guard reads (D1): the accepted plan includes the order."""
    return in_accepted_plan(uow, order.id)


