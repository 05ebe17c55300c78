import json

import pytest

from jidan.planning.commands import insert_command, solve_command
from jidan.planning.errors import InvalidProblem
from jidan.planning.formats import load_problem
from jidan.planning.result import Schedule
from jidan.planning.validate import violations

PLANT = {
    "resources": [{"id": "WC11", "unavailable": [[600, 720]]}, {"id": "WC12"}],
    "jobs": [
        {
            "id": f"SO-{1001 + k}/1",
            "release": 0,
            "due": 300 + 100 * k,
            "weight": 1 + k % 3,
            "operations": [
                {"id": f"SO-{1001 + k}/1-10", "duration": 60 + 10 * k, "resources": ["WC11", "WC12"]},
                {"id": f"SO-{1001 + k}/1-20", "duration": 45, "resources": ["WC11"]},
            ],
        }
        for k in range(6)
    ],
}
URGENT = {
    "id": "SO-2001/1",
    "release": 120,
    "due": 400,
    "weight": 8,
    "operations": [
        {"id": "SO-2001/1-10", "duration": 50, "resources": ["WC11"]},
        {"id": "SO-2001/1-20", "duration": 30, "resources": ["WC12"]},
    ],
}


def _write(path, data):
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def test_c3_solve_command_writes_a_valid_schedule_and_returns_its_summary(tmp_path):
    problem_path = _write(tmp_path / "plant.json", PLANT)
    out = tmp_path / "schedule.json"
    summary = solve_command(problem_path, "weighted-tardiness", 0.5, out, workers=1, seed=7)
    written = json.loads(out.read_text(encoding="utf-8"))
    assert set(summary) == {"status", "objective", "value", "lower_bound", "seconds"}
    assert {k: written[k] for k in ("status", "objective", "value", "lower_bound")} == {
        k: summary[k] for k in ("status", "objective", "value", "lower_bound")
    }
    assert violations(load_problem(problem_path), Schedule.from_dict(written).assignments) == []


def test_c3_solve_command_reads_orlib_text_files(tmp_path):
    problem_path = tmp_path / "ft.txt"
    problem_path.write_text("2 2\n0 3 1 2\n1 4 0 1\n", encoding="utf-8")
    summary = solve_command(problem_path, "makespan", 1, tmp_path / "out.json")
    assert (summary["value"], summary["status"]) == (6, "optimal")


def test_c3_solve_command_refuses_a_broken_problem_file(tmp_path):
    problem_path = tmp_path / "bad.json"
    problem_path.write_text('{"resources": [', encoding="utf-8")
    with pytest.raises(InvalidProblem):
        solve_command(problem_path, "makespan", 0, tmp_path / "out.json")


def test_c4_insert_command_writes_the_new_plan_with_its_impact(tmp_path):
    current_path = tmp_path / "current.json"
    solve_command(_write(tmp_path / "plant.json", PLANT), "weighted-tardiness", 0.5, current_path)
    bigger = _write(tmp_path / "bigger.json", {**PLANT, "jobs": [*PLANT["jobs"], URGENT]})
    out = tmp_path / "new.json"
    summary = insert_command(bigger, current_path, "SO-2001/1", 0.5, out)
    written = json.loads(out.read_text(encoding="utf-8"))
    assert set(written["impact"]) == {"moved", "slipped"}
    assert summary["operations_moved"] == len(written["impact"]["moved"])
    assert summary["urgent_completion"] == max(a["end"] for a in written["assignments"] if a["job"] == "SO-2001/1")
    assert summary["urgent_completion"] <= 120 + 1.25 * (summary["earliest_possible"] - 120)
    assert summary["weighted_tardiness_after"] == written["value"]
    assert violations(load_problem(bigger), Schedule.from_dict(written).assignments) == []
    old = {a["operation"]: a for a in json.loads(current_path.read_text(encoding="utf-8"))["assignments"]}
    for a in written["assignments"]:
        if a["operation"] in old and old[a["operation"]]["start"] < 120:
            assert a == old[a["operation"]]


def test_c4_insert_command_says_whether_it_kept_both_promises_and_what_push_later_would_give(tmp_path):
    current_path = tmp_path / "current.json"
    solve_command(_write(tmp_path / "plant.json", PLANT), "weighted-tardiness", 0.5, current_path)
    bigger = _write(tmp_path / "bigger.json", {**PLANT, "jobs": [*PLANT["jobs"], URGENT]})
    summary = insert_command(bigger, current_path, "SO-2001/1", 0.5, tmp_path / "new.json")
    assert summary["traded"] is None and summary["orders_newly_late"] <= 5
    assert summary["push_later_newly_late"] >= 0 and summary["push_later_weighted_tardiness_of_others"] >= 0
