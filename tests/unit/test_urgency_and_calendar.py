"""Urgency rules (A3, A4) on the factory calendar (N1)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import given, strategies as st

from jidan.adapters.calendar import national_calendar
from jidan.domain.calendar import WorkCalendar
from jidan.domain.urgency import UrgencyPolicy, assess_urgency

CN = national_calendar("CN", frozenset({5, 6}), range(2025, 2028))


def assess(**over):
    args = dict(order_date=date(2026, 11, 24), requested_date=date(2026, 12, 1), standard_lead_days=12,
                amount=Decimal(1000), key_customer=False, manual_reason=None, calendar=CN,
                policy=UrgencyPolicy())
    args.update(over)
    return assess_urgency(**args)


def test_a3_requested_lead_time_shorter_than_standard_makes_an_order_urgent():
    u = assess()
    assert u.requested_lead_days == 5  # Tue 24 Nov → Tue 1 Dec: 5 working days
    assert (u.urgent, u.reasons, u.priority) == (True, ("lead_time",), "urgent")


def test_a3_each_rule_can_be_switched_off():
    u = assess(policy=UrgencyPolicy(lead_time_rule=False, amount_threshold=None, key_customer_rule=False),
               amount=Decimal(10**7), key_customer=True)
    assert (u.urgent, u.reasons) == (False, ())


def test_a3_amount_above_threshold_and_manual_reason_are_urgency_reasons():
    u = assess(requested_date=date(2027, 1, 29), amount=Decimal("100000.01"), manual_reason="客户停线")
    assert u.reasons == ("amount", "manual")


def test_a4_key_customer_ranks_before_urgent_before_normal():
    key = assess(key_customer=True)
    urgent = assess()
    normal = assess(requested_date=date(2027, 1, 29))
    assert (key.priority, urgent.priority, normal.priority) == ("key", "urgent", "normal")
    assert key.rank < urgent.rank < normal.rank


def test_n1_china_calendar_skips_national_day_and_works_make_up_saturdays():
    assert not CN.is_working_day(date(2026, 10, 1))  # 国庆
    assert CN.is_working_day(date(2026, 10, 10))  # Saturday 调休 make-up working day
    assert not CN.is_working_day(date(2026, 11, 28))  # an ordinary Saturday


def test_n1_site_overrides_win_over_the_national_calendar():
    cal = CN.with_overrides(working={date(2026, 11, 28)}, closed={date(2026, 11, 25)})
    assert cal.is_working_day(date(2026, 11, 28))
    assert not cal.is_working_day(date(2026, 11, 25))


@given(st.dates(min_value=date(2025, 1, 1), max_value=date(2027, 6, 30)), st.integers(0, 60))
def test_n1_adding_working_days_then_counting_them_gives_the_same_number(start, days):
    end = CN.add_working_days(start, days)
    assert CN.working_days_between(start, end) == days
    assert days == 0 or CN.is_working_day(end)


def test_n1_rest_weekdays_are_configurable():
    six_day_week = WorkCalendar(rest_weekdays=frozenset({6}))
    assert six_day_week.working_days_between(date(2026, 11, 23), date(2026, 11, 30)) == 6
