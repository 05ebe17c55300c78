"""The Alembic migrations build exactly the schema that tables.py declares."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine

from jidan.adapters.db.migrate import upgrade
from jidan.adapters.db.tables import metadata


def test_migrations_create_the_declared_schema_with_nothing_missing_or_extra(database_url):
    upgrade(database_url)
    engine = create_engine(database_url)
    try:
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), metadata)
    finally:
        engine.dispose()
    assert diff == []
