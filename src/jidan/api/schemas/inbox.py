"""Response models of the inbox routes."""
from __future__ import annotations

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
    seconds_left: int | None
    overdue: bool


class InboxItemOrder(View):
    number: str | None = None
    urgent: bool | None = None


class InboxItem(Notice):
    """A notice in the inbox, with its order's number where the reader may see orders."""
    order: InboxItemOrder | None = None


class Inbox(View):
    open: int | None
    now: LocalTime | None
    items: list[InboxItem] | None
