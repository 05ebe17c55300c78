"""Sequence-dependent set-ups (issue 25 §3, C2 C3): each placement leaves the changeover before it
and after it, in open time; the JSON format, the validator, CP-SAT and the searches carry them."""

import time

import pytest
from ortools.sat.python import cp_model

from jidan.planning import cpsat, lns, tabu
from jidan.planning.dispatch import SameFamilyNext, dispatch, earliest_due_date, rules_for
from jidan.planning.errors import InvalidProblem
from jidan.planning.formats import problem_from_dict, problem_to_dict
from jidan.planning.generate import generate_plant, generate_plant_with_setups
from jidan.planning.insert import insert
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.promise import LoadedPlan, earliest_with_insertion
from jidan.planning.result import Assignment, setup_minutes
from jidan.planning.shift import timeline_with
from jidan.planning.solve import solve
from jidan.planning.validate import violations

LINE = Resource("SMT", (), (("A", "B", 30), ("B", "A", 20)))


def _job(name: str, family: str, duration: int = 10, release: int = 0, due: int = 1000) -> Job:
    return Job(name, (Operation(f"{name}-1", duration, ("SMT",), family=family),), release, due)


def test_c2_a_placement_after_an_operation_of_another_family_waits_for_the_changeover():
    problem = Problem((LINE,), (_job("X", "A"), _job("Y", "B")))
    timeline = timeline_with(problem, [Assignment("X", "X-1", "SMT", 0, 10)])
    assert timeline.earliest_start("SMT", 0, 10, "B") == 40
    assert timeline.earliest_start("SMT", 0, 10, "A") == 10, "same family: no changeover"


def test_c2_gap_filling_leaves_the_next_operation_its_changeover():
    problem = Problem((LINE,), (_job("X", "A"), _job("Z", "A"), _job("Y", "B")))
    timeline = timeline_with(problem, [Assignment("X", "X-1", "SMT", 0, 10), Assignment("Z", "Z-1", "SMT", 60, 70)])
    # B fits [40, 50) after A's 30-min changeover, but A after it needs 20 more: 50 + 20 > 60.
    assert timeline.earliest_start("SMT", 0, 10, "B") == 100
    assert timeline.earliest_start("SMT", 0, 10, "A") == 10


def test_c2_a_changeover_is_done_in_open_time_just_before_the_operation_not_in_a_closed_window():
    line = Resource("SMT", ((10, 100),), (("A", "B", 30),))
    problem = Problem((line,), (_job("X", "A"), _job("Y", "B")))
    timeline = timeline_with(problem, [Assignment("X", "X-1", "SMT", 0, 10)])
    assert timeline.earliest_start("SMT", 0, 10, "B") == 130
    assert violations(problem, [Assignment("X", "X-1", "SMT", 0, 10), Assignment("Y", "Y-1", "SMT", 110, 120)]) == [
        "the 30-min changeover before Y-1 on SMT [80,110) overlaps unavailable window [10,100)"]


def test_c2_the_validator_names_both_operations_the_resource_and_the_minutes_of_a_gap_too_short():
    problem = Problem((LINE,), (_job("X", "A"), _job("Y", "B")))
    found = violations(problem, [Assignment("X", "X-1", "SMT", 0, 10), Assignment("Y", "Y-1", "SMT", 25, 35)])
    assert found == ["Y-1 starts 15 min after X-1 ends on SMT, but changing over from family 'A' to 'B' takes 30 min"]
    assert setup_minutes(problem, [Assignment("X", "X-1", "SMT", 0, 10), Assignment("Y", "Y-1", "SMT", 40, 50)]) == 30


def test_c2_the_json_format_carries_families_and_setups_and_old_files_round_trip_unchanged():
    problem = Problem((LINE, Resource("PAINT")), (_job("X", "A"), Job("J", (Operation("J-1", 5, ("PAINT",)),))))
    data = problem_to_dict(problem)
    assert data["resources"][0]["setups"] == [{"from": "A", "to": "B", "minutes": 30}, {"from": "B", "to": "A", "minutes": 20}]
    assert "setups" not in data["resources"][1]
    assert data["jobs"][0]["operations"][0]["family"] == "A"
    assert "family" not in data["jobs"][1]["operations"][0]
    assert problem_from_dict(data) == problem


@pytest.mark.parametrize(("setups", "field"), [
    ("AB", "resources[SMT].setups"),
    ([{"from": "A", "to": "B"}], "resources[SMT].setups[0]"),
    ([{"from": "A", "to": "B", "minutes": "ten"}], "resources[SMT].setups[0].minutes"),
    ([{"from": "A", "to": "B", "minutes": -5}], "resources[SMT].setups"),
    ([{"from": "A", "to": "B", "minutes": 5}, {"from": "A", "to": "B", "minutes": 6}], "resources[SMT].setups"),
])
def test_c2_a_malformed_setup_is_refused_naming_the_field(setups, field):
    data = {"resources": [{"id": "SMT", "setups": setups}], "jobs": []}
    with pytest.raises(InvalidProblem) as error:
        problem_from_dict(data)
    assert error.value.field == field


def test_c2_a_family_that_is_not_a_text_is_refused_naming_the_field():
    data = {"resources": [{"id": "SMT"}], "jobs": [{"id": "J", "operations": [
        {"id": "J-1", "duration": 5, "resources": ["SMT"], "family": 7}]}]}
    with pytest.raises(InvalidProblem) as error:
        problem_from_dict(data)
    assert error.value.field == "operations[J-1].family"


def test_c3_same_family_next_runs_an_order_of_the_machines_family_first_when_it_is_not_too_late():
    problem = Problem((Resource("SMT", (), (("A", "B", 30), ("B", "A", 30))),),
                      (_job("X", "A", due=0), _job("Y", "B", due=10), _job("Z", "A", due=20)))
    batched = {a.job: a.start for a in dispatch(problem, SameFamilyNext(earliest_due_date, 15))}
    assert batched == {"X": 0, "Z": 10, "Y": 50}
    strict = {a.job: a.start for a in dispatch(problem, SameFamilyNext(earliest_due_date, 5))}
    assert strict == {"X": 0, "Y": 40, "Z": 80}


def test_c3_batching_rules_are_tried_only_when_the_plant_has_setups_and_the_tabu_search_declines_it():
    plain = generate_plant(10, seed=1)
    with_setups = generate_plant_with_setups(10, seed=1)
    assert not any(name.startswith("next") for name in rules_for(plain, "weighted-tardiness"))
    assert {"next-lst(1.5,0)(4)", "next-lst(2,1)(16)"} <= set(rules_for(with_setups, "weighted-tardiness"))
    assert {"next-edd(1)", "next-mwkr(16)"} <= set(rules_for(with_setups, "makespan"))
    assert tabu.applies(Problem((Resource("M"),), ()), {})
    assert not tabu.applies(Problem((LINE,), ()), {})


def test_c3_cpsat_sequences_by_family_and_keeps_fixed_work_and_its_changeover():
    # Four A/B orders alternating by due date: batching them saves two changeovers.
    jobs = (_job("J1", "A", due=10), _job("J2", "B", due=20), _job("J3", "A", due=30), _job("J4", "B", due=40),
            _job("J0", "B", due=0))
    problem = Problem((LINE,), jobs)
    frozen = {"J0-1": Assignment("J0", "J0-1", "SMT", 0, 10)}
    greedy = dispatch(problem, earliest_due_date, frozen)
    assert violations(problem, greedy) == []
    best = solve(problem, "makespan", time_limit=2.0, workers=1, seed=3, frozen=frozen)
    assert violations(problem, best.assignments) == []
    assert [a for a in best.assignments if a.operation == "J0-1"] == [frozen["J0-1"]]
    # B (frozen) → B B → A A: one changeover of 20 min
    assert best.value == 70 and best.status == "optimal"


def test_c3_a_cpsat_hint_with_arcs_is_taken_whole_as_the_first_solution():
    problem = generate_plant_with_setups(12, seed=4)
    greedy = dispatch(problem, earliest_due_date)
    plan = cpsat.build(problem, cpsat.Neighbourhood(fixed={}, horizon=max(a.end for a in greedy) + 1000))
    plan.model.minimize(cpsat.weighted_tardiness_objective(plan))
    cpsat.add_hint(plan, greedy)
    solver = cp_model.CpSolver()
    solver.parameters.fix_variables_to_their_hinted_value = True
    solver.parameters.max_time_in_seconds = 10
    assert solver.solve(plan.model) in (cp_model.OPTIMAL, cp_model.FEASIBLE)


def test_c3_the_neighbourhood_search_improves_a_plant_with_setups_and_keeps_every_changeover():
    problem = generate_plant_with_setups(40, seed=2)
    greedy = dispatch(problem, earliest_due_date)
    better = lns.improve(problem, "weighted-tardiness", greedy, {}, time_limit=2.0, workers=1, seed=1)
    assert violations(problem, better) == []


def test_c4_c5_insertion_and_promises_with_setups_answer_within_their_time_limits():
    problem = generate_plant_with_setups(100, seed=3)
    current = solve(problem, "weighted-tardiness", time_limit=0)
    model = problem.jobs[17]
    release = max(a.end for a in current.assignments) // 3
    urgent = Job("URG", tuple(Operation(f"URG-{k}", o.duration, o.resources, family=o.family)
                              for k, o in enumerate(model.operations)), release, release + 2 * model.work, 8)
    bigger = problem.with_job(urgent)
    clock = time.monotonic()
    inserted = insert(bigger, current, "URG", time_limit=1.0)
    assert time.monotonic() - clock < 1.0 + 3.0  # generous: the machine is shared
    assert violations(bigger, inserted.schedule.assignments) == []
    clock = time.monotonic()
    promise = LoadedPlan(problem, current).earliest_completion(urgent)
    assert time.monotonic() - clock < 1.0
    assert violations(bigger, (*current.assignments, *promise.assignments)) == []
    clock = time.monotonic()
    earliest_with_insertion(problem, current, urgent, time_limit=1.0)
    assert time.monotonic() - clock < 1.0 + 3.0
