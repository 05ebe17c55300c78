"""Each user's inbox (D2, E6): what waits for them, and acknowledging or reading a notice.

A user sees and touches only their own notices; anyone else's is "not found", so the inbox never
reveals what others were told.
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
from jidan.services.notices import timers
from jidan.services.notices.notify import ACK_OVERDUE


def view(notice: Notice, now: datetime) -> dict:
    """A notice as the inbox shows it: open or done, and the time left to acknowledge."""
    acked = notice.acknowledged_at is not None
    open_ = not acked and (notice.needs_ack or notice.read_at is None)
    due = notice.ack_due_at if notice.needs_ack and not acked else None
    left = int((due - now).total_seconds()) if due else None
    return {"id": notice.id, "event_id": notice.event_id, "kind": notice.kind,
            "subject": notice.subject, "body": notice.body, "order_id": notice.order_id,
            "ref": notice.ref, "critical": notice.critical, "needs_ack": notice.needs_ack,
            "ack_due_at": notice.ack_due_at, "acknowledged_at": notice.acknowledged_at,
            "read_at": notice.read_at, "escalation_level": notice.escalation_level,
            "created_at": notice.created_at, "version": notice.version, "open": open_,
            "seconds_left": left, "overdue": left is not None and left < 0}


def list_inbox(ctx: Context, actor: Actor, limit: int = 200) -> dict:
    """Open first, then critical, then needing acknowledgement, oldest first."""
    now = ctx.now()
    with ctx.uow() as uow:
        rows = uow.notices.inbox(actor.user_id, limit)
        count = uow.notices.open_count(actor.user_id)
        orders = {}
        if actor.role in ORDER_VIEWERS:  # suppliers and stores never see customer orders
            for order_id in {n.order_id for n in rows if n.order_id}:
                order = uow.orders.get(order_id)
                if order is not None:
                    orders[order_id] = {"number": order.number, "urgent": order.urgent}
    items = []
    for n in rows:
        item = view(n, now)
        item["order"] = orders.get(n.order_id)
        items.append(item)
    return {"open": count, "now": now, "items": items}


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
    """The receiver confirms they have it (D2): the escalation of this event stops.

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
        timers.cancel(uow, ACK_OVERDUE, f"event:{notice.event_id}")
        late = notice.ack_due_at is not None and now > notice.ack_due_at
        audit.record(uow, ctx, actor, "notice", notice_id, "acknowledge",
                     {"acknowledged_at": None},
                     {"acknowledged_at": now, "event_id": notice.event_id, "late": late}, None)
        uow.commit()
        return view(replace(notice, **values, version=notice.version + 1), now)


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
