"""Materials (C6): stock and purchase orders (采购订单).

Purchasing (or pmc) keeps stock and buys; a supplier sees only its own purchase orders. Stock is
issued to an order on release and what it lacks is owed (欠料) until a lot comes in. A later date
on a purchase order goes through a delay request (`delays`).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jidan.domain import errors
from jidan.domain.material import (
    BUYERS, MATERIAL_VIEWERS, PURCHASE_ORDER_FLOW, RECEIVERS, DelayRequest, MaterialShortage, MaterialStock,
    PurchaseOrder, next_status, quantity_problem,
)
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.domain.states import ON_FLOOR, OrderState
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.materials.views import amount, po_view, request_view, user_names
from jidan.services.notices.notify import notify
from jidan.services.permissions import require_role

#: Who sees the plant's stock: everyone who sees purchase orders but the suppliers.
STOCK_VIEWERS = (MATERIAL_VIEWERS | {Role.FINANCE}) - {Role.SUPPLIER}
PO_VIEWERS = STOCK_VIEWERS | {Role.SUPPLIER}
EXPORT_COLUMNS = ("number", "material", "material_name", "quantity", "unit", "due_date", "supplier",
                  "status", "note")


@dataclass(frozen=True)
class NewPurchaseOrder:
    material: str
    quantity: Decimal
    due_date: date
    supplier: str  # the supplier's username
    note: str | None = None


def own_purchase_order(uow, actor: Actor, po_id: int, lock: bool = False) -> PurchaseOrder:
    """The purchase order if the actor may see it; a supplier's view of others' orders is 404."""
    require_role(actor, PO_VIEWERS)
    row = uow.purchase_orders.get(po_id, lock=lock)
    if row is None or (actor.role == Role.SUPPLIER and row.supplier_id != actor.user_id):
        raise errors.NotFound(f"purchase order {po_id} not found", code="purchase_order.not_found")
    return row


def check_version(row: PurchaseOrder | DelayRequest | MaterialStock, expected: int | None) -> None:
    """A stale version (someone changed the record since it was read) is a 409."""
    if expected is not None and expected != row.version:
        raise errors.StaleVersion("the record changed; reload it", current_version=row.version)


# ---------------------------------------------------------------- stock
def list_stock(ctx: Context, actor: Actor) -> list[dict]:
    """Every material with its free stock, what released orders are still owed (欠料), what is on
    order and when the next lot comes, and what open purchase requests still ask for."""
    require_role(actor, STOCK_VIEWERS)
    with ctx.uow() as uow:
        stock = {r.material_code: r for r in uow.stock.all()}
        open_orders = uow.purchase_orders.list(status="open")
        requested: dict[str, Decimal] = {}
        for pr in uow.purchase_requests.list(status="open"):
            requested[pr.material_code] = requested.get(pr.material_code, Decimal(0)) + Decimal(pr.quantity)
        owed: dict[str, Decimal] = {}
        for row in _owed(uow):
            owed[row.material_code] = owed.get(row.material_code, Decimal(0)) + Decimal(row.quantity)
        out = []
        for product in uow.products.list(kind="material"):
            row = stock.get(product.code)
            mine = [po for po in open_orders if po.material_code == product.code]
            out.append({"material": product.code, "name": product.name, "unit": product.unit,
                        "lead_days": product.standard_lead_days,
                        "on_hand": amount(row.on_hand) if row else None,
                        "owed": amount(owed.get(product.code, Decimal(0))),
                        "version": row.version if row else None,
                        "on_order": amount(sum((po.quantity for po in mine), Decimal(0))),
                        "next_due": mine[0].due_date.isoformat() if mine else None,
                        "requested": amount(requested.get(product.code, Decimal(0)))})
        return out


def set_stock(ctx: Context, actor: Actor, material: str, on_hand: Decimal, version: int | None = None,
              reason: str | None = None) -> dict:
    """Stock count (盘点) or correction of a material's free stock."""
    require_role(actor, RECEIVERS)
    problem = quantity_problem(on_hand, allow_zero=True)
    if problem:
        raise errors.ValidationFailed("the quantity is not valid", fields={"on_hand": problem})
    with ctx.uow() as uow:
        product = uow.products.by_code(material)
        if product is None or product.kind != "material":
            raise errors.NotFound(f"material {material} not found", code="material.not_found")
        row = uow.stock.get(material)
        if row is None:
            uow.stock.add(material, on_hand, ctx.now())
        else:
            check_version(row, version)
            uow.stock.update(material, row.version, on_hand, ctx.now())
        audit.record(uow, ctx, actor, "material_stock", material, "set_stock",
                     {"on_hand": amount(row.on_hand)} if row else None, {"on_hand": amount(on_hand)}, reason)
        _settle(uow, ctx, actor, material, "stock count")
        uow.commit()
    return next(s for s in list_stock(ctx, actor) if s["material"] == material)


def _add_stock(uow, ctx: Context, actor: Actor | None, material: str, delta: Decimal, action: str,
               reason: str) -> None:
    """Moves free stock by ``delta`` (never below zero), audited."""
    row = uow.stock.get(material)
    before = Decimal(row.on_hand) if row else Decimal(0)
    after = max(Decimal(0), before + delta)
    if row is None:
        uow.stock.add(material, after, ctx.now())
    else:
        uow.stock.update(material, row.version, after, ctx.now())
    audit.record(uow, ctx, actor, "material_stock", material, action, {"on_hand": amount(before)},
                 {"on_hand": amount(after)}, reason)


def issue_for_order(uow, ctx: Context, actor: Actor, order, reason: str | None) -> None:
    """Order hook on release: its materials leave free stock (发料), so MRP does not count them twice.

    What stock cannot cover is owed to the order (欠料): it is issued to the order as it comes in,
    and until then the planner keeps the step that consumes it waiting for its purchase orders.
    """
    free = {r.material_code: Decimal(r.on_hand) for r in uow.stock.all()}
    tracked = set(free) | {po.material_code for po in uow.purchase_orders.list(status="open")}
    for line in order.lines:
        for item in line.product.bom:
            code = item.component_code
            if code not in tracked:
                continue
            need = Decimal(item.quantity_per) * line.quantity
            take = min(need, free.get(code, Decimal(0)))
            if take > 0:
                _add_stock(uow, ctx, actor, code, -take, "issue", f"released {order.number}")
                free[code] -= take
            if need > take:
                _owe(uow, ctx, actor, order, line.line_no, code, need - take)


def _owe(uow, ctx: Context, actor: Actor, order, line_no: int, material: str, quantity: Decimal) -> None:
    now = ctx.now()
    row_id = uow.shortages.add(order_id=order.id, line_no=line_no, material_code=material, quantity=quantity,
                               created_at=now, updated_at=now)
    audit.record(uow, ctx, actor, "material_shortage", row_id, "create", None,
                 {"order": order.number, "line_no": line_no, "material": material, "quantity": amount(quantity)},
                 f"released {order.number} short of {material}")


def _owed(uow, material: str | None = None) -> list[MaterialShortage]:
    """What orders on the floor are still owed, oldest first (a finished or cancelled order is owed nothing)."""
    return [row for row in uow.shortages.open(material_code=material)
            if OrderState(uow.orders.get(row.order_id).status) in ON_FLOOR]


def _settle(uow, ctx: Context, actor: Actor, material: str, why: str) -> None:
    """Stock that came in goes first to the released orders owed it, oldest first (发放欠料)."""
    row = uow.stock.get(material)
    free = Decimal(row.on_hand) if row else Decimal(0)
    for owed in _owed(uow, material):
        if free <= 0:
            break
        order = uow.orders.get(owed.order_id)
        before = Decimal(owed.quantity)
        take = min(free, before)
        _add_stock(uow, ctx, actor, material, -take, "issue", f"{why}: owed to {order.number}")
        uow.shortages.update(owed.id, owed.version, quantity=before - take, updated_at=ctx.now())
        audit.record(uow, ctx, actor, "material_shortage", owed.id, "issue", {"quantity": amount(before)},
                     {"quantity": amount(before - take)}, why)
        free -= take


# ---------------------------------------------------------------- purchase orders
def suppliers(ctx: Context, actor: Actor) -> list[dict]:
    require_role(actor, BUYERS)
    with ctx.uow() as uow:
        return [{"id": u.id, "username": u.username, "name": u.display_name or u.username}
                for u in uow.users.list() if u.role == Role.SUPPLIER and u.active]


def list_purchase_orders(ctx: Context, actor: Actor, status: str | None = None,
                         material: str | None = None) -> list[dict]:
    """Purchase orders, soonest due first; a supplier gets only its own."""
    require_role(actor, PO_VIEWERS)
    with ctx.uow() as uow:
        rows = uow.purchase_orders.list(status=status, material_code=material,
                                        supplier_id=actor.user_id if actor.role == Role.SUPPLIER else None)
        names = user_names(uow, [r.supplier_id for r in rows] + [r.created_by for r in rows])
        products = {p.code: p for p in uow.products.list(kind="material")}
        pending = {r.purchase_order_id for r in uow.delay_requests.list(status="pending")}
        return [po_view(uow, r, names, products) | {"pending_delay": r.id in pending} for r in rows]


def get_purchase_order(ctx: Context, actor: Actor, po_id: int) -> dict:
    with ctx.uow() as uow:
        row = own_purchase_order(uow, actor, po_id)
        view = po_view(uow, row)
        view["delay_requests"] = [request_view(uow, r, actor) for r in uow.delay_requests.list(purchase_order_id=po_id)]
        view["pending_delay"] = any(r["status"] == "pending" for r in view["delay_requests"])
        return view


def _checked_supplier(uow, ctx: Context, cmd: NewPurchaseOrder):
    """The supplier of a valid new purchase order; every bad field is named."""
    fields = {}
    product = uow.products.by_code(cmd.material)
    if product is None or product.kind != "material":
        fields["material"] = "unknown_material"
    problem = quantity_problem(cmd.quantity)
    if problem:
        fields["quantity"] = problem
    if cmd.due_date < ctx.now().date():
        fields["due_date"] = "in_past"
    supplier = uow.users.by_username(cmd.supplier)
    if supplier is None or supplier.role != Role.SUPPLIER or not supplier.active:
        fields["supplier"] = "unknown_supplier"
    if cmd.note and len(cmd.note) > 2000:
        fields["note"] = "too_long"
    if fields:
        raise errors.ValidationFailed("the purchase order is not valid", fields=fields)
    return supplier


def create_purchase_order(ctx: Context, actor: Actor, cmd: NewPurchaseOrder) -> dict:
    """Purchasing orders a material from a supplier (采购订单)."""
    require_role(actor, BUYERS)
    with ctx.uow() as uow:
        po_id = place_purchase_order(uow, ctx, actor, cmd)
        uow.commit()
        return po_view(uow, uow.purchase_orders.get(po_id))


def place_purchase_order(uow, ctx: Context, actor: Actor, cmd: NewPurchaseOrder) -> int:
    """Checks and writes a purchase order, audited, and tells its supplier (caller commits)."""
    supplier = _checked_supplier(uow, ctx, cmd)
    po_id = uow.purchase_orders.add(material_code=cmd.material, quantity=cmd.quantity, due_date=cmd.due_date,
                                    supplier_id=supplier.id, status="open", note=cmd.note or None,
                                    created_by=actor.user_id, created_at=ctx.now())
    row = uow.purchase_orders.get(po_id)
    audit.record(uow, ctx, actor, "purchase_order", po_id, "create", None,
                 {"number": row.number, "material": cmd.material, "quantity": amount(cmd.quantity),
                  "due_date": cmd.due_date, "supplier": supplier.username})
    notify(uow, ctx.now(), ctx=ctx, kind="purchase_order", users=[supplier.id], ref=f"purchase_order:{po_id}",
           subject=ctx.messages.text("ui.materials.msg.po_placed", number=row.number, material=cmd.material,
                                     quantity=amount(cmd.quantity), due_date=cmd.due_date))
    return po_id


def edit_purchase_order(ctx: Context, actor: Actor, po_id: int, version: int, quantity: Decimal | None = None,
                        due_date: date | None = None, note: str | None = None) -> dict:
    """Quantity, note, or an earlier date; a later date goes through a delay request (C6, B7)."""
    require_role(actor, BUYERS)
    with ctx.uow() as uow:
        row = own_purchase_order(uow, actor, po_id, lock=True)
        check_version(row, version)
        if row.status != "open":
            raise errors.Conflict(f"the purchase order is {row.status}", code="purchase_order.not_open")
        fields, values = {}, {}
        if quantity is not None:
            problem = quantity_problem(quantity)
            if problem:
                fields["quantity"] = problem
            values["quantity"] = quantity
        if due_date is not None:
            if due_date < ctx.now().date():
                fields["due_date"] = "in_past"
            values["due_date"] = due_date
        if note is not None:
            values["note"] = note or None
        if fields:
            raise errors.ValidationFailed("the change is not valid", fields=fields)
        if due_date is not None and due_date > row.due_date:
            raise errors.Conflict("a later date needs a material delivery delay request",
                                  code="purchase_order.delay_requires_request")
        old, new = audit.changed({k: getattr(row, k) for k in values}, values)
        uow.purchase_orders.update(po_id, row.version, **values)
        audit.record(uow, ctx, actor, "purchase_order", po_id, "edit", old, new)
        uow.commit()
        return po_view(uow, uow.purchase_orders.get(po_id))


def receive_purchase_order(ctx: Context, actor: Actor, po_id: int, version: int | None = None) -> dict:
    """The lot arrives (到料): the order is received and its quantity joins free stock."""
    require_role(actor, RECEIVERS)
    with ctx.uow() as uow:
        row = own_purchase_order(uow, actor, po_id, lock=True)
        check_version(row, version)
        status = next_status(PURCHASE_ORDER_FLOW, row.status, "receive", "purchase_order")
        _close_pending(uow, ctx, actor, po_id, "the purchase order was received")
        uow.purchase_orders.update(po_id, row.version, status=status, closed_at=ctx.now())
        audit.record(uow, ctx, actor, "purchase_order", po_id, "receive", {"status": row.status},
                     {"status": status})
        _add_stock(uow, ctx, actor, row.material_code, Decimal(row.quantity), "receive", row.number)
        _settle(uow, ctx, actor, row.material_code, f"received {row.number}")
        uow.commit()
        return po_view(uow, uow.purchase_orders.get(po_id))


def cancel_purchase_order(ctx: Context, actor: Actor, po_id: int, reason: str, version: int | None = None) -> dict:
    require_role(actor, BUYERS)
    if not reason or not reason.strip():
        raise errors.ValidationFailed("a cancellation says why", fields={"reason": "required"})
    with ctx.uow() as uow:
        row = own_purchase_order(uow, actor, po_id, lock=True)
        check_version(row, version)
        status = next_status(PURCHASE_ORDER_FLOW, row.status, "cancel", "purchase_order")
        _close_pending(uow, ctx, actor, po_id, "the purchase order was cancelled")
        uow.purchase_orders.update(po_id, row.version, status=status, closed_at=ctx.now())
        audit.record(uow, ctx, actor, "purchase_order", po_id, "cancel", {"status": row.status},
                     {"status": status}, reason)
        notify(uow, ctx.now(), ctx=ctx, kind="purchase_order", users=[row.supplier_id], exclude=actor,
               ref=f"purchase_order:{po_id}",
               subject=ctx.messages.text("ui.materials.msg.po_cancelled", number=row.number, reason=reason)[:200])
        uow.commit()
        return po_view(uow, uow.purchase_orders.get(po_id))


def _close_pending(uow, ctx, actor, po_id: int, why: str) -> None:
    """A delay request on an order that is no longer open has nothing left to decide."""
    for req in uow.delay_requests.list(status="pending", purchase_order_id=po_id):
        uow.delay_requests.update(req.id, req.version, status="rejected", decided_by=actor.user_id,
                                  decided_at=ctx.now(), decision_note=why)
        audit.record(uow, ctx, actor, "material_delay_request", req.id, "reject", {"status": "pending"},
                     {"status": "rejected"}, why)


def export_purchase_orders(ctx: Context, actor: Actor) -> bytes:
    """The purchase orders the actor may see, as an Excel sheet."""
    return ctx.sheets.write(list_purchase_orders(ctx, actor), EXPORT_COLUMNS)
