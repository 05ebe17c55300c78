"""`jidan audit verify` finds any audit row edited or deleted behind the system's back (M1)."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from typer.testing import CliRunner

from jidan.cli import app
from jidan.services.orders import intake, lifecycle
from jidan.services.orders.intake import NewLine, NewOrder
from tests.support import DAY1

pytestmark = pytest.mark.xdist_group("db")


@pytest.fixture
def trail(ctx, actors, database_url, monkeypatch):
    """A few audited changes, and the CLI pointed at the same database."""
    view = intake.create_order(ctx, actors["sales"], NewOrder("C001", "PO-T", DAY1.date().replace(day=30),
                                                              (NewLine("SCB-200", 5),)))
    lifecycle.act(ctx, actors["pmc"], view["id"], "review")
    lifecycle.act(ctx, actors["management"], view["id"], "approve")
    monkeypatch.setenv("JIDAN_DATABASE_URL", database_url)
    from jidan.config import get_settings
    get_settings.cache_clear()
    yield ctx
    get_settings.cache_clear()


def verify_cli():
    return CliRunner().invoke(app, ["audit", "verify"])


def tamper(ctx, sql: str) -> None:
    with ctx.engine.begin() as conn:
        conn.execute(text(sql))


def test_m1_audit_verify_passes_on_an_untouched_trail(trail):
    result = verify_cli()
    assert result.exit_code == 0, result.output
    assert "intact" in result.output


def test_m1_editing_one_audit_row_in_sql_is_detected(trail):
    tamper(trail, "UPDATE audit_events SET reason = 'nothing happened' WHERE action = 'review'")
    result = verify_cli()
    assert result.exit_code == 1 and "content was changed" in result.output


def test_m1_deleting_one_audit_row_in_sql_is_detected(trail):
    tamper(trail, "DELETE FROM audit_events WHERE action = 'review'")
    result = verify_cli()
    assert result.exit_code == 1 and "missing" in result.output


def test_m1_deleting_the_newest_audit_row_is_detected(trail):
    tamper(trail, "DELETE FROM audit_events WHERE seq = (SELECT MAX(seq) FROM audit_events)")
    assert verify_cli().exit_code == 1
