"""SLA timers (issue 5 §4): one table of deadlines that the worker fires when they fall due.

A feature that must check something later (a review step overdue, a notice not acknowledged, a
drawing not returned …) calls :func:`schedule` in its own transaction with a kind whose handler
``services/wiring.py`` registered; no new machinery per feature. Timers are rows, so restarting
the worker loses none, and each fires in one transaction together with its handler's writes, so
it fires once.
"""
from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Callable

from jidan.domain.delivery import Timer, backoff

log = logging.getLogger(__name__)

#: A timer's work when due: ``handler(uow, ctx, timer_row)``, in the transaction that marks the
#: timer fired. A handler that raises is retried with backoff.
Handler = Callable[[Any, Any, Timer], None]

#: Timer kind → its handler, filled by :func:`register` from ``services/wiring.py`` only.
HANDLERS: dict[str, Handler] = {}


def register(kind: str, handler: Handler) -> None:
    HANDLERS[kind] = handler


#: A handler that keeps failing is given up after this many attempts (recorded on the row).
MAX_ATTEMPTS = 5
RETRY_BASE_SECONDS = 60
RETRY_CAP_SECONDS = 3600


def schedule(uow, now: datetime, *, kind: str, ref: str, due_at: datetime,
             payload: dict | None = None) -> int:
    """Adds a timer in the caller's transaction; returns its id.

    Each call adds one; to move a deadline, :func:`cancel` the old one first.
    """
    if kind not in HANDLERS:
        raise ValueError(f"no handler for timer kind {kind!r}: register it in services/wiring.py")
    if not ref:
        raise ValueError("a timer needs a ref (what it watches)")
    return uow.timers.add(kind=kind, ref=ref[:80], due_at=due_at, payload=payload,
                          created_at=now)


def cancel(uow, kind: str, ref: str) -> int:
    """Cancels the pending timers of this kind and ref (e.g. the step was done in time)."""
    return uow.timers.cancel(kind, ref)


def pending(uow, kind: str | None = None, ref: str | None = None) -> list[Timer]:
    return uow.timers.find(kind, ref, status="pending")


def fire_due(ctx, limit: int = 1000) -> int:
    """Fires every timer due now, each once and in its own transaction; returns how many fired.

    The timer is marked fired in the same transaction as its handler's writes: a worker that dies
    midway leaves both undone and the timer due. PostgreSQL workers skip timers another holds
    (``SKIP LOCKED``); SQLite serialises writers (``BEGIN IMMEDIATE``), and the version
    compare-and-set refuses a timer fired meanwhile.
    """
    fired, seen = 0, set()
    while len(seen) < limit:
        with ctx.uow() as uow:
            now = ctx.now()
            row = uow.timers.next_due(now, seen)
            if row is None:
                return fired
            seen.add(row.id)
            try:
                handler = HANDLERS[row.kind]
                if not uow.timers.update(row.id, row.version, status="fired",
                                         fired_at=now, attempts=row.attempts + 1):
                    continue  # fired by another worker meanwhile
                handler(uow, ctx, row)
                uow.commit()
                fired += 1
                continue
            except Exception as exc:  # noqa: BLE001 - a failing handler must not stop the others
                uow.rollback()
                log.exception("timer %s (%s) failed", row.id, row.kind)
                error = f"{type(exc).__name__}: {exc}"[:2000]
        _record_failure(ctx, row, now, error)
    return fired


def _record_failure(ctx, row: Timer, now: datetime, error: str) -> None:
    attempts = row.attempts + 1
    gave_up = attempts >= MAX_ATTEMPTS or row.kind not in HANDLERS
    with ctx.uow() as uow:
        # A False here means another worker fired or recorded it meanwhile: nothing to add.
        uow.timers.update(row.id, row.version, attempts=attempts, last_error=error,
                          status="failed" if gave_up else "pending",
                          due_at=row.due_at if gave_up else
                          now + backoff(attempts, RETRY_BASE_SECONDS, RETRY_CAP_SECONDS))
        uow.commit()
