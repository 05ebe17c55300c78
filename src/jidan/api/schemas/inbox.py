"""Response models of the inbox routes."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from jidan.api.schemas.view import View


class Notice(View):
    id: int
    event_id: str | None
    kind: str
    subject: str
    body: str
    order_id: int | None
    ref: str | None
    critical: bool
    needs_ack: bool
    ack_due_at: datetime | None
    acknowledged_at: datetime | None
    read_at: datetime
    escalation_level: int
    created_at: datetime
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
    subject: str
    body: str
    order_id: int | None
    ref: str | None
    critical: bool
    needs_ack: bool
    ack_due_at: datetime | None
    acknowledged_at: datetime | None
    read_at: datetime | None
    escalation_level: int
    created_at: datetime
    version: int
    open: bool
    seconds_left: int | None
    overdue: bool
    order: InboxItemOrder | None


class Inbox(View):
    open: int
    now: datetime
    items: list[InboxItem]
