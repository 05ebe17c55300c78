"""Response models of the store urgent replenishment routes (K1–K7)."""
from __future__ import annotations

from jidan.api.schemas.view import View


class StoreRef(View):
    id: int
    code: str
    name: str


class Store(StoreRef):
    manager: str | None
    supervisor: str | None
    version: int


class RequisitionLine(View):
    item: str
    name: str | None = None
    unit: str | None = None
    quantity: int
    store_stock: int | None = None
    delivered: int | None = None
    accepted: int | None = None
    rejected: int | None = None
    reject_reason: str | None = None


class RequisitionStep(View):
    """One row of the flow with its 直接责任人 / 配合人 / 涉及人 (K7)."""
    action: str
    responsible: str
    assists: list[str]
    involved: list[str]
    responsible_name: str | None
    due_days: int | None
    done_by: str | None
    done_at: str | None
    current: bool


class Requisition(View):
    id: int
    number: str
    status: str
    store: StoreRef
    lines: list[RequisitionLine]
    note: str | None
    raised_by: str | None
    raised_at: str
    supplier: str | None
    arrive_on: str | None
    answer_note: str | None
    delivery_no: str | None
    receipt_no: str | None
    receiving_code: str | None
    transfer_out_no: str | None
    transfer_in_no: str | None
    waiting_for: str | None
    responsible: str | None
    due_at: str | None
    overdue: bool
    documents: list[str]
    #: The flow with who did each step; in a single requisition's answer, empty in lists.
    steps: list[RequisitionStep] = []
    allowed_actions: list[str]
    version: int


class Choice(View):
    code: str | None = None
    username: str | None = None
    name: str
