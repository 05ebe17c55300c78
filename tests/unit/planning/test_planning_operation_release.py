"""An operation's own release (its material arrives): that step and what follows wait, the steps before it do not."""

import json
from dataclasses import replace

import pytest

from jidan.planning import cpsat, lns
from jidan.planning.dispatch import best_dispatch
from jidan.planning.errors import InvalidProblem, UnknownJob
from jidan.planning.formats import load_problem, problem_from_dict, problem_to_dict
from jidan.planning.generate import generate_plant
from jidan.planning.insert import earliest_possible, insert, push_later
from jidan.planning.levers import bottleneck_operation
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.promise import earliest_without_moving
from jidan.planning.repair import MaterialLate, repair
from jidan.planning.result import Assignment, Schedule, evaluate, trivial_lower_bound
from jidan.planning.solve import solve
from jidan.planning.validate import violations

CONNECTORS = 200
"""The minute the connectors for the assembly step arrive."""

BOARD = Job(
    "SO-1/1",
    (
        Operation("SO-1/1-10", 60, ("SMT",)),
        Operation("SO-1/1-20", 30, ("ASSY",), release=CONNECTORS),
        Operation("SO-1/1-30", 20, ("TEST",)),
    ),
    due=CONNECTORS + 50,
)
OTHER = Job("SO-2/1", (Operation("SO-2/1-10", 50, ("ASSY",)),), due=100)
PLANT = Problem((Resource("SMT"), Resource("ASSY"), Resource("TEST")), (BOARD, OTHER))


def _times(assignments):
    return {a.operation: (a.start, a.end) for a in assignments}


def test_c1_an_operation_release_round_trips_through_a_file_and_is_written_only_when_set(tmp_path):
    data = problem_to_dict(PLANT)
    operations = data["jobs"][0]["operations"]
    assert [op.get("release") for op in operations] == [None, CONNECTORS, None]
    path = tmp_path / "plant.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    assert load_problem(path) == PLANT


def _with_assembly_release(release):
    data = problem_to_dict(PLANT)
    data["jobs"][0]["operations"][1]["release"] = release
    return data


def test_c1_an_operation_release_is_read_as_an_integer_or_refused():
    assert problem_from_dict(_with_assembly_release("240")).job("SO-1/1").operations[1].release == 240
    with pytest.raises(InvalidProblem):
        problem_from_dict(_with_assembly_release("soon"))


def test_c1_a_negative_operation_release_is_refused_naming_the_field():
    with pytest.raises(InvalidProblem) as caught:
        problem_from_dict(_with_assembly_release(-1))
    assert caught.value.field == "operations[SO-1/1-20].release"


def test_c6_the_earliest_start_of_an_operation_is_the_latest_of_both_releases_and_its_predecessor():
    job = replace(BOARD, release=100)
    assert [job.earliest(k) for k in range(3)] == [100, CONNECTORS, 100]
    assert job.earliest(1, after=250) == 250


@pytest.mark.parametrize("objective", ["makespan", "weighted-tardiness"])
@pytest.mark.parametrize("time_limit", [0, 1])
def test_c6_assembly_waits_for_its_material_while_smt_runs_before_it(objective, time_limit):
    schedule = solve(PLANT, objective, time_limit=time_limit, workers=1, seed=3)
    assert violations(PLANT, schedule.assignments) == []
    times = _times(schedule.assignments)
    assert times["SO-1/1-10"][1] <= CONNECTORS  # SMT runs before the connectors arrive
    assert times["SO-1/1-20"] == (CONNECTORS, CONNECTORS + 30)
    assert times["SO-1/1-30"] == (CONNECTORS + 30, CONNECTORS + 50)
    assert times["SO-2/1-10"][1] <= CONNECTORS  # the assembly line is not held for the late material


def test_c6_the_cpsat_model_itself_starts_an_operation_no_earlier_than_its_release():
    plan = cpsat.build(PLANT, cpsat.Neighbourhood(fixed={}, horizon=1000))
    plan.model.minimize(cpsat.makespan_objective(plan))
    outcome = cpsat.run(plan, 1, workers=1, seed=0)
    assert outcome.optimal
    assert _times(outcome.assignments)["SO-1/1-20"] == (CONNECTORS, CONNECTORS + 30)


def test_c6_neighbourhood_search_keeps_every_operation_after_its_release():
    plant = generate_plant(40, seed=11, work_centers=6)
    for job in plant.jobs:
        second = replace(job.operations[1], release=job.release + 600)
        plant = plant.with_job(replace(job, operations=(job.operations[0], second, *job.operations[2:])))
    start = best_dispatch(plant, "weighted-tardiness")[1]
    assert violations(plant, start) == []
    result = lns.improve(plant, "weighted-tardiness", start, {}, time_limit=0.6, workers=1, seed=2)
    assert violations(plant, result) == []
    assert evaluate(plant, result, "weighted-tardiness") <= evaluate(plant, start, "weighted-tardiness")


URGENT = Job(
    "SO-9/1",
    (Operation("SO-9/1-10", 30, ("SMT",)), Operation("SO-9/1-20", 30, ("ASSY",), release=150)),
    release=10,
    due=200,
    weight=9,
)
CURRENT = Schedule(
    "feasible",
    "weighted-tardiness",
    0,
    0,
    (
        Assignment("SO-1/1", "SO-1/1-10", "SMT", 0, 60),
        Assignment("SO-2/1", "SO-2/1-10", "ASSY", 0, 50),
        Assignment("SO-1/1", "SO-1/1-20", "ASSY", CONNECTORS, CONNECTORS + 30),
        Assignment("SO-1/1", "SO-1/1-30", "TEST", CONNECTORS + 30, CONNECTORS + 50),
    ),
)


def test_c4_an_urgent_order_inserted_waits_for_the_material_of_its_later_step():
    bigger = PLANT.with_job(URGENT)
    assert earliest_possible(bigger, CURRENT, URGENT.id) == 180
    inserted = insert(bigger, CURRENT, URGENT.id, time_limit=1).schedule.assignments
    for plan in (inserted, push_later(bigger, CURRENT, URGENT.id)):
        assert violations(bigger, plan) == []
        assert _times(plan)["SO-9/1-20"] == (150, 180)


def test_b2_a_promise_waits_for_a_step_s_material_and_that_wait_is_no_bottleneck():
    promise = earliest_without_moving(PLANT, CURRENT, URGENT)
    assert _times(promise.assignments) == {"SO-9/1-10": (60, 90), "SO-9/1-20": (150, 180)}
    assert promise.completion == 180
    assert bottleneck_operation(URGENT, promise).id == "SO-9/1-10"  # it waited for SMT, not its material


def test_c7_late_material_for_one_step_moves_only_that_step_and_what_follows():
    late = CONNECTORS + 100
    result = repair(PLANT, CURRENT, MaterialLate("SO-1/1", late, operation="SO-1/1-20"))
    assert result.problem.job("SO-1/1").operations[1].release == late
    assert result.problem.job("SO-1/1").release == 0
    assert violations(result.problem, result.schedule.assignments) == []
    assert [m.operation for m in result.impact.moved] == ["SO-1/1-20", "SO-1/1-30"]
    times = _times(result.schedule.assignments)
    assert times["SO-1/1-20"] == (late, late + 30)
    assert times["SO-1/1-30"] == (late + 30, late + 50)


def test_c7_late_material_for_one_step_never_moves_work_already_started():
    late = CONNECTORS + 100
    result = repair(PLANT, CURRENT, MaterialLate("SO-1/1", late, operation="SO-1/1-20"), now=30, time_limit=1)
    assert violations(result.problem, result.schedule.assignments) == []
    times = _times(result.schedule.assignments)
    assert times["SO-1/1-10"] == (0, 60)
    assert times["SO-2/1-10"] == (0, 50)
    assert times["SO-1/1-20"][0] >= late


def test_c7_late_material_for_a_step_of_another_order_or_an_unknown_order_is_refused():
    with pytest.raises(InvalidProblem):
        repair(PLANT, CURRENT, MaterialLate("SO-1/1", 300, operation="SO-2/1-10"))
    with pytest.raises(UnknownJob):
        repair(PLANT, CURRENT, MaterialLate("SO-404/1", 300, operation="SO-1/1-20"))


def test_c3_the_validator_reports_a_step_started_before_its_own_release():
    early = tuple(replace(a, start=100, end=130) if a.operation == "SO-1/1-20" else a for a in CURRENT.assignments)
    found = violations(PLANT, early)
    assert found == [f"SO-1/1-20 starts at 100, before its own release {CONNECTORS} (its material)"]


def test_c6_lower_bounds_count_the_wait_for_a_steps_material():
    problem = Problem(
        (Resource("M1"), Resource("M2")),
        (Job("SO-1/1", (Operation("SO-1/1-10", 10, ("M1",)), Operation("SO-1/1-20", 10, ("M2",), release=100)), due=50, weight=2),),
    )
    assert problem.jobs[0].heads() == (0, 100)
    assert trivial_lower_bound(problem, "makespan") == 110
    assert trivial_lower_bound(problem, "weighted-tardiness") == 2 * (110 - 50)
    schedule = solve(problem, "weighted-tardiness", time_limit=1)
    assert (schedule.status, schedule.value, schedule.lower_bound) == ("optimal", 120, 120)
