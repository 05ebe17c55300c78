"""The customer's feedback after delivery (I1, 收集反馈信息，了解客户满意度): a signed,
single-use, expiring link that needs no login, a rating of 1–5 and a comment; a low rating
reaches customer service at once."""
from __future__ import annotations

import secrets
from datetime import timedelta

from itsdangerous import BadSignature, URLSafeSerializer

from jidan.domain import errors
from jidan.domain.fulfilment import RATINGS, FeedbackRequest
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.roles import Role
from jidan.domain.states import OrderState
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.notices.notify import notify, send_email
from jidan.services.permissions import load_order, require_role
from jidan.services.fulfilment.common import iso

FEEDBACK_ASKERS = frozenset({Role.SALES, Role.CUSTOMER_SERVICE})
#: A rating this low is a complaint in the making: customer service hears of it at once.
UNHAPPY = 2


def _signer(ctx: Context) -> URLSafeSerializer:
    return URLSafeSerializer(ctx.feedback_secret, salt="jidan.feedback")


def ask_feedback(uow, ctx: Context, actor: Actor, order: Order) -> dict:
    """A new feedback link for the delivered order, e-mailed to the customer when they have an address."""
    now = ctx.now()
    nonce = secrets.token_urlsafe(24)
    email = order.customer.email
    request_id = uow.feedback.add(order_id=order.id, nonce=nonce, sent_to=email, created_at=now,
                                  expires_at=now + timedelta(days=ctx.feedback_link_days))
    token = _signer(ctx).dumps({"id": request_id, "n": nonce})
    link = f"{ctx.public_url.rstrip('/')}/feedback/{token}"
    if email:
        send_email(uow, now, to=[email], kind="feedback_request", order_id=order.id,
                   ref=f"feedback:{request_id}",
                   subject=ctx.messages.text("ui.ff.mail.feedback_subject", number=order.number),
                   body=ctx.messages.text("ui.ff.mail.feedback_body", customer=order.customer.name,
                                          number=order.number, link=link, days=ctx.feedback_link_days))
    audit.record(uow, ctx, actor, "feedback", request_id, "request", None,
                 {"order_id": order.id, "sent_to": email})
    return {"id": request_id, "link": link, "sent_to": email}


def request_feedback(ctx: Context, actor: Actor, order_id: int) -> dict:
    """Sales or customer service asks again (a lost or expired link): a new link."""
    require_role(actor, FEEDBACK_ASKERS)
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        if order.status not in (OrderState.DELIVERED, OrderState.CLOSED):
            raise errors.InvalidTransition(f"order {order.number} is not delivered yet")
        asked = ask_feedback(uow, ctx, actor, order)
        uow.commit()
        return asked


def _open_request(uow, ctx: Context, token: str) -> tuple[FeedbackRequest, Order]:
    """The request a link names, if the signature holds; used or expired links are refused."""
    try:
        data = _signer(ctx).loads(token)
        row = uow.feedback.get(int(data["id"]))
        good = row is not None and secrets.compare_digest(str(data["n"]), row.nonce)
    except (BadSignature, KeyError, TypeError, ValueError):
        good = False
    if not good:
        raise errors.NotFound("this feedback link is not valid", code="feedback.invalid")
    if row.used_at is not None:
        raise errors.Conflict("this feedback link was used already", code="feedback.used")
    if any(other.id > row.id for other in uow.feedback.for_order(row.order_id)):
        raise errors.Conflict("a newer feedback link replaced this one", code="feedback.replaced")
    if ctx.now() > row.expires_at:
        raise errors.Conflict("this feedback link has expired", code="feedback.expired")
    return row, uow.orders.get(row.order_id)


def feedback_form(ctx: Context, token: str) -> dict:
    """What the customer sees behind the link: which delivery they are rating."""
    with ctx.uow() as uow:
        row, order = _open_request(uow, ctx, token)
        shipment = uow.shipments.by_order(order.id)
        return {"order_number": order.number, "customer_po": order.customer_po,
                "customer": order.customer.name,
                "lines": [{"product": ln.product.name, "quantity": ln.quantity} for ln in order.lines],
                "delivered_at": iso(shipment.delivered_at) if shipment else None,
                "expires_at": iso(row.expires_at)}


def submit_feedback(ctx: Context, token: str, rating: int | None, comment: str | None) -> dict:
    """The customer's answer, once per link (I1); a low rating reaches customer service at once."""
    comment = (comment or "").strip()
    fields = {}
    if rating is None:
        fields["rating"] = "required"
    elif rating not in RATINGS:
        fields["rating"] = "out_of_range"
    if len(comment) > 2000:
        fields["comment"] = "too_long"
    with ctx.uow() as uow:
        row, order = _open_request(uow, ctx, token)
        if fields:
            raise errors.ValidationFailed("the feedback is not complete", fields=fields)
        now = ctx.now()
        new = {"used_at": now, "rating": rating, "comment": comment or None}
        uow.feedback.update(row.id, row.version, **new)
        audit.record(uow, ctx, None, "feedback", row.id, "answer", None,
                     {**new, "by": f"customer {order.customer.code}"})
        notify(uow, now, kind="feedback", order_id=order.id, ref=f"feedback:{row.id}",
               roles=[Role.CUSTOMER_SERVICE], users=[order.created_by], critical=rating <= UNHAPPY,
               subject=ctx.messages.text("ui.ff.mail.rating_subject", rating=rating, number=order.number),
               body=comment, ctx=ctx)
        uow.commit()
        return {"order_number": order.number, "rating": rating}


def feedback_for_order(ctx: Context, actor: Actor, order_id: int) -> list[dict]:
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        return [{"id": r.id, "sent_to": r.sent_to, "created_at": iso(r.created_at),
                 "expires_at": iso(r.expires_at), "used_at": iso(r.used_at),
                 "rating": r.rating, "comment": r.comment} for r in uow.feedback.for_order(order.id)]


