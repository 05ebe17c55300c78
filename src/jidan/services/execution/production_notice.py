"""The production notice (紧急订单生产通知单, D1, D2): issued to each work group's leader with the
group's tasks, acknowledged by them, and printable per group with times and hours."""
from __future__ import annotations

from jidan.domain.execution import Task
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.roles import Role
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.names import display_name
from jidan.services.notices.notify import notify
from jidan.services.notices.answers import answer
from jidan.services.permissions import load_order
from jidan.services.execution.tasks import iso, plan_index, task_view, urgent_tag


def notify_groups(uow, ctx: Context, actor: Actor, order: Order, tasks: list[Task], kind: str) -> None:
    """One notice per work group with its tasks, to the group's leader (or, with none named, to
    every manufacturing user), acknowledgement required; audited as the notice it is.
    ``kind``: "release" for the order's tasks, "rework" for a failed quantity's."""
    centers = {w.code: w for w in uow.plant.work_centers()}
    departments = {d.code: d.name for d in uow.plant.departments()}
    leaders = uow.floor.leaders()
    groups: dict[str, list[Task]] = {}
    for task in tasks:
        groups.setdefault(centers[task.work_center_code].department_code, []).append(task)
    title = ctx.messages.text(("ui.ex.notice.title" if kind == "release" else "ui.ex.mail.rework_title")
                              + ("_urgent" if order.urgent else ""))
    for dept, group in sorted(groups.items()):
        leader = leaders.get(dept)
        body = "\n".join(ctx.messages.text(
            "ui.ex.mail.notice_line", step=t.step_seq, lot=f".{t.lot}" if t.lot > 1 else "", name=t.name,
            work_center=t.work_center_code, quantity=t.quantity, start=t.planned_start, end=t.planned_end,
            hours=t.planned_minutes / 60) for t in group)
        event = notify(uow, ctx.now(), kind=kind, ctx=ctx,
                       subject=ctx.messages.text("ui.ex.mail.notice_subject", tag=urgent_tag(ctx, order.urgent),
                                                 title=title, number=order.number,
                                                 department=departments.get(dept, dept)),
                       body=body, order_id=order.id, users=[leader] if leader else (),
                       roles=() if leader else [Role.MANUFACTURING], ref=f"production_notice:{order.id}:{dept}",
                       needs_ack=True, ack_hours=ctx.release_ack_hours, critical=order.urgent)
        audit.record(uow, ctx, actor, "production_notice", f"{order.id}:{dept}", "issue" if kind == "release" else kind,
                     None, {"order": order.number, "urgent": order.urgent, "event_id": event,
                            "leader_id": leader, "tasks": [t.operation for t in group]})


def answer_started(uow, ctx: Context, actor: Actor, task: Task) -> None:
    """A task of a work group started: the group's production and rework notices for the order
    are answered, whoever acknowledged them (D2)."""
    center = next(w for w in uow.plant.work_centers() if w.code == task.work_center_code)
    answer(uow, ctx, ref=f"production_notice:{task.order_id}:{center.department_code}", act="start", actor=actor)


def notice_status(uow, order_id: int) -> list[dict]:
    """Each production notice of the order: to whom, when, acknowledged or not (D2)."""
    out: dict[str, dict] = {}
    for n in uow.notices.for_order(order_id):
        if not (n.ref or "").startswith("production_notice:"):
            continue
        group = out.setdefault(n.event_id, {"department": n.ref.split(":")[2], "kind": n.kind,
                                               "sent_at": iso(n.created_at), "recipients": []})
        user = uow.users.get(n.recipient_id)
        group["recipients"].append({"user": user.display_name or user.username, "role": str(user.role),
                                    "acknowledged_at": iso(n.acknowledged_at),
                                    "escalation_level": n.escalation_level})
    return list(out.values())


def production_notice(ctx: Context, actor: Actor, order_id: int) -> dict:
    """紧急订单生产通知单 (D1), printable: per work group, its operations in order with times and hours."""
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        index = plan_index(uow)
        tasks = [index.effective(t) for t in uow.tasks.for_order(order.id)]
        centers = {w.code: w for w in uow.plant.work_centers()}
        departments = {d.code: d.name for d in uow.plant.departments()}
        leaders = uow.floor.leaders()
        groups: dict[str, dict] = {}
        for t in sorted(tasks, key=lambda t: (t.planned_start, t.step_seq, t.lot)):
            dept = centers[t.work_center_code].department_code
            leader = uow.users.get(leaders[dept]) if dept in leaders else None
            group = groups.setdefault(dept, {"department": dept, "name": departments.get(dept, dept),
                                             "leader": leader.display_name if leader else None,
                                             "tasks": [], "minutes": 0})
            group["tasks"].append(task_view(t, order))
            group["minutes"] += t.planned_minutes
        issued = [e for e in uow.audit.for_entity("order", order.id) if e.action == "release"]
        owner = uow.users.get(order.owner_id) if order.owner_id else None
        return {"order_id": order.id, "number": order.number, "urgent": order.urgent,
                "customer": order.customer.name, "status": str(order.status),
                "due": (order.promised_date or order.requested_date).isoformat(),
                "lines": [{"line_no": ln.line_no, "product": ln.product.code, "product_name": ln.product.name,
                           "quantity": ln.quantity} for ln in order.lines],
                "owner": owner.display_name if owner else None,
                "issued_by": display_name(uow, issued[-1].actor_id, {}) if issued else None,
                "issued_at": issued[-1].at.isoformat(timespec="minutes") if issued else None,
                "groups": list(groups.values()), "notices": notice_status(uow, order.id)}
