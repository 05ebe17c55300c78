"""Rules of delivering notices (D2, E6): working-hour deadlines, quiet hours, retries, the ladder.

Pure functions over plain values, so the worker, the inbox and the tests agree on every time.
"""
from __future__ import annotations

from datetime import date, datetime, time, timedelta

from jidan.domain.calendar import WorkCalendar

#: Minutes after midnight: (start, end) of one working window.
Window = tuple[int, int]


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
