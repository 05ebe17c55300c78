import pytest

from jidan.planning.errors import InvalidSchedule
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.result import Assignment
from jidan.planning.validate import check, violations

PROBLEM = Problem(
    (Resource("A", ((100, 200),)), Resource("B")),
    (
        Job("J1", (Operation("J1-1", 10, ("A", "B")), Operation("J1-2", 20, ("B",))), release=5),
        Job("J2", (Operation("J2-1", 30, ("A",)),)),
    ),
)
GOOD = (
    Assignment("J1", "J1-1", "B", 5, 15),
    Assignment("J1", "J1-2", "B", 15, 35),
    Assignment("J2", "J2-1", "A", 0, 30),
)


def _replace(op_id, **changes):
    return tuple(Assignment(**{**a.__dict__, **changes}) if a.operation == op_id else a for a in GOOD)


def test_c3_a_feasible_plan_has_no_violations():
    assert violations(PROBLEM, GOOD) == []
    check(PROBLEM, GOOD)


@pytest.mark.parametrize(
    ("assignments", "words"),
    [
        (GOOD[1:], "J1-1 is not assigned"),
        (GOOD + GOOD[:1], "assigned twice"),
        (_replace("J2-1", resource="B"), "not one of"),
        (_replace("J2-1", end=31), "lasts 31"),
        (_replace("J1-1", start=0, end=10), "before 5"),
        (_replace("J1-2", start=10, end=30), "before 15"),
        (_replace("J2-1", start=90, end=120), "unavailable window"),
        (_replace("J1-1", resource="A", start=5, end=15), "overlaps J1-1"),
        (GOOD + (Assignment("J9", "J9-1", "A", 300, 310),), "not an operation"),
    ],
)
def test_c3_validator_names_each_broken_rule(assignments, words):
    found = violations(PROBLEM, assignments)
    assert any(words in v for v in found), found
    with pytest.raises(InvalidSchedule):
        check(PROBLEM, assignments)
