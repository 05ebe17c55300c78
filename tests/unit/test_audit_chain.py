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


# --- the anchor (issue 21) --------------------------------------------------------------------

from jidan.domain.audit import anchor_line, check_anchor, read_anchor  # noqa: E402

KEY = b"k"


def anchor(*heads: tuple[str, int, str]) -> str:
    return "".join(anchor_line(KEY, kind, seq, h, f"2026-11-24T09:{seq:02d}:00+00:00") for kind, seq, h in heads)


def test_m1_an_anchor_matching_the_trail_has_no_problems_and_notes_what_is_not_anchored_yet():
    events = chain(5)
    entries, bad = read_anchor(anchor(("head", 2, events[1]["hash"]), ("head", 4, events[3]["hash"])), KEY)
    problems, notes = check_anchor(entries, {e["seq"]: e["hash"] for e in events}, 5)
    assert (bad, problems) == ([], []) and notes == ["events 5–5 are not anchored yet"]


def test_m1_the_anchor_catches_a_cut_trail_and_a_rewritten_one():
    events = chain(5)
    text = anchor(("head", 5, events[4]["hash"]))
    entries, _ = read_anchor(text, KEY)
    assert "trail ends at event 3" in check_anchor(entries, {}, 3)[0][0]
    assert "rewritten" in check_anchor(entries, {5: "0" * 64}, 5)[0][0]


def test_m1_a_signed_restore_line_turns_the_rollback_into_a_note():
    events = chain(5)
    text = anchor(("head", 5, events[4]["hash"]), ("restore", 3, events[2]["hash"]))
    entries, _ = read_anchor(text, KEY)
    problems, notes = check_anchor(entries, {3: events[2]["hash"]}, 3)
    assert problems == [] and "events 4–5 anchored before it are not in the trail" in notes[0]


def test_m1_an_anchor_line_signed_with_another_key_or_edited_is_refused():
    text = anchor(("head", 5, "a" * 64))
    assert "signature does not match" in read_anchor(text, b"other")[1][0]
    assert "signature does not match" in read_anchor(text.replace('"seq":5', '"seq":9'), KEY)[1][0]
    assert "not a valid anchor line" in read_anchor("garbage\n", KEY)[1][0]
