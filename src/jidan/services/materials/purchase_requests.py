"""Purchase requests (请购, C6): the shortages of the plan pmc accepts, kept until purchasing turns
them into purchase orders or cancels them.

Accepting a plan (``planning.accept``) nets every waiting order's materials against stock and open
purchase orders; what is still missing becomes one open request per material and need-by date.
Accepting again updates the open request of the same material and date instead of adding another,
and cancels the open requests the new plan no longer needs. Purchasing is told, marked 急 when an
urgent order waits for the material. An ordered request is a purchase order, which MRP counts from
then on, so the same shortage is not requested twice.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jidan.domain import errors
from jidan.domain.material import (
    PURCHASE_REQUEST_FLOW, REQUEST_BUYERS, REQUEST_VIEWERS, PurchaseRequest, next_status,
)
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.materials.purchasing import NewPurchaseOrder, place_purchase_order
from jidan.services.materials.views import amount
from jidan.services.notices.notify import notify
from jidan.services.notices.answers import answer
from jidan.services.permissions import require_role


@dataclass(frozen=True)
class Shortfall:
    """What an accepted plan lacks of one material by one date, and for which orders."""

    material: str
    quantity: Decimal
    need_by: date
    order_ids: tuple[int, ...]
    urgent: bool


@dataclass(frozen=True)
class OrderRequest:
    """Purchasing's purchase order for a request: from whom, how much (default: all), by when."""

    supplier: str
    due_date: date
    quantity: Decimal | None = None
    note: str | None = None


def _state(row: PurchaseRequest) -> dict:
    return {"quantity": amount(row.quantity), "order_ids": list(row.order_ids), "urgent": row.urgent}


# ---------------------------------------------------------------- raised by accepting a plan
def raise_for_plan(uow, ctx: Context, actor: Actor, run_id: int, shortfalls: list[Shortfall]) -> list[str]:
    """In the accepting transaction: open requests made to match the plan's shortfalls, purchasing
    told of the new and changed ones, whose numbers are returned."""
    now = ctx.now()
    current = {(r.material_code, r.need_by): r for r in uow.purchase_requests.list(status="open")}
    changed = []
    for s in sorted(shortfalls, key=lambda s: (s.need_by, s.material)):
        wanted = {"quantity": amount(s.quantity), "order_ids": list(s.order_ids), "urgent": s.urgent}
        row = current.pop((s.material, s.need_by), None)
        if row is None:
            pr_id = uow.purchase_requests.add(
                material_code=s.material, need_by=s.need_by, quantity=s.quantity, order_ids=list(s.order_ids),
                urgent=s.urgent, status="open", planning_run_id=run_id, created_by=actor.user_id,
                created_at=now, updated_at=now)
            audit.record(uow, ctx, actor, "purchase_request", pr_id, "raise", None,
                         {"material": s.material, "need_by": s.need_by, **wanted}, f"planning run {run_id}")
            changed.append(pr_id)
        elif _state(row) != wanted:
            uow.purchase_requests.update(row.id, row.version, quantity=s.quantity, order_ids=list(s.order_ids),
                                         urgent=s.urgent, planning_run_id=run_id, updated_at=now)
            audit.record(uow, ctx, actor, "purchase_request", row.id, "update", _state(row), wanted,
                         f"planning run {run_id}")
            changed.append(row.id)
    for row in current.values():
        reason = ctx.messages.text("ui.materials.msg.pr_not_needed", run=run_id)
        uow.purchase_requests.update(row.id, row.version, status=next_status(
            PURCHASE_REQUEST_FLOW, row.status, "cancel", "purchase_request"),
            closed_by=actor.user_id, closed_at=now, cancel_reason=reason, planning_run_id=run_id, updated_at=now)
        audit.record(uow, ctx, actor, "purchase_request", row.id, "cancel", {"status": "open"},
                     {"status": "cancelled"}, reason)
    rows = [uow.purchase_requests.get(pr_id) for pr_id in changed]
    for row in rows:
        _tell_purchasing(uow, ctx, row, run_id)
    return [row.number for row in rows]


def _tell_purchasing(uow, ctx: Context, row: PurchaseRequest, run_id: int) -> None:
    """Purchasing, and the owner (专人负责, D3) of every order the request serves."""
    product = uow.products.by_code(row.material_code)
    served = [o for o in (uow.orders.get(i) for i in row.order_ids) if o is not None]
    numbers = [o.number for o in served]
    owners = [o.owner_id for o in served if o.owner_id]
    text = ctx.messages.text
    notify(uow, ctx.now(), ctx=ctx, kind="purchase_request", roles=[Role.PURCHASING], users=owners,
           critical=row.urgent,
           ref=f"purchase_request:{row.id}",
           subject=text("ui.materials.msg.pr_raised", urgent=text("ui.materials.msg.urgent_tag") if row.urgent else "",
                        number=row.number, material=row.material_code, name=product.name,
                        quantity=amount(row.quantity), unit=product.unit, need_by=row.need_by)[:200],
           body=text("ui.materials.msg.pr_raised_body", run=run_id,
                     orders=text("ui.materials.msg.list_separator").join(numbers)))


# ---------------------------------------------------------------- views
def _view(uow, row: PurchaseRequest, names: dict[int, str] | None = None) -> dict:
    product = uow.products.by_code(row.material_code)
    orders = [o for o in (uow.orders.get(i) for i in row.order_ids) if o is not None]
    users = names if names is not None else {}
    for user_id in (row.created_by, row.closed_by):
        if user_id and user_id not in users:
            user = uow.users.get(user_id)
            users[user_id] = (user.display_name or user.username) if user else str(user_id)
    po = uow.purchase_orders.get(row.purchase_order_id) if row.purchase_order_id else None
    return {"id": row.id, "number": row.number, "material": row.material_code,
            "material_name": product.name, "unit": product.unit, "lead_days": product.standard_lead_days,
            "quantity": amount(row.quantity), "need_by": row.need_by.isoformat(), "urgent": row.urgent,
            "orders": [{"id": o.id, "number": o.number, "urgent": o.urgent} for o in orders],
            "status": row.status, "planning_run_id": row.planning_run_id,
            "created_by": users.get(row.created_by), "created_at": row.created_at.isoformat(timespec="minutes"),
            "updated_at": row.updated_at.isoformat(timespec="minutes"),
            "closed_by": users.get(row.closed_by) if row.closed_by else None,
            "closed_at": row.closed_at.isoformat(timespec="minutes") if row.closed_at else None,
            "cancel_reason": row.cancel_reason, "purchase_order_id": row.purchase_order_id,
            "purchase_order": po.number if po else None, "version": row.version}


def _get(uow, request_id: int, lock: bool = False) -> PurchaseRequest:
    row = uow.purchase_requests.get(request_id, lock=lock)
    if row is None:
        raise errors.NotFound(f"purchase request {request_id} not found", code="purchase_request.not_found")
    return row


def _check_version(row: PurchaseRequest, expected: int | None) -> None:
    if expected is not None and expected != row.version:
        raise errors.StaleVersion("the purchase request changed; reload it", current_version=row.version)


# ---------------------------------------------------------------- use cases
def list_requests(ctx: Context, actor: Actor, status: str | None = None) -> list[dict]:
    """Open first, soonest needed first; urgent ones carry their flag."""
    require_role(actor, REQUEST_VIEWERS)
    with ctx.uow() as uow:
        names: dict[int, str] = {}
        return [_view(uow, r, names) for r in uow.purchase_requests.list(status=status)]


def get_request(ctx: Context, actor: Actor, request_id: int) -> dict:
    require_role(actor, REQUEST_VIEWERS)
    with ctx.uow() as uow:
        return _view(uow, _get(uow, request_id))


def order_request(ctx: Context, actor: Actor, request_id: int, cmd: OrderRequest, version: int | None = None) -> dict:
    """Purchasing places the purchase order for a request (请购 → 采购订单); MRP counts it from now on."""
    require_role(actor, REQUEST_BUYERS)
    with ctx.uow() as uow:
        row = _get(uow, request_id, lock=True)
        _check_version(row, version)
        status = next_status(PURCHASE_REQUEST_FLOW, row.status, "order", "purchase_request")
        quantity = cmd.quantity if cmd.quantity is not None else Decimal(row.quantity)
        note = "\n".join(filter(None, (ctx.messages.text("ui.materials.msg.pr_note", number=row.number), cmd.note)))
        po_id = place_purchase_order(uow, ctx, actor, NewPurchaseOrder(
            row.material_code, quantity, cmd.due_date, cmd.supplier, note))
        uow.purchase_requests.update(request_id, row.version, status=status, purchase_order_id=po_id,
                                     closed_by=actor.user_id, closed_at=ctx.now(), updated_at=ctx.now())
        audit.record(uow, ctx, actor, "purchase_request", request_id, "order", {"status": row.status},
                     {"status": status, "purchase_order_id": po_id, "quantity": amount(quantity),
                      "due_date": cmd.due_date, "supplier": cmd.supplier}, cmd.note)
        answer(uow, ctx, ref=f"purchase_request:{request_id}", act="order", actor=actor)
        uow.commit()
        return _view(uow, uow.purchase_requests.get(request_id))


def cancel_request(ctx: Context, actor: Actor, request_id: int, reason: str, version: int | None = None) -> dict:
    """Purchasing drops a request it will not buy for, saying why."""
    require_role(actor, REQUEST_BUYERS)
    reason = (reason or "").strip()
    if not reason:
        raise errors.ValidationFailed("a cancellation says why", fields={"reason": "required"})
    if len(reason) > 2000:
        raise errors.ValidationFailed("the reason is too long", fields={"reason": "too_long"})
    with ctx.uow() as uow:
        row = _get(uow, request_id, lock=True)
        _check_version(row, version)
        status = next_status(PURCHASE_REQUEST_FLOW, row.status, "cancel", "purchase_request")
        uow.purchase_requests.update(request_id, row.version, status=status, closed_by=actor.user_id,
                                     closed_at=ctx.now(), cancel_reason=reason, updated_at=ctx.now())
        audit.record(uow, ctx, actor, "purchase_request", request_id, "cancel", {"status": row.status},
                     {"status": status}, reason)
        answer(uow, ctx, ref=f"purchase_request:{request_id}", act="cancel", actor=actor)
        uow.commit()
        return _view(uow, uow.purchase_requests.get(request_id))
