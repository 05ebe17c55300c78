"""The hash chain of audit events (M1): each event seals the one before it."""
from __future__ import annotations

import hashlib
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
