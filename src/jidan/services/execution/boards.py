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


def center_choices(ctx: Context, actor: Actor) -> list[dict]:
    """Every work center by code and name, for the forms' pick-lists (no typing codes by hand)."""
    require_order_access(actor)
    with ctx.uow() as uow:
        return [{"code": w.code, "name": w.name, "department": w.department_code} for w in uow.plant.work_centers()]


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
        ready, coming = _ahead(uow, now, code)
        details = _Details(uow)
        return {"code": center.code, "name": center.name, "department": center.department_code,
                "day": now.date().isoformat(), "now": iso(now),
                "down": [{"from": iso(d.down_from), "until": iso(d.down_until), "reason": d.reason,
                          "exception_id": d.exception_id, "now": d.down_from <= now}
                         for d in uow.floor.downtimes(now, code)],
                "tasks": [details.of(t, o, now) for t, o in tasks],
                "ready": [details.of(t, o, now) for t, o in ready],
                "next": [details.of(t, o, now) for t, o in coming],
                "moved": _moved_away(uow, code, now)}


#: How many of the steps planned later, and not ready yet, the board shows as coming next.
NEXT_SHOWN = 5


def _ahead(uow, now: datetime, code: str) -> tuple[list[tuple[Task, Order]], list[tuple[Task, Order]]]:
    """This work center's steps planned after today: those ready to start now, because every
    earlier step of their lot is finished (AOI after SMT finished early), urgent and oldest first;
    and the next few of the rest, in planned order."""
    tonight = now.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)
    index = plan_index(uow)
    floor = [index.effective(t) for t in uow.tasks.on_floor(tonight - timedelta(days=1))]
    unfinished: dict[str, list[int]] = {}
    for task in floor:
        if task.status != TaskState.DONE:
            unfinished.setdefault(task.job, []).append(task.step_seq)
    orders: dict[int, Order] = {}
    ready, coming = [], []
    for task in floor:
        if task.work_center_code != code or task.status != TaskState.PLANNED or task.planned_start < tonight:
            continue
        order = orders.get(task.order_id) or uow.orders.get(task.order_id)
        orders[order.id] = order
        if order.status not in ON_FLOOR:
            continue
        waits = any(seq < task.step_seq for seq in unfinished.get(task.job, []))
        (coming if waits else ready).append((task, order))
    ready.sort(key=lambda to: (not to[1].urgent, to[0].planned_start, to[0].id))
    return ready, coming[:NEXT_SHOWN]


class _Details:
    """What the operator taps a task open for: the order's instructions, the step's inspection,
    the materials the step consumes and the drawings lent out with the order (read once an order)."""

    def __init__(self, uow):
        self.uow, self.names, self.drawings = uow, {}, {}

    def of(self, task: Task, order: Order, now: datetime) -> dict:
        view = task_view(task, order)
        line = next((ln for ln in order.lines if ln.line_no == task.line_no), None)
        first = line.product.routing[0].seq if line and line.product.routing else None
        items = [i for i in (line.product.bom if line else [])
                 if i.step_seq == task.step_seq or (i.step_seq is None and task.step_seq == first)]
        if order.id not in self.drawings:
            self.drawings[order.id] = [{"doc_no": d.doc_no, "title": d.title, "kind": d.kind, "status": d.status}
                                       for d in self.uow.drawings.for_order(order.id)]
        view.update(
            instructions=order.special_requirements or "",
            product=line.product.code if line else None, product_name=line.product.name if line else None,
            materials=[{"code": i.component_code, "name": self._name(i.component_code),
                        "quantity": str(i.quantity_per * task.quantity)} for i in items],
            drawings=self.drawings[order.id],
            running_seconds=int((now - task.started_at).total_seconds())
            if task.status == TaskState.RUNNING and task.started_at else None)
        return view

    def _name(self, code: str) -> str:
        if code not in self.names:
            product = self.uow.products.by_code(code)
            self.names[code] = product.name if product else code
        return self.names[code]


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
