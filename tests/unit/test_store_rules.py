"""The store requisition's state machine (K1–K7) as rows, checked by properties over random
sequences of acts by random people."""
from __future__ import annotations

from datetime import date, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from jidan.domain import errors
from jidan.domain.calendar import WorkCalendar
from jidan.domain.roles import Role
from jidan.domain.store import (
    ACTIONS, FINAL, STEPS, Facts, ReqState, allowed, check_lines, check_receipt, deadline, step_for, waiting_step,
)

SUPERVISOR, MANAGER, OTHER_STORE, BUYER, SUPPLIER, OTHER_SUPPLIER, SALES = range(1, 8)
PEOPLE = {SUPERVISOR: Role.STORE, MANAGER: Role.STORE, OTHER_STORE: Role.STORE, BUYER: Role.PURCHASING,
          SUPPLIER: Role.SUPPLIER, OTHER_SUPPLIER: Role.SUPPLIER, SALES: Role.SALES}


def facts(actor: int, raised_by: int = SUPERVISOR) -> Facts:
    return Facts(actor, raised_by, MANAGER, SUPERVISOR, frozenset({MANAGER, SUPERVISOR}), SUPPLIER)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(ACTIONS[1:]), st.sampled_from(sorted(PEOPLE))), max_size=40),
       st.sampled_from([SUPERVISOR, MANAGER]))
def test_k1_k7_every_act_follows_a_row_and_what_is_offered_succeeds(acts, raised_by):
    state = ReqState.REQUESTED
    for action, person in acts:
        role, f = PEOPLE[person], facts(person, raised_by)
        offered = action in allowed(state, role, f)
        try:
            step = step_for(state, action, role, f)
        except errors.JidanError as exc:
            assert not offered
            assert isinstance(exc, (errors.Forbidden, errors.InvalidTransition))
            continue
        assert offered
        assert step.state == state and step.action == action
        assert state not in FINAL  # nothing moves a finished requisition
        if action in ("approve", "reject"):
            assert person == MANAGER != raised_by  # nobody approves their own (K1)
        if step.party.value == "supplier":
            assert person == SUPPLIER  # only the chosen supplier (K3, K5)
        state = step.target


def test_k1_every_open_state_waits_for_a_step_and_reaches_an_end():
    for state in ReqState:
        if state in FINAL:
            assert waiting_step(state) is None and not [s for s in STEPS if s.state == state]
            continue
        seen, todo = set(), [state]
        while todo:
            here = todo.pop()
            seen.add(here)
            todo += [s.target for s in STEPS if s.state == here and s.target not in seen]
        assert seen & FINAL, state


def test_k7_each_step_names_who_is_responsible_assists_and_is_involved_and_the_deadlines_are_the_documents():
    for step in STEPS:
        assert step.responsible == step.party and step.responsible not in step.assists + step.involved
    due = {s.action: s.due_days for s in STEPS if s.due_days}
    assert due == {"confirm": 1, "decline": 1, "deliver": 1, "hand_in": 3}


def test_k7_a_deadline_counts_working_days_and_a_holiday_moves_it():
    cal = WorkCalendar()
    friday = datetime(2026, 11, 27, 16, 30)
    assert deadline(cal, friday, 1) == datetime(2026, 11, 30, 16, 30)  # over the weekend
    holiday = WorkCalendar(holidays=frozenset({date(2026, 11, 30)}))
    assert deadline(holiday, friday, 1) == datetime(2026, 12, 1, 16, 30)
    assert deadline(cal, friday, 3) == datetime(2026, 12, 2, 16, 30)


def test_k1_a_requisition_is_only_for_what_neither_the_store_nor_headquarters_has():
    known = {"A": 0, "B": 50}
    assert check_lines([("A", 10, 2)], known) == {}
    assert check_lines([("A", 10, 10)], known) == {"lines.0.store_stock": "store_has_stock"}
    assert check_lines([("B", 10, 0)], known) == {"lines.0.item": "headquarters_has_stock"}
    assert check_lines([("B", 60, 0), ("B", 70, 0)], known) == {"lines.1.item": "duplicate"}
    assert check_lines([], known) == {"lines": "required"}


def test_k4_what_is_rejected_at_signing_says_why():
    assert check_receipt({"A": 10}, {"A": 10}, {}) == {}
    assert check_receipt({"A": 10}, {"A": 8}, {}) == {"reasons.A": "required"}
    assert check_receipt({"A": 10}, {"A": 8}, {"A": "破损"}) == {}
    assert check_receipt({"A": 10}, {"A": 11}, {}) == {"accepted.A": "exceeds_delivered"}
