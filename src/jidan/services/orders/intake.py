"""Order intake (A1–A4): entering an order, editing it before approval, and who answers for it.

Each use case runs in its own transaction and is audited; a retried entry with the same
idempotency key returns the first answer (A2).
"""
from __future__ import annotations

import hashlib
import json
import uuid
from dataclasses import asdict, dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from jidan.domain import errors
from jidan.domain.calendar import WorkCalendar
from jidan.domain.horizon import most_units, working_minutes
from jidan.domain.model import Actor
from jidan.domain.order import (CHANNELS, LINES_MAX, QUANTITY_MAX, Order, OrderLine, line_errors, note_errors,
                               order_errors)
from jidan.domain.roles import ORDER_ENTRY, Role
from jidan.domain.states import APPROVED_STATES, OrderState
from jidan.domain.urgency import UrgencyPolicy, assess_urgency
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.masterdata.calendar import effective_calendar
from jidan.services.orders.lifecycle import check_version
from jidan.services.orders.views import current_view, snapshot
from jidan.services.permissions import load_order, require_role


@dataclass(frozen=True)
class NewLine:
    product: str
    quantity: int
    unit_price: Decimal | None = None


@dataclass(frozen=True)
class NewOrder:
    """What sales enters (A1): customer and products by code."""

    customer: str
    customer_po: str
    requested_date: date
    lines: tuple[NewLine, ...]
    channel: str = "phone"
    special_requirements: str | None = None
    urgent_reason: str | None = None
    draft: bool = False


@dataclass(frozen=True)
class OrderEdit:
    """Fields that may be edited before approval; None leaves a field as it is."""

    version: int
    requested_date: date | None = None
    special_requirements: str | None = None
    urgent_reason: str | None = None
    lines: tuple[NewLine, ...] | None = None
    extra: dict = field(default_factory=dict)


def build_lines(uow, ctx: Context, lines: tuple[NewLine, ...], fields: dict | None = None) -> list[OrderLine]:
    """Order lines from product codes, priced from the product unless a price is given.

    Every bad line field goes into ``fields`` (the caller's other field errors, if it passes them),
    so that one answer names them all; the quantity is bounded by what the plant can make in the
    planning horizon (High-1)."""
    fields = {} if fields is None else fields
    if not lines or len(lines) > LINES_MAX:
        fields["lines"] = "too_long" if lines else "required"
    for i, ln in enumerate(lines):
        fields.update({f"lines.{i}.{name}": code for name, code in line_errors(ln.product, ln.quantity,
                                                                                ln.unit_price).items()})
    codes = {ln.product for i, ln in enumerate(lines) if f"lines.{i}.product" not in fields}
    products = uow.products.by_codes(codes) if codes else {}
    most = _most_units(uow, ctx)
    for i, ln in enumerate(lines):
        product = products.get(ln.product)
        if product is None or product.kind != "finished":
            fields[f"lines.{i}.product"] = "unknown_product"
        elif f"lines.{i}.quantity" not in fields and ln.quantity > most(product):
            fields[f"lines.{i}.quantity"] = "quantity_beyond_capacity"
    if fields:
        beyond = set(fields.values()) == {"quantity_beyond_capacity"}
        raise errors.ValidationFailed(
            "the plant cannot make that many within the planning horizon" if beyond else
            "some order fields are not valid", fields=fields,
            code="order.quantity_beyond_capacity" if beyond else "validation_failed")
    built = []
    for i, ln in enumerate(lines, start=1):
        product = products[ln.product]
        line = OrderLine(i, product.id, ln.quantity,
                         ln.unit_price if ln.unit_price is not None else product.unit_price)
        line.product = product
        built.append(line)
    return built


def _most_units(uow, ctx: Context):
    """The most units of a product one line may ask for: what its routing's work centres can make
    in their working minutes over the planning horizon (``domain.horizon``); read when needed."""
    known: dict = {}

    def most(product) -> int:
        if not product.routing:
            return QUANTITY_MAX
        if "minutes" not in known:
            known["centers"] = [w.code for w in uow.plant.work_centers()]
            known["minutes"] = working_minutes(effective_calendar(uow, ctx), ctx.now().date(),
                                               ctx.horizon_days, ctx.shifts)
        bound = most_units(product.routing, known["centers"], known["minutes"])
        return QUANTITY_MAX if bound is None else bound
    return most


def requested_date_error(ctx: Context, day: date) -> str | None:
    """A requested date is today or later, and no further ahead than the plant takes orders."""
    today = ctx.now().date()
    if day < today:
        return "in_past"
    if day > today + timedelta(days=ctx.max_days_ahead):
        return "too_far_ahead"
    return None


def _assess(order: Order, calendar: WorkCalendar, policy: UrgencyPolicy) -> None:
    """Applies the urgency rules (A3) and the priority rank (A4)."""
    urgency = assess_urgency(
        order_date=order.order_date, requested_date=order.requested_date,
        standard_lead_days=max(ln.product.standard_lead_days for ln in order.lines),
        amount=order.amount, key_customer=order.customer.key, manual_reason=order.urgent_reason,
        calendar=calendar, policy=policy)
    order.urgent = urgency.urgent
    order.urgent_reasons = ",".join(urgency.reasons)
    order.priority = urgency.priority


def _request_hash(cmd: NewOrder) -> str:
    return hashlib.sha256(json.dumps(audit.plain(asdict(cmd)), sort_keys=True).encode()).hexdigest()


def create_order(ctx: Context, actor: Actor, cmd: NewOrder, idempotency_key: str | None = None) -> dict:
    """Enters an order; a retry with the same idempotency key returns the first result (A2)."""
    require_role(actor, ORDER_ENTRY)
    with ctx.uow() as uow:
        if idempotency_key:
            first = uow.idempotency.get(actor.user_id, idempotency_key)
            if first is not None:
                if first.request_hash != _request_hash(cmd):
                    raise errors.ValidationFailed(
                        "this Idempotency-Key was used for a different request",
                        code="idempotency.key_reused", fields={"Idempotency-Key": "reused"})
                return first.response
        order = enter_order(uow, ctx, actor, cmd)
        view = current_view(uow, ctx, order, actor)
        if idempotency_key:
            uow.idempotency.put(actor.user_id, idempotency_key, _request_hash(cmd), 201, view, ctx.now())
        uow.commit()
        return view


def enter_order(uow, ctx: Context, actor: Actor, cmd: NewOrder) -> Order:
    """Validates and adds one order inside the caller's unit of work (form, API and import).

    Every field is checked before anything is written, and one answer names every bad field."""
    order = unsaved_order(uow, ctx, actor, cmd, po_required=True)
    uow.orders.add(order)
    uow.flush()
    # The number comes from the row id, so concurrent writers never pick the same one.
    order.number = f"SO-{ctx.now():%y%m}-{order.id:05d}"
    uow.flush()
    audit.record(uow, ctx, actor, "order", order.id, "create", None, snapshot(order),
                 cmd.urgent_reason)
    return order


def unsaved_order(uow, ctx: Context, actor: Actor, cmd: NewOrder, po_required: bool = False) -> Order:
    """The order ``cmd`` describes, validated as intake validates it, urgency assessed, not
    saved (a promise asks for one before it exists); without a customer PO none is checked."""
    fields = order_errors(cmd.customer, cmd.customer_po, cmd.special_requirements, cmd.urgent_reason)
    if not po_required and not cmd.customer_po:
        fields.pop("customer_po", None)
    if cmd.channel not in CHANNELS:
        fields["channel"] = "unknown_channel"
    customer = uow.customers.by_code(cmd.customer) if "customer" not in fields else None
    if customer is None:
        fields["customer"] = "unknown_customer"
    if date_error := requested_date_error(ctx, cmd.requested_date):
        fields["requested_date"] = date_error
    lines = build_lines(uow, ctx, cmd.lines, fields)
    if cmd.customer_po and uow.orders.by_customer_po(customer.id, cmd.customer_po):
        raise errors.Duplicate(f"customer PO {cmd.customer_po} was already entered",
                               code="order.duplicate_customer_po", fields={"customer_po": "duplicate"})
    now = ctx.now()
    order = Order(number=f"TMP-{uuid.uuid4().hex[:20]}", customer_id=customer.id,
                  customer_po=cmd.customer_po, order_date=now.date(),
                  requested_date=cmd.requested_date, lines=lines, created_by=actor.user_id,
                  channel=cmd.channel, special_requirements=cmd.special_requirements,
                  status=OrderState.DRAFT if cmd.draft else OrderState.SUBMITTED, created_at=now)
    order.customer = customer
    order.urgent_reason = cmd.urgent_reason
    _assess(order, effective_calendar(uow, ctx), ctx.policy)
    return order


def revise(uow, ctx: Context, order: Order, edit: OrderEdit) -> None:
    """Puts new content into the order (an edit before approval, or an approved change request).

    Queries first, then changes: the order is written once, so its version moves by one.
    """
    calendar = effective_calendar(uow, ctx)
    fields = note_errors(edit.special_requirements, edit.urgent_reason)
    if edit.requested_date is not None and (date_error := requested_date_error(ctx, edit.requested_date)):
        fields["requested_date"] = date_error
    lines = build_lines(uow, ctx, edit.lines, fields) if edit.lines is not None else None
    if fields:
        raise errors.ValidationFailed("some order fields are not valid", fields=fields)
    if lines is not None:
        order.lines.clear()
        uow.flush()
        order.lines.extend(lines)
    if edit.requested_date is not None:
        order.requested_date = edit.requested_date
    if edit.special_requirements is not None:
        order.special_requirements = edit.special_requirements
    if edit.urgent_reason is not None:
        order.urgent_reason = edit.urgent_reason or None
    _assess(order, calendar, ctx.policy)
    uow.orders.touch(order)


def check_editable(order: Order, actor: Actor) -> None:
    """Before approval the person who entered the order may edit it; after, only a change request."""
    if order.status in APPROVED_STATES or order.status == OrderState.CANCELLED:
        raise errors.Conflict("an approved order changes only through a change request",
                              code="order.change_requires_request")
    if order.status == OrderState.REVIEWED:
        raise errors.Conflict("a reviewed order waits for its final approval; to change it, "
                              "have it rejected, edit it and resubmit", code="order.edit_after_review")
    if actor.user_id != order.created_by:
        raise errors.Forbidden("only the person who entered the order may edit it",
                               code="order.not_requester")


def edit_order(ctx: Context, actor: Actor, order_id: int, edit: OrderEdit) -> dict:
    """Edits before approval by the person who entered it; after approval only a change request may.

    Once someone has signed for the order's content, an edit makes a new revision and the review
    starts over (``ctx.hooks.revised``): a signature never counts for content its signer did not see.
    """
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        check_version(order, edit.version)
        check_editable(order, actor)
        before = snapshot(order)
        signed = ctx.hooks.signed_for(uow, order)
        revise(uow, ctx, order, edit)
        if signed:
            order.revision += 1
        uow.flush()
        if signed:
            for revised in ctx.hooks.revised:
                revised(uow, ctx, actor, order)
        old, new = audit.changed(audit.plain(before), audit.plain(snapshot(order)))
        audit.record(uow, ctx, actor, "order", order.id, "edit", old, new)
        uow.commit()
        return current_view(uow, ctx, order, actor)


def set_owner(ctx: Context, actor: Actor, order_id: int, username: str, version: int | None) -> dict:
    """Names the person who answers for the order end to end (专人负责, D3)."""
    require_role(actor, {Role.PMC, Role.MANAGEMENT})
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        check_version(order, version)
        owner = uow.users.by_username(username)
        if owner is None:
            raise errors.ValidationFailed("unknown user", fields={"owner": "unknown_user"})
        old = order.owner_id
        order.owner_id = owner.id
        uow.flush()
        audit.record(uow, ctx, actor, "order", order.id, "set_owner", {"owner_id": old},
                     {"owner_id": owner.id})
        uow.commit()
        return current_view(uow, ctx, order, actor)
