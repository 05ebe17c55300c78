"""An order's jobs never grow with its quantity beyond `MAX_LOTS` lots a step (issue 21 High-1, B2,
C1): more work than that is refused at once as beyond the horizon, whatever the quantity."""
from __future__ import annotations

import time
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jidan.domain import errors
from jidan.services.planning.plant import MAX_LOTS, beyond_horizon, order_jobs

SHIFT = 240
STEPS = (SimpleNamespace(seq=10, work_center_code="SMT1", setup_minutes=30, minutes_per_unit=Decimal("0.6")),
         SimpleNamespace(seq=20, work_center_code="ASM1", setup_minutes=0, minutes_per_unit=Decimal("1.2")))


def order(quantity: int):
    line = SimpleNamespace(line_no=1, quantity=quantity, product=SimpleNamespace(routing=STEPS, family=None))
    return SimpleNamespace(number="SO-1", promised_date=None, requested_date=date(2026, 12, 18),
                           priority="urgent", lines=[line])


def jobs(quantity: int):
    return order_jobs(order(quantity), datetime(2026, 12, 7, 8), {"SMT": ["SMT1", "SMT2"]}, SHIFT)


@settings(max_examples=60, deadline=None)
@given(st.integers(min_value=1, max_value=10**15))
def test_b2_issue21_an_orders_lots_are_bounded_whatever_its_quantity(quantity):
    if beyond_horizon(order(quantity), SHIFT):
        with pytest.raises(errors.ValidationFailed) as refused:
            jobs(quantity)
        assert refused.value.code == "planning.beyond_horizon"
        return
    (job,) = jobs(quantity)
    per_step = {}
    for op in job.operations:
        step = op.id.split(".")[0]
        per_step[step] = per_step.get(step, 0) + 1
        assert op.duration <= SHIFT
    assert max(per_step.values()) <= MAX_LOTS


def test_b2_issue21_the_largest_quantity_within_the_horizon_is_planned_and_one_more_shift_is_refused():
    most = MAX_LOTS * SHIFT * 5 // 6  # the assembly step (1.2 min a unit) fills MAX_LOTS shifts
    (job,) = jobs(most)
    assert sum(op.id.startswith("SO-1/1-20") for op in job.operations) == MAX_LOTS
    assert beyond_horizon(order(most + SHIFT), SHIFT)
    with pytest.raises(errors.ValidationFailed):
        jobs(most + SHIFT)


def test_b2_issue21_a_trillion_units_are_refused_at_once_not_built_lot_by_lot():
    started = time.monotonic()
    with pytest.raises(errors.ValidationFailed):
        jobs(10**12)
    assert time.monotonic() - started < 0.1
