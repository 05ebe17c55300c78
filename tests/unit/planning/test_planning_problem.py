import json

import pytest

from jidan.planning.errors import InvalidProblem, PlanningError, UnknownJob
from jidan.planning.formats import load_problem, parse_orlib, problem_from_dict, problem_to_dict
from jidan.planning.problem import Job, Operation, Problem, Resource

PLANT = {
    "resources": [{"id": "WC11", "unavailable": [[600, 720]]}, {"id": "WC12"}],
    "jobs": [
        {
            "id": "SO-1001/1",
            "release": 0,
            "due": 2880,
            "weight": 4,
            "operations": [{"id": "SO-1001/1-10", "duration": 45, "resources": ["WC11", "WC12"]}],
        }
    ],
}


def _with_job(**changes):
    job = {**PLANT["jobs"][0], **changes}
    return {**PLANT, "jobs": [job]}


def _with_operation(**changes):
    return _with_job(operations=[{**PLANT["jobs"][0]["operations"][0], **changes}])


@pytest.mark.parametrize(
    ("data", "field_part"),
    [
        (_with_operation(resources=["WC99"]), "resources"),
        (_with_operation(duration=-5), "duration"),
        (_with_operation(resources=[]), "resources"),
        (_with_job(operations=[]), "operations"),
        (_with_job(weight=-1), "weight"),
        ({**PLANT, "resources": [{"id": "WC11"}, {"id": "WC11"}]}, "resources"),
        ({**PLANT, "resources": [{"id": "WC11", "unavailable": [[720, 600]]}, {"id": "WC12"}]}, "unavailable"),
        (_with_job(operations=[PLANT["jobs"][0]["operations"][0]] * 2), "operations"),
        ({"jobs": []}, "resources"),
    ],
)
def test_c1_an_invalid_problem_is_refused_naming_the_field(data, field_part):
    with pytest.raises(InvalidProblem) as caught:
        problem_from_dict(data)
    assert caught.value.code == "planning.invalid_problem"
    assert field_part in caught.value.field


def test_c1_planning_errors_share_one_base_with_stable_codes():
    assert issubclass(InvalidProblem, PlanningError)
    assert UnknownJob.code == "planning.unknown_job"
    problem = problem_from_dict(PLANT)
    with pytest.raises(UnknownJob):
        problem.job("SO-404/1")


def test_c1_json_problem_round_trips_through_a_file(tmp_path):
    path = tmp_path / "plant.json"
    path.write_text(json.dumps(PLANT), encoding="utf-8")
    problem = load_problem(path)
    assert problem.job("SO-1001/1").weight == 4
    assert problem.resource_by_id["WC11"].unavailable == ((600, 720),)
    assert problem_to_dict(problem) == {**PLANT, "resources": [PLANT["resources"][0], {"id": "WC12", "unavailable": []}]}


def test_c1_overlapping_downtime_windows_are_merged():
    resource = Resource("WC11", ((100, 200), (150, 300), (300, 310), (500, 600)))
    assert resource.unavailable == ((100, 310), (500, 600))


def test_c3_orlib_job_shop_file_is_read_with_comments_skipped(tmp_path):
    path = tmp_path / "tiny.txt"
    path.write_text("# two jobs, two machines\n2 2\n0 3 1 2\n1 4 0 1\n", encoding="utf-8")
    problem = load_problem(path)
    assert [r.id for r in problem.resources] == ["M0", "M1"]
    assert problem.jobs[1].operations == (Operation("J1-0", 4, ("M1",)), Operation("J1-1", 1, ("M0",)))
    assert (problem.jobs[0].release, problem.jobs[0].due, problem.jobs[0].weight) == (0, 0, 1)


@pytest.mark.parametrize("text", ["", "2\n", "2 2\n0 3 1\n1 4 0 1\n", "1 2\n0 3 5 2\n", "2 2\n0 3 1 2\n", "1 1\n0 x\n"])
def test_c3_malformed_orlib_file_is_refused(text):
    with pytest.raises(InvalidProblem):
        parse_orlib(text)


def test_c4_with_job_adds_or_replaces_an_order():
    problem = problem_from_dict(PLANT)
    urgent = Job("SO-2000/1", (Operation("SO-2000/1-10", 30, ("WC12",)),), release=100, due=200, weight=8)
    bigger = problem.with_job(urgent)
    assert [j.id for j in bigger.jobs] == ["SO-1001/1", "SO-2000/1"]
    assert bigger.without_job("SO-2000/1") == problem
    with pytest.raises(InvalidProblem):
        Problem(problem.resources, (urgent, urgent))
