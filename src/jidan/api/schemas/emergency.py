"""Response models of the emergency state and its drills (J1–J4)."""
from __future__ import annotations

from jidan.api.schemas.view import View


class AffectedOrder(View):
    order: str
    order_id: int
    customer: str
    ship_date: str
    new_ship_date: str | None
    delay_minutes: int | None
    cause: str | None


class Emergency(View):
    id: int
    status: str
    active: bool
    cause: str
    scope: str
    targets: list[str]
    description: str
    starts_at: str | None
    expected_end_at: str | None
    priority_rule: list[str]
    declared_by: str | None
    declared_at: str | None
    in_force_at: str | None
    planning_run_id: int | None
    affected: dict
    lifted_by: str | None
    lifted_at: str | None
    review: dict | None
    drill: bool
    version: int


class EmergencyOverview(View):
    current: Emergency | None
    history: list[Emergency]
    priority_rule: list[str]


class EmergencyReview(Emergency):
    actions: list[dict]


class DrillNotice(View):
    id: int
    recipient_id: int
    recipient: str | None
    kind: str
    subject: str
    needs_ack: bool
    acknowledged_at: str | None
    escalation_level: int
    created_at: str | None


class Drill(View):
    id: str
    now: str
    offset_minutes: int
    participants: list[dict]
    emergency: Emergency
    notices: list[DrillNotice]


class DrillSummary(View):
    id: str
    status: str
    cause: str
    scope: str
    now: str
    started_at: str
