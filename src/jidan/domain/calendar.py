"""Factory working calendar (N1): weekly rest days, public holidays, make-up working days (调休)."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


@dataclass(frozen=True)
class WorkCalendar:
    """Which days are worked. Make-up days win over rest days; holidays win over weekdays."""

    rest_weekdays: frozenset[int] = frozenset({5, 6})  # Monday is 0
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[date] = field(default_factory=frozenset)

    def is_working_day(self, day: date) -> bool:
        if day in self.workdays:
            return True
        if day in self.holidays:
            return False
        return day.weekday() not in self.rest_weekdays

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after ``start`` up to and including ``end`` (0 when end <= start)."""
        count, day = 0, start
        while day < end:
            day += timedelta(days=1)
            count += self.is_working_day(day)
        return count

    def add_working_days(self, start: date, days: int) -> date:
        """The date ``days`` working days after ``start``."""
        day = start
        while days > 0:
            day += timedelta(days=1)
            days -= self.is_working_day(day)
        return day

    def with_overrides(self, working: set[date], closed: set[date]) -> "WorkCalendar":
        """A site's own edits on top of the national calendar."""
        return WorkCalendar(
            self.rest_weekdays,
            frozenset((self.holidays - working) | closed),
            frozenset((self.workdays - closed) | working),
        )
