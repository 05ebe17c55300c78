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


def list_inbox(ctx: Context, actor: Actor, limit: int = 200, page: int = 1, per_page: int = 20) -> dict:
    """What still waits for the user, grouped by order, the order with the newest notice first
    (newest first inside it), with the count per kind, one page of groups at a time; and
    ``items``: the latest ``limit`` notices, open ones first, then critical, then needing
    acknowledgement, oldest first."""
    now = ctx.now()
    per_page = max(1, min(per_page, MAX_PER_PAGE))
    with ctx.uow() as uow:
        rows = uow.notices.inbox(actor.user_id, limit)
        waiting = uow.notices.open_for(actor.user_id)
        groups: dict[int | None, list[Notice]] = {}
        for n in waiting:  # newest first, so the groups come in the order of their newest notice
            groups.setdefault(n.order_id, []).append(n)
        pages = max(1, -(-len(groups) // per_page))
        page = max(1, min(page, pages))
        shown = list(groups.items())[(page - 1) * per_page:page * per_page]
        orders = {}
        if actor.role in ORDER_VIEWERS:  # suppliers and stores never see customer orders
            wanted = {n.order_id for n in rows if n.order_id} | {o for o, _ in shown if o}
            for order_id in wanted:
                order = uow.orders.get(order_id)
                if order is not None:
                    orders[order_id] = {"number": order.number, "urgent": order.urgent}
        by_user = {}
        for n in rows:
            if n.answered_by and n.answered_by not in by_user:
                user = uow.users.get(n.answered_by)
                by_user[n.answered_by] = user.display_name or user.username if user else None

    def item(n: Notice) -> dict:
        return view(n, now) | {"order": orders.get(n.order_id), "answered_by": by_user.get(n.answered_by)}

    counts: dict[str, int] = {}
    for n in waiting:
        counts[n.kind] = counts.get(n.kind, 0) + 1
    return {"open": len(waiting), "now": now, "counts": dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))),
            "page": page, "pages": pages, "per_page": per_page, "order_groups": len(groups),
            "groups": [{"order_id": order_id, "order": orders.get(order_id), "latest_at": notices[0].created_at,
                        "count": len(notices), "items": [item(n) for n in notices]}
                       for order_id, notices in shown],
            "items": [item(n) for n in rows]}


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
