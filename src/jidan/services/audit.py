"""Writing and checking the audit trail (M1)."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Any

from jidan.domain.audit import verify_chain
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


def verify(ctx: Context, actor: Actor | None = None) -> tuple[int, list[str]]:
    """(events checked, problems); no problems means nobody edited or deleted a row.

    ``actor`` None is the console (``jidan audit verify``).
    """
    if actor is not None:
        require_role(actor, {Role.ADMIN, Role.MANAGEMENT})
    with ctx.uow() as uow:
        events = list(uow.audit.all())
        return len(events), verify_chain(events, uow.audit.head())
