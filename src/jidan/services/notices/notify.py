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
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from typing import Iterable

from jidan.domain import errors
from jidan.domain.calendar import WorkCalendar
from jidan.domain.delivery import Window, add_working_hours, parse_ladder, release_time
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.services.notices import timers

#: The timer that escalates an unacknowledged notice (handler in services.escalation).
ACK_OVERDUE = "notice.ack_overdue"
#: Channels that carry each event once (not once per recipient), when configured.
EVENT_CHANNELS = ("webhook", "wecom", "dingtalk")


def _minutes(hhmm: str) -> int:
    h, m = hhmm.strip().split(":")
    return int(h) * 60 + int(m)


@dataclass(frozen=True)
class DeliveryPolicy:
    """The delivery settings in force, read once from ``Settings`` (prefix ``JIDAN_``)."""

    hours: Window
    email_kinds: frozenset[str]
    ack_hours_default: float
    ladder: dict
    top: str
    event_channels: tuple[str, ...]
    max_attempts: int
    retry_seconds: float
    retry_cap_seconds: float
    lease_seconds: int
    public_url: str

    def emails(self, kind: str) -> bool:
        """Whether notices of this kind also go out by e-mail (``exception*`` is a prefix)."""
        return any(kind == k or (k.endswith("*") and kind.startswith(k[:-1]))
                   for k in self.email_kinds)

    @classmethod
    def from_settings(cls, s) -> "DeliveryPolicy":
        start, end = s.notify_hours.split("-")
        configured = {"webhook": s.webhook_url, "wecom": s.wecom_robot_url,
                      "dingtalk": s.dingtalk_robot_url}
        return cls(
            hours=(_minutes(start), _minutes(end)),
            email_kinds=frozenset(k.strip() for k in s.email_kinds.split(",") if k.strip()),
            ack_hours_default=s.ack_hours_default,
            ladder=parse_ladder(s.escalation_ladder), top=s.escalation_top,
            event_channels=tuple(c for c in EVENT_CHANNELS if configured[c]),
            max_attempts=s.delivery_max_attempts, retry_seconds=s.delivery_retry_seconds,
            retry_cap_seconds=s.delivery_retry_cap_seconds,
            lease_seconds=s.delivery_lease_seconds, public_url=s.public_url.rstrip("/"))


def settings_of(ctx):
    """The context's settings; without a context, the process's own (same environment)."""
    settings = getattr(ctx, "settings", None) if ctx is not None else None
    if settings is None:
        from jidan.config import get_settings
        settings = get_settings()
    return settings


def policy(ctx=None) -> DeliveryPolicy:
    return DeliveryPolicy.from_settings(settings_of(ctx))


@lru_cache(maxsize=8)
def _national(country: str, rest: str, shifts: str) -> tuple[WorkCalendar, tuple[Window, ...]]:
    """The process's national calendar, for callers that pass no context."""
    from jidan.adapters.calendar import national_calendar
    year = date.today().year
    rest_days = frozenset(int(d) for d in rest.split(",") if d.strip())
    windows = tuple((_minutes(a), _minutes(b)) for a, b in (w.split("-") for w in shifts.split(",")))
    return national_calendar(country, rest_days, range(year - 1, year + 3)), windows


def working_time(uow, ctx=None) -> tuple[WorkCalendar, tuple[Window, ...]]:
    """The factory calendar in force and its working hours (N1), for acknowledgement deadlines."""
    if ctx is not None and getattr(ctx, "national_calendar", None) is not None:
        from jidan.services.masterdata.calendar import effective_calendar
        return effective_calendar(uow, ctx), ctx.shifts
    s = settings_of(None)
    national, shifts = _national(s.calendar_country, s.rest_weekdays, s.shifts)
    rows = uow.calendar.overrides()
    return national.with_overrides({r["day"] for r in rows if r["working"]},
                                   {r["day"] for r in rows if not r["working"]}), shifts


def ack_deadline(uow, ctx, now: datetime, hours: float) -> datetime:
    """``hours`` working hours after ``now`` on the factory calendar: holidays and nights skipped."""
    calendar, windows = working_time(uow, ctx)
    return add_working_hours(calendar, windows, now, hours)


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
           critical: bool = False, exclude: Actor | None = None, ctx=None) -> str:
    """Writes the notices of one event and queues their deliveries; returns the event id
    (receivers de-duplicate on it).

    ``ack_hours``: the acknowledgement deadline in working hours from ``now`` (default
    ``JIDAN_ACK_HOURS_DEFAULT``); ``exclude``: the actor who caused the event, who need not be
    told of it; ``ctx``: pass it where you have it, so the site's calendar edits and the
    context's settings apply (without it, the process settings do).
    """
    event_id, _ = _notify(uow, now, ctx, level=0, chain=(), kind=kind, subject=subject,
                          body=body, order_id=order_id, users=users, roles=roles, ref=ref,
                          needs_ack=needs_ack, ack_hours=ack_hours, critical=critical,
                          exclude=exclude)
    return event_id


def _notify(uow, now, ctx, *, level: int, chain: tuple[str, ...], kind, subject, body, order_id,
            users, roles, ref, needs_ack, ack_hours, critical, exclude) -> tuple[str, int]:
    """Writes one event's notices, deliveries and escalation timer; (event id, people told)."""
    if not kind or not subject:
        raise errors.ValidationFailed("a notice needs a kind and a subject", code="notice.invalid")
    rules = policy(ctx)
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
            created_at=now, escalation_level=level)
        told += 1
        user = uow.users.get(user_id)
        if user is not None and user.email and (critical or rules.emails(kind)):
            uow.outbox.add(event_id=event_id, channel="email", target=user.email, kind=kind,
                           subject=subject[:200], body=_email_text(rules, body, due),
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


def _email_text(rules: DeliveryPolicy, body: str, due: datetime | None) -> str:
    lines = [body] if body else []
    if due is not None:
        lines.append(f"请在 {due:%Y-%m-%d %H:%M} 前确认 / Please acknowledge by {due:%Y-%m-%d %H:%M}.")
    lines.append(f"{rules.public_url}/inbox")
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
