"""The confirmation letter (确认函, A6): made from the order as approved, kept, sent by sales.

Each approval (and each approved change) makes a new letter from the order's revision; the letter
is stored exactly as made, and each sending is recorded with its outbox row.
"""
from __future__ import annotations

from datetime import date

from jidan.domain import errors
from jidan.domain.approval import LetterRecord
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.roles import ORDER_ENTRY
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.names import display_name, urgent_mark
from jidan.services.notices import notify
from jidan.services.orders import views

from jidan.services.permissions import load_order, require_role


def letter_view(row: LetterRecord, names: dict, uow) -> dict:
    return {"id": row.id, "order_id": row.order_id, "revision": row.revision,
            "committed_date": row.committed_date.isoformat(), "recipient": row.recipient,
            "subject": row.subject, "body": row.body,
            "created_at": row.created_at.isoformat(timespec="seconds"),
            "created_by": display_name(uow, row.created_by, names),
            "sent_to": row.sent_to, "sent_by": display_name(uow, row.sent_by, names),
            "sent_at": row.sent_at.isoformat(timespec="seconds") if row.sent_at else None,
            "outbox_id": row.outbox_id, "version": row.version}


def _unit(text, unit: str) -> str:
    """The unit of measure in the catalogue's words; one it does not know, as entered."""
    key = f"ui.unit.{unit}"
    worded = text(key)
    return unit if worded == key else worded


def make_letter(uow, ctx, actor: Actor, order: Order, committed: date) -> int:
    """The confirmation letter (确认函) from the order as approved now: kept, sent by sales."""
    text = ctx.messages.text
    seller = uow.users.get(order.created_by)
    lines = "\n".join(text("ui.appr.letter.line", no=ln.line_no, code=ln.product.code, name=ln.product.name,
                            quantity=ln.quantity, unit=_unit(text, ln.product.unit), price=ln.unit_price, amount=ln.amount)
                       for ln in order.lines)
    special = order.special_requirements
    body = text("ui.appr.letter.body", customer=order.customer.name, customer_po=order.customer_po,
                number=order.number, revision=order.revision, lines=lines, amount=order.amount,
                requested=order.requested_date, committed=committed,
                special=text("ui.appr.letter.special", text=special) if special else "",
                seller=seller.display_name if seller else "",
                seller_email=text("ui.appr.letter.seller_email", email=seller.email)
                if seller and seller.email else "",
                company=ctx.company_name, today=ctx.now())
    subject = text("ui.appr.letter.subject", urgent=urgent_mark(ctx, order), number=order.number, committed=committed)
    letter_id = uow.letters.add(order_id=order.id, revision=order.revision, committed_date=committed,
                                recipient=order.customer.email, subject=subject[:200], body=body,
                                created_by=actor.user_id, created_at=ctx.now())
    audit.record(uow, ctx, actor, "confirmation_letter", letter_id, "create", None,
                 {"order": order.number, "revision": order.revision, "committed_date": committed})
    return letter_id


def letters(ctx: Context, actor: Actor, order_id: int) -> list[dict]:
    with ctx.uow() as uow:
        load_order(uow, actor, order_id)
        names: dict = {}
        return [letter_view(r, names, uow) for r in uow.letters.for_order(order_id)]


def letter(ctx: Context, actor: Actor, order_id: int, letter_id: int) -> tuple[dict, dict]:
    """One letter with its order (for the printable page)."""
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        row = uow.letters.get(letter_id)
        if row is None or row.order_id != order.id:
            raise errors.NotFound("letter not found", code="confirmation.not_found")
        return letter_view(row, {}, uow), views.order_view(order)


def mailed_letter(ctx: Context, letter_id: int) -> tuple[dict, dict]:
    """The letter an e-mail to the customer carries, with its order (the outbox's attachment)."""
    with ctx.uow() as uow:
        row = uow.letters.get(letter_id)
        if row is None:
            raise errors.NotFound("letter not found", code="confirmation.not_found")
        return letter_view(row, {}, uow), views.order_view(uow.orders.get(row.order_id))


def send_letter(ctx: Context, actor: Actor, order_id: int, letter_id: int,
                to: list[str] | None = None, version: int | None = None) -> dict:
    """Sales sends the letter to the customer by e-mail (A6); each sending is recorded."""
    require_role(actor, ORDER_ENTRY)
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        row = uow.letters.get(letter_id)
        if row is None or row.order_id != order.id:
            raise errors.NotFound("letter not found", code="confirmation.not_found")
        if version is not None and version != row.version:
            raise errors.StaleVersion("the letter changed since you read it", current_version=row.version)
        if row.revision != order.revision:
            raise errors.Conflict("the order has changed since this letter; send the newest one",
                                  code="confirmation.outdated")
        recipients = [a.strip() for a in (to or [row.recipient or ""]) if a and a.strip()]
        outbox_id = notify.send_email(uow, ctx.now(), to=recipients, subject=row.subject, body=row.body,
                                      kind="confirmation", order_id=order.id, ref=f"letter:{letter_id}")
        uow.letters.update(letter_id, row.version, sent_to=", ".join(recipients), sent_by=actor.user_id,
                           sent_at=ctx.now(), outbox_id=outbox_id)
        audit.record(uow, ctx, actor, "confirmation_letter", letter_id, "send",
                     {"sent_to": row.sent_to}, {"sent_to": ", ".join(recipients), "outbox_id": outbox_id})
        view = letter_view(uow.letters.get(letter_id), {}, uow)
        uow.commit()
        return view
