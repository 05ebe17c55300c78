"""Shipment (G3–G5): booking, the shipping notice to the customer, dispatch and delivery.

Logistics books the shipment (packing, transport mode, carrier, tracking number, expected
arrival); dispatching it queues the 发货通知 e-mail to the customer and then fires ``ship``, in
one transaction, so the order never leaves without the customer having been told (G4); the plain
``ship`` order action is refused (its row's guard reads :func:`shipment_dispatched`).
Delivery confirmation fires ``confirm_delivery``; its AFTER hook asks the customer for feedback.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from jidan.domain import errors
from jidan.domain.fulfilment import TRANSPORT_MODES, Shipment, slower_than_suggested, suggested_mode
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.roles import Role
from jidan.domain.states import OrderState
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.notices.notify import send_email
from jidan.services.permissions import load_order, require_order_access, require_role
from jidan.services.ports import OrderFilter
from jidan.services.fulfilment.common import check_version, iso
from jidan.services.fulfilment.feedback import ask_feedback
from jidan.services.orders import lifecycle, views

#: 由经营课安排出货: sales arranges shipment, logistics books and sends it (the ``ship`` roles).
SHIPPERS = frozenset({Role.LOGISTICS, Role.SALES})
DELIVERY_CONFIRMERS = frozenset({Role.LOGISTICS, Role.SALES, Role.CUSTOMER_SERVICE})


@dataclass(frozen=True)
class NewShipment:
    packages: int
    weight_kg: Decimal
    transport_mode: str
    carrier: str
    tracking_no: str
    expected_arrival: datetime
    freight_cost: Decimal | None = None
    mode_reason: str | None = None
    note: str | None = None


def shipment_view(row: Shipment, order: Order | None = None) -> dict:
    view = {k: iso(v) for k, v in asdict(row).items()}
    for key in ("weight_kg", "freight_cost"):
        value = getattr(row, key)
        view[key] = None if value is None else f"{value:.2f}"
    #: The reason for a slower mode is printed only when the fastest was not chosen.
    view["fastest_chosen"] = row.transport_mode == TRANSPORT_MODES[0]
    if order is not None:
        view.update(order_number=order.number, urgent=order.urgent,
                    suggested_mode=suggested_mode(order.urgent),
                    customer={"code": order.customer.code, "name": order.customer.name,
                              "email": order.customer.email, "contact": order.customer.contact,
                              "address": order.customer.address, "phone": order.customer.phone},
                    lines=[{"line_no": ln.line_no, "product": ln.product.code,
                            "product_name": ln.product.name, "quantity": ln.quantity,
                            "unit": ln.product.unit} for ln in order.lines])
    return view


def _check_shipment(order: Order, cmd: NewShipment, now: datetime) -> dict:
    fields = {}
    if cmd.packages is None or cmd.packages < 1:
        fields["packages"] = "must_be_positive"
    if cmd.weight_kg is None or cmd.weight_kg <= 0:
        fields["weight_kg"] = "must_be_positive"
    if cmd.transport_mode not in TRANSPORT_MODES:
        fields["transport_mode"] = "unknown_mode"
    elif slower_than_suggested(order.urgent, cmd.transport_mode) and not (cmd.mode_reason or "").strip():
        fields["mode_reason"] = "required"
    for key in ("carrier", "tracking_no"):
        if not (getattr(cmd, key) or "").strip():
            fields[key] = "required"
    if cmd.expected_arrival is None:
        fields["expected_arrival"] = "required"
    elif cmd.expected_arrival <= now:
        fields["expected_arrival"] = "in_past"
    if cmd.freight_cost is not None and cmd.freight_cost < 0:
        fields["freight_cost"] = "must_not_be_negative"
    return fields


def _values(cmd: NewShipment) -> dict:
    return {"packages": cmd.packages, "weight_kg": cmd.weight_kg, "transport_mode": cmd.transport_mode,
            "mode_reason": (cmd.mode_reason or "").strip() or None, "carrier": cmd.carrier.strip(),
            "tracking_no": cmd.tracking_no.strip(), "expected_arrival": cmd.expected_arrival,
            "freight_cost": cmd.freight_cost, "note": (cmd.note or "").strip() or None}


def book_shipment(ctx: Context, actor: Actor, order_id: int, cmd: NewShipment) -> dict:
    """Packing and transport for a received order (G3): the fastest mode is suggested when urgent."""
    require_role(actor, SHIPPERS)
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        if order.status != OrderState.RECEIVED:
            raise errors.InvalidTransition(f"order {order.number} is {order.status}, not received")
        if uow.shipments.by_order(order.id):
            raise errors.Duplicate(f"order {order.number} already has a shipment", code="shipment.exists")
        fields = _check_shipment(order, cmd, ctx.now())
        if fields:
            raise errors.ValidationFailed("the shipment is not complete", fields=fields)
        now = ctx.now()
        values = _values(cmd)
        shipment_id = uow.shipments.add(number=f"TMP-{order.id}", order_id=order.id, status="booked",
                                        booked_by=actor.user_id, booked_at=now, **values)
        number = f"SH-{now:%y%m}-{shipment_id:05d}"
        uow.shipments.update(shipment_id, 1, number=number)
        audit.record(uow, ctx, actor, "shipment", shipment_id, "book", None,
                     {"number": number, "order_id": order.id, **values})
        view = shipment_view(uow.shipments.get(shipment_id), order)
        uow.commit()
        return view


def _load(uow, actor: Actor, shipment_id: int) -> tuple[Shipment, Order]:
    require_order_access(actor)
    row = uow.shipments.get(shipment_id)
    if row is None:
        raise errors.NotFound(f"shipment {shipment_id} not found", code="not_found")
    return row, load_order(uow, actor, row.order_id)


def update_shipment(ctx: Context, actor: Actor, shipment_id: int, cmd: NewShipment,
                    version: int | None) -> dict:
    """Changes the booking until the goods leave."""
    require_role(actor, SHIPPERS)
    with ctx.uow() as uow:
        row, order = _load(uow, actor, shipment_id)
        if row.status != "booked":
            raise errors.Conflict("the shipment has left; it can no longer change", code="shipment.dispatched")
        check_version(row.version, version, "shipment")
        fields = _check_shipment(order, cmd, ctx.now())
        if fields:
            raise errors.ValidationFailed("the shipment is not complete", fields=fields)
        new = _values(cmd)
        old, new = audit.changed({k: getattr(row, k) for k in new}, new)
        uow.shipments.update(row.id, row.version, **new)
        audit.record(uow, ctx, actor, "shipment", row.id, "edit", old, new)
        view = shipment_view(uow.shipments.get(row.id), order)
        uow.commit()
        return view


def _notice_text(ctx: Context, order: Order, row: Shipment) -> tuple[str, str]:
    """发货通知 (G4): carrier, tracking number and expected arrival, before the goods leave."""
    subject = ctx.messages.text("ui.ff.mail.shipping_subject", number=order.number)
    lines = "\n".join(f"  {ln.product.code} {ln.product.name} × {ln.quantity} {ln.product.unit}"
                      for ln in order.lines)
    body = ctx.messages.text("ui.ff.mail.shipping_body", customer=order.customer.name, number=order.number,
                             po=order.customer_po, lines=lines, mode=row.transport_mode, carrier=row.carrier,
                             tracking_no=row.tracking_no, packages=row.packages, arrival=row.expected_arrival)
    return subject, body


def dispatch(ctx: Context, actor: Actor, shipment_id: int, version: int | None = None,
             phone_note: str | None = None) -> dict:
    """The customer is told (e-mail; by phone only when they have no address), then ``ship``."""
    require_role(actor, SHIPPERS)
    with ctx.uow() as uow:
        row, order = _load(uow, actor, shipment_id)
        if row.status != "booked":
            raise errors.Conflict("the shipment has left already", code="shipment.dispatched")
        check_version(row.version, version, "shipment")
        order.check("ship", actor)
        now = ctx.now()
        told = {"customer_told_at": now}
        if order.customer.email:
            subject, body = _notice_text(ctx, order, row)
            send_email(uow, now, to=[order.customer.email], subject=subject, body=body,
                       kind="shipping_notice", order_id=order.id, ref=f"shipment:{row.id}")
            told.update(customer_told_how="email", customer_told_note=order.customer.email)
        elif (phone_note or "").strip():
            told.update(customer_told_how="phone", customer_told_note=phone_note.strip())
        else:
            raise errors.ValidationFailed(
                "the customer has no e-mail address: tell them by phone and note it",
                fields={"phone_note": "required"})
        new = {"status": "dispatched", "dispatched_by": actor.user_id, "dispatched_at": now, **told}
        uow.shipments.update(row.id, row.version, **new)
        audit.record(uow, ctx, actor, "shipment", row.id, "dispatch", {"status": "booked"}, new)
        # After the row says who told the customer how: ship's guard lets only that through.
        lifecycle.transition(uow, ctx, actor, order, "ship")
        view = shipment_view(uow.shipments.get(row.id), order)
        uow.commit()
        return view


def shipment_dispatched(uow, order: Order) -> bool:
    """The fact ship's guard reads: goods leave only on a booked shipment being dispatched, after
    the customer was told (G3, G4); the plain order action would skip both, so it is refused."""
    row = uow.shipments.by_order(order.id)
    return row is not None and row.status == "dispatched" and row.customer_told_at is not None


def confirm_delivery(ctx: Context, actor: Actor, shipment_id: int, signed_by: str,
                     delivered_at: datetime | None = None, version: int | None = None) -> dict:
    """The customer has the goods (G5): who signed, when; ``confirm_delivery`` fires."""
    require_role(actor, DELIVERY_CONFIRMERS)
    with ctx.uow() as uow:
        row, order = _load(uow, actor, shipment_id)
        check_version(row.version, version, "shipment")
        if row.status != "dispatched":
            raise errors.Conflict("only a shipment on its way can be delivered", code="shipment.not_dispatched")
        now = ctx.now()
        at = delivered_at or now
        fields = {}
        if not (signed_by or "").strip():
            fields["signed_by"] = "required"
        if at > now:
            fields["delivered_at"] = "in_future"
        elif at < row.dispatched_at:
            fields["delivered_at"] = "before_dispatch"
        if fields:
            raise errors.ValidationFailed("the delivery is not complete", fields=fields)
        new = {"status": "delivered", "delivered_at": at, "delivered_confirmed_by": actor.user_id,
               "signed_by": signed_by.strip()}
        uow.shipments.update(row.id, row.version, **new)
        audit.record(uow, ctx, actor, "shipment", row.id, "deliver", {"status": "dispatched"}, new)
        lifecycle.transition(uow, ctx, actor, order, "confirm_delivery")
        view = shipment_view(uow.shipments.get(row.id), order)
        uow.commit()
        return view


def after_delivery(uow, ctx: Context, actor: Actor, order: Order, reason: str | None) -> None:
    """Follow-ups of every delivery: the shipment is closed out and the customer asked for
    feedback (I1, 收集反馈信息，了解客户满意度)."""
    row = uow.shipments.by_order(order.id)
    if row is not None and row.status == "dispatched":
        new = {"status": "delivered", "delivered_at": ctx.now(), "delivered_confirmed_by": actor.user_id}
        uow.shipments.update(row.id, row.version, **new)
        audit.record(uow, ctx, actor, "shipment", row.id, "deliver", {"status": "dispatched"}, new)
    ask_feedback(uow, ctx, actor, order)


def get_shipment(ctx: Context, actor: Actor, shipment_id: int) -> dict:
    with ctx.uow() as uow:
        row, order = _load(uow, actor, shipment_id)
        return shipment_view(row, order)


def mailed_shipment(ctx: Context, shipment_id: int) -> dict:
    """The shipping notice an e-mail to the customer carries (the outbox's attachment)."""
    with ctx.uow() as uow:
        row = uow.shipments.get(shipment_id)
        if row is None:
            raise errors.NotFound("shipment not found", code="not_found")
        return shipment_view(row, uow.orders.get(row.order_id))


def shipment_for_order(ctx: Context, actor: Actor, order_id: int) -> dict | None:
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        row = uow.shipments.by_order(order.id)
        return shipment_view(row, order) if row else None


def logistics_board(ctx: Context, actor: Actor) -> dict:
    """What logistics works on: received orders to ship (urgent first), booked and in transit."""
    require_order_access(actor)
    with ctx.uow() as uow:
        to_ship, _ = uow.orders.list(OrderFilter(status=OrderState.RECEIVED.value, limit=200))
        return {"to_ship": [views.order_view(o) | {"suggested_mode": suggested_mode(o.urgent)} for o in to_ship],
                "booked": _board_rows(uow, "booked"), "in_transit": _board_rows(uow, "dispatched")}


def _board_rows(uow, status: str) -> list[dict]:
    return [shipment_view(row) | {"order_number": number, "order_urgent": urgent}
            for row, number, urgent in uow.shipments.by_status(status)]


def demo_ship(ctx: Context, actor: Actor, order_id: int) -> OrderState:
    """The demo factory ships a received order as logistics would: book, then dispatch (G3, G4)."""
    with ctx.uow() as uow:
        order = uow.orders.get(order_id)
        mode = suggested_mode(order.urgent)
        phone_note = None if order.customer.email else "电话告知客户采购：承运商、单号、预计到达"
    booked = book_shipment(ctx, actor, order_id, NewShipment(
        packages=2, weight_kg=Decimal("25.00"), transport_mode=mode, carrier="顺丰速运",
        tracking_no=f"SF{order_id:010d}", expected_arrival=ctx.now() + timedelta(days=2)))
    dispatch(ctx, actor, booked["id"], booked["version"], phone_note)
    return OrderState.SHIPPED
