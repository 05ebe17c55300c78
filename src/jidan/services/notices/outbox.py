"""Sending the outbox (D2): claim due deliveries under a lease, send each, record the outcome.

At least once: a delivery is marked sent only after the receiver took it, so a worker that dies
midway leaves it claimed until its lease ends and another worker sends it again; receivers
de-duplicate by event id. A failure waits (exponential backoff, held to the notification hours
unless critical) and is given up after ``JIDAN_DELIVERY_MAX_ATTEMPTS``, recorded and audited.
"""
from __future__ import annotations

import logging
import socket
import os
from dataclasses import dataclass
from datetime import timedelta
from typing import Callable

from jidan.domain.delivery import Delivery, backoff, release_time
from jidan.services import audit

log = logging.getLogger(__name__)

Sender = Callable[[Delivery], None]


def worker_name() -> str:
    """Who holds a lease: host and process, readable in the outbox table."""
    return f"{socket.gethostname()}:{os.getpid()}"[:80]


@dataclass
class Drained:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    lost: int = 0  # the lease ran out before the outcome was recorded

    def __bool__(self) -> bool:
        return bool(self.sent or self.retried or self.failed or self.lost)


def claim(ctx, worker: str, batch: int = 20) -> list[Delivery]:
    """Takes up to ``batch`` due deliveries for ``worker`` (its own short transaction)."""
    rules = ctx.delivery
    now = ctx.now()
    with ctx.uow() as uow:
        rows = uow.outbox.claim(now, worker, now + timedelta(seconds=rules.lease_seconds), batch)
        uow.commit()
    return rows


def drain(ctx, senders: dict[str, Sender], worker: str | None = None, batch: int = 20) -> Drained:
    """Sends one batch of due deliveries; call it until it returns an empty result."""
    worker = worker or worker_name()
    done = Drained()
    for row in claim(ctx, worker, batch):
        _deliver(ctx, senders, worker, row, done)
    return done


def _deliver(ctx, senders: dict[str, Sender], worker: str, row: Delivery, done: Drained) -> None:
    rules = ctx.delivery
    attempts = row.attempts + 1
    error = None
    try:
        sender = senders.get(row.channel)
        if sender is None:
            raise LookupError(f"channel {row.channel} is not configured")
        sender(row)
    except Exception as exc:  # noqa: BLE001 - any failure of a receiver means: try again later
        error = f"{type(exc).__name__}: {exc}"[:2000]
        log.warning("delivery %s (%s to %s) failed: %s", row.id, row.channel,
                    row.target, error)
    now = ctx.now()
    with ctx.uow() as uow:
        if error is None:
            outcome = {"status": "sent", "sent_at": now, "attempts": attempts, "last_error": None}
        elif attempts >= rules.max_attempts:
            outcome = {"status": "failed", "attempts": attempts, "last_error": error}
        else:
            retry_at = now + backoff(attempts, rules.retry_seconds, rules.retry_cap_seconds)
            if not row.critical:
                retry_at = release_time(retry_at, rules.hours)
            outcome = {"status": "pending", "attempts": attempts, "last_error": error,
                       "next_attempt_at": retry_at}
        if not uow.outbox.settle(row.id, worker, **outcome):
            done.lost += 1  # another worker took it over after our lease ran out
            return
        if outcome["status"] == "failed":
            audit.record(uow, ctx, None, "delivery", row.id, "give_up",
                         {"status": "pending"},
                         {"status": "failed", "channel": row.channel, "target": row.target,
                          "attempts": attempts, "event_id": row.event_id}, error)
        uow.commit()
    if outcome["status"] == "sent":
        done.sent += 1
    elif outcome["status"] == "failed":
        done.failed += 1
    else:
        done.retried += 1


def drain_all(ctx, senders: dict[str, Sender], worker: str | None = None,
              rounds: int = 100) -> Drained:
    """Sends until nothing due is left (or ``rounds`` batches); what tests and the worker call."""
    total = Drained()
    for _ in range(rounds):
        got = drain(ctx, senders, worker)
        if not got:
            break
        for field in ("sent", "retried", "failed", "lost"):
            setattr(total, field, getattr(total, field) + getattr(got, field))
    return total
