"""National public holidays and make-up working days from the maintained `holidays` library."""
from __future__ import annotations

from datetime import date

import holidays

from jidan.domain.calendar import WorkCalendar


def national_calendar(country: str, rest_weekdays: frozenset[int], years: range) -> WorkCalendar:
    """China's 调休 make-up days come as ``weekend_workdays``; other countries have none."""
    table = holidays.country_holidays(country, years=list(years))
    workdays = frozenset(d for d in getattr(table, "weekend_workdays", set()) if d.year in years)
    return WorkCalendar(rest_weekdays, frozenset(date.fromordinal(d.toordinal()) for d in table), workdays)
