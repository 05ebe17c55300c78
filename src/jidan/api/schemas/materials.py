"""Response models of the materials routes."""
from __future__ import annotations

from jidan.api.schemas.view import View


class PurchaseOrder(View):
    id: int
    number: str
    material: str | None
    material_name: str | None
    unit: str | None
    quantity: int | None
    due_date: str | None
    supplier_id: int | None
    supplier: str | None
    status: str
    note: str | None
    created_by: str | None
    created_at: str | None
    closed_at: str | None
    version: int
    delay_requests: list[DelayRequest] | None = None
    pending_delay: bool | None = None


class PurchaseRequestOrder(View):
    id: int | None = None
    number: str | None = None
    urgent: bool | None = None


class PurchaseRequest(View):
    id: int
    number: str
    material: str | None
    material_name: str | None
    unit: str | None
    lead_days: int | None
    quantity: int | None
    need_by: str | None
    urgent: bool
    orders: list[PurchaseRequestOrder] | None
    status: str
    planning_run_id: int | None
    created_by: str | None
    created_at: str | None
    updated_at: str | None
    closed_by: str | None
    closed_at: str | None
    cancel_reason: str | None
    purchase_order_id: int | None
    purchase_order: str | None
    version: int


class DelayRequest(View):
    id: int
    number: str
    purchase_order_id: int | None
    purchase_order: str | None
    supplier_id: int | None
    supplier: str | None
    material: str | None
    material_name: str | None
    unit: str | None
    quantity: int | None
    old_date: str | None
    new_date: str | None
    delay_days: int | None
    reason: str | None
    status: str
    requested_by: str | None
    requested_by_id: int | None
    requested_by_role: str | None
    requested_at: str | None
    decided_by: str | None
    decided_at: str | None
    decision_note: str | None
    version: int
    affected_orders: list[str] | None
    urgent_orders: list[str] | None
    repair_run_id: int | None


class Stock(View):
    material: str | None
    name: str | None
    unit: str | None
    lead_days: int | None
    on_hand: int | None
    owed: int | None
    version: int | None
    """None while the material has never been counted (no stock row yet)."""
    on_order: int | None
    next_due: str | None
    requested: int | None
