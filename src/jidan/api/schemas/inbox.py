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
    number: str | None = None
    urgent: bool | None = None


class InboxItem(View):
    id: int | None = None
    event_id: str | None = None
    kind: str | None = None
    subject: str | None = None
    body: str | None = None
    order_id: int | None = None
    ref: str | None = None
    critical: bool | None = None
    needs_ack: bool | None = None
    ack_due_at: LocalTime | None = None
    acknowledged_at: LocalTime | None = None
    read_at: LocalTime | None = None
    escalation_level: int | None = None
    created_at: LocalTime | None = None
    version: int | None = None
    open: bool | None = None
    seconds_left: int | None = None
    overdue: bool | None = None
    order: InboxItemOrder | None = None


class Inbox(View):
    open: int | None
    now: LocalTime | None
    items: list[InboxItem] | None
