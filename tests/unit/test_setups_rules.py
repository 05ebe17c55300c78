"""Changeover matrices as pmc enters them, and the planner's resources they become (issue 25, C2)."""
from __future__ import annotations

from hypothesis import given, strategies as st

from jidan.domain.setups import MAX_MINUTES, family_error, matrix_errors
from jidan.planning.problem import Resource

FAMILIES = st.sampled_from(["SCB", "PWR", "CTL", "a b", "", "X" * 31])
ROWS = st.lists(st.tuples(FAMILIES, FAMILIES, st.one_of(st.integers(-5, MAX_MINUTES + 5), st.just(1.5))),
                max_size=8)


def test_c2_a_family_is_a_code_or_blank_for_none():
    assert [family_error(v) for v in ("SCB", "smt-a.1", "", None, "  ")] == [None] * 5
    assert [family_error(v) for v in ("a b", "族", "X" * 31)] == ["invalid_code"] * 3


def test_c2_a_matrix_names_every_bad_field_at_once():
    bad = [("SCB", "PWR", 30), ("", "有 空格", 1441), ("SCB", "PWR", 10), ("A", "B", 2.5), ("A", "C", -1),
           ("A", "D", True)]
    assert matrix_errors(bad) == {
        "setups.1.from_family": "required", "setups.1.to_family": "invalid_code", "setups.1.minutes": "out_of_range",
        "setups.2": "duplicate_pair", "setups.3.minutes": "not_whole", "setups.4.minutes": "out_of_range",
        "setups.5.minutes": "not_whole"}
    assert matrix_errors([("SCB", "PWR", 0), ("PWR", "SCB", 1440), ("SCB", "SCB", 5)]) == {}


@given(ROWS)
def test_c2_every_matrix_the_check_accepts_is_a_valid_planning_resource_with_the_same_minutes(rows):
    if matrix_errors(rows):
        return
    resource = Resource("SMT1", (), tuple(rows))
    assert all(resource.setup(a, b) == m for a, b, m in rows)


@given(ROWS)
def test_c2_the_check_names_each_bad_row_and_no_good_one(rows):
    found = matrix_errors(rows)
    bad_rows = {int(name.split(".")[1]) for name in found}
    for i, (a, b, m) in enumerate(rows):
        good = (not family_error(a) and a and not family_error(b) and b and isinstance(m, int)
                and 0 <= m <= MAX_MINUTES and (a, b) not in [(x, y) for x, y, _ in rows[:i]])
        assert (i not in bad_rows) == bool(good), (i, rows, found)
