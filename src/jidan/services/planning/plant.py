"""The plant as a planning problem (B2, C1): work centers, working windows and the orders' jobs.

Times inside a run are minutes after the run's origin (its minute 0). Work centers of one kind
stand in for each other; work is split into lots that fit a shift; what the floor has finished is
not planned again and what it has started stays on its work center, unless that work center is
down: then the unfinished quantity goes on as a new operation on another work center of its kind.
Recorded downtime closes its work center in every plan, like the hours outside the shifts.
"""
from __future__ import annotations

import math
import re
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from jidan.domain import errors
from jidan.domain.calendar import WorkCalendar
from jidan.domain.horizon import work_center_kind
from jidan.domain.execution import (TaskState, TaskTiming, continued_as, continued_from, split_lots,
                                    unfinished_quantity)
from jidan.domain.order import Order
from jidan.domain.states import ON_FLOOR, OrderState
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.result import Schedule
from jidan.services.context import Context
from jidan.services.masterdata.calendar import effective_calendar
from jidan.services.planning.capacity import PlantCapacity
from jidan.services.materials.material_plan import job_key, step_key
from jidan.services.ports import OrderFilter

PLANNED_STATES = (OrderState.APPROVED, OrderState.PLANNED, OrderState.RELEASED,
                  OrderState.IN_PRODUCTION, OrderState.ON_HOLD)
WEIGHT = {"key": 10, "urgent": 5, "normal": 1}


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


def down_windows(downtimes: Iterable, origin: datetime) -> dict[str, list[tuple[int, int]]]:
    """Recorded downtime (设备故障) by work center, in plan minutes from the origin."""
    windows: dict[str, list[tuple[int, int]]] = {}
    for d in downtimes:
        start, end = (int((t - origin).total_seconds() // 60) for t in (d.down_from, d.down_until))
        if end > max(start, 0):
            windows.setdefault(d.work_center_code, []).append((max(start, 0), end))
    return windows


MAX_SHIFTS = 1000
"""Shifts of work of one routing step at most: 1000 keep four machines busy every shift of a
120-day horizon (86 working days of three shifts). A step needing more is not made in the
horizon: its order is refused (422) and left out of plans (`beyond_horizon`)."""

SHIFT_LOTS = 8
"""A step of up to this many shifts of work is cut into lots of a shift each: each runs within a
shift, parallel work centers share them, and the next step starts after the first. A longer step
is cut into this many lots that pause over closed hours (`Operation.breakable`), so a plan's size
depends on routings and orders, never on quantities."""


def _lots(total: int, shift_minutes: int) -> tuple[list[int], bool]:
    """A step's minutes as lots, and whether they are breakable (longer than a shift)."""
    count = max(1, math.ceil(total / shift_minutes))
    if count > MAX_SHIFTS:
        raise errors.ValidationFailed(f"a step needs {count} shifts of work, more than a plan holds ({MAX_SHIFTS})",
                                      code="planning.beyond_horizon", fields={"lines": "beyond_horizon"})
    return split_lots(total, min(count, SHIFT_LOTS)), count > SHIFT_LOTS


def beyond_horizon(order: Order, shift_minutes: int) -> bool:
    """Whether a step of the order needs more than `MAX_SHIFTS` shifts of work (old data, or an
    import made before quantities were bounded): the horizon cannot hold it."""
    return any(math.ceil(step.minutes(line.quantity) / shift_minutes) > MAX_SHIFTS
               for line in order.lines for step in line.product.routing)


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
    moved: Mapping[str, int] = field(default_factory=dict)
    """Started steps whose work center is down now: the quantity still to make elsewhere."""
    parts: Mapping[str, tuple[tuple[str, int], ...]] = field(default_factory=dict)
    """Open unfinished parts that went on elsewhere, by the planned step they come from: each
    part's operation and its planned minutes."""

    @classmethod
    def of(cls, tasks: Iterable[dict], now: datetime, kept: Mapping[str, int] | None = None,
           down: Collection[str] = ()) -> Floor:
        """``kept``: each step's minutes in the plan in force. A started step keeps them, so that
        the plan still matches the problem; one no plan has yet lasts what is left of it ``now``.
        ``down``: the work centers down now."""
        kept = kept or {}
        tasks = list(tasks)
        production = [t for t in tasks if t.kind == "production"]
        started = [t for t in tasks if t.status in (TaskState.RUNNING, TaskState.PAUSED)]
        parts: dict[str, list[tuple[str, int]]] = {}
        for t in sorted(tasks, key=lambda t: t.id):
            if continued_from(t.operation) and t.status != TaskState.DONE:
                parts.setdefault(t.operation.split("~")[0], []).append((t.operation, t.planned_minutes))
        moved = {t.operation: unfinished_quantity(t, now) for t in started if t.work_center_code in down}
        return cls(frozenset(t.operation for t in production if t.status == TaskState.DONE),
                   {t.operation: t.work_center_code for t in started},
                   frozenset(t.operation for t in started if t.status == TaskState.RUNNING),
                   {t.operation: kept.get(t.operation, max(1, TaskTiming.of(t).left(now))) for t in started},
                   {op: left for op, left in moved.items() if left > 0},
                   {op: tuple(found) for op, found in parts.items()})

    def lot(self, op_id: str, minutes: int, resources: tuple[str, ...], release: int,
            elsewhere: Callable[[int], int], family: str = "", breakable: bool = False) -> list[Operation]:
        """A planned lot's operations still to plan: itself, or what is left of it where it runs,
        or its unfinished part on another of ``resources`` (its work center is down), and the
        parts already moved. ``elsewhere``: the minutes of a quantity, set-up included;
        ``family``: its product's (a changeover on the work center may come before it);
        ``breakable``: a lot of several shifts, its parts too (`SHIFT_LOTS`)."""
        ops = []
        for op, duration in ((op_id, minutes), *self.parts.get(op_id, ())):
            others = tuple(r for r in resources if r != self.started.get(op))
            if op in self.done:
                continue
            if op in self.moved and others:
                ops.append(Operation(continued_as(op), elsewhere(self.moved[op]), others, family=family,
                                     breakable=breakable))
            elif op in self.started:
                ops.append(Operation(op, self.minutes.get(op, duration), (self.started[op],), family=family,
                                     breakable=breakable))
            else:
                ops.append(Operation(op, duration, resources, release=release if op == op_id else 0, family=family,
                                     breakable=breakable))
        return ops


def order_jobs(order: Order, origin: datetime, groups: dict[str, list[str]], shift_minutes: int,
               release: int = 0, releases: Mapping[str, int] | None = None, floor: Floor = Floor()) -> list[Job]:
    """One job per order line: its routing, the due date's end of day, weight by priority.

    ``releases`` gives a routing step's own release (its materials), by step key ("SO-1/1-30"):
    every lot of the step waits for it, the steps before it do not. Of the ``floor``'s
    operations, finished ones are left out (a line with nothing left has no job) and started
    ones keep their work center and wait for no material (theirs is at the machine), unless it
    is down (`Floor.lot`). A step is at most `SHIFT_LOTS` lots whatever its quantity; one beyond
    `MAX_SHIFTS` shifts is refused (422 ``planning.beyond_horizon``).
    """
    due = _due(order, origin)
    releases = releases or {}
    jobs = []
    for line in order.lines:
        ops = []
        for step in line.product.routing:
            lots, breakable = _lots(step.minutes(line.quantity), shift_minutes)
            resources = tuple(groups.get(work_center_kind(step.work_center_code), [step.work_center_code]))
            key = step_key(order, line, step.seq)
            for k, duration in enumerate(lots, start=1):
                suffix = f".{k}" if len(lots) > 1 else ""
                ops += floor.lot(f"{key}{suffix}", duration, resources, releases.get(key, 0),
                                 step.minutes, line.product.family or "", breakable)
        if ops:
            jobs.append(Job(job_key(order, line), tuple(ops), release, due, WEIGHT[order.priority]))
    return jobs


def worked(resources: Mapping[str, Resource], a) -> int:
    """An assignment's working minutes: its span less the closed hours a lot of several shifts
    pauses over (the span itself for work on a resource the plant no longer has)."""
    resource = resources.get(a.resource)
    return a.end - a.start if resource is None else resource.working(a.start, a.end)


def lot_minutes(problem: Problem) -> dict[str, int]:
    """The working minutes of the problem's lots that pause over closed hours, by operation."""
    return {op.id: op.duration for job in problem.jobs for op in job.operations if op.breakable}


def with_lot_minutes(schedule: dict, lots: Mapping[str, int]) -> dict:
    """A stored schedule whose lots that pause over closed hours say their working ``minutes``."""
    for a in schedule["assignments"]:
        if a["operation"] in lots:
            a["minutes"] = lots[a["operation"]]
    return schedule


def planned_minutes(a: Mapping) -> int:
    """A stored assignment's working minutes: its span, or what a lot over closed hours says."""
    return a.get("minutes", a["end"] - a["start"])


def step_of(operation: str) -> str:
    """The step key of an operation: its id without the lot suffix nor the part that went on
    elsewhere ("SO-1/1-30.2" and "SO-1/1-30.2~2" → "SO-1/1-30")."""
    return re.sub(r"(\.\d+)?(~\d+)?$", "", operation)


class PlantModel:
    """Resources and their working windows for one origin; builds jobs for orders."""

    def __init__(self, uow, ctx: Context, origin: datetime):
        self.uow = uow
        self.origin = origin
        self.now = ctx.now()
        centers = [w.code for w in uow.plant.work_centers()]
        self.groups: dict[str, list[str]] = {}
        for code in centers:
            self.groups.setdefault(work_center_kind(code), []).append(code)
        self.calendar = effective_calendar(uow, ctx)
        self.shifts = ctx.shifts
        self.closed = closed_windows(self.calendar, origin, ctx.horizon_days, ctx.shifts)
        downtimes = uow.floor.downtimes(min(origin, self.now))
        stood = down_windows(downtimes, origin)
        self.down = frozenset(d.work_center_code for d in downtimes if d.down_from <= self.now < d.down_until)
        setups = uow.setups.matrices()  # changeovers by family pair (issue 25)
        self.resources = tuple(Resource(code, self.closed + tuple(stood.get(code, ())),
                                        tuple((c.from_family, c.to_family, c.minutes) for c in setups.get(code, ())))
                               for code in centers)
        self.capacity = PlantCapacity(uow, origin, stood)  # overtime and outside steps decisions added
        self.resources = self.capacity.resources(self.resources)
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
        windows = {r.id: r for r in self.resources}
        kept = {a.operation: worked(windows, a) for a in plan.assignments} if plan else {}
        floors = {o.id: Floor.of(floor_tasks.get(o.id, ()), self.now, kept, self.down) for o in orders}
        jobs = [j for o in orders
                for j in order_jobs(o, self.origin, self.groups, self.shift_minutes, release.get(o.id, 0),
                                    releases, floors[o.id])]
        return self.capacity.applied(Problem(self.resources, tuple(jobs + self.rework_jobs(
            orders, release, floor_tasks, floors))), {op for f in floors.values() for op in f.started})

    def floor_tasks(self, orders: list[Order]) -> dict[int, list[dict]]:
        """The tasks of the orders on the floor, by order id."""
        return self.uow.tasks.for_orders([o.id for o in orders if o.status in ON_FLOOR])

    def running(self, floor_tasks: Mapping[int, list[dict]]) -> set[str]:
        """The production steps the floor is working on now, of the tasks by order."""
        floors = [Floor.of(tasks, self.now, down=self.down) for tasks in floor_tasks.values()]
        return {op for floor in floors for op in floor.running - floor.moved.keys()}

    def rework_jobs(self, orders: list[Order], release: Mapping[int, int],
                    floor_tasks: Mapping[int, list[dict]], floors: Mapping[int, Floor]) -> list[Job]:
        """Open rework and replacement work of the orders on the floor (F1, F2): each failed
        quantity's steps again, a job of its order with its tasks' work centers and remaining
        minutes, so that every run plans it with the rest instead of dropping it. A started task
        stays on its work center and lasts as the ``floors`` say, like a started production step,
        and goes on elsewhere when its work center is down."""
        jobs = []
        for order in orders:
            floor = floors[order.id]
            families = {line.line_no: line.product.family or "" for line in order.lines}
            open_tasks: dict[str, list[dict]] = {}
            for task in floor_tasks.get(order.id, ()):
                if task.kind != "production" and task.status != TaskState.DONE:
                    open_tasks.setdefault(task.job, []).append(task)
            for job_id, tasks in sorted(open_tasks.items()):
                ops = tuple(op for t in sorted(tasks, key=lambda t: (t.step_seq, t.lot, t.id))
                            for op in floor.lot(t.operation, max(1, t.planned_minutes - t.worked_minutes),
                                                tuple(self.groups.get(work_center_kind(t.work_center_code),
                                                                      [t.work_center_code])),
                                                0, lambda quantity, t=t: max(1, TaskTiming.of(t).left(self.now)),
                                                families.get(t.line_no, ""),
                                                t.planned_minutes > self.shift_minutes))  # a lot over closed hours
                jobs.append(Job(job_id, ops, release.get(order.id, 0), _due(order, self.origin),
                                WEIGHT[order.priority]))
        return jobs

    def at(self, minute: int) -> str:
        return time_at(self.origin, minute)

    def minute_of(self, day: date) -> int:
        """The start of the day's first shift, in plan minutes (negative before the origin)."""
        start = datetime.combine(day, time()) + timedelta(minutes=self.shifts[0][0])
        return int((start - self.origin).total_seconds() // 60)

    def day_of(self, minute: int) -> date:
        return (self.origin + timedelta(minutes=minute)).date()


def time_at(origin: datetime, minute: int) -> str:
    """A plan minute as the clock time it is ("2026-12-07T08:30")."""
    return (origin + timedelta(minutes=minute)).isoformat(timespec="minutes")


def plan_minute(now: datetime, origin: datetime) -> int:
    """A moment as plan minutes after the origin (0 before it)."""
    return max(0, int((now - origin).total_seconds() // 60))


def plannable(uow, ids: list[int] | None = None) -> list[Order]:
    """The orders a plan holds (approved up to on the floor), all of them or those of ``ids``."""
    found = []
    for state in PLANNED_STATES:
        found += uow.orders.list(OrderFilter(status=state.value, limit=100_000))[0]
    return [o for o in found if ids is None or o.id in ids]

