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


# --- the anchor outside the database (issue 21 finding 4) ------------------------------------

KEY = "the-audit-key-the-database-never-holds"


@pytest.fixture(name="anchored")
def anchored_trail(database_url, tmp_path, monkeypatch):
    """A trail written with the audit key and the anchor file, and the CLI set up the same way."""
    from jidan.bootstrap import build
    from jidan.config import Settings, get_settings
    from tests.support import FakeClock, FastHasher, seed
    from jidan.adapters.db.migrate import upgrade
    anchor = tmp_path / "audit-anchor.log"
    env = {"JIDAN_DATABASE_URL": database_url, "JIDAN_AUDIT_KEY": KEY, "JIDAN_AUDIT_ANCHOR": str(anchor),
           "JIDAN_AUDIT_KEY_FILE": str(tmp_path / "no.key")}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    upgrade(database_url)
    ctx = build(Settings(database_url=database_url, audit_key=KEY, audit_anchor=str(anchor), _env_file=None),
                clock=FakeClock())
    ctx.hasher = FastHasher()
    actors = seed(ctx)
    ctx.anchor_path, ctx.actors = anchor, actors
    more_changes(ctx, 2)
    yield ctx
    ctx.engine.dispose()
    get_settings.cache_clear()


def more_changes(ctx, n: int) -> None:
    for i in range(n):
        view = intake.create_order(ctx, ctx.actors["sales"], NewOrder(
            "C001", f"PO-A{i}-{ctx.now():%H%M%S}-{len(ctx.anchor_path.read_text())}", DAY1.date().replace(day=30),
            (NewLine("SCB-200", 5),)))
        lifecycle.act(ctx, ctx.actors["pmc"], view["id"], "review")


def verify_anchored(*extra):
    return CliRunner().invoke(app, ["audit", "verify", *extra])


def head_row(ctx):
    with ctx.engine.connect() as conn:
        return conn.execute(text("SELECT seq, hash, mac FROM audit_head")).one()


def test_m1_every_commit_that_writes_events_appends_the_signed_head_to_the_anchor(anchored):
    lines = anchored.anchor_path.read_text().splitlines()
    seq, hash_, mac = head_row(anchored)
    assert f'"seq":{seq},"hash":"{hash_}"' in lines[-1] and mac
    result = verify_anchored()
    assert result.exit_code == 0, result.output
    assert "intact" in result.output and "anchor" in result.output


def test_m1_cutting_the_tail_and_moving_the_head_is_caught_by_the_signature_and_the_anchor(anchored):
    seq, *_ = head_row(anchored)
    tamper(anchored, f"DELETE FROM audit_events WHERE seq > {seq - 3}")
    tamper(anchored, f"UPDATE audit_head SET seq = {seq - 3}, hash = "
                     f"(SELECT hash FROM audit_events WHERE seq = {seq - 3})")
    result = verify_anchored()
    assert result.exit_code == 1
    assert "signature does not match" in result.output
    assert f"trail ends at event {seq - 3}" in result.output


def test_m1_deleting_the_whole_trail_is_caught_by_the_anchor(anchored):
    tamper(anchored, "DELETE FROM audit_events")
    tamper(anchored, "DELETE FROM audit_head")
    assert verify_anchored("--anchor", str(anchored.anchor_path)).exit_code == 1
    # without the anchor, an empty trail is all the database can tell
    import os
    os.environ.pop("JIDAN_AUDIT_ANCHOR")
    from jidan.config import get_settings
    get_settings.cache_clear()
    assert verify_anchored().exit_code == 0


def test_m1_rolling_back_to_an_older_signed_head_is_caught_by_the_anchor_only(anchored, monkeypatch):
    old = head_row(anchored)
    more_changes(anchored, 2)
    tamper(anchored, f"DELETE FROM audit_events WHERE seq > {old.seq}")
    tamper(anchored, f"UPDATE audit_head SET seq = {old.seq}, hash = '{old.hash}', mac = '{old.mac}'")
    monkeypatch.delenv("JIDAN_AUDIT_ANCHOR")
    from jidan.config import get_settings
    get_settings.cache_clear()
    assert verify_anchored().exit_code == 0  # an old copy is a consistent, signed trail…
    result = verify_anchored("--anchor", str(anchored.anchor_path))
    assert result.exit_code == 1  # …that the anchor knows is not the latest
    assert "rolled back" in result.output


def test_m1_editing_an_event_and_rehashing_the_chain_is_caught(anchored):
    from jidan.domain.audit import event_hash
    with anchored.uow() as uow:  # read as the verifier reads, rewrite as an attacker would
        rows = list(uow.audit.all())
    target = next(r for r in rows if r["action"] == "review")
    target["reason"] = "nothing happened"
    prev = target["prev_hash"]
    with anchored.engine.begin() as conn:
        for row in rows[target["seq"] - 1:]:
            row["prev_hash"], row["hash"] = prev, event_hash(prev, row)
            prev = row["hash"]
            conn.execute(text("UPDATE audit_events SET reason = :reason, prev_hash = :prev_hash, "
                              "hash = :hash WHERE seq = :seq"), row)
        conn.execute(text("UPDATE audit_head SET hash = :hash"), {"hash": prev})
    result = verify_anchored()
    assert result.exit_code == 1
    assert "content was changed" not in result.output  # the chain itself holds together…
    assert "signature does not match" in result.output and "rewritten" in result.output


def test_m1_a_forged_anchor_line_is_refused(anchored):
    path = anchored.anchor_path
    lines = path.read_text().splitlines()
    lines[-1] = lines[-1].replace('"seq":', '"seq":1', 1)
    path.write_text("\n".join(lines) + "\n")
    result = verify_anchored()
    assert result.exit_code == 1 and "signature does not match (forged" in result.output


def test_m1_an_anchor_that_cannot_be_written_does_not_undo_the_committed_change(anchored, caplog):
    anchored.anchor_path.unlink()
    anchored.anchor_path.mkdir()  # now a directory: appending fails
    before = head_row(anchored).seq
    more_changes_without_anchor_text(anchored)
    assert head_row(anchored).seq > before
    assert "audit anchor" in caplog.text


def more_changes_without_anchor_text(ctx) -> None:
    intake.create_order(ctx, ctx.actors["sales"], NewOrder("C001", "PO-DIR", DAY1.date().replace(day=30),
                                                           (NewLine("SCB-200", 5),)))
