"""The progress e-mail to the customer (E3): the order's stage, operations done and expected
date — sent by sales or customer service on request, and by itself at configured milestones."""
from __future__ import annotations

from jidan.domain.execution import PROGRESS_MILESTONES
from jidan.domain import errors
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.roles import Role
from jidan.domain.states import TRANSITIONS
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.notices.notify import send_email
from jidan.services.permissions import load_order, require_role
from jidan.services.execution.progress import order_forecast
from jidan.services.execution.tasks import urgent_tag

#: Who sends the customer a progress update (E3).
CUSTOMER_CONTACTS = frozenset({Role.SALES, Role.CUSTOMER_SERVICE})
#: The state each milestone action leads to: how the hook knows which milestone it is at.
MILESTONE_OF_STATE = {t.target: t.action for t in TRANSITIONS.values() if t.action in PROGRESS_MILESTONES}
#: Order states the customer reads a stage of; any other reads as "in progress".
STAGES = frozenset({"approved", "planned", "released", "in_production", "on_hold", "inspected", "received",
                    "shipped", "delivered"})


def send_progress_update(ctx: Context, actor: Actor, order_id: int, note: str | None = None) -> dict:
    """Sales or customer service e-mail the customer the order's stage and expected date (E3)."""
    require_role(actor, CUSTOMER_CONTACTS)
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        if not order.customer.email:
            raise errors.Conflict("the customer has no e-mail address", code="customer.no_email",
                                  fields={"email": "required"})
        sent = _progress_mail(uow, ctx, order, note, ref=f"progress:{order.id}")
        audit.record(uow, ctx, actor, "order_progress", order.id, "customer_update", None, sent, note)
        uow.commit()
        return {"order_id": order.id, **sent}


def _progress_mail(uow, ctx: Context, order: Order, note: str | None, ref: str) -> dict:
    """Queues the progress e-mail (stage, operations done, expected date) to the customer."""
    result, _ = order_forecast(uow, ctx, order)
    expected = result.predicted.date() if result.predicted else (order.promised_date or order.requested_date)
    stage = str(order.status) if str(order.status) in STAGES else "other"
    body = ctx.messages.text(
        "ui.ex.mail.progress_body", customer=order.customer.name, po=order.customer_po, number=order.number,
        stage=ctx.messages.text(f"ui.ex.mail.stage.{stage}"),
        stage_en=ctx.messages.text(f"ui.ex.mail.stage_en.{stage}"),
        done=result.done, total=result.total, expected=expected, note=f"\n\n{note}" if note else "")
    subject = ctx.messages.text("ui.ex.mail.progress_subject", tag=urgent_tag(ctx, order.urgent),
                                po=order.customer_po)
    mail_id = send_email(uow, ctx.now(), to=[order.customer.email], subject=subject, body=body,
                         kind="progress_update", order_id=order.id, ref=ref)
    return {"to": order.customer.email, "stage": str(order.status), "expected": expected.isoformat(),
            "outbox_id": mail_id}


def progress_at_milestone(uow, ctx: Context, actor: Actor, order: Order, reason: str | None) -> None:
    """AFTER hook (E3): at a configured milestone the customer gets the progress e-mail without
    anyone asking, once per order and milestone (``progress:<order>:<milestone>``), audited.
    Customers without an e-mail address are left to sales, who phone them."""
    milestone = MILESTONE_OF_STATE.get(order.status)
    if milestone is None or milestone not in ctx.progress_milestones or not order.customer.email:
        return
    ref = f"progress:{order.id}:{milestone}"
    if any(e.action == "milestone_update" and (e.new or {}).get("ref") == ref
           for e in uow.audit.for_entity("order_progress", order.id)):
        return
    sent = _progress_mail(uow, ctx, order, None, ref)
    audit.record(uow, ctx, actor, "order_progress", order.id, "milestone_update", None,
                 {**sent, "milestone": milestone, "ref": ref})
