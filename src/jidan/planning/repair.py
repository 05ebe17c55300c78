"""Re-planning after a disturbance (C7): a machine goes down, material comes late, an order changes.

The quick answer is a right-shift of the current plan: everything the disturbance does not touch
keeps its place, the rest moves just far enough (or to a faster alternative). With a time limit,
CP-SAT then improves it, with work already started (before `now`, or named as started) left where
it is, and then calms it: as late as before, but with as much work as it can back where the
current plan had it, so the floor sees few changes. Work not started is never placed before
`now`.
"""

from __future__ import annotations

import time
from collections.abc import Collection
from dataclasses import dataclass, replace

from jidan.planning import lns
from jidan.planning.errors import InvalidProblem
from jidan.planning.problem import Job, Problem
from jidan.planning.result import Impact, Schedule, evaluate, impact
from jidan.planning.shift import place_job, right_shift, timeline_with
from jidan.planning.solve import solve
from jidan.planning.validate import check


@dataclass(frozen=True)
class MachineDown:
    """A resource is out of service (设备故障) over [start, end)."""

    resource: str
    start: int
    end: int

    def apply(self, problem: Problem) -> Problem:
        down = problem.resource_by_id[self.resource]
        widened = replace(down, unavailable=(*down.unavailable, (self.start, self.end)))
        return problem.with_resources(tuple(widened if r.id == down.id else r for r in problem.resources))


@dataclass(frozen=True)
class MaterialLate:
    """Material arrives later (材料交期延迟): the job cannot start before `release`, or with an
    `operation` only that routing step (the one the material is for, and by precedence the
    steps after it) while the steps before it may run."""

    job: str
    release: int
    operation: str | None = None

    def apply(self, problem: Problem) -> Problem:
        job = problem.job(self.job)
        if self.operation is None:
            return problem.with_job(replace(job, release=self.release))
        if self.operation not in {op.id for op in job.operations}:
            raise InvalidProblem(f"operation {self.operation!r} is not in job {self.job!r}", "operation")
        operations = tuple(
            replace(op, release=self.release) if op.id == self.operation else op for op in job.operations
        )
        return problem.with_job(replace(job, operations=operations))


@dataclass(frozen=True)
class OrderChanged:
    """An approved change (订单变更) replaces a job: new routing, quantity, date or weight."""

    job: Job

    def apply(self, problem: Problem) -> Problem:
        problem.job(self.job.id)
        return problem.with_job(self.job)


Disturbance = MachineDown | MaterialLate | OrderChanged


@dataclass(frozen=True)
class Repair:
    """The re-planned problem and plan, and what changed against the old plan."""

    problem: Problem
    schedule: Schedule
    impact: Impact


def repair(
    problem: Problem,
    current: Schedule,
    disturbance: Disturbance,
    now: int = 0,
    time_limit: float = 0.0,
    objective: str = "weighted-tardiness",
    started: Collection[str] = (),
    reference: Schedule | None = None,
) -> Repair:
    """Right-shift repair of `current` for `disturbance`; improved by CP-SAT if `time_limit` > 0,
    the last `CALMING_SHARE` of it spent moving fewer operations from `reference` (default:
    `current`) at no cost in the objective.
    `started`: operations the floor has begun, which CP-SAT leaves where the right-shift put them,
    as it does what `current` started before `now`; every other operation starts at `now` or later."""
    clock = time.monotonic()
    begun = {*started, *(a.operation for a in current.assignments if a.start < now)}
    changed = disturbance.apply(problem).from_now(now, begun)
    replaced = disturbance.job.id if isinstance(disturbance, OrderChanged) else None
    kept = [a for a in current.assignments if a.job != replaced]
    timeline = timeline_with(changed, ())
    assignments = right_shift(changed, timeline, kept, {}, keep_order=False, reroute=True)
    if replaced is not None:
        assignments += place_job(timeline, changed.job(replaced), now)
    if time_limit > 0:
        pinned = _leading(changed, {a.operation: a for a in assignments if a.operation in begun})
        remaining = changed.from_now(now, pinned)
        improved = solve(remaining, objective, (1 - CALMING_SHARE) * time_limit, frozen=pinned, start=tuple(assignments))
        left = time_limit - (time.monotonic() - clock)
        calm = (reference or current).assignments
        assignments = list(lns.improve(remaining, objective, improved.assignments, pinned, left, reference=calm))
    check(changed, assignments, now, begun)
    value = evaluate(changed, assignments, objective)
    schedule = Schedule("feasible", objective, value, 0, tuple(sorted(assignments, key=lambda a: (a.start, a.operation))), time.monotonic() - clock)
    return Repair(changed, schedule, impact(changed, current.assignments, assignments))


CALMING_SHARE = 0.3
"""Share of a repair's time limit kept for calming the plan (more, when the search proves its
plan sooner): on the 200-order benchmark plant it brings most re-timed work back
(docs/benchmarks.md)."""


def _leading(problem: Problem, started: dict) -> dict:
    """Only a job's leading started operations can stay put; keep that prefix of each routing."""
    frozen = {}
    for job in problem.jobs:
        for op in job.operations:
            if op.id not in started:
                break
            frozen[op.id] = started[op.id]
    return frozen
