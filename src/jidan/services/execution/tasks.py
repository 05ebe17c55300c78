"""Tasks on the floor (D1, E1) and the plan in force that places them.

A task is one planned operation lot. Until it starts, its work center and times follow the plan
in force, so a re-plan that pmc accepts (a machine down, rework) moves it on every screen; once
started, it stays where it runs.
"""
from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, timedelta

from jidan.domain.execution import TASK_STEPS, Task, TaskState
from jidan.domain.order import Order
from jidan.domain.planning_run import PlanningRun
from jidan.services.context import Context


def iso(value) -> str | None:
    """A time to the minute, or a day, as ISO text; anything else as None."""
    return value.isoformat(timespec="minutes") if isinstance(value, datetime) else (
        value.isoformat() if isinstance(value, date) else None)


def urgent_tag(ctx: Context, urgent: bool) -> str:
    """The 【急单】 mark that leads the subject of an urgent order's notices."""
    return ctx.messages.text("ui.ex.mail.urgent_tag") if urgent else ""


def due_at(order: Order) -> datetime:
    """The end of the promised (else requested) day, as the planner counts it."""
    day = order.promised_date or order.requested_date
    return datetime.combine(day + timedelta(days=1), datetime.min.time())


class PlanIndex:
    """The accepted plan's operations by id, in wall-clock times."""

    def __init__(self, plan: PlanningRun | None):
        self.plan = plan
        self.ops = {a["operation"]: a for a in plan.schedule["assignments"]} if plan else {}

    def at(self, minute: int) -> datetime:
        return self.plan.origin + timedelta(minutes=minute)

    def effective(self, task: Task) -> Task:
        """The task with its plan-in-force work center and times while it has not started."""
        a = self.ops.get(task.operation)
        if a is None or task.status != TaskState.PLANNED:
            return task
        return replace(task, work_center_code=a["resource"], planned_start=self.at(a["start"]),
                       planned_end=self.at(a["end"]))  # its minutes stay: a lot's span may hold closed hours


def plan_index(uow) -> PlanIndex:
    return PlanIndex(uow.planning_runs.accepted())


def add_task(uow, order: Order, now: datetime, minutes: int | None = None, **values) -> Task:
    """A task of the order; ``minutes`` of work (default: its planned span)."""
    if minutes is None:
        minutes = int((values["planned_end"] - values["planned_start"]).total_seconds() // 60)
    task_id = uow.tasks.add(order_id=order.id, urgent=order.urgent, planned_minutes=minutes,
                            status=TaskState.PLANNED.value, worked_minutes=0, created_at=now, **values)
    return uow.tasks.get(task_id)


def task_view(task: Task, order: Order | None = None) -> dict:
    state = TaskState(task.status)
    view = {k: getattr(task, k) for k in (
        "id", "order_id", "operation", "job", "line_no", "step_seq", "lot", "kind", "name", "quantity",
        "inspection", "urgent", "planned_minutes", "status", "worked_minutes", "good_qty", "scrap_qty",
        "source", "version")}
    view.update(work_center=task.work_center_code, hours=round(task.planned_minutes / 60, 2),
                planned_start=iso(task.planned_start), planned_end=iso(task.planned_end),
                started_at=iso(task.started_at), finished_at=iso(task.finished_at),
                actions=[a for (s, a) in TASK_STEPS if s == state])
    if order is not None:
        view.update(order_number=order.number, order_status=str(order.status), urgent=order.urgent,
                    priority=order.priority, customer=order.customer.name)
    return view
