"""Urgency rules (A3) and priority rank (A4): key > urgent > normal."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jidan.domain.calendar import WorkCalendar

PRIORITY_RANK = {"key": 1, "urgent": 2, "normal": 3}


@dataclass(frozen=True)
class UrgencyPolicy:
    """Each rule can be switched off; thresholds come from configuration."""

    lead_time_rule: bool = True
    amount_threshold: Decimal | None = Decimal("100000")
    key_customer_rule: bool = True


@dataclass(frozen=True)
class Urgency:
    urgent: bool
    reasons: tuple[str, ...]
    priority: str
    requested_lead_days: int
    standard_lead_days: int

    @property
    def rank(self) -> int:
        return PRIORITY_RANK[self.priority]


def assess_urgency(
    *,
    order_date: date,
    requested_date: date,
    standard_lead_days: int,
    amount: Decimal,
    key_customer: bool,
    manual_reason: str | None,
    calendar: WorkCalendar,
    policy: UrgencyPolicy,
) -> Urgency:
    """Which rules make this order urgent, and where it ranks when work competes."""
    lead = calendar.working_days_between(order_date, requested_date)
    reasons = []
    if policy.lead_time_rule and lead < standard_lead_days:
        reasons.append("lead_time")
    if policy.amount_threshold is not None and amount > policy.amount_threshold:
        reasons.append("amount")
    if policy.key_customer_rule and key_customer:
        reasons.append("key_customer")
    if manual_reason and manual_reason.strip():
        reasons.append("manual")
    urgent = bool(reasons)
    priority = "key" if key_customer else ("urgent" if urgent else "normal")
    return Urgency(urgent, tuple(reasons), priority, lead, standard_lead_days)
