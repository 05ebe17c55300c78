"""``jidan worker``: sends the outbox and fires due timers, over and over, until told to stop.

A plain loop over the database rather than a task queue: the outbox and the timers are rows, so
the database already is the queue, and claiming (``SKIP LOCKED`` / leases) is what makes several
workers safe. Each pass sends everything due, then fires every due timer, then sleeps a few
seconds (``JIDAN_WORKER_POLL_SECONDS``). Stopping (Ctrl-C, SIGTERM) finishes the current pass.
"""
from __future__ import annotations

import logging
import signal
import threading
from dataclasses import dataclass, field

from jidan.services.notices import outbox

from jidan.services.notices import timers

log = logging.getLogger("jidan.worker")


@dataclass
class Worker:
    ctx: object
    senders: dict
    name: str = field(default_factory=outbox.worker_name)
    poll_seconds: float = 5.0
    stop: threading.Event = field(default_factory=threading.Event)

    def tick(self) -> dict:
        """One pass: every due delivery, every due timer, then what the timers queued."""
        sent = outbox.drain_all(self.ctx, self.senders, self.name)
        fired = timers.fire_due(self.ctx)
        if fired:  # an escalation's messages go out now, not a poll later
            more = outbox.drain_all(self.ctx, self.senders, self.name)
            for name in ("sent", "retried", "failed", "lost"):
                setattr(sent, name, getattr(sent, name) + getattr(more, name))
        return {"sent": sent.sent, "retried": sent.retried, "failed": sent.failed,
                "lost": sent.lost, "timers": fired}

    def run(self) -> None:
        log.info("worker %s started (poll every %ss)", self.name, self.poll_seconds)
        while not self.stop.is_set():
            try:
                done = self.tick()
                if any(done.values()):
                    log.info("worker %s: %s", self.name, done)
            except Exception:  # noqa: BLE001 - a database hiccup must not end the worker
                log.exception("worker pass failed; trying again in %ss", self.poll_seconds)
            self.stop.wait(self.poll_seconds)
        log.info("worker %s stopped", self.name)


def build_worker(ctx, poll_seconds: float | None = None) -> Worker:
    """The worker with every configured channel; e-mails to the customer carry their form's PDF."""
    from jidan.adapters.notify import senders_from_settings
    from jidan.web.printing import MailedForms
    settings = ctx.settings
    return Worker(ctx, senders_from_settings(settings, MailedForms(ctx)),
                  poll_seconds=poll_seconds if poll_seconds is not None else settings.worker_poll_seconds)


def run_until_signalled(worker: Worker) -> None:
    """Runs in the foreground; SIGINT / SIGTERM stop it after the current pass."""
    def stop(signum, _frame):
        log.info("signal %s: stopping", signum)
        worker.stop.set()
    signal.signal(signal.SIGINT, stop)
    signal.signal(signal.SIGTERM, stop)
    worker.run()
