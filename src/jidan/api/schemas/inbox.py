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
    answered_by_act: list[str] = []  # the acts that answer it (docs/notifications.md)
    answered_at: LocalTime | None = None


class InboxItemOrder(View):
    number: str | None = None
    urgent: bool | None = None


class InboxItem(Notice):
    """A notice in the inbox, with its order's number where the reader may see orders, and who
    answered it."""
    order: InboxItemOrder | None = None
    answered_by: str | None = None


class InboxGroup(View):
    """What still waits for you about one order (none: about no order), newest first."""
    order_id: int | None
    order: InboxItemOrder | None = None
    latest_at: LocalTime | None
    count: int
    items: list[InboxItem]


class InboxFilterView(View):
    """The filter the groups were chosen by."""
    kind: str | None = None
    order_id: int | None = None
    urgent: bool = False
    overdue: bool = False


class Inbox(View):
    open: int | None
    now: LocalTime | None
    counts: dict[str, int] = {}  # open notices per kind
    filters: dict[str, int] = {}  # open notices that are urgent, overdue
    filter: InboxFilterView | None = None
    page: int = 1
    pages: int = 1
    per_page: int = 20
    order_groups: int = 0  # groups over all pages
    groups: list[InboxGroup] = []
    items: list[InboxItem] | None
