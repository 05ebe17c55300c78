"""The audit hash chain (M1) detects edits, deletions and a cut tail."""
from __future__ import annotations

from jidan.domain.audit import GENESIS, event_hash, verify_chain


def chain(n: int) -> list[dict]:
    events, prev = [], GENESIS
    for seq in range(1, n + 1):
        e = {"seq": seq, "at": f"2026-11-24 09:{seq:02d}:00", "actor_id": 1, "actor": "pmc", "role": "pmc",
             "entity": "order", "entity_id": "7", "action": "review", "old": {"status": "submitted"},
             "new": {"status": "reviewed"}, "reason": None, "prev_hash": prev}
        e["hash"] = prev = event_hash(prev, e)
        events.append(e)
    return events


def test_m1_an_untouched_chain_verifies():
    events = chain(5)
    assert verify_chain(events, (5, events[-1]["hash"])) == []


def test_m1_an_edited_event_breaks_the_chain():
    events = chain(5)
    events[2]["reason"] = "rewritten later"
    assert any("event 3" in p for p in verify_chain(events))


def test_m1_a_deleted_event_breaks_the_chain():
    events = chain(5)
    del events[1]
    assert verify_chain(events)


def test_m1_a_deleted_last_event_is_caught_by_the_head():
    events = chain(5)
    head = (5, events[-1]["hash"])
    assert verify_chain(events[:-1], head)
