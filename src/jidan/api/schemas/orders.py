"""Response models of the orders routes."""
from __future__ import annotations

from typing import Any

from jidan.api.schemas.view import View


class OrderCustomer(View):
    code: str | None = None
    name: str | None = None
    priority_class: str | None = None


class OrderLine(View):
    line_no: int | None = None
    product: str | None = None
    product_name: str | None = None
    quantity: int | None = None
    unit_price: str | None = None
    amount: str | None = None


class Order(View):
    id: int
    number: str
    customer: OrderCustomer | None
    customer_po: str | None
    order_date: str | None
    requested_date: str | None
    promised_date: str | None
    channel: str | None
    special_requirements: str | None
    status: str
    held_from: Any
    urgent: bool
    urgent_reasons: list[str] | None
    urgent_reason: Any
    priority: str | None
    priority_rank: int | None
    amount: str | None
    lines: list[OrderLine] | None
    revision: int | None
    version: int
    created_by: int | None
    owner_id: int | None
    created_at: str | None
    allowed_actions: list[str] | None


class OrderEventOld(View):
    status: str | None = None
    promised_date: str | None = None
    owner_id: Any = None


class OrderEventNew(View):
    id: int | None = None
    number: str | None = None
    customer: OrderCustomer | None = None
    customer_po: str | None = None
    order_date: str | None = None
    requested_date: str | None = None
    promised_date: str | None = None
    channel: str | None = None
    special_requirements: Any = None
    status: str | None = None
    urgent: bool | None = None
    urgent_reasons: list[str] | None = None
    urgent_reason: Any = None
    priority: str | None = None
    priority_rank: int | None = None
    amount: str | None = None
    lines: list[OrderLine] | None = None
    revision: int | None = None
    created_by: int | None = None
    owner_id: int | None = None


class OrderEvent(View):
    seq: int | None
    at: str | None
    actor_id: int | None
    actor: str | None
    role: str
    entity: str | None
    entity_id: str | None
    action: str | None
    old: OrderEventOld | None
    new: OrderEventNew | None
    reason: str | None
    prev_hash: str | None
    hash: str | None


class ImportResult(View):
    imported: int | None
    orders: list[str] | None
    rows: int | None


class OrderPageItem(View):
    id: int | None = None
    number: str | None = None
    customer: OrderCustomer | None = None
    customer_po: str | None = None
    order_date: str | None = None
    requested_date: str | None = None
    promised_date: str | None = None
    channel: str | None = None
    special_requirements: str | None = None
    status: str | None = None
    held_from: Any = None
    urgent: bool | None = None
    urgent_reasons: list[str] | None = None
    urgent_reason: Any = None
    priority: str | None = None
    priority_rank: int | None = None
    amount: str | None = None
    lines: list[OrderLine] | None = None
    revision: int | None = None
    version: int | None = None
    created_by: int | None = None
    owner_id: Any = None
    created_at: str | None = None


class OrderPage(View):
    items: list[OrderPageItem] | None
    total: int | None
    limit: int | None
    offset: int | None


class OrderVersionSnapshot(View):
    id: int | None = None
    number: str | None = None
    customer: OrderCustomer | None = None
    customer_po: str | None = None
    order_date: str | None = None
    requested_date: str | None = None
    promised_date: str | None = None
    channel: str | None = None
    special_requirements: str | None = None
    status: str | None = None
    urgent: bool | None = None
    urgent_reasons: list[str] | None = None
    urgent_reason: Any = None
    priority: str | None = None
    priority_rank: int | None = None
    amount: str | None = None
    lines: list[OrderLine] | None = None
    revision: int | None = None
    created_by: int | None = None
    owner_id: Any = None


class OrderVersion(View):
    revision: int | None
    snapshot: OrderVersionSnapshot | None
    created_at: str | None
    created_by: int | None
