"""Live progress of an order on the floor (E2): operations done, work left, the forecast against
the due time, and the alert to pmc when the forecast passes it — after every report, and by a
timer while nobody reports."""
from __future__ import annotations

from datetime import datetime, timedelta

from jidan.domain.delivery import Timer
from jidan.domain.execution import Forecast, Task, TaskTiming, WorkingTime, crosses_due, forecast
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.roles import Role
from jidan.domain.states import ON_FLOOR
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.masterdata.calendar import effective_calendar
from jidan.services.notices import timers
from jidan.services.notices.notify import notify
from jidan.services.permissions import load_order
from jidan.services.execution.production_notice import notice_status
from jidan.services.execution.tasks import PlanIndex, due_at, iso, plan_index, task_view, urgent_tag

#: The re-check of a running order's forecast when nobody reports (E2).
PROGRESS_CHECK = "execution.progress_check"
PROGRESS_CHECK_MINUTES = 60


def working_time(uow, ctx: Context) -> WorkingTime:
    return WorkingTime(effective_calendar(uow, ctx).is_working_day, ctx.shifts)


def order_forecast(uow, ctx: Context, order: Order, index: PlanIndex | None = None) -> tuple[Forecast, list[Task]]:
    index = index or plan_index(uow)
    tasks = [index.effective(t) for t in uow.tasks.for_order(order.id)]
    return forecast([TaskTiming.of(t) for t in tasks], ctx.now(), working_time(uow, ctx)), tasks


def watch(uow, ctx: Context, order: Order) -> None:
    """Keeps the order's forecast; when it passes the due time, pmc and the owner are told once
    (again only after it came back in time and passed it once more)."""
    result, _ = order_forecast(uow, ctx, order)
    due = due_at(order)
    current = uow.tasks.progress(order.id)
    late, alert = crosses_due(bool(current and current.late), result.predicted, due)
    now = ctx.now()
    values = {"predicted_completion": result.predicted, "late": late, "checked_at": now}
    if alert:
        values["alerted_at"] = now
        over = working_time(uow, ctx).between(due, result.predicted)
        notify(uow, now, kind="progress_alert", ctx=ctx, order_id=order.id, roles=[Role.PMC],
               critical=order.urgent,
               subject=ctx.messages.text("ui.ex.mail.late_subject", tag=urgent_tag(ctx, order.urgent),
                                         number=order.number, hours=over / 60),
               body=ctx.messages.text("ui.ex.mail.late_body", predicted=result.predicted,
                                      due=due - timedelta(minutes=1), done=result.done, total=result.total,
                                      minutes=result.remaining_minutes),
               ref=f"progress:{order.id}")
        audit.record(uow, ctx, None, "order_progress", order.id, "late_alert", {"late": False},
                     {"late": True, "predicted_completion": iso(result.predicted), "due": iso(due)})
    if current is None or current.late != late or current.predicted_completion != result.predicted:
        uow.tasks.save_progress(order.id, current, **values)


def schedule_check(uow, now: datetime, order: Order) -> None:
    """The next re-check of the order's forecast, an hour from ``now``."""
    timers.schedule(uow, now, kind=PROGRESS_CHECK, ref=f"order:{order.id}",
                    due_at=now + timedelta(minutes=PROGRESS_CHECK_MINUTES))


def on_progress_check(uow, ctx: Context, timer: Timer) -> None:
    """Timer: re-checks the forecast of an order on the floor even when nobody reports, so the
    alert comes before the date is missed; re-arms itself while the order is on the floor."""
    order = uow.orders.get(int(timer.ref.split(":")[1]))
    if order is None or order.status not in ON_FLOOR:
        return
    watch(uow, ctx, order)
    schedule_check(uow, ctx.now(), order)


def progress(ctx: Context, actor: Actor, order_id: int) -> dict:
    """Live progress of an order (E2): operations done, work left, forecast against the due time."""
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        result, tasks = order_forecast(uow, ctx, order)
        due = due_at(order)
        late = result.predicted is not None and result.predicted > due
        return {
            "order_id": order.id, "number": order.number, "urgent": order.urgent, "status": str(order.status),
            "done": result.done, "total": result.total,
            "percent": round(100 * result.done / result.total) if result.total else 0,
            "remaining_minutes": result.remaining_minutes, "lateness_minutes": result.lateness_minutes,
            "predicted_completion": iso(result.predicted), "due": iso(due), "late": late,
            "due_date": (order.promised_date or order.requested_date).isoformat(),
            "tasks": [task_view(t, order) for t in tasks],
            "notices": notice_status(uow, order.id),
        }
