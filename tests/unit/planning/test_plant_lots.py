"""An order's jobs never grow with its quantity (issue 21 High-1, issue 25 §2, B2, C1): a step is
at most `SHIFT_LOTS` lots, shift-sized up to that many shifts of work and breakable lots beyond;
more work than the horizon holds (`MAX_SHIFTS`) is refused at once, whatever the quantity."""
from __future__ import annotations

import time
from datetime import date, datetime
from decimal import Decimal
from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jidan.domain import errors
from jidan.domain.model import RoutingStep
from jidan.services.planning.plant import MAX_SHIFTS, SHIFT_LOTS, beyond_horizon, order_jobs

SHIFT = 240
STEPS = (RoutingStep(10, "SMT1", "贴片", 30, Decimal("0.6")), RoutingStep(20, "ASM1", "组装", 0, Decimal("1.2")))


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
    for step in STEPS:
        lots = [op for op in job.operations if op.id.split(".")[0].endswith(f"-{step.seq}")]
        assert 1 <= len(lots) <= SHIFT_LOTS
        assert sum(op.duration for op in lots) == step.minutes(quantity)  # no minute lost or added
        for op in lots:  # a lot of a shift at most, or one that pauses over the closed hours
            assert op.breakable == (step.minutes(quantity) > SHIFT_LOTS * SHIFT)
            assert op.breakable or op.duration <= SHIFT


def test_c1_issue25_a_step_of_many_shifts_is_a_few_breakable_lots_holding_all_its_minutes():
    (job,) = jobs(10_000)  # assembly: 12,000 minutes, 50 shifts
    assembly = [op for op in job.operations if op.id.startswith("SO-1/1-20")]
    assert len(assembly) == SHIFT_LOTS and all(op.breakable for op in assembly)
    assert sum(op.duration for op in assembly) == 12_000
    (small,) = jobs(100)  # 120 and 90 minutes: one lot within a shift each, as before
    assert [op.breakable for op in small.operations] == [False, False]


def test_b2_issue21_the_largest_quantity_within_the_horizon_is_planned_and_one_more_shift_is_refused():
    most = MAX_SHIFTS * SHIFT * 5 // 6  # the assembly step (1.2 min a unit) fills MAX_SHIFTS shifts
    (job,) = jobs(most)
    assert sum(op.id.startswith("SO-1/1-20") for op in job.operations) == SHIFT_LOTS
    assert beyond_horizon(order(most + SHIFT), SHIFT)
    with pytest.raises(errors.ValidationFailed):
        jobs(most + SHIFT)


def test_b2_issue21_a_trillion_units_are_refused_at_once_not_built_lot_by_lot():
    started = time.monotonic()
    with pytest.raises(errors.ValidationFailed):
        jobs(10**12)
    assert time.monotonic() - started < 0.1
