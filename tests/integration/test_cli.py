"""The `jidan` command: every failure is one line on stderr and a non-zero exit, never a traceback."""
from __future__ import annotations

import pytest
from typer.testing import CliRunner

from jidan.cli import app
from jidan.config import get_settings


@pytest.fixture
def jidan(sqlite_url, monkeypatch, tmp_path):
    """Runs `jidan ARGS…` against a new database that was never migrated."""
    monkeypatch.setenv("JIDAN_DATABASE_URL", sqlite_url)
    monkeypatch.setenv("JIDAN_AUDIT_KEY_FILE", str(tmp_path / "instance" / "audit.key"))
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


def test_demo_makes_the_audit_key_outside_the_database_when_it_is_missing(jidan, tmp_path):
    assert jidan("demo", "--orders", 1).exit_code == 0
    key = tmp_path / "instance" / "audit.key"
    assert len(key.read_text().strip()) == 64 and key.stat().st_mode & 0o077 == 0
    assert "intact" in jidan("audit", "verify").output  # the head it signed checks with that key


# --- the clock file (issue 20 section 5) -----------------------------------------------------

def test_clock_set_advance_and_show_write_and_read_the_clock_file(jidan, tmp_path, monkeypatch):
    clock = tmp_path / "clock.txt"
    monkeypatch.setenv("JIDAN_CLOCK_FILE", str(clock))
    assert jidan("clock", "set", "2026-11-24T09:10").exit_code == 0
    assert clock.read_text().strip() == "2026-11-24T09:10:00"
    assert "2026-11-24T11:10" in jidan("clock", "advance", "2h").output
    assert jidan("clock", "advance", "1d 30m").exit_code == 0
    assert jidan("clock", "show").output.strip() == "2026-11-25T11:40"
    assert jidan("clock", "set", "2026-11-24T09:10+00:00").exit_code == 0  # an offset becomes factory time
    assert clock.read_text().strip() == "2026-11-24T17:10:00"


def test_clock_commands_refuse_bad_input_in_one_line(jidan, tmp_path, monkeypatch):
    assert one_line_error(jidan("clock", "set", "2026-11-24T09:10")).startswith("clock.no_file:")
    monkeypatch.setenv("JIDAN_CLOCK_FILE", str(tmp_path / "clock.txt"))
    get_settings.cache_clear()
    assert one_line_error(jidan("clock", "advance", "2h")).startswith("clock.file_missing:")
    assert one_line_error(jidan("clock", "set", "tomorrow")).startswith("clock.bad_time:")
    jidan("clock", "set", "2026-11-24T09:10")
    assert one_line_error(jidan("clock", "advance", "2 hours")).startswith("clock.bad_duration:")


@pytest.mark.parametrize("content", [None, "not a time"])
@pytest.mark.parametrize("command", [("serve", "--port", "18931"), ("worker", "--once")])
def test_serve_and_worker_stop_at_start_on_a_missing_or_bad_clock_file(jidan, tmp_path, monkeypatch,
                                                                     content, command):
    clock = tmp_path / "clock.txt"
    if content is not None:
        clock.write_text(content)
    monkeypatch.setenv("JIDAN_CLOCK_FILE", str(clock))
    jidan("migrate")
    line = one_line_error(jidan(*command))
    assert line.startswith("clock.file_missing:" if content is None else "clock.bad_time:")
    assert str(clock) in line


def test_the_served_app_and_the_worker_read_now_from_the_clock_file_on_each_use(sqlite_url, tmp_path, jidan,
                                                                                 monkeypatch):
    from fastapi.testclient import TestClient

    from jidan.adapters.db.migrate import upgrade
    from jidan.bootstrap import build
    from jidan.config import Settings
    from jidan.http.app import create_app
    from jidan.worker import build_worker
    from tests.support import PASSWORD, FastHasher, seed

    clock = tmp_path / "clock.txt"
    monkeypatch.setenv("JIDAN_CLOCK_FILE", str(clock))
    jidan("clock", "set", "2026-11-24T09:10")
    upgrade(sqlite_url)
    ctx = build(Settings(database_url=sqlite_url, clock_file=str(clock), _env_file=None))
    ctx.hasher = FastHasher()
    seed(ctx)
    body = {"customer": "C001", "customer_po": "PO-CLOCK", "requested_date": "2026-12-20",
            "lines": [{"product": "SCB-200", "quantity": 10}]}
    with TestClient(create_app(ctx)) as client:
        token = client.post("/api/v1/auth/token", data={"username": "sales", "password": PASSWORD}).json()
        auth = {"Authorization": f"Bearer {token['access_token']}"}
        first = client.post("/api/v1/orders", json=body, headers=auth).json()
        jidan("clock", "advance", "3h")
        second = client.post("/api/v1/orders", json={**body, "customer_po": "PO-LATER"}, headers=auth).json()
        jidan("clock", "advance", "1d")
        expired = client.get("/api/v1/orders", headers=auth)
    assert (first["created_at"], second["created_at"]) == ("2026-11-24T09:10:00", "2026-11-24T12:10:00")
    assert expired.status_code == 401  # a 12-hour session is over a day later, by the same clock
    assert build_worker(ctx).ctx.now().isoformat() == "2026-11-25T12:10:00"
    ctx.engine.dispose()


def test_an_audit_anchor_that_cannot_be_written_stops_serve_at_start_in_one_line(jidan, tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    monkeypatch.setenv("JIDAN_AUDIT_ANCHOR", str(blocker / "anchor.log"))
    jidan("migrate")
    assert one_line_error(jidan("serve", "--port", "18932")).startswith("file.error:")
