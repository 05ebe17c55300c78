"""Response models of the inbox routes."""
from __future__ import annotations

from typing import Any

from jidan.api.schemas.view import LocalTime, View


class Notice(View):
    id: int
    event_id: str | None
    kind: str
    subject: str | None
    body: str | None
    order_id: int | None
    ref: str | None
    critical: bool
    needs_ack: bool
    ack_due_at: LocalTime | None
    acknowledged_at: LocalTime | None
    read_at: LocalTime | None
    escalation_level: int | None
    created_at: LocalTime | None
    version: int
    open: bool
    seconds_left: Any
    overdue: bool


class InboxItemOrder(View):
    number: str
    urgent: bool


class InboxItem(View):
    id: int
    event_id: str | None
    kind: str
    subject: str | None
    body: str | None
    order_id: int | None
    ref: str | None
    critical: bool
    needs_ack: bool
    ack_due_at: LocalTime | None
    acknowledged_at: LocalTime | None
    read_at: LocalTime | None
    escalation_level: int | None
    created_at: LocalTime | None
    version: int
    open: bool
    seconds_left: int | None
    overdue: bool
    order: InboxItemOrder | None


class Inbox(View):
    open: int | None
    now: LocalTime | None
    items: list[InboxItem] | None
