"""Backups of the database: SQLite through its online backup API, PostgreSQL through pg_dump.

SQLite's backup API copies a consistent snapshot page by page while the server keeps running
(WAL included), which copying the file would not; restoring goes the same way in reverse, so a
reader never sees half a database.
"""
from __future__ import annotations

import shutil
import sqlite3
import subprocess
from contextlib import closing
from pathlib import Path

from sqlalchemy.engine import make_url

from jidan.domain import errors

SQLITE_MAGIC = b"SQLite format 3\x00"


def sqlite_path(url: str) -> Path | None:
    """The database file of a SQLite URL; None for any other database."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return None
    if not parsed.database or parsed.database == ":memory:":
        raise errors.JidanError("an in-memory SQLite database has nothing to back up", code="backup.memory")
    return Path(parsed.database)


def libpq_url(url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore read it (no driver name)."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def backup_sqlite(database: Path, target: Path) -> None:
    with closing(sqlite3.connect(database, timeout=30)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)


def restore_sqlite(source: Path, database: Path) -> None:
    """Copies a backup over the database; refuses a file that is not a jidan SQLite database."""
    with open(source, "rb") as f:
        if f.read(len(SQLITE_MAGIC)) != SQLITE_MAGIC:
            raise errors.JidanError(f"{source} is not a SQLite database", code="restore.not_a_backup")
    with closing(sqlite3.connect(f"file:{source}?mode=ro", uri=True)) as backup:
        if not backup.execute("SELECT 1 FROM sqlite_master WHERE name = 'audit_events'").fetchone():
            raise errors.JidanError(f"{source} is not a jidan database (no audit trail)",
                                    code="restore.not_a_backup")
        with closing(sqlite3.connect(database, timeout=30)) as live:
            backup.backup(live)


def pg_tool(name: str, url: str, *args: str) -> None:
    """Runs pg_dump or pg_restore on the database; a clear error when it is not installed or fails."""
    program = shutil.which(name)
    if program is None:
        hint = ("pg_dump --format=custom --file FILE" if name == "pg_dump"
                else "pg_restore --clean --if-exists --no-owner --dbname URL FILE")
        raise errors.JidanError(f"PostgreSQL is backed up with its own tools and {name} is not on PATH: "
                                f"install the PostgreSQL client of the server's version and run "
                                f"`{hint}`, or put it on PATH and run this again",
                                code=f"backup.{name}_missing")
    done = subprocess.run([program, *args, libpq_url(url)] if name == "pg_dump"
                          else [program, "--dbname", libpq_url(url), *args],
                          capture_output=True, text=True)
    if done.returncode != 0:
        message = next(iter(done.stderr.strip().splitlines()), f"exit status {done.returncode}")
        raise errors.JidanError(f"{name} failed: {message}", code=f"backup.{name}_failed")
