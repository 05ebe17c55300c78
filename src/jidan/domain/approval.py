"""Review and approval as data (B1–B7, H1–H3): chains of steps, who signs what, when it is done.

A chain (审批流程) is configuration: stages run in order, the steps of one stage in parallel.
Each step names a role, the conditions under which it applies (amount at or above a threshold,
urgent orders only, key customers only), how many approvals of that role it needs (N of M) and
its deadline in working hours. Review-phase steps move an order submitted → reviewed, approve-
phase steps reviewed → approved. The lifecycle table (``states.TRANSITIONS``) stays the one truth
of which roles may ever review, approve or reject: a chain only narrows it.

A change request (变更申请表) is reviewed by the departments its changes affect
(``CHANGE_REVIEWERS``), in parallel, one approval each.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum

from jidan.domain import errors
from jidan.domain.roles import Role
from jidan.domain.states import TRANSITIONS, OrderState

S = OrderState


class Opinion(StrEnum):
    """A department's answer on the review record (评审意见)."""

    AGREE = "agree"
    AGREE_WITH_CONDITIONS = "agree_with_conditions"
    DISAGREE = "disagree"


class Meaning(StrEnum):
    """What a signature means (the signed act)."""

    REVIEWED = "reviewed"
    APPROVED = "approved"
    REJECTED = "rejected"


class Phase(StrEnum):
    REVIEW = "review"
    APPROVE = "approve"


#: The lifecycle action a phase completes, and the state it starts from.
PHASE_ACTION = {Phase.REVIEW: "review", Phase.APPROVE: "approve"}
PHASE_OF_STATE = {S.SUBMITTED: Phase.REVIEW, S.REVIEWED: Phase.APPROVE}
PHASE_MEANING = {Phase.REVIEW: Meaning.REVIEWED, Phase.APPROVE: Meaning.APPROVED}

#: Roles the lifecycle table lets take part in each phase; chains may use only these.
PHASE_ROLES = {phase: TRANSITIONS[(source, PHASE_ACTION[phase])].roles
               for source, phase in PHASE_OF_STATE.items()}

#: What management may assign when it pushes a must-take order through (B6, C5).
#: (planning's lever names, so the instruction and the feasibility answer speak alike)
INSTRUCTION_LEVERS = ("priority_insertion", "overtime", "capacity", "outside_processing",
                      "partial_delivery")

MAX_REQUIRED = 50
MAX_DEADLINE_HOURS = 720


@dataclass(frozen=True)
class OrderFacts:
    """What step and chain conditions look at."""

    amount: Decimal
    urgent: bool
    key_customer: bool


@dataclass(frozen=True)
class Conditions:
    """All that are set must hold (amount at or above ``min_amount``, urgent, key customer)."""

    min_amount: Decimal | None = None
    urgent_only: bool = False
    key_customer_only: bool = False

    def hold_for(self, facts: OrderFacts) -> bool:
        return ((self.min_amount is None or facts.amount >= self.min_amount)
                and (facts.urgent or not self.urgent_only)
                and (facts.key_customer or not self.key_customer_only))

    @property
    def always(self) -> bool:
        return self.min_amount is None and not self.urgent_only and not self.key_customer_only


@dataclass(frozen=True)
class StepRule:
    """One step of a chain: a role signs, ``required`` times by different people (N of M)."""

    stage: int
    role: Role
    name: str
    phase: Phase
    required: int = 1
    conditions: Conditions = field(default_factory=Conditions)
    deadline_hours: float | None = None

    @property
    def key(self) -> str:
        return f"{self.stage}.{self.role.value}"

    def snapshot(self) -> dict:
        """The step as frozen into a review record (conditions already applied)."""
        return {"key": self.key, "stage": self.stage, "role": self.role.value, "name": self.name,
                "phase": self.phase.value, "required": self.required,
                "deadline_hours": self.deadline_hours}


@dataclass(frozen=True)
class ChainRule:
    """A review and approval chain; the first active one by rank whose conditions hold applies."""

    code: str
    name: str
    steps: tuple[StepRule, ...]
    rank: int = 100
    conditions: Conditions = field(default_factory=Conditions)
    active: bool = True

    def steps_for(self, facts: OrderFacts) -> list[StepRule]:
        return sorted((s for s in self.steps if s.conditions.hold_for(facts)),
                      key=lambda s: (s.stage, s.role.value))


def check_chain(chain: ChainRule) -> None:
    """Raises ``ValidationFailed`` naming each step field that breaks a rule."""
    fields: dict[str, str] = {}
    if not chain.code.strip():
        fields["code"] = "required"
    if not chain.name.strip():
        fields["name"] = "required"
    if chain.conditions.min_amount is not None and chain.conditions.min_amount < 0:
        fields["min_amount"] = "must_not_be_negative"
    seen: set[tuple[int, str]] = set()
    for i, step in enumerate(chain.steps):
        where = f"steps.{i}"
        if step.role not in PHASE_ROLES[step.phase]:
            fields[f"{where}.role"] = "role_not_allowed_in_phase"
        if (step.stage, step.role) in seen:
            fields[f"{where}.role"] = "duplicate_step"
        seen.add((step.stage, step.role))
        if not 1 <= step.stage <= 99:
            fields[f"{where}.stage"] = "out_of_range"
        if not 1 <= step.required <= MAX_REQUIRED:
            fields[f"{where}.required"] = "out_of_range"
        if step.deadline_hours is not None and not 0 < step.deadline_hours <= MAX_DEADLINE_HOURS:
            fields[f"{where}.deadline_hours"] = "out_of_range"
        if step.conditions.min_amount is not None and step.conditions.min_amount < 0:
            fields[f"{where}.min_amount"] = "must_not_be_negative"
        if not step.name.strip():
            fields[f"{where}.name"] = "required"
    for phase in Phase:
        if not any(s.phase == phase and s.conditions.always for s in chain.steps):
            fields[f"steps.{phase.value}"] = "needs_unconditional_step"
    last_review = max((s.stage for s in chain.steps if s.phase == Phase.REVIEW), default=0)
    first_approve = min((s.stage for s in chain.steps if s.phase == Phase.APPROVE), default=100)
    if last_review >= first_approve:
        fields["steps.order"] = "review_before_approve"
    if fields:
        raise errors.ValidationFailed("the approval chain is not valid", code="approval.chain_invalid",
                                      fields=fields)


def choose_chain(chains: list[ChainRule], facts: OrderFacts) -> ChainRule | None:
    for chain in sorted(chains, key=lambda c: (c.rank, c.code)):
        if chain.active and chain.conditions.hold_for(facts):
            return chain
    return None


# ------------------------------------------------------------------ progress of a review
def counts(signatures: list[Signature], revision: int) -> dict[str, int]:
    """Agreeing signatures per step key; a signature on another revision never counts."""
    out: dict[str, int] = {}
    for sig in signatures:
        if sig.revision == revision and sig.meaning != Meaning.REJECTED:
            out[sig.step_key] = out.get(sig.step_key, 0) + 1
    return out


def step_done(step: dict, tally: dict[str, int]) -> bool:
    return tally.get(step["key"], 0) >= step["required"]


def open_stage(steps: list[dict], tally: dict[str, int], phase: Phase) -> int | None:
    """The first stage of ``phase`` with a step still to sign; None when the phase is complete."""
    waiting = [s["stage"] for s in steps if s["phase"] == phase and not step_done(s, tally)]
    return min(waiting) if waiting else None


def open_steps(steps: list[dict], tally: dict[str, int], phase: Phase) -> list[dict]:
    stage = open_stage(steps, tally, phase)
    return [s for s in steps if s["phase"] == phase and s["stage"] == stage and not step_done(s, tally)]


# ------------------------------------------------------------------ delegation
@dataclass(frozen=True)
class Delegation:
    """An approver names a deputy for a period; the deputy signs on the approver's behalf."""

    principal_id: int
    deputy_id: int
    starts_at: datetime
    ends_at: datetime
    revoked_at: datetime | None = None

    def active(self, at: datetime) -> bool:
        return self.revoked_at is None and self.starts_at <= at < self.ends_at


def check_delegation(principal_id: int, deputy_id: int, starts_at: datetime, ends_at: datetime,
                     now: datetime, max_days: int = 92) -> None:
    fields = {}
    if principal_id == deputy_id:
        fields["deputy"] = "deputy_is_principal"
    if starts_at < now.replace(second=0, microsecond=0):  # a form gives minutes: this minute is now
        fields["starts_at"] = "in_past"
    if ends_at <= starts_at:
        fields["ends_at"] = "before_start"
    elif ends_at <= now:
        fields["ends_at"] = "in_past"
    elif (ends_at - starts_at).days > max_days:
        fields["ends_at"] = "too_long"
    if fields:
        raise errors.ValidationFailed("the delegation is not valid", fields=fields)


# ------------------------------------------------------------------ change requests
#: States in which an approved order may still change, through a change request only (B7, H1).
CHANGEABLE_STATES = frozenset({S.APPROVED, S.PLANNED, S.RELEASED, S.IN_PRODUCTION, S.ON_HOLD})

#: What a change touches → the departments that review it (H2).
CHANGE_REVIEWERS: dict[str, frozenset[Role]] = {
    "date": frozenset({Role.PMC}),
    "quantity": frozenset({Role.PMC, Role.FINANCE}),
    "price": frozenset({Role.FINANCE}),
    "lines": frozenset({Role.PMC, Role.ENGINEERING, Role.FINANCE}),
    "specs": frozenset({Role.PMC, Role.ENGINEERING}),
}


@dataclass(frozen=True)
class OrderContent:
    """The parts of an order a change request may change."""

    requested_date: date
    lines: tuple[tuple[str, int, Decimal], ...]  # (product code, quantity, unit price)
    special_requirements: str | None


def change_kinds(current: OrderContent, proposed: OrderContent) -> list[str]:
    """What differs, in the words of ``CHANGE_REVIEWERS``."""
    kinds = []
    if proposed.requested_date != current.requested_date:
        kinds.append("date")
    old_products = [ln[0] for ln in current.lines]
    new_products = [ln[0] for ln in proposed.lines]
    if old_products != new_products:
        kinds.append("lines")
    else:
        if any(a[1] != b[1] for a, b in zip(current.lines, proposed.lines)):
            kinds.append("quantity")
        if any(a[2] != b[2] for a, b in zip(current.lines, proposed.lines)):
            kinds.append("price")
    if (proposed.special_requirements or "") != (current.special_requirements or ""):
        kinds.append("specs")
    return kinds


def change_reviewers(kinds: list[str]) -> list[Role]:
    roles = set()
    for kind in kinds:
        roles |= CHANGE_REVIEWERS[kind]
    return sorted(roles, key=lambda r: r.value)


#: Every role that signs somewhere: order chains and change requests.
APPROVER_ROLES = frozenset().union(*PHASE_ROLES.values(), *CHANGE_REVIEWERS.values())


# --- stored records: what the repositories give back, one field per column -------------------
@dataclass(frozen=True)
class ChainStepRecord:
    """One configured step of a chain (审批流程的一步), as stored."""

    id: int
    chain_id: int
    stage: int
    role: str
    name: str
    phase: str
    required: int
    min_amount: Decimal | None
    urgent_only: bool
    key_customer_only: bool
    deadline_hours: Decimal | None


@dataclass(frozen=True)
class ChainRecord:
    """A configured chain with its steps, as stored (``ChainRule`` is the rule made from it)."""

    id: int
    code: str
    name: str
    rank: int
    min_amount: Decimal | None
    urgent_only: bool
    key_customer_only: bool
    active: bool
    updated_at: datetime | None
    updated_by: int | None
    version: int
    steps: tuple[ChainStepRecord, ...] = ()


@dataclass(frozen=True)
class DelegationRecord:
    """A deputy named for a period (代理审批), as stored."""

    id: int
    principal_id: int
    deputy_id: int
    starts_at: datetime
    ends_at: datetime
    reason: str | None
    created_by: int
    created_at: datetime
    revoked_at: datetime | None
    version: int
    #: The admin who let a deputy of another role stand in; None: the deputy holds the role.
    role_exception_by: int | None = None

    def delegation(self) -> Delegation:
        return Delegation(self.principal_id, self.deputy_id, self.starts_at, self.ends_at, self.revoked_at)


@dataclass(frozen=True)
class ReviewRecord:
    """One review round of one order revision (紧急订单评审记录表), the chain's steps frozen in.

    ``steps`` are the frozen step snapshots (``StepRule.snapshot``); ``due`` maps a step key to
    its deadline (ISO text) once its stage opened.
    """

    id: int
    order_id: int
    revision: int
    chain_code: str
    chain_name: str
    steps: list[dict]
    due: dict[str, str | None]
    status: str
    feasibility: dict | None
    decision: str | None
    decision_note: str | None
    instruction: dict | None
    committed_date: date | None
    started_by: int
    started_at: datetime
    closed_at: datetime | None
    version: int

    @property
    def subject(self) -> str:
        """How signatures and timers name the round: ``review:<id>``."""
        return f"review:{self.id}"


@dataclass(frozen=True)
class Signature:
    """A signed act on a review step or a change request (B7); append-only."""

    id: int
    subject: str
    order_id: int
    revision: int
    step_key: str
    role: str
    user_id: int
    on_behalf_of: int | None
    counted_user_id: int
    meaning: str
    opinion: str
    comment: str | None
    suggested_date: date | None
    method: str
    signed_at: datetime


@dataclass(frozen=True)
class ChangeRequestRecord:
    """A change request (变更申请表), as stored: what changes, who reviews it, how it ended."""

    id: int
    order_id: int
    base_revision: int
    new_revision: int | None
    kinds: list[str]
    roles: list[str]
    previous: dict
    proposed: dict
    reason: str
    customer_confirmation: str
    status: str
    due: dict[str, str]
    replan_required: bool
    requested_by: int
    requested_at: datetime
    decided_at: datetime | None
    version: int

    @property
    def subject(self) -> str:
        """How signatures and timers name the request: ``change:<id>``."""
        return f"change:{self.id}"

    @property
    def number(self) -> str:
        return f"CR-{self.id:05d}"


@dataclass(frozen=True)
class LetterRecord:
    """A confirmation letter (确认函) as made from an approved revision, and its sending."""

    id: int
    order_id: int
    revision: int
    committed_date: date
    recipient: str | None
    subject: str
    body: str
    created_by: int
    created_at: datetime
    sent_to: str | None
    sent_by: int | None
    sent_at: datetime | None
    outbox_id: int | None
    version: int
