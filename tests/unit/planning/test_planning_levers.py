"""Levers as actions with their date and cost (B2, C5; issue 20 §2)."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from jidan.planning.levers import evenings, options, without
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.result import Assignment, Schedule

NIGHTS = ((480, 960), (1920, 2400), (3360, 3840))  # a day of 8 working hours, then the night
PLANT = Problem((Resource("SMT1", NIGHTS), Resource("ASM1", NIGHTS)), ())
EMPTY = Schedule("feasible", "weighted-tardiness", 0, 0, ())


def job(due: int, minutes: int = 900) -> Job:
    lots = (Operation("SO-9/1-10.1", minutes // 2, ("SMT1",)), Operation("SO-9/1-10.2", minutes // 2, ("SMT1",)),
            Operation("SO-9/1-20", 60, ("ASM1",)))
    return Job("SO-9/1", lots, due=due)


def step_of(op: str) -> str:
    return op.split(".")[0]


def test_c5_a_later_date_is_offered_only_when_it_is_later_than_the_due_date():
    late = {o.lever: o for o in options(PLANT, EMPTY, job(due=600), with_insertion=False)}
    assert late["later_date"].completion > 600 and late["later_date"].action == {"date": late["later_date"].completion}
    on_time = {o.lever for o in options(PLANT, EMPTY, job(due=10_000), with_insertion=False)}
    assert "later_date" not in on_time


def test_c5_overtime_opens_the_fewest_evenings_that_bring_the_order_on_time_and_counts_their_minutes():
    found = {o.lever: o for o in options(PLANT, EMPTY, job(due=1200, minutes=600), with_insertion=False)}
    overtime = found["overtime"]
    assert overtime.action == {"resource": "SMT1", "windows": ((480, 660),)}
    assert overtime.cost == {"minutes": 180} and overtime.on_time and overtime.completion <= 1200
    assert overtime.completion < found["later_date"].completion


def test_c5_outside_processing_hands_every_lot_of_the_step_over_for_one_lead_time():
    found = {o.lever: o for o in options(PLANT, EMPTY, job(due=600), outside_lead_time=300, step_of=step_of,
                                         with_insertion=False)}
    outside = found["outside_processing"]
    assert outside.action["step"] == "SO-9/1-10" and outside.action["operations"] == ("SO-9/1-10.1", "SO-9/1-10.2")
    assert outside.completion == 300 + 60 and outside.cost == {"minutes": 900}


def test_c5_partial_delivery_gives_the_first_lot_s_date_and_the_rest_s():
    found = {o.lever: o for o in options(PLANT, EMPTY, job(due=600), with_insertion=False)}
    split = found["partial_delivery"]
    assert split.action["first"] == split.completion < split.action["rest"] == found["later_date"].completion


def test_c5_evenings_are_the_first_hours_of_each_closed_window_and_cutting_them_reopens_the_calendar():
    assert evenings(NIGHTS, 180) == ((480, 660), (1920, 2100), (3360, 3540))
    assert without(NIGHTS, ((480, 660), (3700, 4000))) == ((660, 960), (1920, 2400), (3360, 3700))


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(30, 400), min_size=1, max_size=4), st.integers(100, 4000),
       st.lists(st.tuples(st.integers(0, 3000), st.integers(30, 400)), max_size=4))
def test_c5_every_lever_is_consistent_with_its_date_and_overtime_never_makes_an_order_later(durations, due, booked):
    ops = tuple(Operation(f"J/1-{10 * (k + 1)}", d, ("SMT1",) if k % 2 == 0 else ("ASM1",))
                for k, d in enumerate(durations))
    plan = Schedule("feasible", "weighted-tardiness", 0, 0,
                    tuple(Assignment("X", f"X-{k}", "SMT1", s, s + d) for k, (s, d) in enumerate(booked)))
    new = Job("J/1", ops, due=due)
    found = {o.lever: o for o in options(PLANT, plan, new, with_insertion=False)}
    base = max(o.completion for o in found.values() if o.lever == "later_date") if "later_date" in found else None
    for o in found.values():
        assert o.on_time == (o.completion <= due)
    if base is not None:
        assert base > due
    if "overtime" in found:
        overtime = found["overtime"]
        assert overtime.cost["minutes"] == sum(e - s for s, e in overtime.action["windows"]) > 0
        assert base is None or overtime.completion < base
