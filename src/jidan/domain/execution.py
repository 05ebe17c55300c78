"""Production on the floor (E1–E5, F1–F2) as data: operation tasks, process exceptions
(紧急订单制程异常申报单) and inspections, and the arithmetic of the progress forecast.

Each record's life is a table of (state, action) → next state, like the order's; a step the
table does not hold is an error with a stable code, never a silent no-op.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from jidan.domain import errors
from jidan.domain.model import Actor
from jidan.domain.roles import Role

#: Order actions after which the customer may be e-mailed the progress update by itself (E3);
#: the settings choose among them, services/wiring.py hooks the e-mail after each.
PROGRESS_MILESTONES = ("release", "start_production", "inspect", "receive")


# ---------------------------------------------------------------- operation tasks (E1)
class TaskState(StrEnum):
    PLANNED = "planned"
    RUNNING = "running"
    PAUSED = "paused"
    DONE = "done"


T = TaskState
TASK_ACTIONS = ("start", "pause", "resume", "finish")
#: What an operator's report does to a task.
TASK_STEPS: dict[tuple[TaskState, str], TaskState] = {
    (T.PLANNED, "start"): T.RUNNING,
    (T.RUNNING, "pause"): T.PAUSED,
    (T.PAUSED, "resume"): T.RUNNING,
    (T.RUNNING, "finish"): T.DONE,
}
#: Why a report is refused, by the task's state: the code tells the operator what to do instead.
TASK_REFUSALS: dict[TaskState, str] = {
    T.PLANNED: "task.not_started",
    T.RUNNING: "task.already_running",
    T.PAUSED: "task.paused",
    T.DONE: "task.already_done",
}
#: Why a start or resume is refused while the task's work center is down (E5).
WORK_CENTER_DOWN = "task.work_center_down"


def split_lots(total: int, count: int) -> list[int]:
    """`total` in `count` parts as even as whole numbers go, the larger first (lots of a step)."""
    return [total // count + (1 if k < total % count else 0) for k in range(count)]


def continued_as(operation: str) -> str:
    """The operation id of the unfinished part of a started ``operation`` that goes on on another
    work center (its work center broke down): "SO-1/1-10" → "SO-1/1-10~2" → "SO-1/1-10~3"."""
    base, _, part = operation.rpartition("~")
    return f"{base}~{int(part) + 1}" if base and part.isdigit() else f"{operation}~2"


def continued_from(operation: str) -> str | None:
    """The operation whose unfinished part ``operation`` is, or None for a planned one."""
    base, _, part = operation.rpartition("~")
    if not (base and part.isdigit()):
        return None
    return base if part == "2" else f"{base}~{int(part) - 1}"


def unfinished_quantity(task: Task, now: datetime) -> int:
    """What a started task has still to make, from the share of its planned time worked so far
    (the floor reports quantities only on finish)."""
    worked = TaskTiming.of(task).worked(now)
    done = min(task.quantity, task.quantity * worked // max(1, task.planned_minutes))
    return task.quantity - done


#: The roles that report work on the floor.
OPERATORS = frozenset({Role.MANUFACTURING})
#: Kinds of task: planned from the routing, or added when an inspection failed (F2).
TASK_KINDS = ("production", "rework", "replacement")


@dataclass(frozen=True)
class Task:
    """One planned operation lot on the floor (D1, E1), as the floor reports it."""

    id: int
    order_id: int
    operation: str  # the plan's operation id: "<order>/<line>-<seq>[.<lot>]"
    job: str
    line_no: int
    step_seq: int
    lot: int
    kind: str  # one of TASK_KINDS
    name: str
    work_center_code: str
    quantity: int
    inspection: bool
    urgent: bool
    planned_start: datetime
    planned_end: datetime
    planned_minutes: int
    status: str
    started_at: datetime | None
    resumed_at: datetime | None  # start of the running stretch
    finished_at: datetime | None
    worked_minutes: int
    good_qty: int | None
    scrap_qty: int | None
    source: str  # "release" | "inspection:<id>"
    created_at: datetime
    version: int


@dataclass(frozen=True)
class OrderProgress:
    """An order's last forecast (E2): whether it is late, and when pmc was told."""

    id: int
    order_id: int
    predicted_completion: datetime | None
    late: bool
    alerted_at: datetime | None
    checked_at: datetime
    version: int


def next_task_state(state: str, action: str) -> TaskState:
    """The task's state after ``action``; a report out of sequence is refused (409)."""
    current = TaskState(state)
    if action not in TASK_ACTIONS:
        raise errors.ValidationFailed(f"unknown report {action!r}", fields={"action": "unknown_action"})
    target = TASK_STEPS.get((current, action))
    if target is None:
        raise errors.InvalidTransition(f"cannot {action} a task that is {current}", code=TASK_REFUSALS[current])
    return target


# ---------------------------------------------------------------- process exceptions (E4)
class ExceptionKind(StrEnum):
    EQUIPMENT_FAILURE = "equipment_failure"  # 设备 / 生产线故障
    MATERIAL_SHORTAGE = "material_shortage"  # 缺料
    QUALITY = "quality"  # 品质异常
    STAFFING = "staffing"  # 人员不足
    OTHER = "other"


class ExceptionState(StrEnum):
    REPORTED = "reported"  # 申报至 PMC / 生产办
    APPLIED = "applied"  # PMC 书面向总经办申请批示
    APPROVED = "approved"  # 总经办已批示, the report goes to sales (经营课)
    REJECTED = "rejected"
    INFORMED = "informed"  # sales told the customer
    CLOSED = "closed"


class Measure(StrEnum):
    """What management may approve when an exception threatens the due date (E4)."""

    OVERTIME = "overtime"  # 加班
    OUTSIDE_PROCESSING = "outside_processing"  # 外协
    NEW_DATE = "new_date"  # 新交期


@dataclass(frozen=True)
class Step:
    target: ExceptionState | None  # None: the state stays (the step records something)
    roles: frozenset[Role]
    not_applicant: bool = False  # management decides, never the one who applied (B7)


X = ExceptionState
_PMC, _MGMT = frozenset({Role.PMC}), frozenset({Role.MANAGEMENT})
_SALES = frozenset({Role.SALES, Role.CUSTOMER_SERVICE})
EXCEPTION_STEPS: dict[tuple[ExceptionState, str], Step] = {
    (X.REPORTED, "replan"): Step(None, _PMC),
    (X.APPLIED, "replan"): Step(None, _PMC),
    (X.REJECTED, "replan"): Step(None, _PMC),
    (X.REPORTED, "apply"): Step(X.APPLIED, _PMC),
    (X.REJECTED, "apply"): Step(X.APPLIED, _PMC),
    (X.APPLIED, "approve"): Step(X.APPROVED, _MGMT, not_applicant=True),
    (X.APPLIED, "reject"): Step(X.REJECTED, _MGMT, not_applicant=True),
    (X.APPROVED, "inform_customer"): Step(X.INFORMED, _SALES),
    (X.REPORTED, "close"): Step(X.CLOSED, _PMC),
    (X.REJECTED, "close"): Step(X.CLOSED, _PMC),
    (X.INFORMED, "close"): Step(X.CLOSED, _PMC),
}
EXCEPTION_ACTIONS = tuple(dict.fromkeys(action for _, action in EXCEPTION_STEPS))
#: Who files an exception report: the floor, quality and pmc itself.
EXCEPTION_REPORTERS = frozenset({Role.MANUFACTURING, Role.QUALITY, Role.PMC})


@dataclass(frozen=True)
class ProcessException:
    """紧急订单制程异常申报单 (E4): what happened, the re-plan, the application, the decision."""

    id: int
    order_id: int
    task_id: int | None
    work_center_code: str | None
    kind: str
    description: str
    estimated_delay_minutes: int
    status: str
    reported_by: int
    reported_at: datetime
    down_from: datetime | None
    down_until: datetime | None
    planning_run_id: int | None
    impact: dict | None
    application: str | None
    requested_measure: str | None
    applied_by: int | None
    applied_at: datetime | None
    measure: str | None
    new_date: date | None
    decision_note: str | None
    decided_by: int | None
    decided_at: datetime | None
    customer_message: str | None
    customer_informed_by: int | None
    customer_informed_at: datetime | None
    closed_at: datetime | None
    version: int


@dataclass(frozen=True)
class Downtime:
    """A window in which a work center is down (E5), from an equipment failure report."""

    id: int
    work_center_code: str
    down_from: datetime
    down_until: datetime
    reason: str
    exception_id: int | None
    created_by: int
    created_at: datetime


def exception_step(state: str, action: str, actor: Actor, applicant_id: int | None) -> ExceptionState:
    """The exception's state after ``action`` by ``actor``: role first, then state, then B7."""
    rows = [step for (_, a), step in EXCEPTION_STEPS.items() if a == action]
    if not rows:
        raise errors.ValidationFailed(f"unknown action {action!r}", fields={"action": "unknown_action"})
    if actor.role not in rows[0].roles:
        raise errors.Forbidden(f"role {actor.role} may not {action} an exception report",
                               code="auth.role_not_allowed")
    current = ExceptionState(state)
    step = EXCEPTION_STEPS.get((current, action))
    if step is None:
        raise errors.InvalidTransition(f"cannot {action} an exception report that is {current}",
                                       code="exception.invalid_transition")
    if step.not_applicant and actor.user_id == applicant_id:
        raise errors.SelfApproval("nobody decides on their own application")
    return step.target or current


def exception_actions(state: str, actor: Actor, applicant_id: int | None) -> list[str]:
    """What ``actor`` may do with the report now (the buttons on its page)."""
    allowed = []
    for action in EXCEPTION_ACTIONS:
        try:
            exception_step(state, action, actor, applicant_id)
        except errors.JidanError:
            continue
        allowed.append(action)
    return allowed


# ---------------------------------------------------------------- inspections (F1, F2)
class Stage(StrEnum):
    IN_PROCESS = "in_process"  # at a routing step marked as an inspection point
    FINAL = "final"  # 终检, with the quality department, before receipt


class Disposition(StrEnum):
    REWORK = "rework"  # 返工: the failed quantity goes through steps again
    SCRAP = "scrap"  # 报废: the same quantity is made again


INSPECTORS = frozenset({Role.QUALITY})


@dataclass(frozen=True)
class Inspection:
    """One inspection result (F1, F2): where, how many passed and failed, where the failed go."""

    id: int
    order_id: int
    task_id: int | None
    stage: str
    line_no: int
    step_seq: int | None
    result: str  # pass | fail
    passed_qty: int
    failed_qty: int
    defects: list[dict]  # [{code, count}]
    note: str | None
    disposition: str | None
    rework_from_seq: int | None
    planning_run_id: int | None  # the re-plan the failure caused
    inspector_id: int
    inspected_at: datetime


def inspection_result(passed: int, failed: int) -> str:
    return "pass" if failed == 0 else "fail"


# ---------------------------------------------------------------- progress forecast (E2)
@dataclass(frozen=True)
class WorkingTime:
    """The factory's working windows: which days are worked and each day's shifts (minutes after 0:00)."""

    is_working_day: Callable[[date], bool]
    shifts: tuple[tuple[int, int], ...]
    horizon_days: int = 400

    def _windows(self, start: datetime):
        """Working windows from ``start`` on, clipped to it, for at most the horizon."""
        day = start.date()
        for _ in range(self.horizon_days):
            if self.is_working_day(day):
                midnight = datetime.combine(day, datetime.min.time())
                for a, b in self.shifts:
                    lo, hi = midnight + timedelta(minutes=a), midnight + timedelta(minutes=b)
                    if hi > start:
                        yield max(lo, start), hi
            day += timedelta(days=1)

    def between(self, a: datetime, b: datetime) -> int:
        """Working minutes from ``a`` to ``b``; negative when ``b`` is earlier."""
        if b < a:
            return -self.between(b, a)
        total = 0
        for lo, hi in self._windows(a):
            if lo >= b:
                break
            total += int((min(hi, b) - lo).total_seconds() // 60)
        return total

    def add(self, start: datetime, minutes: int) -> datetime:
        """The moment ``minutes`` working minutes after ``start``."""
        if minutes <= 0:
            return start
        left, end = minutes, start
        for lo, hi in self._windows(start):
            span = int((hi - lo).total_seconds() // 60)
            if span >= left:
                return lo + timedelta(minutes=left)
            left -= span
            end = hi
        return end + timedelta(minutes=left)


@dataclass(frozen=True)
class TaskTiming:
    """What the forecast needs of one task: its plan and what happened so far."""

    planned_start: datetime
    planned_end: datetime
    planned_minutes: int
    state: TaskState
    started_at: datetime | None = None
    resumed_at: datetime | None = None
    finished_at: datetime | None = None
    worked_minutes: int = 0

    @classmethod
    def of(cls, task: Task) -> TaskTiming:
        return cls(task.planned_start, task.planned_end, task.planned_minutes, T(task.status),
                   task.started_at, task.resumed_at, task.finished_at, task.worked_minutes)

    def worked(self, now: datetime) -> int:
        """Minutes worked so far, the running stretch included."""
        running = (now - self.resumed_at).total_seconds() // 60 if self.state == T.RUNNING and self.resumed_at else 0
        return self.worked_minutes + int(max(0, running))

    def left(self, now: datetime) -> int:
        return 0 if self.state == T.DONE else max(0, self.planned_minutes - self.worked(now))


@dataclass(frozen=True)
class Forecast:
    done: int
    total: int
    remaining_minutes: int
    lateness_minutes: int
    predicted: datetime | None


def forecast(tasks: list[TaskTiming], now: datetime, time: WorkingTime) -> Forecast:
    """Operations done, work left, and the completion: the remaining plan shifted by the lateness.

    The lateness is the largest delay the floor shows now: a task that should have started and
    has not, a task that will end after its planned end given the work it has left, or the last
    finished task's delay. Being ahead of plan is not counted (the forecast stays cautious).
    """
    done = [x for x in tasks if x.state == T.DONE]
    open_ = [x for x in tasks if x.state != T.DONE]
    remaining = sum(x.left(now) for x in open_)
    if not tasks:
        return Forecast(0, 0, 0, 0, None)
    delays = [0]
    for x in open_:
        if x.state == T.PLANNED:
            delays.append(time.between(x.planned_start, now) if now > x.planned_start else 0)
        else:
            delays.append(time.between(x.planned_end, time.add(now, x.left(now))))
    if done:
        last = max(done, key=lambda x: x.finished_at or x.planned_end)
        delays.append(time.between(last.planned_end, last.finished_at or last.planned_end))
    lateness = max(delays)
    if not open_:
        return Forecast(len(done), len(tasks), 0, lateness, max(x.finished_at or x.planned_end for x in done))
    predicted = max(now, time.add(max(x.planned_end for x in open_), lateness))
    return Forecast(len(done), len(tasks), remaining, lateness, predicted)


def crosses_due(was_late: bool, predicted: datetime | None, due: datetime) -> tuple[bool, bool]:
    """(late now, alert now): an alert goes out once when the forecast passes the due time,
    and again only after it came back in time and passed it once more (E2)."""
    late = predicted is not None and predicted > due
    return late, late and not was_late


# ---------------------------------------------------------------- lateness and its cause (M4)
BREAKDOWN = "breakdown"
"""The cause charged for the time a step's work center stood still (设备故障)."""


@dataclass(frozen=True)
class StepRun:
    """One routing step of an order line as it ran, against its first plan (M4)."""

    holder: str | None  # the group that ran it
    planned_start: datetime
    planned_end: datetime
    end: datetime | None  # when it finished; None while it runs
    stood: int = 0  # minutes its work center was down inside its planned time and after


def charge_lateness(steps: list[StepRun], as_of: datetime) -> list[dict[str, int]]:
    """Each step's minutes late against its first plan, charged to their causes, steps of one line
    in routing order. A step that waited for the one before it is not charged for that wait: those
    minutes go to whatever the step before was charged with. Then the time its own work center
    stood is the breakdown's; only the rest is the group's that ran it."""
    charged: list[dict[str, int]] = []
    for k, step in enumerate(steps):
        late = _minutes(step.planned_end, step.end or as_of)
        causes: dict[str, int] = {}
        if k:
            before = steps[k - 1]
            waited = min(late, _minutes(step.planned_start, before.end or as_of))
            for cause, minutes in sorted(charged[-1].items(), key=lambda kv: -kv[1]):
                _add(causes, cause, min(waited - sum(causes.values()), minutes))
            _add(causes, before.holder or "unattributed", waited - sum(causes.values()))
            late -= waited
        _add(causes, BREAKDOWN, min(late, step.stood))
        _add(causes, step.holder or "unattributed", late - step.stood)
        charged.append(causes)
    return charged


def _add(causes: dict[str, int], cause: str, minutes: int) -> None:
    if minutes > 0:
        causes[cause] = causes.get(cause, 0) + minutes


def _minutes(start: datetime, end: datetime | None) -> int:
    return max(0, int((end - start).total_seconds() // 60)) if end else 0


@dataclass(frozen=True)
class DefectCode:
    """One entry of the defect-code catalogue (缺陷代码) quality records inspections with."""

    id: int
    code: str
    name_zh: str
    name_en: str
    active: bool
    created_at: datetime
    version: int
