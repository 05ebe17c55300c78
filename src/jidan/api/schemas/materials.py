"""Response models of the materials routes."""
from __future__ import annotations

from typing import Any

from jidan.api.schemas.view import View


class PurchaseOrderDelayRequest(View):
    id: int
    number: str
    purchase_order_id: int | None
    purchase_order: str
    supplier_id: int | None
    supplier: str
    material: str
    material_name: str | None
    unit: str
    quantity: int
    old_date: str | None
    new_date: str | None
    delay_days: int
    reason: str | None
    status: str
    requested_by: str | None
    requested_by_id: int | None
    requested_by_role: str
    requested_at: str | None
    decided_by: str | None
    decided_at: str | None
    decision_note: str | None
    version: int
    affected_orders: list[str]
    urgent_orders: list[Any]
    repair_run_id: int | None


class PurchaseOrder(View):
    id: int
    number: str
    material: str
    material_name: str | None
    unit: str
    quantity: int
    due_date: str | None
    supplier_id: int | None
    supplier: str
    status: str
    note: str | None
    created_by: str | None
    created_at: str | None
    closed_at: str | None
    version: int
    delay_requests: list[PurchaseOrderDelayRequest] | None = None
    pending_delay: bool | None = None


class PurchaseRequestOrder(View):
    id: int
    number: str
    urgent: bool


class PurchaseRequest(View):
    id: int
    number: str
    material: str
    material_name: str | None
    unit: str
    lead_days: int
    quantity: int
    need_by: str | None
    urgent: bool
    orders: list[PurchaseRequestOrder]
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


DelayRequest = PurchaseOrderDelayRequest


class Stock(View):
    material: str
    name: str
    unit: str
    lead_days: int
    on_hand: int
    owed: int
    version: int
    on_order: int
    next_due: str | None
    requested: int
