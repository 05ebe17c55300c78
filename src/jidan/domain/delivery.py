"""Rules of delivering notices (D2, E6): working-hour deadlines, quiet hours, retries, the ladder.

Pure functions over plain values, so the worker, the inbox and the tests agree on every time.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from jidan.domain.calendar import WorkCalendar

#: Minutes after midnight: (start, end) of one working window.
Window = tuple[int, int]
#: Channels that carry each event once (not once per recipient), when configured.
EVENT_CHANNELS = ("webhook", "wecom", "dingtalk")


def _minutes(hhmm: str) -> int:
    h, m = hhmm.strip().split(":")
    return int(h) * 60 + int(m)


@dataclass(frozen=True)
class DeliveryPolicy:
    """The delivery settings in force (``JIDAN_`` settings), built once when the app starts."""

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
        """From an object with the settings' names (``notify_hours``, ``email_kinds`` …)."""
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


def _at(day: date, minutes: int) -> datetime:
    return datetime.combine(day, time()) + timedelta(minutes=minutes)


def add_working_hours(calendar: WorkCalendar, windows: tuple[Window, ...], start: datetime,
                      hours: float) -> datetime:
    """``start`` plus ``hours`` counted only inside the working windows of working days (N1).

    A deadline set on Friday afternoon runs on into Monday morning; a holiday is skipped whole.
    """
    remaining = timedelta(hours=hours)
    if remaining <= timedelta(0):
        return start
    cursor, day = start, start.date()
    for _ in range(3700):  # ten years of days: a calendar with no working day fails loudly
        if calendar.is_working_day(day):
            for a, b in sorted(windows):
                begin, end = max(cursor, _at(day, a)), _at(day, b)
                if end <= begin:
                    continue
                if remaining <= end - begin:
                    return begin + remaining
                remaining -= end - begin
        day += timedelta(days=1)
    raise ValueError("the working calendar has no working hours")


def within_hours(at: datetime, window: Window) -> bool:
    """Whether ``at`` falls inside the daily window; a window may run past midnight (22:00–06:00)."""
    minute = at.hour * 60 + at.minute
    start, end = window
    if start == end:
        return True
    if start < end:
        return start <= minute < end
    return minute >= start or minute < end


def release_time(at: datetime, window: Window) -> datetime:
    """When a held notice may go out: ``at`` itself inside the window, else the window's next start."""
    if within_hours(at, window):
        return at
    opening = _at(at.date(), window[0])
    return opening if opening > at else opening + timedelta(days=1)


def backoff(attempts: int, base_seconds: float, cap_seconds: float) -> timedelta:
    """The wait after the n-th failed attempt: base, 2×base, 4×base … never more than the cap."""
    return timedelta(seconds=min(cap_seconds, base_seconds * 2 ** max(0, attempts - 1)))


def parse_ladder(text: str) -> dict[str, str]:
    """"manufacturing>pmc>management;quality>pmc" → {role: the next level up}."""
    ladder: dict[str, str] = {}
    for chain in text.replace(",", ";").split(";"):
        steps = [s.strip() for s in chain.split(">") if s.strip()]
        for lower, upper in zip(steps, steps[1:]):
            ladder.setdefault(lower, upper)
    return ladder


def next_level(ladder: dict[str, str], roles: set[str], top: str) -> set[str]:
    """The roles the next level of escalation reaches; empty once ``top`` (总经办) was reached.

    A role the ladder does not name goes straight to the top.
    """
    if top in roles:
        return set()
    return {ladder.get(role, top) for role in roles} - roles or {top}


# --- stored records: what the repositories give back, one field per column -------------------
@dataclass(frozen=True)
class Notice:
    """One recipient's in-app notice of one event (D2); escalations are notices too (E6)."""

    id: int
    event_id: str
    recipient_id: int
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
    answered_by_act: str | None = None  # the acts that answer it, space-separated
    answered_at: datetime | None = None
    answered_by: int | None = None
    escalated_from: str | None = None  # the event an escalation was raised for


@dataclass(frozen=True)
class Delivery:
    """One outbox row: an event's delivery over one external channel, claimed and retried."""

    id: int
    event_id: str
    channel: str
    target: str
    kind: str
    subject: str
    body: str
    order_id: int | None
    notice_id: int | None
    ref: str | None
    critical: bool
    status: str
    attempts: int
    next_attempt_at: datetime
    claimed_by: str | None
    lease_until: datetime | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None
    version: int


@dataclass(frozen=True)
class Timer:
    """A deadline as a row (issue 5 §4): fired once, when due, by the worker; ``payload`` is
    what its handler needs to find what it watches."""

    id: int
    kind: str
    ref: str
    due_at: datetime
    payload: dict | None
    status: str
    attempts: int
    last_error: str | None
    fired_at: datetime | None
    created_at: datetime
    version: int
