"""Whether the server reaches its database, for load balancers and monitors."""
from __future__ import annotations

from jidan.services.context import Context


def database_status(ctx: Context) -> str | None:
    """None when the database answers, else why not (a monitor needs the answer, not a crash)."""
    try:
        with ctx.uow() as uow:
            uow.ping()
    except Exception as exc:  # any failure to reach the database is the answer
        return str(exc)[:200]
    return None
