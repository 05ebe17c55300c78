"""Bounds on every planning call (issue 21): its time limit counted from the call's start, at
most ``ctx.planning_solvers`` solves at once, and no solve while a transaction holds the database.

A call reads what it plans from in one short unit of work and leaves it, so that on SQLite (one
writer at a time) nobody waits for the solver; it solves; then it writes in a second short
transaction, which first checks that the plan in force is still the one it read.
"""
from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from jidan.domain import errors
from jidan.services.context import Context

T = TypeVar("T")
#: Seconds a refused caller is told to wait: about one solve at the default limits.
RETRY_AFTER = 5
#: Seconds an act's follow-up re-plan waits for a place among the solvers (the act is committed:
#: refusing would lose its re-plan), and how often it solves again after another plan was accepted.
FOLLOW_UP_WAIT, FOLLOW_UP_TRIES = 30, 3


class Budget:
    """The seconds a call may still think: its time limit less what it has spent since it started."""

    def __init__(self, seconds: float):
        self.seconds, self.started = seconds, time.monotonic()

    def left(self) -> float:
        return max(0.0, self.seconds - (time.monotonic() - self.started))

    @property
    def deadline(self) -> float:
        """The `time.monotonic()` by which the call answers: what a solve in a worker process is
        given (one clock for every process of the machine), so that it stops on time whatever it
        counts (a reproducible solve counts the solver's own time)."""
        return self.started + self.seconds


def solve_outside(ctx: Context, read: Callable[..., Callable[[], T]],
                  write: Callable[..., dict] | None = None, wait: float = 0.0) -> dict | T:
    """``read(uow)`` gathers the problem and returns the solve, a function of nothing that touches
    no database; ``write(uow, solved)`` stores its result and answers, in a transaction that
    fails with 409 ``planning.plan_changed`` if another plan was accepted meanwhile. Without
    ``write`` the solved result is the answer (a promise stores nothing).

    At most ``ctx.planning_solvers`` calls at once: one more is refused at once with 503
    ``planning.busy`` (Retry-After), not queued, so waiting callers never hold the server's threads;
    ``wait``: seconds to wait for a place instead (`follow_up`)."""
    if not (ctx.planning_gate.acquire(timeout=wait) if wait > 0 else ctx.planning_gate.acquire(blocking=False)):
        raise errors.Busy("planning is busy; try again in a few seconds", code="planning.busy",
                          retry_after=RETRY_AFTER)
    try:
        with ctx.uow() as uow:
            basis = _in_force(uow)
            solve = read(uow)
            uow.commit()  # nothing was written: this ends the transaction and keeps what was read
        solved = solve()
        if write is None:
            return solved
        with ctx.uow() as uow:
            uow.planning_runs.lock_plan()
            if _in_force(uow) != basis:
                raise errors.Conflict("another plan was accepted while this one was computed; run it again",
                                      code="planning.plan_changed")
            answer = write(uow, solved)
            uow.commit()
            return answer
    finally:
        ctx.planning_gate.release()


def follow_up(ctx: Context, read: Callable[..., Callable[[], T]], write: Callable[..., T]) -> T:
    """The re-plan an act asks for once the act is committed (an inspection's rework, a purchase
    order's later date, a decision's capacity), as `solve_outside` does it, so that the act's
    transaction never waits for a solver; it waits up to ``FOLLOW_UP_WAIT`` seconds for a place and
    reads and solves again when another plan was accepted meanwhile."""
    for _ in range(FOLLOW_UP_TRIES - 1):
        try:
            return solve_outside(ctx, read, write, wait=FOLLOW_UP_WAIT)
        except errors.Conflict as exc:
            if exc.code != "planning.plan_changed":
                raise
    return solve_outside(ctx, read, write, wait=FOLLOW_UP_WAIT)


def _in_force(uow) -> int | None:
    accepted = uow.planning_runs.accepted()
    return accepted.id if accepted else None
