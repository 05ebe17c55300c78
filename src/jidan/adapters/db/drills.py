"""The copies of the database that emergency drills (演练) run on (J4, issue 23).

A drill is the real machinery on a copy: every write it makes (its emergency, re-plan, notices,
outbox rows, timers, audit events) lands in the copy, so the real plan, orders, audit chain and
outbox cannot change. Each copy is a SQLite file in the drill directory: from SQLite through the
online backup API (a consistent snapshot while the server runs), from PostgreSQL by copying every
table in one repeatable-read transaction into a new SQLite file with the same schema. The copy's
units of work have no audit anchor, so the real anchor file never hears of a drill.
"""
from __future__ import annotations

import hashlib
import re
import tempfile
import threading
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.orm import sessionmaker

from jidan.adapters.db import tables
from jidan.adapters.db.backup import backup_sqlite, sqlite_path
from jidan.adapters.db.engine import make_engine
from jidan.adapters.db.uow import SqlUnitOfWork
from jidan.domain import errors

DRILL_ID = re.compile(r"^[0-9a-f]{12}$")


class DrillCopies:
    """Drill id → its SQLite copy, with one engine per copy kept while the process runs."""

    def __init__(self, url: str, engine: Engine, directory: Path, audit_key: bytes | None = None):
        self.url, self.engine, self.directory, self.audit_key = url, engine, Path(directory), audit_key
        self._engines: dict[str, Engine] = {}
        self._lock = threading.Lock()

    def _path(self, drill_id: str) -> Path:
        if not DRILL_ID.match(drill_id or ""):
            raise errors.NotFound(f"drill {drill_id!r} not found", code="emergency.drill_not_found")
        return self.directory / f"drill-{drill_id}.db"

    def create(self, drill_id: str) -> None:
        target = self._path(drill_id)
        self.directory.mkdir(parents=True, exist_ok=True)
        source = sqlite_path(self.url)
        if source is not None:
            backup_sqlite(source, target)
        else:
            self._copy_tables(target)

    def _copy_tables(self, target: Path) -> None:
        copy = make_engine(f"sqlite:///{target}")
        try:
            tables.metadata.create_all(copy)
            with self.engine.connect().execution_options(isolation_level="REPEATABLE READ") as source, \
                    copy.begin() as into:
                for table in tables.metadata.sorted_tables:
                    rows = [dict(r._mapping) for r in source.execute(select(table))]
                    if rows:
                        into.execute(table.insert(), rows)
        finally:
            copy.dispose()

    def unit_of_work(self, drill_id: str) -> Callable[[], SqlUnitOfWork]:
        path = self._path(drill_id)
        if not path.exists():
            raise errors.NotFound(f"drill {drill_id} not found", code="emergency.drill_not_found")
        with self._lock:
            engine = self._engines.get(drill_id)
            if engine is None:
                engine = self._engines[drill_id] = make_engine(f"sqlite:///{path}")
        factory = sessionmaker(bind=engine, expire_on_commit=False)
        return lambda: SqlUnitOfWork(factory, self.audit_key, None)

    def ids(self) -> list[str]:
        if not self.directory.exists():
            return []
        return sorted(p.stem.removeprefix("drill-") for p in self.directory.glob("drill-*.db"))

    def drop(self, drill_id: str) -> None:
        path = self._path(drill_id)
        with self._lock:
            engine = self._engines.pop(drill_id, None)
        if engine is not None:
            engine.dispose()
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)


def drill_directory(url: str, configured: str | None = None) -> Path:
    """Where the copies live: next to a SQLite database, else in the temporary directory."""
    if configured:
        return Path(configured)
    source = sqlite_path(url) if url.startswith("sqlite") and ":memory:" not in url else None
    if source is not None:
        return source.with_name(source.name + ".drills")
    return Path(tempfile.gettempdir()) / f"jidan-drills-{hashlib.sha256(url.encode()).hexdigest()[:12]}"
