"""Purchase orders and delay requests as the API and pages show them (C6)."""
from __future__ import annotations

from decimal import Decimal

from jidan.domain.material import DelayRequest, PurchaseOrder
from jidan.domain.model import Actor
from jidan.domain.roles import Role


def amount(value) -> int | float:
    """A stored quantity as JSON shows it: whole numbers without decimals."""
    value = Decimal(value)
    return int(value) if value == value.to_integral_value() else float(value)



def user_names(uow, ids) -> dict[int, str]:
    """Display names of the users, by id."""
    out = {}
    for user_id in {i for i in ids if i}:
        user = uow.users.get(user_id)
        out[user_id] = (user.display_name or user.username) if user else str(user_id)
    return out


def po_view(uow, row: PurchaseOrder, names: dict[int, str] | None = None,
            products: dict | None = None) -> dict:
    """A purchase order as the API and pages show it."""
    names = names if names is not None else user_names(uow, [row.supplier_id, row.created_by])
    product = (products or {}).get(row.material_code) or uow.products.by_code(row.material_code)
    return {"id": row.id, "number": row.number, "material": row.material_code,
            "material_name": product.name, "unit": product.unit, "quantity": amount(row.quantity),
            "due_date": row.due_date.isoformat(), "supplier_id": row.supplier_id,
            "supplier": names.get(row.supplier_id), "status": row.status, "note": row.note,
            "created_by": names.get(row.created_by, row.created_by),
            "created_at": row.created_at.isoformat(timespec="minutes"),
            "closed_at": row.closed_at.isoformat(timespec="minutes") if row.closed_at else None,
            "version": row.version}


def request_view(uow, row: DelayRequest, actor: Actor) -> dict:
    """The request as pages show it; a supplier does not see which customer orders it touches."""
    names = user_names(uow, [row.requested_by, row.decided_by])
    po = uow.purchase_orders.get(row.purchase_order_id)
    product = uow.products.by_code(row.material_code)
    requester = uow.users.get(row.requested_by)
    return {"id": row.id, "number": row.number, "purchase_order_id": po.id,
            "purchase_order": po.number, "supplier_id": po.supplier_id,
            "supplier": user_names(uow, [po.supplier_id]).get(po.supplier_id),
            "material": row.material_code, "material_name": product.name, "unit": product.unit,
            "quantity": amount(po.quantity), "old_date": row.old_date.isoformat(),
            "new_date": row.new_date.isoformat(), "delay_days": (row.new_date - row.old_date).days,
            "reason": row.reason, "status": row.status,
            "requested_by": names.get(row.requested_by), "requested_by_id": row.requested_by,
            "requested_by_role": str(requester.role) if requester else None,
            "requested_at": row.requested_at.isoformat(timespec="minutes"),
            "decided_by": names.get(row.decided_by) if row.decided_by else None,
            "decided_at": row.decided_at.isoformat(timespec="minutes") if row.decided_at else None,
            "decision_note": row.decision_note, "version": row.version, **_touched(uow, row, actor)}


def _touched(uow, row: DelayRequest, actor: Actor) -> dict:
    if actor.role == Role.SUPPLIER:
        return {"affected_orders": [], "urgent_orders": [], "repair_run_id": None}
    numbers = row.affected_orders or []
    urgent = [n for n in numbers if (o := uow.orders.by_number(n)) is not None and o.urgent]
    return {"affected_orders": numbers, "urgent_orders": urgent, "repair_run_id": row.repair_run_id}

