"""Response models of the approvals routes."""
from __future__ import annotations

from typing import Any

from jidan.api.schemas.view import View


class Delegation(View):
    id: int | None = None
    principal: str | None | None = None
    principal_id: int | None | None = None
    deputy: str | None | None = None
    deputy_id: int | None | None = None
    starts_at: str | None | None = None
    ends_at: str | None | None = None
    reason: str | None | None = None
    revoked_at: Any = None
    version: int | None = None


class Letter(View):
    id: int
    order_id: int | None
    revision: int | None
    committed_date: str | None
    recipient: str | None
    subject: str | None
    body: str | None
    created_at: str | None
    created_by: str | None
    sent_to: str | None
    sent_by: str | None
    sent_at: str | None
    outbox_id: int | None
    version: int


class ChainStep(View):
    stage: int | None
    role: str
    name: str | None
    phase: str | None
    required: int | None
    min_amount: str | None
    urgent_only: bool
    key_customer_only: bool
    deadline_hours: float | None


class Chain(View):
    code: str
    name: str | None
    rank: int | None
    min_amount: Any
    urgent_only: bool
    key_customer_only: bool
    active: bool
    version: int
    updated_at: str | None
    steps: list[ChainStep] | None


class ReviewRecordOrderCustomer(View):
    code: str
    name: str | None
    priority_class: str | None


class ReviewRecordOrderLine(View):
    line_no: int | None
    product: str | None
    product_name: str | None
    quantity: int | None
    unit_price: str | None
    amount: str | None


class ReviewRecordOrder(View):
    id: int
    number: str
    customer: ReviewRecordOrderCustomer | None
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
    lines: list[ReviewRecordOrderLine] | None
    revision: int | None
    version: int
    created_by: int | None
    owner_id: Any
    created_at: str | None
    allowed_actions: list[str] | None


class ReviewRecordReviewStep(View):
    key: str | None
    stage: int | None
    role: str
    name: str | None
    phase: str | None
    required: int | None
    deadline_hours: float | None
    count: int | None
    done: bool
    open: bool
    due_at: str | None
    overdue: bool
    signatures: list[dict[str, Any]] | None


class ReviewRecordReviewFeasibility(View):
    order: str | None
    requested_date: str | None
    due: str | None
    without_moving: dict[str, Any] | None
    with_insertion: dict[str, Any] | None
    bottleneck: str | None
    levers: list[dict[str, Any]] | None
    material: dict[str, Any] | None


class ReviewRecordReviewInstruction(View):
    levers: list[str] | None
    note: str | None
    by: int | None


class ReviewRecordReviewSignature(View):
    id: int
    step: str | None
    role: str
    user: str | None
    user_id: int | None
    on_behalf_of: Any
    meaning: str | None
    opinion: str | None
    comment: str | None
    suggested_date: str | None
    method: str | None
    revision: int | None
    signed_at: str | None


class ReviewRecordReview(View):
    id: int
    revision: int | None
    chain_code: str | None
    chain_name: str | None
    status: str
    steps: list[ReviewRecordReviewStep] | None
    stages: list[int] | None
    feasibility: ReviewRecordReviewFeasibility | None
    decision: str | None
    decision_note: str | None
    instruction: ReviewRecordReviewInstruction | None
    committed_date: str | None
    started_by: str | None
    started_at: str | None
    closed_at: str | None
    signatures: list[ReviewRecordReviewSignature] | None
    version: int


class ReviewRecordPreviewStep(View):
    key: str | None
    stage: int | None
    role: str
    name: str | None
    phase: str | None
    required: int | None
    deadline_hours: float | None


class ReviewRecordPreview(View):
    chain_code: str | None
    chain_name: str | None
    steps: list[ReviewRecordPreviewStep] | None


class ReviewRecordLetter(View):
    id: int
    order_id: int | None
    revision: int | None
    committed_date: str | None
    recipient: str | None
    subject: str | None
    body: str | None
    created_at: str | None
    created_by: str | None
    sent_to: Any
    sent_by: Any
    sent_at: Any
    outbox_id: Any
    version: int


class ReviewRecordCanSignItem(View):
    step: str | None
    name: str | None
    phase: str | None
    on_behalf_of: Any


class ReviewRecordCan(View):
    open: bool
    sign: list[ReviewRecordCanSignItem] | None
    disagree: list[ReviewRecordCanSignItem] | None
    push_through: list[Any] | None
    deputy_for: list[Any] | None


class ReviewRecord(View):
    order: ReviewRecordOrder | None
    review: ReviewRecordReview | None
    preview: ReviewRecordPreview | None
    history: list[Any] | None
    letters: list[ReviewRecordLetter] | None
    can: ReviewRecordCan | None


class PendingItem(View):
    kind: str
    order_id: int | None
    number: str
    customer: str | None
    urgent: bool
    priority: str | None
    priority_rank: int | None
    status: str
    amount: str | None
    requested_date: str | None
    step: str | None
    step_name: str | None
    required: int | None
    count: int | None
    due_at: str | None
    on_behalf_of: Any
    review_open: bool
    change_id: int | None
    kinds: list[str] | None | None = None


class Pending(View):
    items: list[PendingItem] | None
    count: int | None


class ChangeRequestPreviousLine(View):
    product: str | None
    product_name: str | None
    quantity: int | None
    unit_price: str | None


class ChangeRequestPrevious(View):
    requested_date: str | None
    special_requirements: Any
    lines: list[ChangeRequestPreviousLine] | None


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
    order_number: str | None
    urgent: bool
    customer: str | None
    order_status: str | None
    order_revision: int | None
    base_revision: int | None
    new_revision: int | None
    kinds: list[str] | None
    roles: list[str] | None
    previous: ChangeRequestPrevious | None
    proposed: ChangeRequestPrevious | None
    reason: str | None
    customer_confirmation: str | None
    status: str
    replan_required: bool
    requested_by: str | None
    requested_at: str | None
    decided_at: str | None
    steps: list[ChangeRequestStep] | None
    version: int
    can: ChangeRequestCan | None
