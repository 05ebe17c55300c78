"""Finished goods receipt (成品入库单, G1, G2).

The receipt is written and the order's ``receive`` action fired in one transaction. What must
follow any receipt — sales told at once for an urgent order, lent documents due back to
engineering within 24 hours — runs as the ``receive`` AFTER hook, so it happens whichever way
the order was received.
"""
from __future__ import annotations

from dataclasses import dataclass

from jidan.domain import errors
from jidan.domain.fulfilment import Receipt, check_receipt
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.roles import Role
from jidan.domain.states import OrderState
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.notices.notify import notify
from jidan.services.names import display_name
from jidan.services.orders import lifecycle, views
from jidan.services.permissions import load_order, require_order_access, require_role
from jidan.services.ports import OrderFilter
from jidan.services.fulfilment import drawings
from jidan.services.fulfilment.common import check_version, iso

RECEIVERS = frozenset({Role.WAREHOUSE})


@dataclass(frozen=True)
class NewReceipt:
    """What the clerk fills in: the quantity taken in per order line, where it is put."""

    quantities: dict[int, int]
    location: str
    handed_over_by: str | None = None
    note: str | None = None
    collect: tuple[int, ...] = ()  # lent documents handed to the clerk with the goods (L1)
    version: int | None = None  # the order's version the clerk saw


def receipt_view(row: Receipt, order: Order, uow) -> dict:
    clerk = uow.users.get(row.received_by)
    inspection = next((e for e in reversed(uow.audit.for_entity("order", order.id))
                       if e.action == "inspect"), None)
    return {
        "id": row.id, "number": row.number, "order_id": order.id, "order_number": order.number,
        "urgent": order.urgent, "customer": {"code": order.customer.code, "name": order.customer.name},
        "lines": row.lines, "location": row.location, "handed_over_by": row.handed_over_by,
        "note": row.note, "received_by": clerk.username, "received_by_name": clerk.display_name,
        "received_at": iso(row.received_at),
        "inspected_by": inspection.actor if inspection else None,
        "inspected_by_name": display_name(uow, inspection.actor_id, {}) if inspection else None,
        "inspected_at": iso(inspection.at) if inspection else None,
        "version": row.version,
    }


def receive_goods(ctx: Context, actor: Actor, order_id: int, cmd: NewReceipt) -> dict:
    """The warehouse takes an inspected order in: receipt, collected documents, ``receive``."""
    require_role(actor, RECEIVERS)
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        check_version(order.version, cmd.version, "order")
        order.check("receive", actor)
        ordered = {ln.line_no: ln.quantity for ln in order.lines}
        fields = check_receipt(ordered, cmd.quantities)
        location = (cmd.location or "").strip()
        if not location:
            fields["location"] = "required"
        docs, doc_fields = drawings.to_collect(uow, order, cmd.collect)
        fields.update(doc_fields)
        if fields:
            raise errors.ValidationFailed("the receipt is not complete", fields=fields)
        receipt_id = _add_receipt(uow, ctx, actor, order, cmd.quantities, location,
                                  cmd.handed_over_by, cmd.note)
        for doc in docs:
            drawings.collect(uow, ctx, actor, doc)
        lifecycle.transition(uow, ctx, actor, order, "receive")
        view = receipt_view(uow.receipts.get(receipt_id), order, uow)
        uow.commit()
        return view


def _add_receipt(uow, ctx, actor, order: Order, quantities: dict[int, int], location: str,
                 handed_over_by: str | None, note: str | None) -> int:
    now = ctx.now()
    lines = [{"line_no": ln.line_no, "product": ln.product.code, "product_name": ln.product.name,
              "unit": ln.product.unit, "ordered": ln.quantity, "received": quantities[ln.line_no]}
             for ln in order.lines]
    receipt_id = uow.receipts.add(number=f"TMP-{order.id}", order_id=order.id, lines=lines,
                                  location=location, handed_over_by=handed_over_by or None,
                                  note=note or None, received_by=actor.user_id, received_at=now)
    number = f"GR-{now:%y%m}-{receipt_id:05d}"
    uow.receipts.update(receipt_id, uow.receipts.get(receipt_id).version, number=number)
    audit.record(uow, ctx, actor, "goods_receipt", receipt_id, "create", None,
                 {"number": number, "order_id": order.id, "lines": lines, "location": location,
                  "handed_over_by": handed_over_by, "note": note})
    return receipt_id


def after_receive(uow, ctx: Context, actor: Actor, order: Order, reason: str | None) -> None:
    """Follow-ups of every receipt: the 成品入库单 exists, sales arranges shipment (G2), lent
    documents fall due to engineering (L2)."""
    now = ctx.now()
    if uow.receipts.by_order(order.id) is None:
        # Received with the plain action button: the whole order, no location given.
        _add_receipt(uow, ctx, actor, order, {ln.line_no: ln.quantity for ln in order.lines}, "",
                     None, reason)
    # 仓库收到生产紧急订单成品入库时，必须立即知会经营课负责人，由经营课安排出货 (G2).
    notify(uow, now, kind="goods_received", order_id=order.id, roles=[Role.SALES],
           users=[order.created_by], critical=order.urgent, needs_ack=order.urgent,
           ack_hours=ctx.urgent_receipt_ack_hours if order.urgent else None, exclude=actor,
           subject=ctx.messages.text("ui.ff.mail.received_subject_urgent" if order.urgent
                                     else "ui.ff.mail.received_subject", number=order.number),
           body=ctx.messages.text("ui.ff.mail.received_body", customer=order.customer.name, number=order.number),
           ctx=ctx)
    drawings.fall_due(uow, ctx, actor, order, now)


def get_receipt(ctx: Context, actor: Actor, order_id: int) -> dict:
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        row = uow.receipts.by_order(order.id)
        if row is None:
            raise errors.NotFound(f"order {order.number} has no goods receipt", code="not_found")
        return receipt_view(row, order, uow)


def orders_to_receive(ctx: Context, actor: Actor) -> list[dict]:
    """Inspected orders waiting for the warehouse, urgent first."""
    require_order_access(actor)
    with ctx.uow() as uow:
        found, _ = uow.orders.list(OrderFilter(status=OrderState.INSPECTED.value, limit=200))
        return [views.order_view(o) for o in found]
