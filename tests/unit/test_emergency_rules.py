"""The emergency state's rules as data (J1, J2): its transitions and guards, the emergency rule."""
from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from hypothesis import given, strategies as st

from jidan.domain import errors
from jidan.domain.emergency import (
    ACTIVE, EmergencyState, Facts, TRANSITIONS, apply, check_declaration, in_product_groups, parse_priority,
    priority_order, priority_weight,
)
from jidan.domain.roles import Role

START = datetime(2026, 11, 24, 9, 0)
ACTIONS = sorted({t.action for t in TRANSITIONS})


@given(st.lists(st.tuples(st.sampled_from(ACTIONS), st.sampled_from([Role.MANAGEMENT, Role.PMC, None]),
                          st.integers(-120, 120), st.booleans(), st.booleans()), max_size=12))
def test_j1_any_sequence_of_acts_keeps_to_declared_in_force_lifted_with_its_guards(steps):
    state = None
    for action, role, minutes, other_active, signed in steps:
        facts = Facts(START + timedelta(minutes=minutes), other_active, signed)
        try:
            new = apply(state, action, role, facts, START)
        except (errors.Forbidden, errors.Conflict, errors.ValidationFailed):
            continue
        row = next(t for t in TRANSITIONS if t.source == state and t.action == action)
        assert new == row.target
        if action == "declare":
            assert role == Role.MANAGEMENT and signed and not other_active
        if action == "take_effect":
            assert role is None and facts.now >= START  # only its start (the timer) brings it in force
        if action == "lift":
            assert role == Role.MANAGEMENT and signed and state in ACTIVE
        assert state != EmergencyState.LIFTED  # nothing leaves lifted
        state = new


def test_j1_the_declaration_names_each_missing_or_wrong_field():
    fields = check_declaration("meteor", "customers", [], START, START - timedelta(hours=1), " ")
    assert fields == {"cause": "unknown_cause", "targets": "required", "expected_end_at": "before_start",
                      "description": "required"}
    assert check_declaration("epidemic", "company", [], START, START + timedelta(days=1), "疫情") == {}


@given(st.permutations(["key", "urgent"]), st.booleans(), st.booleans(), st.booleans(), st.booleans())
def test_j2_the_first_criterion_of_the_rule_outweighs_the_next_and_due_dates_decide_last(rule, k1, u1, k2, u2):
    rule = parse_priority(",".join(rule))
    assert rule[-1] == "due"
    first = rule[0]
    a = {"key": k1, "urgent": u1}
    b = {"key": k2, "urgent": u2}
    if a[first] and not b[first]:
        assert priority_weight(rule, k1, u1) > priority_weight(rule, k2, u2)
        assert priority_order(rule, k1, u1, date(2026, 12, 31)) < priority_order(rule, k2, u2, date(2026, 1, 1))
    if (k1, u1) == (k2, u2):
        assert priority_order(rule, k1, u1, date(2026, 1, 1)) < priority_order(rule, k2, u2, date(2026, 1, 2))


def test_j2_admin_may_reorder_the_rule_but_not_invent_criteria():
    assert parse_priority("urgent, key") == ("urgent", "key", "due")
    assert parse_priority("due,key") == ("key", "due")
    with pytest.raises(ValueError):
        parse_priority("key,vip")


def test_j1_a_product_group_is_a_code_prefix():
    assert in_product_groups("SCB-200", ["SCB"]) and in_product_groups("SCB-200", ["SCB-"])
    assert not in_product_groups("SCBX-1", ["SCB"]) and in_product_groups("P002", ["P002"])
