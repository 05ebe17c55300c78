"""Quality's home (issue 24): the inspections waiting on quality, urgent and oldest first.

An inspection point waits once the floor has started or finished its step and no in-process
inspection names it; an order's final inspection waits once every task of the order is done and
the final inspection has not passed all of it (``quality.final_inspection_passed``).
"""
from __future__ import annotations

from datetime import datetime

from jidan.domain.execution import INSPECTORS, Stage, TaskState
from jidan.domain.model import Actor
from jidan.domain.states import OrderState
from jidan.services.context import Context
from jidan.services.execution import quality
from jidan.services.permissions import require_role

LIMIT = 200


def waiting(ctx: Context, actor: Actor, limit: int = LIMIT) -> dict:
    """The inspection points and final inspections waiting, each with its form's link; the
    count over all that waits, the first ``limit`` listed."""
    require_role(actor, INSPECTORS)
    with ctx.uow() as uow:
        orders = {o.id: o for o in uow.orders.headers([OrderState.IN_PRODUCTION.value])}
        tasks = uow.tasks.for_orders(list(orders))
        inspected = uow.inspections.inspected_tasks(list(orders))
        items, finished = [], []
        for order_id, order_tasks in tasks.items():
            order = orders[order_id]
            for task in order_tasks:
                if task.inspection and task.status != TaskState.PLANNED and task.id not in inspected:
                    items.append(_item(order, Stage.IN_PROCESS, task.started_at or task.planned_start,
                                       task=task))
            if order_tasks and all(t.status == TaskState.DONE for t in order_tasks):
                finished.append(order)
        full = uow.orders.by_numbers(o.number for o in finished)
        for order in finished:
            if not quality.final_inspection_passed(uow, full[order.number]):
                done_at = max(t.finished_at or t.planned_end for t in tasks[order.id])
                items.append(_item(order, Stage.FINAL, done_at))
    items.sort(key=lambda i: (not i["urgent"], i["since"], i["order_id"], i["task_id"] or 0))
    return {"rows": items[:limit], "count": len(items),
            "points": sum(i["stage"] == Stage.IN_PROCESS for i in items),
            "finals": sum(i["stage"] == Stage.FINAL for i in items)}


def _item(order, stage: str, since: datetime, task=None) -> dict:
    form = f"/orders/{order.id}/inspections/new?stage={stage}"
    return {"stage": str(stage), "order_id": order.id, "number": order.number, "customer": order.customer.name,
            "urgent": order.urgent, "requested_date": order.requested_date.isoformat(),
            "since": since.isoformat(timespec="minutes"),
            "task_id": task.id if task else None, "step": task.name if task else None,
            "work_center": task.work_center_code if task else None, "quantity": task.quantity if task else None,
            "task_status": task.status if task else None,
            "form": f"{form}&task_id={task.id}" if task else form}
