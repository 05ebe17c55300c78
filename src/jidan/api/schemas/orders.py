"""Response models of the orders routes."""
from __future__ import annotations

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


class OrderSnapshot(View):
    """The business content of an order, as its versions keep it; an event's ``old`` and ``new``
    hold the part of it that changed, so every key may be missing."""
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
    urgent_reason: str | None = None
    priority: str | None = None
    priority_rank: int | None = None
    amount: str | None = None
    lines: list[OrderLine] | None = None
    revision: int | None = None
    created_by: int | None = None
    owner_id: int | None = None


class OrderView(OrderSnapshot):
    """The order as every list and board shows it (``order_view``)."""
    id: int
    number: str
    status: str
    urgent: bool
    held_from: str | None = None
    version: int
    created_at: str | None = None


class Order(OrderView):
    """One order for the one who asks: with the actions they may take now."""
    allowed_actions: list[str]


class OrderEvent(View):
    seq: int | None
    at: str | None
    actor_id: int | None
    actor: str | None
    role: str
    entity: str | None
    entity_id: str | None
    action: str | None
    old: OrderSnapshot | None
    new: OrderSnapshot | None
    reason: str | None
    prev_hash: str | None
    hash: str | None


class ImportResult(View):
    imported: int | None
    orders: list[str] | None
    rows: int | None


class OrderPage(View):
    items: list[OrderView] | None
    total: int | None
    limit: int | None
    offset: int | None


class OrderVersion(View):
    revision: int | None
    snapshot: OrderSnapshot | None
    created_at: str | None
    created_by: int | None
