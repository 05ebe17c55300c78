"""The `jidan` command: every failure is one line on stderr and a non-zero exit, never a traceback."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from jidan.cli import app
from jidan.config import get_settings


@pytest.fixture
def jidan(sqlite_url, monkeypatch):
    """Runs `jidan ARGS…` against a new database that was never migrated."""
    monkeypatch.setenv("JIDAN_DATABASE_URL", sqlite_url)
    get_settings.cache_clear()
    yield lambda *args: CliRunner().invoke(app, [str(a) for a in args])
    get_settings.cache_clear()


def one_line_error(result) -> str:
    """The error the command printed, checked to be one line with no traceback."""
    assert result.exit_code != 0, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    return lines[0]


def test_solve_with_an_unknown_objective_names_the_valid_objectives_in_one_line(jidan, tmp_path):
    result = jidan("solve", tmp_path / "problem.json", "--objective", "foo")
    assert result.exit_code == 2
    line = one_line_error(result)
    assert line.startswith("usage:") and "makespan" in line and "weighted-tardiness" in line


def test_an_unknown_command_is_one_line(jidan):
    assert one_line_error(jidan("nosuch")) == "usage: No such command 'nosuch'."


def test_solve_of_a_missing_problem_file_is_one_line(jidan, tmp_path):
    line = one_line_error(jidan("solve", tmp_path / "missing.json", "--time-limit", 0))
    assert line.startswith("file.error:") and "missing.json" in line


def test_solve_of_a_broken_problem_file_gives_the_planning_error_code(jidan, tmp_path):
    path = tmp_path / "problem.json"
    path.write_text("{not json", encoding="utf-8")
    line = one_line_error(jidan("solve", path, "--time-limit", 0))
    assert line.startswith("planning.invalid_problem:")


def test_a_command_on_a_database_never_migrated_says_so_in_one_line(jidan):
    line = one_line_error(jidan("users", "list"))
    assert line.startswith("database.error:") and "users" in line


def test_a_domain_error_is_its_code_detail_and_fields_on_one_line(jidan):
    jidan("migrate")
    line = one_line_error(jidan("users", "add", "bob", "wizard", "--password", "x"))
    assert line == "validation_failed: the user is not valid (role: unknown_role, password: too_short)"


def test_import_as_an_unknown_user_is_refused_in_one_line(jidan, tmp_path):
    jidan("migrate")
    line = one_line_error(jidan("import", tmp_path / "orders.csv", "--user", "nobody"))
    assert line == "user.not_found: unknown user nobody"


def test_demo_migrates_a_new_database_first_and_then_refuses_to_load_twice(jidan):
    first = jidan("demo", "--orders", 2)
    assert first.exit_code == 0, first.output
    assert "golden_order" in first.output
    listed = jidan("users", "list")
    assert listed.exit_code == 0 and "sales" in listed.output
    assert "already loaded" in jidan("demo", "--if-empty").output
    assert one_line_error(jidan("demo")).startswith("demo.not_empty:")
