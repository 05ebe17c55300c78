"""Pure delivery rules: working-hour deadlines, notification hours, backoff, the ladder (E6, N1)."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from jidan.domain.calendar import WorkCalendar
from jidan.domain.delivery import (add_working_hours, backoff, next_level, parse_ladder,
                                   release_time, within_hours)

SHIFTS = ((480, 720), (780, 1020))  # 08–12, 13–17
CAL = WorkCalendar(holidays=frozenset({date(2026, 10, 1)}), workdays=frozenset({date(2026, 10, 10)}))


@pytest.mark.parametrize("start, hours, due", [
    (datetime(2026, 9, 29, 9, 0), 2, datetime(2026, 9, 29, 11, 0)),
    (datetime(2026, 9, 29, 11, 0), 2, datetime(2026, 9, 29, 14, 0)),   # over lunch
    (datetime(2026, 9, 29, 6, 0), 1, datetime(2026, 9, 29, 9, 0)),     # before work
    (datetime(2026, 9, 30, 16, 0), 2, datetime(2026, 10, 2, 9, 0)),    # holiday 10-01 skipped
    (datetime(2026, 10, 2, 16, 30), 1, datetime(2026, 10, 5, 8, 30)),  # weekend skipped
    (datetime(2026, 10, 9, 17, 0), 1, datetime(2026, 10, 10, 9, 0)),   # make-up Saturday worked
    (datetime(2026, 9, 29, 9, 0), 0, datetime(2026, 9, 29, 9, 0)),
])
def test_n1_working_hours_skip_nights_lunch_weekends_and_holidays(start, hours, due):
    assert add_working_hours(CAL, SHIFTS, start, hours) == due


def test_n1_a_calendar_without_working_hours_fails_loudly():
    with pytest.raises(ValueError):
        add_working_hours(WorkCalendar(rest_weekdays=frozenset(range(7))), SHIFTS, datetime(2026, 1, 1), 1)


@pytest.mark.parametrize("at, window, out", [
    (datetime(2026, 11, 24, 9, 0), (480, 1320), datetime(2026, 11, 24, 9, 0)),
    (datetime(2026, 11, 24, 22, 0), (480, 1320), datetime(2026, 11, 25, 8, 0)),
    (datetime(2026, 11, 24, 3, 0), (480, 1320), datetime(2026, 11, 24, 8, 0)),
    (datetime(2026, 11, 24, 12, 0), (1320, 360), datetime(2026, 11, 24, 22, 0)),  # over midnight
    (datetime(2026, 11, 24, 2, 0), (1320, 360), datetime(2026, 11, 24, 2, 0)),
])
def test_e6_notification_hours_hold_until_the_next_opening(at, window, out):
    assert release_time(at, window) == out
    assert within_hours(out, window)


def test_d2_backoff_doubles_up_to_the_cap():
    assert [backoff(n, 30, 300).total_seconds() for n in range(1, 7)] == [30, 60, 120, 240, 300, 300]
    assert backoff(0, 30, 300) == timedelta(seconds=30)


def test_e6_the_ladder_goes_up_role_by_role_and_stops_at_the_top():
    ladder = parse_ladder("manufacturing>pmc>management; quality>pmc")
    assert ladder == {"manufacturing": "pmc", "pmc": "management", "quality": "pmc"}
    assert next_level(ladder, {"manufacturing"}, "management") == {"pmc"}
    assert next_level(ladder, {"manufacturing", "quality"}, "management") == {"pmc"}
    assert next_level(ladder, {"pmc", "manufacturing"}, "management") == {"management"}
    assert next_level(ladder, {"logistics"}, "management") == {"management"}
    assert next_level(ladder, {"management", "sales"}, "management") == set()
