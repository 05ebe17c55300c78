"""The emergency state (紧急状态, J1–J4) as data: its causes and scopes, the transitions with their
guards, and the emergency priority rule.

An emergency is declared by management, takes effect when its start comes (at once when the start
is now or past) and is lifted by management; lifting one that never took effect calls it off.
Only one emergency holds at a time. While it holds, orders are weighed by the emergency rule.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from jidan.domain import errors
from jidan.domain.roles import Role

CAUSES = ("natural_disaster", "epidemic", "system_failure", "other")
#: What the emergency hits: the whole company (every work centre closed while it holds), some
#: work centres or lines (those closed), product groups (product-code prefixes: their lines wait
#: for its end) or customers (their orders wait for its end).
SCOPES = ("company", "work_centers", "product_groups", "customers")
#: The criteria of the emergency rule, the most important first; due date always comes last.
PRIORITY_CRITERIA = ("key", "urgent", "due")
DEFAULT_PRIORITY = ("key", "urgent", "due")
DECLARERS = frozenset({Role.MANAGEMENT})


class EmergencyState(StrEnum):
    DECLARED = "declared"
    IN_FORCE = "in_force"
    LIFTED = "lifted"


ACTIVE = frozenset({EmergencyState.DECLARED, EmergencyState.IN_FORCE})


@dataclass(frozen=True)
class Facts:
    """What the guards read: the clock, whether another emergency holds, whether it was signed."""

    now: datetime
    other_active: bool = False
    signed: bool = False


@dataclass(frozen=True)
class Transition:
    action: str
    source: EmergencyState | None
    target: EmergencyState
    roles: frozenset[Role]  # empty: the system alone (its start, by timer or at the declaration)
    guards: tuple[str, ...] = ()


S = EmergencyState
TRANSITIONS: tuple[Transition, ...] = (
    Transition("declare", None, S.DECLARED, DECLARERS, ("none_other_active", "signed")),
    Transition("take_effect", S.DECLARED, S.IN_FORCE, frozenset(), ("start_reached",)),
    Transition("lift", S.IN_FORCE, S.LIFTED, DECLARERS, ("signed",)),
    Transition("lift", S.DECLARED, S.LIFTED, DECLARERS, ("signed",)),  # called off before it began
)


def transition(state: EmergencyState | None, action: str) -> Transition:
    for row in TRANSITIONS:
        if row.source == state and row.action == action:
            return row
    raise errors.Conflict(f"an emergency that is {state or 'not declared'} cannot {action}",
                          code="emergency.invalid_transition")


def apply(state: EmergencyState | None, action: str, role: Role | None, facts: Facts,
          start: datetime) -> EmergencyState:
    """The next state; raises Forbidden for a wrong role and Conflict for a failed guard.
    ``role`` None: the system (a timer)."""
    row = transition(state, action)
    if (role is None) != (not row.roles) or (role is not None and role not in row.roles):
        raise errors.Forbidden(f"{role or 'the system'} may not {action} an emergency", code="auth.role_not_allowed")
    for guard in row.guards:
        if guard == "none_other_active" and facts.other_active:
            raise errors.Conflict("an emergency already holds; lift it first", code="emergency.already_active")
        if guard == "signed" and not facts.signed:
            raise errors.ValidationFailed("signing needs your password", code="approval.signature_required",
                                          fields={"password": "required"})
        if guard == "start_reached" and facts.now < start:
            raise errors.Conflict("the emergency has not started yet", code="emergency.not_started")
    return row.target


def check_declaration(cause: str, scope: str, targets: list[str], start: datetime | None,
                      expected_end: datetime | None, description: str) -> dict[str, str]:
    """Field errors of a declaration (empty when it is complete)."""
    fields = {}
    if cause not in CAUSES:
        fields["cause"] = "unknown_cause" if cause else "required"
    if scope not in SCOPES:
        fields["scope"] = "unknown_scope" if scope else "required"
    elif scope != "company" and not targets:
        fields["targets"] = "required"
    elif len(targets) > 50 or any(not t or len(t) > 30 for t in targets):
        fields["targets"] = "invalid"
    if start is None:
        fields["starts_at"] = "required"
    if expected_end is None:
        fields["expected_end_at"] = "required"
    elif start is not None and expected_end <= start:
        fields["expected_end_at"] = "before_start"
    if not description.strip():
        fields["description"] = "required"
    elif len(description) > 2000:
        fields["description"] = "too_long"
    return fields


def parse_priority(text: str) -> tuple[str, ...]:
    """The admin's setting ("key,urgent,due") as criteria; due date is always the last."""
    criteria = tuple(dict.fromkeys(c.strip() for c in text.split(",") if c.strip()))
    unknown = [c for c in criteria if c not in PRIORITY_CRITERIA]
    if unknown:
        raise ValueError(f"unknown emergency priority criteria {unknown}; use {', '.join(PRIORITY_CRITERIA)}")
    return tuple(c for c in criteria if c != "due") + ("due",)


def priority_weight(rule: tuple[str, ...], key: bool, urgent: bool) -> int:
    """The planner's weight of an order under the rule: each criterion ten times the next, so
    the weighted tardiness puts key orders (say) before any number of urgent ones' minutes
    but one; among equals, due dates decide (tardiness)."""
    ranked = [c for c in rule if c != "due"]
    weight = 1
    for k, criterion in enumerate(ranked):
        if (criterion == "key" and key) or (criterion == "urgent" and urgent):
            weight = max(weight, 10 ** (len(ranked) - k) * 10)
    return weight


def priority_order(rule: tuple[str, ...], key: bool, urgent: bool, due: date) -> tuple:
    """Sort key of an order under the rule (the list the report and the proposal show)."""
    ranked = [c for c in rule if c != "due"]
    return tuple(0 if (c == "key" and key) or (c == "urgent" and urgent) else 1 for c in ranked) + (due,)


def in_product_groups(product_code: str, groups: list[str]) -> bool:
    """A product group is a product-code prefix ("SCB" holds SCB-200, SCB-300 …)."""
    return any(product_code == g or product_code.startswith(g.rstrip("-") + "-") for g in groups)
