"""Response models of the approvals routes."""
from __future__ import annotations

from typing import Any

from jidan.api.schemas.view import View


class Delegation(View):
    id: int | None = None
    principal: str | None = None
    principal_id: int | None | None = None
    deputy: str | None = None
    deputy_id: int | None | None = None
    starts_at: str | None | None = None
    ends_at: str | None | None = None
    reason: str | None | None = None
    revoked_at: Any = None
    version: int | None = None


class Letter(View):
    id: int
    order_id: int | None
    revision: int
    committed_date: str | None
    recipient: str
    subject: str
    body: str
    created_at: str | None
    created_by: str | None
    sent_to: str | None
    sent_by: str | None
    sent_at: str | None
    outbox_id: int | None
    version: int


class ChainStep(View):
    stage: int
    role: str
    name: str
    phase: str
    required: int
    min_amount: str | None
    urgent_only: bool
    key_customer_only: bool
    deadline_hours: float | None


class Chain(View):
    code: str
    name: str
    rank: int
    min_amount: Any
    urgent_only: bool
    key_customer_only: bool
    active: bool
    version: int
    updated_at: str | None
    steps: list[ChainStep]


class ReviewRecordOrderCustomer(View):
    code: str
    name: str
    priority_class: str


class ReviewRecordOrderLine(View):
    line_no: int
    product: str
    product_name: str | None
    quantity: int
    unit_price: str
    amount: str


class ReviewRecordOrder(View):
    id: int
    number: str
    customer: ReviewRecordOrderCustomer
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
    lines: list[ReviewRecordOrderLine]
    revision: int
    version: int
    created_by: int | None
    owner_id: Any
    created_at: str | None
    allowed_actions: list[str]


class ReviewRecordReviewStep(View):
    key: str
    stage: int
    role: str
    name: str
    phase: str
    required: int
    deadline_hours: float | None
    count: int
    done: bool
    open: bool
    due_at: str | None
    overdue: bool
    signatures: list[dict[str, Any]]


class ReviewRecordReviewFeasibility(View):
    order: str
    requested_date: str | None
    due: str | None
    without_moving: dict[str, Any]
    with_insertion: dict[str, Any]
    bottleneck: str
    levers: list[dict[str, Any]]
    material: dict[str, Any]


class ReviewRecordReviewInstruction(View):
    levers: list[str]
    note: str | None
    by: int


class ReviewRecordReviewSignature(View):
    id: int
    step: str
    role: str
    user: str
    user_id: int | None
    on_behalf_of: Any
    meaning: str
    opinion: str
    comment: str | None
    suggested_date: str | None
    method: str
    revision: int
    signed_at: str | None


class ReviewRecordReview(View):
    id: int
    revision: int
    chain_code: str
    chain_name: str | None
    status: str
    steps: list[ReviewRecordReviewStep]
    stages: list[int]
    feasibility: ReviewRecordReviewFeasibility
    decision: str | None
    decision_note: str | None
    instruction: ReviewRecordReviewInstruction | None
    committed_date: str | None
    started_by: str | None
    started_at: str | None
    closed_at: str | None
    signatures: list[ReviewRecordReviewSignature]
    version: int


class ReviewRecordPreviewStep(View):
    key: str
    stage: int
    role: str
    name: str
    phase: str
    required: int
    deadline_hours: float


class ReviewRecordPreview(View):
    chain_code: str
    chain_name: str | None
    steps: list[ReviewRecordPreviewStep]


class ReviewRecordLetter(View):
    id: int
    order_id: int | None
    revision: int
    committed_date: str | None
    recipient: str
    subject: str
    body: str
    created_at: str | None
    created_by: str | None
    sent_to: Any
    sent_by: Any
    sent_at: Any
    outbox_id: Any
    version: int


class ReviewRecordCanSignItem(View):
    step: str
    name: str
    phase: str
    on_behalf_of: Any


class ReviewRecordCan(View):
    open: bool
    sign: list[ReviewRecordCanSignItem]
    disagree: list[ReviewRecordCanSignItem]
    push_through: list[Any]
    deputy_for: list[Any]


class ReviewRecord(View):
    order: ReviewRecordOrder
    review: ReviewRecordReview | None
    preview: ReviewRecordPreview | None
    history: list[Any]
    letters: list[ReviewRecordLetter]
    can: ReviewRecordCan


class PendingItem(View):
    kind: str
    order_id: int | None
    number: str
    customer: str
    urgent: bool
    priority: str
    priority_rank: int
    status: str
    amount: str
    requested_date: str | None
    step: str
    step_name: str | None
    required: int
    count: int
    due_at: str | None
    on_behalf_of: Any
    review_open: bool
    change_id: int | None
    kinds: list[str] | None = None


class Pending(View):
    items: list[PendingItem]
    count: int


class ChangeRequestPreviousLine(View):
    product: str
    product_name: str | None
    quantity: int
    unit_price: str


class ChangeRequestPrevious(View):
    requested_date: str | None
    special_requirements: Any
    lines: list[ChangeRequestPreviousLine]


class ChangeRequestStep(View):
    role: str
    due_at: str | None
    overdue: bool
    signature: ReviewRecordReviewSignature | None


class ChangeRequestCan(View):
    sign: bool
    withdraw: bool


class ChangeRequest(View):
    id: int
    number: str
    order_id: int | None
    order_number: str
    urgent: bool
    customer: str
    order_status: str
    order_revision: int
    base_revision: int
    new_revision: int | None
    kinds: list[str]
    roles: list[str]
    previous: ChangeRequestPrevious
    proposed: ChangeRequestPrevious
    reason: str | None
    customer_confirmation: str
    status: str
    replan_required: bool
    requested_by: str | None
    requested_at: str | None
    decided_at: str | None
    steps: list[ChangeRequestStep]
    version: int
    can: ChangeRequestCan
