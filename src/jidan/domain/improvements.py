"""Improvement actions (改善措施, M4): what a department undertakes after a quarterly review or an
emergency, with an owner and a due date, and when that deadline is reminded and missed.

Times are on the working calendar (N1): an action due on a day is due at the close of that
day's working hours, or of the next working day when the day is not worked; its owner is
reminded at the opening of the working day before.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from jidan.domain.calendar import WorkCalendar

#: Where an action comes from: the quarterly process review (每季度流程评审) or an emergency.
SOURCES = ("quarterly_review", "emergency")
TEXT_MAX = 1000
NOTE_MAX = 1000

#: Working windows of a day, minutes after midnight (as ``Context.shifts``).
Windows = tuple[tuple[int, int], ...]


@dataclass(frozen=True)
class ImprovementAction:
    """One tracked improvement action, one field per column of ``improvement_actions``."""

    id: int
    source: str
    source_id: int
    department: str
    text: str
    owner_id: int
    due: date
    due_at: datetime
    status: str  # open | done
    created_by: int
    created_at: datetime
    completed_by: int | None
    completed_at: datetime | None
    completion_note: str | None
    missed_at: datetime | None
    version: int

    def state(self, now: datetime) -> str:
        """open, overdue (open past its deadline), done or done_late."""
        if self.status == "done":
            late = self.missed_at or (self.completed_at and self.completed_at > self.due_at)
            return "done_late" if late else "done"
        return "overdue" if self.missed_at or now > self.due_at else "open"


def _at(day: date, minutes: int) -> datetime:
    return datetime.combine(day, time()) + timedelta(minutes=minutes)


def _working_day_from(calendar: WorkCalendar, day: date, step: int) -> date:
    for _ in range(3700):  # ten years of days: a calendar with no working day fails loudly
        if calendar.is_working_day(day):
            return day
        day += timedelta(days=step)
    raise ValueError("the working calendar has no working days")


def deadline(calendar: WorkCalendar, windows: Windows, due: date) -> datetime:
    """The close of work on ``due``, or on the next working day when ``due`` is not worked."""
    day = _working_day_from(calendar, due, 1)
    return _at(day, max(end for _, end in windows))


def reminder(calendar: WorkCalendar, windows: Windows, due_at: datetime) -> datetime:
    """The opening of the working day before the deadline's day."""
    day = _working_day_from(calendar, due_at.date() - timedelta(days=1), -1)
    return _at(day, min(start for start, _ in windows))
