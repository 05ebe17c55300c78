"""The hash chain of audit events (M1): each event seals the one before it."""
from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Iterable, Mapping

GENESIS = "0" * 64
SEALED_FIELDS = ("seq", "at", "actor_id", "actor", "role", "entity", "entity_id", "action",
                 "old", "new", "reason")


@dataclass(frozen=True)
class AuditEvent:
    """One sealed event of the trail (M1): who, in which role, did what to which record, old → new,
    when and why, chained to the event before it."""

    seq: int
    at: datetime
    actor_id: int | None
    actor: str
    role: str
    entity: str
    entity_id: str
    action: str
    old: dict | None
    new: dict | None
    reason: str | None
    prev_hash: str
    hash: str


def event_hash(prev_hash: str, event: Mapping[str, Any]) -> str:
    """sha256 over the previous hash and the event's sealed fields, canonically encoded."""
    body = json.dumps({k: event[k] for k in SEALED_FIELDS}, sort_keys=True, ensure_ascii=False,
                      separators=(",", ":"), default=str)
    return hashlib.sha256((prev_hash + body).encode()).hexdigest()


def verify_chain(events: Iterable[Mapping[str, Any]], head: tuple[int, str] | None = None) -> list[str]:
    """Problems found walking the chain in ``seq`` order; empty when it is intact.

    ``head`` is the (seq, hash) the writers last recorded, so a deleted tail shows too.
    """
    problems, prev, expected_seq = [], GENESIS, 1
    for event in events:
        if event["seq"] != expected_seq:
            problems.append(f"event {expected_seq} is missing (found {event['seq']})")
        if event["prev_hash"] != prev:
            problems.append(f"event {event['seq']}: previous hash does not match")
        if event_hash(event["prev_hash"], event) != event["hash"]:
            problems.append(f"event {event['seq']}: content was changed")
        prev, expected_seq = event["hash"], event["seq"] + 1
    if head is not None and head != (expected_seq - 1, prev):
        problems.append(f"chain ends at event {expected_seq - 1} but the head says {head[0]}")
    return problems


# --- the anchor outside the database (issue 21) ---------------------------------------------
# The chain proves the events agree with each other, not that they are all there: whoever can
# write the database can cut the tail, restore an old copy or rewrite and rehash the lot. Two
# things the database does not hold close that: a key that signs the head (HMAC), and a file
# outside the database that receives the signed head after every commit that wrote events.

def seal(key: bytes, *parts: object) -> str:
    """HMAC-SHA256 of the parts joined by '|', in hex."""
    return hmac.new(key, "|".join(str(p) for p in parts).encode(), hashlib.sha256).hexdigest()


def head_seal(key: bytes, seq: int, hash_: str) -> str:
    """What the writers store beside the head, so a moved or rehashed head shows without the file."""
    return seal(key, "head", seq, hash_)


@dataclass(frozen=True)
class AnchorEntry:
    """One line of the anchor file: the head after a commit ("head"), or where a deliberate
    restore (`jidan restore`) left the trail ("restore")."""

    line_no: int
    kind: str
    seq: int
    hash: str
    at: str
    mac: str


def anchor_line(key: bytes, kind: str, seq: int, hash_: str, at: str) -> str:
    """One signed line of the anchor file (JSON, newline-terminated)."""
    mac = seal(key, kind, seq, hash_, at)
    return json.dumps({"kind": kind, "seq": seq, "hash": hash_, "at": at, "mac": mac},
                      separators=(",", ":")) + "\n"


def read_anchor(text: str, key: bytes | None) -> tuple[list[AnchorEntry], list[str]]:
    """The anchor's entries and the problems with its lines (unreadable, or not signed by ``key``).

    Without a key the signatures cannot be checked; the entries are taken as they are.
    """
    entries, problems = [], []
    for n, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip():
            continue
        try:
            d = json.loads(raw)
            entry = AnchorEntry(n, str(d["kind"]), int(d["seq"]), str(d["hash"]), str(d["at"]), str(d["mac"]))
        except (ValueError, KeyError, TypeError):
            problems.append(f"anchor line {n} is not a valid anchor line")
            continue
        if entry.kind not in ("head", "restore"):
            problems.append(f"anchor line {n} is not a valid anchor line")
        elif key is not None and not hmac.compare_digest(
                seal(key, entry.kind, entry.seq, entry.hash, entry.at), entry.mac):
            problems.append(f"anchor line {n}: signature does not match (forged, or another key)")
        else:
            entries.append(entry)
    return entries, problems


def check_anchor(entries: list[AnchorEntry], hash_at: Mapping[int, str],
                 tail: int) -> tuple[list[str], list[str]]:
    """(problems, notes) comparing the anchored heads with the trail in the database.

    ``hash_at`` maps the anchored sequence numbers to the hashes the database holds, ``tail`` is
    the last event's number. Every anchored head must still be in the trail with the same hash,
    except those a later "restore" line rolled back on purpose (reported as notes).
    """
    kept, rolled, floor = [], {}, None  # floor: the lowest restore after the line being read
    for entry in reversed(entries):
        if floor is not None and entry.seq > floor.seq:
            rolled[floor] = max(rolled.get(floor, 0), entry.seq)
            continue
        if entry.kind == "restore":
            floor = entry
        kept.append(entry)
    problems = []
    beyond = max((e for e in kept if e.seq > tail), key=lambda e: e.seq, default=None)
    if beyond:
        problems.append(f"event {beyond.seq} was anchored at {beyond.at} but the trail ends at event "
                        f"{tail}: events {tail + 1}–{beyond.seq} were deleted or the database was "
                        f"rolled back")
    differ = sorted((e for e in kept if 0 < e.seq <= tail and hash_at.get(e.seq) != e.hash),
                    key=lambda e: e.seq)
    if differ:
        problems.append(f"event {differ[0].seq} differs from the one anchored at {differ[0].at} "
                        f"({len(differ)} anchored heads disagree): the chain was rewritten")
    notes = [f"restored at {r.at} to event {r.seq}: events {r.seq + 1}–{last} anchored before "
             f"it are not in the trail" for r, last in sorted(rolled.items(), key=lambda kv: kv[0].line_no)]
    seen = max((e.seq for e in kept), default=0)
    if tail > seen:
        notes.append(f"events {seen + 1}–{tail} are not anchored yet")
    return problems, notes
