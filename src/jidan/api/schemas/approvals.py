"""Response models of the approvals routes."""
from __future__ import annotations

from typing import Any

from jidan.api.schemas.orders import Order
from jidan.api.schemas.planning import PromiseLever, PromiseWithInsertion, PromiseWithoutMoving
from jidan.api.schemas.view import View


class Delegation(View):
    id: int | None = None
    principal: str | None = None
    principal_id: int | None = None
    deputy: str | None = None
    deputy_id: int | None = None
    starts_at: str | None = None
    ends_at: str | None = None
    reason: str | None = None
    revoked_at: str | None = None
    #: The admin who let a deputy of another role stand in; null when the deputy holds the role.
    role_exception_by: str | None = None
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
    stage: int | None = None
    role: str | None = None
    name: str | None = None
    phase: str | None = None
    required: int | None = None
    min_amount: str | None = None
    urgent_only: bool | None = None
    key_customer_only: bool | None = None
    deadline_hours: float | None = None


class Chain(View):
    code: str
    name: str | None
    rank: int | None
    min_amount: str | None
    urgent_only: bool
    key_customer_only: bool
    active: bool
    version: int
    updated_at: str | None
    steps: list[ChainStep] | None


class ReviewFeasibility(View):
    """Planning's answer when the round opened, as it was kept (its material part as stored text),
    or the error planning gave (``error``, ``detail``)."""
    order: str | None = None
    requested_date: str | None = None
    due: str | None = None
    without_moving: PromiseWithoutMoving | None = None
    with_insertion: PromiseWithInsertion | None = None
    bottleneck: str | None = None
    levers: list[PromiseLever] | None = None
    material: dict[str, Any] | None = None


class ReviewInstruction(View):
    levers: list[str] | None = None
    note: str | None = None
    by: int | None = None


class Signature(View):
    id: int | None = None
    step: str | None = None
    role: str | None = None
    user: str | None = None
    user_id: int | None = None
    on_behalf_of: str | None = None
    meaning: str | None = None
    opinion: str | None = None
    comment: str | None = None
    suggested_date: str | None = None
    method: str | None = None
    revision: int | None = None
    signed_at: str | None = None


class ReviewStep(View):
    """A step of an approval chain as a review round froze it."""
    key: str | None = None
    stage: int | None = None
    role: str | None = None
    name: str | None = None
    phase: str | None = None
    required: int | None = None
    deadline_hours: float | None = None


class ReviewStepProgress(ReviewStep):
    """A step of the open or a past round: how far its signatures got."""
    count: int | None = None
    done: bool | None = None
    open: bool | None = None
    due_at: str | None = None
    overdue: bool | None = None
    signatures: list[Signature] | None = None


class Review(View):
    id: int | None = None
    revision: int | None = None
    chain_code: str | None = None
    chain_name: str | None = None
    status: str | None = None
    steps: list[ReviewStepProgress] | None = None
    stages: list[int] | None = None
    feasibility: ReviewFeasibility | None = None
    decision: str | None = None
    decision_note: str | None = None
    instruction: ReviewInstruction | None = None
    committed_date: str | None = None
    started_by: str | None = None
    started_at: str | None = None
    closed_at: str | None = None
    signatures: list[Signature] | None = None
    version: int | None = None


class ReviewPreview(View):
    chain_code: str | None = None
    chain_name: str | None = None
    steps: list[ReviewStep] | None = None


class ReviewSignable(View):
    step: str | None = None
    name: str | None = None
    phase: str | None = None
    on_behalf_of: str | None = None


class PushThrough(View):
    """A rejected order this actor may push through, for whom."""
    on_behalf_of: str | None = None


class ReviewCan(View):
    open: bool | None = None
    sign: list[ReviewSignable] | None = None
    disagree: list[ReviewSignable] | None = None
    push_through: list[PushThrough] | None = None
    deputy_for: list[str] | None = None


class ReviewRecord(View):
    order: Order | None
    review: Review | None
    preview: ReviewPreview | None
    history: list[Review] | None
    letters: list[Letter] | None
    can: ReviewCan | None


class PendingItem(View):
    kind: str | None = None
    order_id: int | None = None
    number: str | None = None
    customer: str | None = None
    urgent: bool | None = None
    priority: str | None = None
    priority_rank: int | None = None
    status: str | None = None
    amount: str | None = None
    requested_date: str | None = None
    step: str | None = None
    step_name: str | None = None
    required: int | None = None
    count: int | None = None
    due_at: str | None = None
    on_behalf_of: str | None = None
    review_open: bool | None = None
    change_id: int | None = None
    kinds: list[str] | None = None


class Pending(View):
    items: list[PendingItem] | None
    count: int | None


class ChangeRequestPreviousLine(View):
    product: str | None = None
    product_name: str | None = None
    quantity: int | None = None
    unit_price: str | None = None


class ChangeRequestPrevious(View):
    requested_date: str | None = None
    special_requirements: str | None = None
    lines: list[ChangeRequestPreviousLine] | None = None


class ChangeRequestStep(View):
    role: str | None = None
    due_at: str | None = None
    overdue: bool | None = None
    signature: Signature | None = None


class ChangeRequestCan(View):
    sign: bool | None = None
    withdraw: bool | None = None


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
