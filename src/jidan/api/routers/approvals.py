"""Review and approval (B1–B7, A6) and change requests (H1–H3): chains, delegations, signing."""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import Field

from jidan.api.deps import ActorDep, CtxDep, ProofDep
from jidan.api.routing import ApiRoute
from jidan.api.schemas.approvals import Chain, ChangeRequest, Delegation, Letter, Pending, ReviewRecord
from jidan.api.schemas import Code, Day, LineIn, Moment, Strict
from jidan.domain.approval import INSTRUCTION_LEVERS, ChainRule, Conditions, Opinion, Phase, StepRule
from jidan.domain.roles import Role
from jidan.services.approvals import chains as approval_chains
from jidan.services.approvals import review as approvals
from jidan.services.approvals import changes
from jidan.services.approvals import letters as confirmations
from jidan.services.approvals import delegations
from jidan.services.approvals import signing
from jidan.services.approvals.signatures import Decision
from jidan.services.approvals.changes import ChangeInput
from jidan.services.orders.intake import NewLine

router = APIRouter(tags=["approvals"], route_class=ApiRoute)

#: Row ids are 32-bit integers in every database we run on.
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Amount = Annotated[Decimal, Field(ge=0, max_digits=14, decimal_places=2)]
Lever = Literal[INSTRUCTION_LEVERS]  # type: ignore[valid-type]


class ChainStepIn(Strict):
    stage: int = Field(ge=1, le=99)
    role: Role
    name: str = Field(min_length=1, max_length=100)
    phase: Phase
    required: int = Field(1, ge=1, le=50)
    min_amount: Amount | None = None
    urgent_only: bool = False
    key_customer_only: bool = False
    deadline_hours: float | None = Field(None, gt=0, le=720)


class ChainIn(Strict):
    name: str = Field(min_length=1, max_length=100)
    rank: int = Field(100, ge=0, le=10_000)
    min_amount: Amount | None = None
    urgent_only: bool = False
    key_customer_only: bool = False
    active: bool = True
    steps: list[ChainStepIn] = Field(min_length=1, max_length=30)
    version: int | None = Field(None, ge=1)


class DelegationIn(Strict):
    deputy: str = Field(min_length=1, max_length=50)
    starts_at: Moment
    ends_at: Moment
    reason: str | None = Field(None, max_length=500)
    principal: str | None = Field(None, min_length=1, max_length=50)
    #: Admin only: let a deputy of another role stand in (segregation of duties, docs/security.md).
    role_exception: bool = False


class VersionIn(Strict):
    version: int | None = Field(None, ge=1)


class SignIn(Strict):
    """A signed opinion. Without ``password`` the session must be a fresh login."""

    opinion: Opinion = Opinion.AGREE
    comment: str | None = Field(None, max_length=1000)
    suggested_date: Day | None = None
    committed_date: Day | None = None
    levers: list[Lever] = Field(default_factory=list, max_length=len(INSTRUCTION_LEVERS))
    on_behalf_of: str | None = Field(None, min_length=1, max_length=50)
    password: str | None = Field(None, max_length=200)
    version: int | None = Field(None, ge=1)


class ChangeIn(Strict):
    reason: str = Field(min_length=1, max_length=1000)
    customer_confirmation: str = Field(min_length=1, max_length=500)
    requested_date: Day | None = None
    lines: list[LineIn] | None = Field(None, min_length=1, max_length=200)
    special_requirements: str | None = Field(None, max_length=2000)
    version: int | None = Field(None, ge=1)


class SendIn(Strict):
    to: list[Annotated[str, Field(min_length=3, max_length=200)]] | None = Field(None, min_length=1, max_length=10)
    version: int | None = Field(None, ge=1)


def _decision(body: SignIn) -> Decision:
    return Decision(body.opinion, body.comment, body.suggested_date, body.committed_date,
                    tuple(body.levers), body.on_behalf_of)


# ----------------------------------------------------------------------------- chains
@router.get("/approval-chains", response_model=list[Chain])
def list_chains(ctx: CtxDep, actor: ActorDep) -> list[dict]:
    return approval_chains.list_chains(ctx, actor)


@router.put("/approval-chains/{code}", response_model=Chain)
def save_chain(code: Code, body: ChainIn, ctx: CtxDep, actor: ActorDep) -> dict:
    """Admin creates (no ``version``) or replaces a chain (its ``version``)."""
    chain = ChainRule(code, body.name, tuple(
        StepRule(s.stage, s.role, s.name, s.phase, s.required,
                 Conditions(s.min_amount, s.urgent_only, s.key_customer_only), s.deadline_hours)
        for s in body.steps), body.rank, Conditions(body.min_amount, body.urgent_only, body.key_customer_only),
        body.active)
    return approval_chains.save_chain(ctx, actor, chain, body.version)


# ----------------------------------------------------------------------------- delegations
@router.get("/delegations", response_model=list[Delegation])
def list_delegations(ctx: CtxDep, actor: ActorDep) -> list[dict]:
    return delegations.list_delegations(ctx, actor)


@router.post("/delegations", status_code=201, response_model=Delegation)
def add_delegation(body: DelegationIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return delegations.add_delegation(ctx, actor, body.deputy, body.starts_at.replace(tzinfo=None),
                                    body.ends_at.replace(tzinfo=None), body.reason, body.principal,
                                    body.role_exception)


@router.post("/delegations/{delegation_id}/revoke", response_model=Delegation)
def revoke_delegation(delegation_id: RowId, ctx: CtxDep, actor: ActorDep,
                      body: VersionIn | None = None) -> dict:
    return delegations.revoke_delegation(ctx, actor, delegation_id, (body or VersionIn()).version)


# ----------------------------------------------------------------------------- review and approval
@router.get("/approvals/pending", response_model=Pending)
def pending(ctx: CtxDep, actor: ActorDep) -> dict:
    """What waits for my signature (and my principals', when I am a deputy)."""
    return approvals.pending(ctx, actor)


@router.get("/orders/{order_id}/review", response_model=ReviewRecord)
def review_record(order_id: RowId, ctx: CtxDep, actor: ActorDep) -> dict:
    """The review record (紧急订单评审记录表): chain progress, opinions, feasibility, decision."""
    return approvals.review_record(ctx, actor, order_id)


@router.post("/orders/{order_id}/review", response_model=ReviewRecord)
def open_review(order_id: RowId, ctx: CtxDep, actor: ActorDep) -> dict:
    """Convenes the review: the record opens with planning's answer and the deadlines start."""
    return approvals.open_review(ctx, actor, order_id)


@router.post("/orders/{order_id}/review/signatures", response_model=ReviewRecord)
def sign(order_id: RowId, body: SignIn, ctx: CtxDep, actor: ActorDep, proof: ProofDep) -> dict:
    """Signs your step (agree / agree with conditions / disagree); on a rejected order, management
    pushes it through with the instruction in ``comment`` and the resources in ``levers``."""
    return signing.sign(ctx, actor, order_id, _decision(body), proof(body.password), body.version)


@router.get("/orders/{order_id}/confirmations", response_model=list[Letter])
def letters(order_id: RowId, ctx: CtxDep, actor: ActorDep) -> list[dict]:
    """Confirmation letters (确认函) made from the approved revisions, newest first."""
    return confirmations.letters(ctx, actor, order_id)


@router.post("/orders/{order_id}/confirmations/{letter_id}/send", response_model=Letter)
def send_letter(order_id: RowId, letter_id: RowId, ctx: CtxDep, actor: ActorDep, body: SendIn | None = None) -> dict:
    body = body or SendIn()
    return confirmations.send_letter(ctx, actor, order_id, letter_id, body.to, body.version)


# ----------------------------------------------------------------------------- change requests
@router.post("/orders/{order_id}/change-requests", status_code=201, response_model=ChangeRequest)
def request_change(order_id: RowId, body: ChangeIn, ctx: CtxDep, actor: ActorDep) -> dict:
    lines = tuple(NewLine(ln.product, ln.quantity, ln.unit_price) for ln in body.lines) if body.lines else None
    return changes.request_change(ctx, actor, order_id, ChangeInput(
        body.reason, body.customer_confirmation, body.requested_date, lines, body.special_requirements,
        body.version))


@router.get("/orders/{order_id}/change-requests", response_model=list[ChangeRequest])
def order_changes(order_id: RowId, ctx: CtxDep, actor: ActorDep) -> list[dict]:
    return changes.list_changes(ctx, actor, order_id)


@router.get("/change-requests", response_model=list[ChangeRequest])
def list_changes(ctx: CtxDep, actor: ActorDep,
                 status: Annotated[Literal["pending", "approved", "rejected", "withdrawn"] | None,
                                   Query()] = None) -> list[dict]:
    return changes.list_changes(ctx, actor, status=status)


@router.get("/change-requests/{change_id}", response_model=ChangeRequest)
def get_change(change_id: RowId, ctx: CtxDep, actor: ActorDep) -> dict:
    return changes.get_change(ctx, actor, change_id)


@router.post("/change-requests/{change_id}/signatures", response_model=ChangeRequest)
def sign_change(change_id: RowId, body: SignIn, ctx: CtxDep, actor: ActorDep, proof: ProofDep) -> dict:
    return changes.sign_change(ctx, actor, change_id, _decision(body), proof(body.password), body.version)


@router.post("/change-requests/{change_id}/withdraw", response_model=ChangeRequest)
def withdraw_change(change_id: RowId, ctx: CtxDep, actor: ActorDep, body: VersionIn | None = None) -> dict:
    return changes.withdraw_change(ctx, actor, change_id, (body or VersionIn()).version)
