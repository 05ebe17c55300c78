"""Whether the server reaches its database, for load balancers and monitors."""
from __future__ import annotations

from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.services.context import Context


def database_status(ctx: Context) -> str | None:
    """None when the database answers, else why not (a monitor needs the answer, not a crash)."""
    try:
        with ctx.uow() as uow:
            uow.ping()
    except Exception as exc:  # any failure to reach the database is the answer
        return str(exc)[:200]
    return None


def report(ctx: Context, actor: Actor | None) -> dict:
    """``status`` ok or error for anyone; why, which may name the database host, to admin only."""
    problem = database_status(ctx)
    body = {"status": "ok" if problem is None else "error"}
    if actor is not None and actor.role == Role.ADMIN:
        body["database"] = problem or "ok"
    return body
