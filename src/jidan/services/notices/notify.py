"""Telling people: one call writes a notice per recipient in the caller's transaction (D2, E6).

Every feature that must tell someone calls :func:`notify` inside its own unit of work, so the
notice exists exactly when the change does. In the same transaction it queues the deliveries
beyond the in-app inbox in the outbox (e-mail, signed webhook, WeCom / DingTalk group robots),
held to the notification hours unless critical, and, for a notice that needs acknowledgement,
the timer that escalates it when nobody acknowledges in time (``services.escalation``).
``jidan worker`` sends the outbox (``services.outbox``) and fires the timers.
"""
from __future__ import annotations

import uuid
from datetime import datetime
from typing import Iterable

from jidan.domain import errors
from jidan.domain.delivery import add_working_hours, release_time
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.services.context import Context
from jidan.services.masterdata.calendar import effective_calendar
from jidan.services.notices import timers
from jidan.services.notices.answers import ACK_OVERDUE as ACK_OVERDUE  # re-exported: callers import it here
from jidan.services.notices.answers import acts_for


def ack_deadline(uow, ctx: Context, now: datetime, hours: float) -> datetime:
    """``hours`` working hours after ``now`` on the factory calendar (N1): holidays, nights and
    the site's closed days skipped."""
    return add_working_hours(effective_calendar(uow, ctx), ctx.shifts, now, hours)


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
           critical: bool = False, exclude: Actor | None = None, ctx: Context) -> str:
    """Writes the notices of one event and queues their deliveries; returns the event id
    (receivers de-duplicate on it).

    ``ack_hours``: the acknowledgement deadline in working hours from ``now`` (default
    ``JIDAN_ACK_HOURS_DEFAULT``); ``exclude``: the actor who caused the event, who need not be
    told of it; ``ctx``: its delivery policy and the site's calendar apply.
    """
    event_id, _ = _notify(uow, now, ctx, level=0, chain=(), kind=kind, subject=subject,
                          body=body, order_id=order_id, users=users, roles=roles, ref=ref,
                          needs_ack=needs_ack, ack_hours=ack_hours, critical=critical,
                          exclude=exclude, answered_by=acts_for(kind, needs_ack))
    return event_id


def _notify(uow, now, ctx: Context, *, level: int, chain: tuple[str, ...], kind, subject, body, order_id,
            users, roles, ref, needs_ack, ack_hours, critical, exclude,
            answered_by: str | None) -> tuple[str, int]:
    """Writes one event's notices, deliveries and escalation timer; (event id, people told).

    ``answered_by``: the acts that answer it (``services.notices.answers``)."""
    if not kind or not subject:
        raise errors.ValidationFailed("a notice needs a kind and a subject", code="notice.invalid")
    rules = ctx.delivery
    event_id = str(uuid.uuid4())
    hours = (ack_hours or rules.ack_hours_default) if needs_ack else None
    due = ack_deadline(uow, ctx, now, hours) if hours else None
    send_at = now if critical else release_time(now, rules.hours)
    told = 0
    for user_id in recipients(uow, users, roles, order_id):
        if exclude is not None and user_id == exclude.user_id:
            continue
        notice_id = uow.notices.add(
            event_id=event_id, recipient_id=user_id, kind=kind, subject=subject[:200], body=body,
            order_id=order_id, ref=ref, critical=critical, needs_ack=needs_ack, ack_due_at=due,
            created_at=now, escalation_level=level, answered_by_act=answered_by,
            escalated_from=chain[-1] if chain else None)
        told += 1
        user = uow.users.get(user_id)
        if user is not None and user.email and (critical or rules.emails(kind)):
            uow.outbox.add(event_id=event_id, channel="email", target=user.email, kind=kind,
                           subject=subject[:200], body=_email_text(ctx, body, due),
                           order_id=order_id, notice_id=notice_id, ref=ref, critical=critical,
                           next_attempt_at=send_at, created_at=now)
    if told:
        for channel in rules.event_channels:
            uow.outbox.add(event_id=event_id, channel=channel, target=channel, kind=kind,
                           subject=subject[:200], body=body, order_id=order_id, ref=ref,
                           critical=critical, next_attempt_at=send_at, created_at=now)
    if due is not None and told:
        timers.schedule(uow, now, kind=ACK_OVERDUE, ref=f"event:{event_id}", due_at=due,
                        payload={"chain": [*chain, event_id], "level": level,
                                 "ack_hours": hours})
    return event_id, told


def _email_text(ctx: Context, body: str, due: datetime | None) -> str:
    lines = [body] if body else []
    if due is not None:
        lines.append(ctx.messages.text("ui.notice.email.ack_by", due=due))
    lines.append(f"{ctx.delivery.public_url}/inbox")
    return "\n\n".join(lines)


def send_email(uow, now: datetime, *, to: list[str], subject: str, body: str, kind: str,
               order_id: int | None = None, ref: str | None = None) -> int:
    """Queues one e-mail (e.g. the confirmation letter to the customer) in the caller's
    transaction; the worker sends it over SMTP. Returns the outbox row's id.

    Documents go out when the user sends them, not held to the notification hours.
    """
    addresses = [a.strip() for a in (to or []) if a and a.strip()]
    fields = {}
    if not addresses:
        fields["to"] = "email.required"
    elif any(not _looks_like_address(a) for a in addresses):
        fields["to"] = "email.invalid"
    if not subject or not subject.strip():
        fields["subject"] = "required"
    if not kind:
        fields["kind"] = "required"
    if fields:
        raise errors.ValidationFailed("the e-mail cannot be sent as it is", code="email.invalid",
                                      fields=fields)
    target = ", ".join(addresses)
    if len(target) > 500:
        raise errors.ValidationFailed("too many recipients", code="email.invalid",
                                      fields={"to": "email.too_many"})
    return uow.outbox.add(event_id=str(uuid.uuid4()), channel="email", target=target, kind=kind,
                          subject=subject.strip()[:200], body=body or "", order_id=order_id,
                          ref=ref, critical=False, next_attempt_at=now, created_at=now)


def _looks_like_address(address: str) -> bool:
    local, _, domain = address.partition("@")
    return (bool(local) and "." in domain and not domain.startswith(".")
            and not any(c in address for c in " ,;<>\r\n\t"))
