"""Writing and checking the audit trail (M1)."""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from jidan.domain.audit import check_anchor, head_seal, read_anchor, verify_chain
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.services.context import Context
from jidan.services.permissions import require_role


def plain(value: Any) -> Any:
    """JSON-safe copy of a value, so what is hashed is exactly what is stored."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (Decimal, date, datetime)):
        return str(value)
    return value


def record(uow, ctx: Context, actor: Actor | None, entity: str, entity_id: Any, action: str,
           old: dict | None, new: dict | None, reason: str | None = None) -> None:
    """One audit event in the caller's transaction: who, role, what, old → new, when, why."""
    uow.audit.append(
        at=ctx.now(), actor_id=actor.user_id if actor else None,
        actor=actor.username if actor else "system", role=str(actor.role) if actor else "system",
        entity=entity, entity_id=entity_id, action=action, old=plain(old), new=plain(new),
        reason=reason)


def changed(before: dict, after: dict) -> tuple[dict, dict]:
    """Only the fields that differ, as (old, new)."""
    keys = [k for k in after if before.get(k) != after.get(k)]
    return {k: before.get(k) for k in keys}, {k: after[k] for k in keys}


@dataclass(frozen=True)
class AuditCheck:
    """What `jidan audit verify` found: events walked, problems (the trail was tampered with) and
    notes (what could not be checked, or was rolled back on purpose)."""

    events: int
    problems: list[str]
    notes: list[str]


def check(ctx: Context, anchor: str | None = None) -> AuditCheck:
    """Walks the chain, checks the head's signature with the audit key and, given the anchor
    file's text, every head it anchored (issue 21: truncation, rollback, rehashed chains)."""
    key = ctx.audit_key
    entries, problems = read_anchor(anchor, key) if anchor is not None else ([], [])
    if anchor is not None and key is None:
        problems.append("the anchor's signatures cannot be checked without the audit key")
    wanted = {e.seq for e in entries}
    hash_at: dict[int, str] = {}
    count = 0

    def walk(events):
        nonlocal count
        for event in events:
            count += 1
            if event["seq"] in wanted:
                hash_at[event["seq"]] = event["hash"]
            yield event

    notes: list[str] = []
    with ctx.uow() as uow:
        head = uow.audit.head()
        problems = verify_chain(walk(uow.audit.all()), head) + problems
        if head is not None and key is None:
            notes.append("the head's signature was not checked: no audit key")
        elif head is not None and uow.audit.head_seal() is None:
            problems.append("the head is not signed: written without the key, or its signature was removed")
        elif head is not None and not hmac.compare_digest(head_seal(key, *head), uow.audit.head_seal()):
            problems.append("the head's signature does not match: the head was moved or the chain "
                            "rehashed (or the key is not the one that signed it)")
    if anchor is not None:
        anchor_problems, anchor_notes = check_anchor(entries, hash_at, head[0] if head else 0)
        problems += anchor_problems
        notes += anchor_notes
    return AuditCheck(count, problems, notes)


def verify(ctx: Context, actor: Actor | None = None) -> tuple[int, list[str]]:
    """(events checked, problems); no problems means nobody edited or deleted a row.

    ``actor`` None is the console (``jidan audit verify``).
    """
    if actor is not None:
        require_role(actor, {Role.ADMIN, Role.MANAGEMENT})
    result = check(ctx)
    return result.events, result.problems
