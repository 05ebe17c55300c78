"""Response models of the orders routes."""
from __future__ import annotations

from typing import Any

from jidan.api.schemas.view import View


class OrderCustomer(View):
    code: str
    name: str
    priority_class: str


class OrderLine(View):
    line_no: int
    product: str
    product_name: str | None
    quantity: int
    unit_price: str
    amount: str


class Order(View):
    id: int
    number: str
    customer: OrderCustomer
    customer_po: str
    order_date: str | None
    requested_date: str | None
    promised_date: str | None
    channel: str
    special_requirements: str | None
    status: str
    held_from: Any
    urgent: bool
    urgent_reasons: list[str]
    urgent_reason: Any
    priority: str
    priority_rank: int
    amount: str
    lines: list[OrderLine]
    revision: int
    version: int
    created_by: int | None
    owner_id: int | None
    created_at: str | None
    allowed_actions: list[str]


class OrderEventOld(View):
    status: str | None = None
    promised_date: str | None | None = None
    owner_id: Any = None


class OrderEventNew(View):
    id: int | None = None
    number: str | None = None
    customer: OrderCustomer | None = None
    customer_po: str | None = None
    order_date: str | None | None = None
    requested_date: str | None | None = None
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
    created_by: int | None | None = None
    owner_id: int | None = None


class OrderEvent(View):
    seq: int
    at: str
    actor_id: int | None
    actor: str
    role: str
    entity: str
    entity_id: str | None
    action: str
    old: OrderEventOld | None
    new: OrderEventNew
    reason: str | None
    prev_hash: str
    hash: str


class ImportResult(View):
    imported: int
    orders: list[str]
    rows: int


class OrderPageItem(View):
    id: int
    number: str
    customer: OrderCustomer
    customer_po: str
    order_date: str | None
    requested_date: str | None
    promised_date: str | None
    channel: str
    special_requirements: str | None
    status: str
    held_from: Any
    urgent: bool
    urgent_reasons: list[str]
    urgent_reason: Any
    priority: str
    priority_rank: int
    amount: str
    lines: list[OrderLine]
    revision: int
    version: int
    created_by: int | None
    owner_id: Any
    created_at: str | None


class OrderPage(View):
    items: list[OrderPageItem]
    total: int
    limit: int
    offset: int


class OrderVersionSnapshot(View):
    id: int
    number: str
    customer: OrderCustomer
    customer_po: str
    order_date: str | None
    requested_date: str | None
    promised_date: str | None
    channel: str
    special_requirements: str | None
    status: str
    urgent: bool
    urgent_reasons: list[str]
    urgent_reason: Any
    priority: str
    priority_rank: int
    amount: str
    lines: list[OrderLine]
    revision: int
    created_by: int | None
    owner_id: Any


class OrderVersion(View):
    revision: int
    snapshot: OrderVersionSnapshot
    created_at: str | None
    created_by: int | None
