"""The work-center screens (E1): every work center with today's open work, and each one's
tablet board, urgent first, with what the plan in force moved away from it (E5)."""
from __future__ import annotations

from datetime import datetime, timedelta

from jidan.domain import errors
from jidan.domain.execution import Task, TaskState, continued_from
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.states import ON_FLOOR
from jidan.services.context import Context
from jidan.services.permissions import require_order_access
from jidan.services.execution.tasks import iso, plan_index, task_view


def work_centers(ctx: Context, actor: Actor) -> list[dict]:
    """Every work center with today's open tasks, what runs now and whether it is down."""
    require_order_access(actor)
    with ctx.uow() as uow:
        now = ctx.now()
        board = _today(uow, now)
        down = {d.work_center_code for d in uow.floor.downtimes(now) if d.down_from <= now}
        return [{"code": w.code, "name": w.name, "department": w.department_code,
                 "open": sum(1 for t, _ in board.get(w.code, []) if t.status != TaskState.DONE),
                 "running": sum(1 for t, _ in board.get(w.code, []) if t.status == TaskState.RUNNING),
                 "urgent": sum(1 for t, o in board.get(w.code, []) if o.urgent and t.status != TaskState.DONE),
                 "down": w.code in down} for w in uow.plant.work_centers()]


def work_center_board(ctx: Context, actor: Actor, code: str) -> dict:
    """A work center's screen (tablet): today's tasks, urgent first, then in planned order."""
    require_order_access(actor)
    with ctx.uow() as uow:
        center = uow.plant.work_center(code)
        if center is None:
            raise errors.NotFound(f"work center {code} not found", code="work_center.not_found")
        now = ctx.now()
        tasks = _today(uow, now).get(code, [])
        tasks.sort(key=lambda to: (to[0].status == TaskState.DONE, not to[1].urgent, to[0].planned_start, to[0].id))
        return {"code": center.code, "name": center.name, "department": center.department_code,
                "day": now.date().isoformat(), "now": iso(now),
                "down": [{"from": iso(d.down_from), "until": iso(d.down_until), "reason": d.reason,
                          "exception_id": d.exception_id, "now": d.down_from <= now}
                         for d in uow.floor.downtimes(now, code)],
                "tasks": [task_view(t, o) for t, o in tasks],
                "moved": _moved_away(uow, code, now)}


def _moved_away(uow, code: str, now: datetime) -> list[dict]:
    """Today's work the plan in force took off this work center, and where to: the steps it moved
    and the unfinished parts of started tasks that went on elsewhere (its breakdown)."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    index = plan_index(uow)
    if index.plan is None:
        return []
    tasks = {t.operation: t for t in uow.tasks.on_floor(midnight)}
    moved = {m["operation"]: m["new_resource"] for m in index.plan.impact.get("moved", [])
             if m["old_resource"] == code != m["new_resource"] and m["old_start"][:10] == midnight.date().isoformat()}
    for task in tasks.values():
        parent = continued_from(task.operation)
        if parent in tasks and tasks[parent].work_center_code == code != task.work_center_code:
            moved[parent] = index.effective(task).work_center_code
    return [{"operation": op, "task_id": tasks[op].id if op in tasks else None,
             "name": tasks[op].name if op in tasks else None, "to": to} for op, to in sorted(moved.items())]


def _today(uow, now: datetime) -> dict[str, list[tuple[Task, Order]]]:
    """Tasks on the floor today by work center: running or paused, due to start by tonight
    (late ones included), and those finished today."""
    midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
    tonight = midnight + timedelta(days=1)
    index = plan_index(uow)
    orders: dict[int, Order] = {}
    board: dict[str, list[tuple[Task, Order]]] = {}
    for raw in uow.tasks.on_floor(midnight):
        task = index.effective(raw)
        if task.status == TaskState.PLANNED and task.planned_start >= tonight:
            continue
        order = orders.get(task.order_id) or uow.orders.get(task.order_id)
        orders[order.id] = order
        if task.status != TaskState.DONE and order.status not in ON_FLOOR:
            continue
        board.setdefault(task.work_center_code, []).append((task, order))
    return board
