"""Operators' reports (E1): start, pause, resume and finish of a task, with the quantities and
hours on finish. The order's first start moves it to production; every report updates the
forecast (E2)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal

from jidan.domain import errors
from jidan.domain.execution import OPERATORS, WORK_CENTER_DOWN, Task, TaskState, TaskTiming, next_task_state
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.states import ON_FLOOR, OrderState
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.orders import lifecycle
from jidan.services.permissions import require_role
from jidan.services.execution.production_notice import answer_started
from jidan.services.execution.progress import watch
from jidan.services.execution.tasks import plan_index, task_view

MAX_HOURS = Decimal(24 * 7)


@dataclass(frozen=True)
class Report:
    """What an operator reports on a task: the step, and on finish the quantities and hours."""

    action: str
    good_qty: int | None = None
    scrap_qty: int | None = None
    hours: Decimal | None = None
    note: str | None = None
    version: int | None = None


def _check_report(task: Task, rep: Report) -> tuple[int | None, int | None, int | None]:
    """(good, scrap, minutes) of a report, or a field-level 422."""
    fields = {}
    if rep.action != "finish":
        for name in ("good_qty", "scrap_qty", "hours"):
            if getattr(rep, name) is not None:
                fields[name] = "only_on_finish"
        if fields:
            raise errors.ValidationFailed("quantities and hours are reported on finish", fields=fields)
        return None, None, None
    scrap = rep.scrap_qty or 0
    good = rep.good_qty if rep.good_qty is not None else max(0, task.quantity - scrap)
    for name, value in (("good_qty", good), ("scrap_qty", scrap)):
        if value < 0:
            fields[name] = "must_not_be_negative"
    if not fields and good + scrap > task.quantity:
        fields["good_qty"] = "exceeds_quantity"
    if not fields and good + scrap == 0:
        fields["good_qty"] = "must_be_positive"
    minutes = None
    if rep.hours is not None:
        if not (0 < rep.hours <= MAX_HOURS):
            fields["hours"] = "out_of_range"
        else:
            minutes = int(math.ceil(rep.hours * 60))
    if fields:
        raise errors.ValidationFailed("the report is not valid", fields=fields)
    return good, scrap, minutes


def report(ctx: Context, actor: Actor, task_id: int, rep: Report) -> dict:
    """An operator reports start, pause, resume or finish of a task (E1). The order's first
    start moves it to production; every report updates the forecast (E2)."""
    require_role(actor, OPERATORS)
    with ctx.uow() as uow:
        task = uow.tasks.get(task_id)
        if task is None:
            raise errors.NotFound(f"task {task_id} not found", code="task.not_found")
        if rep.version is not None and rep.version != task.version:
            raise errors.StaleVersion("the task changed; reload it", current_version=task.version)
        target = next_task_state(task.status, rep.action)
        good, scrap, minutes = _check_report(task, rep)
        order = uow.orders.get(task.order_id)
        allowed = ON_FLOOR[:2] if rep.action in ("start", "resume") else ON_FLOOR[1:]
        if order.status not in allowed:
            raise errors.Conflict(f"the order is {order.status}; its tasks cannot be reported now",
                                  code="task.order_not_in_production")
        now = ctx.now()
        if order.status == OrderState.RELEASED:
            _start_production(uow, ctx, actor, order, task.operation)
        task = plan_index(uow).effective(task)
        if rep.action in ("start", "resume"):
            _refuse_if_down(uow, task, now)
        values = _step(task, rep.action, target, now, good, scrap, minutes)
        uow.tasks.update(task_id, task.version, **values)
        uow.tasks.add_report(task_id=task_id, action=rep.action, at=now, user_id=actor.user_id,
                             good_qty=good, scrap_qty=scrap, minutes=values.get("worked_minutes"),
                             note=rep.note)
        audit.record(uow, ctx, actor, "task", task_id, rep.action, {"status": task.status},
                     {"status": target.value, **{k: v for k, v in values.items() if k in
                                                 ("good_qty", "scrap_qty", "worked_minutes", "work_center_code")}},
                     rep.note)
        if rep.action == "start":
            answer_started(uow, ctx, actor, task)
        watch(uow, ctx, order)
        uow.commit()
        return task_view(uow.tasks.get(task_id), order)


def _refuse_if_down(uow, task: Task, now: datetime) -> None:
    """No work starts or goes on on a work center that is down (E5): pmc's re-plan moves it."""
    down = [d for d in uow.floor.downtimes(now, task.work_center_code) if d.down_from <= now]
    if down:
        raise errors.Conflict(f"{task.work_center_code} is down until {down[0].down_until:%Y-%m-%d %H:%M}",
                              code=WORK_CENTER_DOWN, fields={"work_center": task.work_center_code})


def _step(task: Task, action: str, target: TaskState, now: datetime, good, scrap, minutes) -> dict:
    values: dict = {"status": target.value}
    if action == "start":
        # The task starts where the plan in force puts it, and stays there.
        values.update(started_at=now, resumed_at=now, work_center_code=task.work_center_code,
                      planned_start=task.planned_start, planned_end=task.planned_end,
                      planned_minutes=task.planned_minutes)
    elif action == "resume":
        values["resumed_at"] = now
    else:
        worked = TaskTiming.of(task).worked(now)
        values.update(resumed_at=None, worked_minutes=worked)
        if action == "finish":
            values.update(finished_at=now, good_qty=good, scrap_qty=scrap,
                          worked_minutes=minutes if minutes is not None else worked)
    return values


def _start_production(uow, ctx: Context, actor: Actor, order: Order, operation: str) -> None:
    """The order's first reported start fires its start_production step, as the order page would."""
    lifecycle.transition(uow, ctx, actor, order, "start_production",
                      ctx.messages.text("ui.ex.mail.first_start", operation=operation))
