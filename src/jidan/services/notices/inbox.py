"""Each user's inbox (D2, E6): what waits for them, and acknowledging or reading a notice.

A user sees and touches only their own notices; anyone else's is "not found", so the inbox never
reveals what others were told. A notice waits until its recipient acknowledges or reads it, or
until the act that answers it is done by anyone (``services.notices.answers``).
"""
from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from jidan.domain import errors
from jidan.domain.delivery import Notice
from jidan.domain.model import Actor
from jidan.domain.roles import ORDER_VIEWERS
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.notices import answers
from jidan.services.ports import InboxEntry, InboxFilter

#: Order groups per inbox page, at most.
MAX_PER_PAGE = 100


def view(notice: Notice, now: datetime) -> dict:
    """A notice as the inbox shows it: open or done, what answers it, the time left to acknowledge."""
    done = notice.acknowledged_at is not None or notice.answered_at is not None
    open_ = not done and (notice.needs_ack or notice.read_at is None)
    due = notice.ack_due_at if notice.needs_ack and not done else None
    left = int((due - now).total_seconds()) if due else None
    return {"id": notice.id, "event_id": notice.event_id, "kind": notice.kind,
            "subject": notice.subject, "body": notice.body, "order_id": notice.order_id,
            "ref": notice.ref, "critical": notice.critical, "needs_ack": notice.needs_ack,
            "ack_due_at": notice.ack_due_at, "acknowledged_at": notice.acknowledged_at,
            "read_at": notice.read_at, "escalation_level": notice.escalation_level,
            "created_at": notice.created_at, "version": notice.version, "open": open_,
            "seconds_left": left, "overdue": left is not None and left < 0,
            "answered_by_act": (notice.answered_by_act or "").split(),
            "answered_at": notice.answered_at}


def list_inbox(ctx: Context, actor: Actor, limit: int = 200, page: int = 1, per_page: int = 20,
               f: InboxFilter = InboxFilter()) -> dict:
    """What still waits for the user, grouped by order, the order with the newest notice first
    (newest first inside it), only what ``f`` lets through, one page of groups at a time; the
    counts of every filter (per kind, urgent, overdue) over all that waits; and ``items``: the
    latest ``limit`` notices, open ones first, then critical, then needing acknowledgement,
    oldest first. A fixed number of queries, however many notices wait."""
    now = ctx.now()
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    sees_orders = actor.role in ORDER_VIEWERS  # suppliers and stores never see customer orders
    with ctx.uow() as uow:
        counts = uow.notices.waiting_counts(actor.user_id, now)
        groups_total, entries = uow.notices.waiting_groups(actor.user_id, now, f, (page - 1) * per_page, per_page)
        pages = max(1, -(-groups_total // per_page))
        if page > pages:  # past the last page: show the last one
            page = pages
            groups_total, entries = uow.notices.waiting_groups(actor.user_id, now, f, (page - 1) * per_page,
                                                               per_page)
        rows = uow.notices.entries(actor.user_id, limit)

    def order_of(e: InboxEntry) -> dict | None:
        return {"number": e.order_number, "urgent": e.order_urgent} if sees_orders and e.order_number else None

    def item(e: InboxEntry) -> dict:
        return view(e.notice, now) | {"order": order_of(e), "answered_by": e.answered_by_name}

    groups: dict[int | None, list[InboxEntry]] = {}
    for e in entries:
        groups.setdefault(e.notice.order_id, []).append(e)
    return {"open": sum(c.total for c in counts), "now": now,
            "counts": {c.kind: c.total for c in sorted(counts, key=lambda c: (-c.total, c.kind))},
            "filters": {"urgent": sum(c.urgent for c in counts), "overdue": sum(c.overdue for c in counts)},
            "filter": {"kind": f.kind, "order_id": f.order_id, "urgent": f.urgent, "overdue": f.overdue},
            "page": page, "pages": pages, "per_page": per_page, "order_groups": groups_total,
            "groups": [{"order_id": order_id, "order": order_of(found[0]), "latest_at": found[0].notice.created_at,
                        "count": len(found), "items": [item(e) for e in found]}
                       for order_id, found in groups.items()],
            "items": [item(e) for e in rows]}


def open_count(ctx: Context, actor: Actor) -> int:
    """For the navigation badge."""
    with ctx.uow() as uow:
        return uow.notices.open_count(actor.user_id)


def _own(uow, actor: Actor, notice_id: int) -> Notice:
    notice = uow.notices.get(notice_id)
    if notice is None or notice.recipient_id != actor.user_id:
        raise errors.NotFound(f"notice {notice_id} not found", code="notice.not_found")
    return notice


def _check_version(notice: Notice, version: int | None) -> None:
    if version is not None and version != notice.version:
        raise errors.StaleVersion("the notice was changed meanwhile; reload it",
                                  current_version=notice.version)


def acknowledge(ctx: Context, actor: Actor, notice_id: int, version: int | None = None) -> dict:
    """The receiver confirms they have it (D2): the notice is answered for all its recipients, the
    escalation of this event stops, and an escalation's acknowledgement answers its origin.

    Acknowledging twice changes nothing and is not an error.
    """
    now = ctx.now()
    with ctx.uow() as uow:
        notice = _own(uow, actor, notice_id)
        if not notice.needs_ack:
            raise errors.Conflict("this notice needs no acknowledgement; mark it read",
                                  code="notice.ack_not_needed")
        if notice.acknowledged_at is not None:
            return view(notice, now)
        _check_version(notice, version)
        values = {"acknowledged_at": now, "read_at": notice.read_at or now}
        uow.notices.update(notice_id, notice.version, **values)
        late = notice.ack_due_at is not None and now > notice.ack_due_at
        audit.record(uow, ctx, actor, "notice", notice_id, "acknowledge",
                     {"acknowledged_at": None},
                     {"acknowledged_at": now, "event_id": notice.event_id, "late": late}, None)
        answers.acknowledged(uow, ctx, actor, notice)  # for every recipient, up the escalation chain
        done = view(uow.notices.get(notice_id), now)
        uow.commit()
        return done


def mark_read(ctx: Context, actor: Actor, notice_id: int, version: int | None = None) -> dict:
    """Seen: an information notice leaves the open list (one needing acknowledgement stays)."""
    now = ctx.now()
    with ctx.uow() as uow:
        notice = _own(uow, actor, notice_id)
        if notice.read_at is not None:
            return view(notice, now)
        _check_version(notice, version)
        uow.notices.update(notice_id, notice.version, read_at=now)
        audit.record(uow, ctx, actor, "notice", notice_id, "read", {"read_at": None},
                     {"read_at": now}, None)
        uow.commit()
        return view(replace(notice, read_at=now, version=notice.version + 1), now)
