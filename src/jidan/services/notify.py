"""Telling people: one call writes a notice per recipient in the caller's transaction (D2, E6).

Every feature that must tell someone calls :func:`notify` inside its own unit of work, so the
notice exists exactly when the change does. Delivery beyond the in-app inbox (e-mail, webhooks,
group robots), acknowledgement deadlines and escalation are built on these rows.
"""
from __future__ import annotations

import uuid
from datetime import datetime, timedelta
from typing import Iterable

from jidan.domain import errors
from jidan.domain.model import Actor
from jidan.domain.roles import Role


def recipients(uow, users: Iterable[int] = (), roles: Iterable[Role] = (),
               order_id: int | None = None) -> list[int]:
    """User ids to tell: the named users, every active user of the roles, and the order's owner."""
    ids = dict.fromkeys(int(u) for u in users)
    role_values = [Role(r).value for r in roles]
    if role_values:
        ids.update(dict.fromkeys(uow.users.active_ids_with_roles(role_values)))
    if order_id is not None:
        order = uow.orders.get(order_id)
        if order is not None and order.owner_id:
            ids.setdefault(order.owner_id)  # 专人负责: the owner hears of every event (D3)
    return list(ids)


def notify(uow, now: datetime, *, kind: str, subject: str, body: str = "",
           order_id: int | None = None, users: Iterable[int] = (), roles: Iterable[Role] = (),
           ref: str | None = None, needs_ack: bool = False, ack_hours: float | None = None,
           critical: bool = False, exclude: Actor | None = None) -> str:
    """Writes the notices of one event and returns its event id (receivers de-duplicate on it).

    ``ack_hours``: the acknowledgement deadline, in hours from ``now``; ``exclude``: the actor
    who caused the event, who need not be told of it.
    """
    if not kind or not subject:
        raise errors.ValidationFailed("a notice needs a kind and a subject", code="notice.invalid")
    event_id = str(uuid.uuid4())
    due = now + timedelta(hours=ack_hours) if needs_ack and ack_hours else None
    for user_id in recipients(uow, users, roles, order_id):
        if exclude is not None and user_id == exclude.user_id:
            continue
        uow.notices.add(event_id=event_id, recipient_id=user_id, kind=kind, subject=subject[:200],
                        body=body, order_id=order_id, ref=ref, critical=critical,
                        needs_ack=needs_ack, ack_due_at=due, created_at=now,
                        escalation_level=0)
    return event_id
