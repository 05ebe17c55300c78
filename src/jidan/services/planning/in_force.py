"""The plan in force against today's problem (C4, C6, C7): what insertion, promise and repairs start from.

An insertion or a repair re-uses the accepted plan's origin, so "operations that started before
now stay put" is simply the planner's frozen part. Every step's release is the minute its
materials are ready (`material_plan`), so no plan starts an order before its materials.
"""
from __future__ import annotations

import threading
from bisect import bisect_left
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from jidan.domain import errors
from jidan.domain.order import Order
from jidan.domain.planning_run import PlanningRun
from jidan.planning.problem import Problem
from jidan.planning.promise import LoadedPlan
from jidan.planning.result import Assignment, Schedule
from jidan.planning.shift import bring_forward, place_job, right_shift, timeline_with
from jidan.services.context import Context
from jidan.domain.states import ON_FLOOR
from jidan.domain.urgency import PRIORITY_RANK
from jidan.services.materials.material_plan import MaterialPlan, OrderMaterials, needs_material
from jidan.services.planning.plant import PlantModel, plan_minute, plannable, step_of


def first_starts(assignments, key=lambda a: a.job) -> dict[str, int]:
    """The earliest start per job (or per ``key``: `step_starts`)."""
    starts: dict[str, int] = {}
    for a in assignments:
        k = key(a)
        starts[k] = min(a.start, starts.get(k, a.start))
    return starts


def step_starts(assignments) -> dict[str, int]:
    """The earliest start per routing step (its lots together)."""
    return first_starts(assignments, key=lambda a: step_of(a.operation))


def step_releases(materials: dict[int, OrderMaterials], current: Schedule | None, now: int,
                  keep: bool) -> dict[str, int]:
    """Each routing step's release: when the materials it consumes are ready (C6).

    A step the current plan started before now keeps its start; with ``keep``, so does every step
    the plan already has (insertion and promise move nobody for material: the material-late
    repair does).
    """
    starts = step_starts(current.assignments) if current else {}
    out = {}
    for answer in materials.values():
        for step, ready in answer.ready.items():
            if step in starts and (keep or starts[step] < now):
                ready = min(ready, starts[step])
            out[step] = max(0, ready)
    return out


def plan_of(accepted: PlanningRun | None) -> Schedule:
    """The run's schedule; an empty one when there is no plan yet."""
    if accepted is None:
        return Schedule("feasible", "weighted-tardiness", 0, 0, ())
    return Schedule.from_dict(accepted.schedule)


def jobs_of(order: Order, problem: Problem) -> set[str]:
    """The ids of the order's jobs (one per line) in the problem."""
    return {j.id for j in problem.jobs if j.id.startswith(order.number + "/")}


def current_plan(accepted: PlanningRun | None, problem: Problem, now: int = 0,
                 skip: set[str] = frozenset(), running: Collection[str] = ()) -> tuple[Problem, Schedule]:
    """The accepted plan as a valid plan of ``problem``: the open work it holds, nothing else.

    Finished orders and finished steps drop out; work not ``running`` starts ``now`` at the earliest:
    a line the plan had begun before now that the floor has not is placed again after the work the
    plan keeps, which stays where it is. Kept work is pushed later only where the problem no longer allows
    it (a day closed since, material later); a line the plan no longer matches (the order changed
    since) or lacks is placed again after now. Jobs in ``skip`` are left for the caller to place.
    Steps ``running`` on the floor ahead of the plan go on now, before what the plan had next on
    their machine (`bring_forward`); the problem comes back with those machines held until then.
    """
    problem = problem.from_now(now, running)  # what the floor has not started waits for no past
    plan = plan_of(accepted)
    by_job: dict[str, dict[str, Assignment]] = {}
    for a in plan.assignments:
        by_job.setdefault(a.job, {})[a.operation] = a
    kept, missing = [], []
    for job in problem.jobs:
        if job.id in skip:
            continue
        got = by_job.get(job.id, {})
        if all(op.id in got and got[op.id].resource in op.resources
               and got[op.id].end == problem.end_of(op, got[op.id].resource, got[op.id].start)
               and (got[op.id].start >= now or op.id in running)
               for op in job.operations):
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


def accepted_run(uow) -> PlanningRun:
    """The plan in force; a conflict when there is none to work from."""
    accepted = uow.planning_runs.accepted()
    if accepted is None:
        raise errors.Conflict("there is no accepted plan yet; run a full plan first", code="planning.no_plan")
    return accepted


#: The plan in force is loaded as of the start of each such period (and again after any change).
REFRESH_MINUTES = 10


@dataclass(frozen=True)
class Owner:
    """What an impact needs of a planned order: its id and who answers for it."""

    id: int
    owner_id: int | None
    created_by: int


@dataclass(frozen=True)
class InForce:
    """The plan in force against today's problem, with its load indexed (`LoadedPlan`): what every
    promise starts from, loaded once per plan version and change (`plan_in_force`)."""

    accepted: PlanningRun | None
    model: PlantModel
    order_ids: frozenset[int]
    problem: Problem
    current: Schedule
    loaded: LoadedPlan
    running: frozenset[str]
    first_starts: dict[str, int]
    owners: dict[str, Owner]
    names: dict[int, str]
    materials: tuple[MaterialUser, ...]
    """The planned orders that draw material, as material netting reads them."""
    items: dict[str, frozenset[str]]
    """Every item below each of their products (BOM, every level)."""
    materials_asked: dict = field(default_factory=dict)
    """Material answers already worked out, by the order and lines asked about and the minute."""

    def drawing_on(self, items: frozenset[str], but: int | None = None) -> list[MaterialUser]:
        """The planned orders that draw on any of ``items`` (netting is per item: the others
        cannot change an answer about these), except order ``but``."""
        return [o for o in self.materials if o.id != but and not o.items.isdisjoint(items)]


@dataclass(frozen=True)
class _Step:
    seq: int


@dataclass(frozen=True)
class _Component:
    component_code: str
    step_seq: int | None
    quantity_per: float


@dataclass(frozen=True)
class _Product:
    """A product as material netting reads it (kept beyond the unit of work that read it)."""

    code: str
    bom: tuple[_Component, ...]
    routing: tuple[_Step, ...]


@dataclass(frozen=True)
class _Line:
    line_no: int
    quantity: int
    product: _Product


@dataclass(frozen=True)
class MaterialUser:
    """A planned order as material netting reads it, with the items it draws on."""

    id: int
    number: str
    status: str
    held_from: str | None
    priority: str
    lines: tuple[_Line, ...]
    items: frozenset[str]

    @property
    def priority_rank(self) -> int:
        return PRIORITY_RANK[self.priority]


def bom_items(uow, codes: set[str], known: dict[str, frozenset[str]] | None = None) -> dict[str, frozenset[str]]:
    """Every item below each product of ``codes`` (itself included), every BOM level."""
    found = dict(known or {})
    products: dict = {}
    todo = set(codes) - set(found)
    while todo:
        products.update(uow.products.by_codes(todo - set(products)))
        todo = {b.component_code for code in todo if code in products for b in products[code].bom} - set(products)
    def below(code: str, seen: frozenset[str] = frozenset()) -> frozenset[str]:
        if code not in found:
            kids = [below(b.component_code, seen | {code}) for b in products[code].bom
                    if b.component_code not in seen] if code in products else []
            found[code] = frozenset({code}).union(*kids)
        return found[code]
    for code in codes:
        below(code)
    return found


def _material_users(uow, orders: list[Order]) -> tuple[tuple[MaterialUser, ...], dict[str, frozenset[str]]]:
    items = bom_items(uow, {ln.product.code for o in orders for ln in o.lines})
    users = []
    for o in orders:
        if not (needs_material(o) or o.status in ON_FLOOR):
            continue
        lines = tuple(_Line(ln.line_no, ln.quantity, _Product(
            ln.product.code, tuple(_Component(b.component_code, b.step_seq, b.quantity_per) for b in ln.product.bom),
            tuple(_Step(st.seq) for st in ln.product.routing))) for ln in o.lines)
        users.append(MaterialUser(o.id, o.number, o.status, o.held_from, o.priority, lines,
                                  frozenset().union(*(items[ln.product.code] for ln in o.lines))))
    return tuple(users), items


class _Kept:
    """One process's loaded plan and the key it was loaded for."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.key: tuple | None = None
        self.value: InForce | None = None


def plan_in_force(uow, ctx: Context) -> InForce:
    """The plan in force, loaded; kept in the Context while its key holds: the accepted run and
    its version, the audit trail's head (every change to orders, tasks, stock, purchase orders,
    calendars or people writes an audit event) and the period of `REFRESH_MINUTES` now falls in.
    Equal keys give equal plans, so a kept one answers as a freshly loaded one would."""
    head = uow.audit.head()
    as_of = as_of_minute(ctx.now())
    key = (uow.planning_runs.accepted_key(), head[0] if head else 0, as_of)
    kept = ctx.caches.setdefault("plan_in_force", _Kept())
    with kept.lock:  # one loads, the others wait for it instead of loading it again
        if kept.key != key:
            kept.value, kept.key = load_in_force(uow, ctx, uow.planning_runs.accepted(), as_of), key
        return kept.value


def as_of_minute(now: datetime) -> datetime:
    """The start of the `REFRESH_MINUTES` period ``now`` falls in."""
    now = now.replace(second=0, microsecond=0)
    return now - timedelta(minutes=now.minute % REFRESH_MINUTES)


def load_in_force(uow, ctx: Context, accepted: PlanningRun | None, as_of: datetime) -> InForce:
    """Reads and builds the plan in force as of ``as_of`` (see `current_plan`)."""
    origin = accepted.origin if accepted else as_of
    model = PlantModel(uow, ctx, origin)
    planned = plannable(uow, accepted.order_ids) if accepted else []
    now = plan_minute(as_of, origin)
    plan = plan_of(accepted)
    starts = first_starts(plan.assignments)
    materials = MaterialPlan(uow, model, now).explain(planned, starts)
    floor_tasks = model.floor_tasks(planned)
    running = model.running(floor_tasks)
    problem = model.problem(planned, releases=step_releases(materials, plan, now, keep=True), plan=plan,
                            floor_tasks=floor_tasks)
    problem, current = current_plan(accepted, problem, now, running=running)
    return InForce(accepted, model, frozenset(o.id for o in planned), problem, current, LoadedPlan(problem, current),
                   frozenset(running), starts, {o.number: Owner(o.id, o.owner_id, o.created_by) for o in planned},
                   {u.id: u.display_name for u in uow.users.list()}, *_material_users(uow, planned))


@dataclass(frozen=True)
class IndexedRun:
    """A run with its schedule indexed by time and by order, so a page reads a window of a plan
    of any size or one order's steps without scanning the rest (issue 24)."""

    run: PlanningRun
    by_start: tuple[dict, ...]
    starts: tuple[int, ...]
    longest: int
    by_order: dict[str, tuple[dict, ...]]

    @classmethod
    def of(cls, run: PlanningRun) -> IndexedRun:
        ops = sorted(run.schedule["assignments"], key=lambda a: (a["start"], a["operation"]))
        by_order: dict[str, list[dict]] = {}
        for a in ops:
            by_order.setdefault(a["job"].split("/")[0], []).append(a)
        return cls(run, tuple(ops), tuple(a["start"] for a in ops), max((a["end"] - a["start"] for a in ops), default=0),
                   {k: tuple(v) for k, v in by_order.items()})

    def between(self, first: int, last: int) -> list[dict]:
        """The operations that run at some minute in [first, last)."""
        lo = bisect_left(self.starts, first - self.longest)
        hi = bisect_left(self.starts, last)
        return [a for a in self.by_start[lo:hi] if a["end"] > first]


#: Runs kept indexed per process (the plan in force and the runs just opened).
KEPT_RUNS = 4


def indexed_run(uow, ctx: Context, run_id: int | None = None) -> IndexedRun | None:
    """The run (None: the plan in force) indexed, kept while its id and version hold."""
    if run_id is None:
        key = uow.planning_runs.accepted_key()
    else:
        key = uow.planning_runs.version_of(run_id)
    if key is None:
        return None
    kept: dict = ctx.caches.setdefault("indexed_runs", {})
    found = kept.get(key)
    if found is None:
        run = uow.planning_runs.get(key[0])
        if run is None:
            return None
        found = IndexedRun.of(run)
        while len(kept) >= KEPT_RUNS:
            kept.pop(next(iter(kept)))
        kept[key] = found
    return found
