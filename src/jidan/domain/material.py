"""Materials (原材料): purchase orders (采购订单) and the material delivery delay request
(材料交期延迟申请单, C6). Their lifecycles are data; the rules raise errors with stable codes.

Stock is the free quantity on hand: what is issued to a released order has left it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from jidan.domain import errors
from jidan.domain.roles import BusinessRoles, Role

#: (status, action) → next status of a purchase order.
PURCHASE_ORDER_FLOW: dict[tuple[str, str], str] = {
    ("open", "receive"): "received",
    ("open", "cancel"): "cancelled",
}
PURCHASE_ORDER_STATUSES = ("open", "received", "cancelled")

#: (status, action) → next status of a delay request; pmc decides (C6).
DELAY_REQUEST_FLOW: dict[tuple[str, str], str] = {
    ("pending", "approve"): "approved",
    ("pending", "reject"): "rejected",
}
DELAY_REQUEST_STATUSES = ("pending", "approved", "rejected")

#: Who buys and keeps stock; who decides on a delay; who may ask for one.
BUYERS = BusinessRoles({Role.PURCHASING, Role.PMC})
RECEIVERS = BusinessRoles(BUYERS | {Role.WAREHOUSE})
DELAY_DECIDERS = BusinessRoles({Role.PMC})
DELAY_REQUESTERS = frozenset({Role.PURCHASING, Role.SUPPLIER})
#: Roles that see stock and purchase orders (suppliers see only their own orders).
MATERIAL_VIEWERS = RECEIVERS | {Role.MANAGEMENT, Role.SALES, Role.MANUFACTURING, Role.SUPPLIER, Role.ADMIN}

MAX_QUANTITY = Decimal("1e10")


def next_status(flow: dict[tuple[str, str], str], status: str, action: str, what: str) -> str:
    """The status after ``action``; an action the status does not allow is a 409, never a no-op."""
    target = flow.get((status, action))
    if target is None:
        raise errors.InvalidTransition(f"cannot {action} a {what} that is {status}",
                                       code=f"{what}.invalid_transition")
    return target


def quantity_problem(quantity: Decimal, allow_zero: bool = False) -> str | None:
    """The field error code of a quantity, or None when it is fine."""
    if not quantity.is_finite() or quantity.normalize().as_tuple().exponent < -3 or abs(quantity) >= MAX_QUANTITY:
        return "invalid_number"
    if quantity < 0 or (quantity == 0 and not allow_zero):
        return "must_not_be_negative" if quantity < 0 else "must_be_positive"
    return None


def check_delay(old_date: date, new_date: date, reason: str) -> None:
    """A delay request moves the date later and says why."""
    fields = {}
    if new_date <= old_date:
        fields["new_date"] = "not_later"
    if not reason.strip():
        fields["reason"] = "required"
    if fields:
        raise errors.ValidationFailed("the delay request is not valid", fields=fields)


def check_decider(may_decide: bool, requested_by: int, user_id: int) -> None:
    """pmc decides (``may_decide``: the actor's role is among DELAY_DECIDERS); nobody decides on
    their own request (B7)."""
    if not may_decide:
        raise errors.Forbidden("only pmc decides on material delay requests", code="auth.role_not_allowed")
    if requested_by == user_id:
        raise errors.SelfApproval("nobody decides on their own request")


#: (status, action) → next status of a purchase request (请购): purchasing orders it (it becomes a
#: purchase order) or cancels it; a new accepted plan cancels one it no longer needs (C6).
PURCHASE_REQUEST_FLOW: dict[tuple[str, str], str] = {
    ("open", "order"): "ordered",
    ("open", "cancel"): "cancelled",
}
PURCHASE_REQUEST_STATUSES = ("open", "ordered", "cancelled")
#: Purchasing acts on purchase requests; pmc, who raised them by accepting the plan, reads them.
REQUEST_BUYERS = BusinessRoles({Role.PURCHASING})
REQUEST_VIEWERS = REQUEST_BUYERS | {Role.PMC, Role.ADMIN}


@dataclass(frozen=True)
class MaterialStock:
    """Free stock on hand of one material (库存)."""

    id: int
    material_code: str
    on_hand: Decimal
    updated_at: datetime
    version: int


@dataclass(frozen=True)
class MaterialShortage:
    """What a released order line is still owed of a material (欠料)."""

    id: int
    order_id: int
    line_no: int
    material_code: str
    quantity: Decimal
    created_at: datetime
    updated_at: datetime
    version: int


@dataclass(frozen=True)
class PurchaseOrder:
    """A purchase of a material from a supplier (采购订单): open | received | cancelled."""

    id: int
    number: str
    material_code: str
    quantity: Decimal
    due_date: date
    supplier_id: int
    status: str
    note: str | None
    created_by: int
    created_at: datetime
    closed_at: datetime | None
    version: int


@dataclass(frozen=True)
class DelayRequest:
    """A material delivery delay request (材料交期延迟申请单): pending | approved | rejected."""

    id: int
    number: str
    purchase_order_id: int
    material_code: str
    old_date: date
    new_date: date
    reason: str
    status: str
    requested_by: int
    requested_at: datetime
    decided_by: int | None
    decided_at: datetime | None
    decision_note: str | None
    affected_orders: list[str] | None  # order numbers whose material date moved
    repair_run_id: int | None
    version: int


@dataclass(frozen=True)
class PurchaseRequest:
    """A purchase request (请购) raised by an accepted plan: open | ordered | cancelled."""

    id: int
    number: str
    material_code: str
    quantity: Decimal
    need_by: date
    order_ids: list[int]  # the orders it serves
    urgent: bool  # an urgent order needs it
    status: str
    planning_run_id: int | None  # the accepted plan that last set it
    created_by: int
    created_at: datetime
    updated_at: datetime
    closed_by: int | None
    closed_at: datetime | None
    cancel_reason: str | None
    purchase_order_id: int | None
    version: int
