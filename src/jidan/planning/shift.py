"""Right-shift: keep an existing plan and push operations later only as far as they must go.

Used for the push-later baseline of urgent insertion and for fast repair after a disturbance.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace

from jidan.planning.problem import Job, Problem
from jidan.planning.result import Assignment
from jidan.planning.timeline import Timeline


def timeline_with(problem: Problem, booked: Iterable[Assignment]) -> Timeline:
    """A timeline of `problem` with the given assignments already occupying their resources."""
    timeline = Timeline(problem)
    family = problem.family if problem.has_setups else lambda operation: ""
    timeline.book_all((a.resource, a.start, a.end, family(a.operation)) for a in booked)
    return timeline


def place_job(timeline: Timeline, job: Job, ready: int, skip: Mapping[str, Assignment] | None = None) -> list[Assignment]:
    """Book `job`'s operations (after any in `skip`) each at its earliest finishing alternative."""
    skip = skip or {}
    placed = []
    for k, op in enumerate(job.operations):
        if op.id in skip:
            ready = max(ready, skip[op.id].end)
            continue
        resource, start = timeline.best_placement(op, job.earliest(k, ready))
        end = timeline.end(resource, start, op)
        timeline.book(resource, start, end, op.family)
        placed.append(Assignment(job.id, op.id, resource, start, end))
        ready = end
    return placed


def right_shift(
    problem: Problem,
    timeline: Timeline,
    old: Iterable[Assignment],
    job_ready: Mapping[str, int],
    keep_order: bool,
    reroute: bool = False,
) -> list[Assignment]:
    """Re-place `old` in its start order, each no earlier than before nor than its predecessor.

    `keep_order` keeps every resource's sequence (nothing jumps into an earlier gap);
    `reroute` lets an operation that cannot keep its time take a faster alternative resource.
    """
    ops = problem.operation_by_id
    ready = dict(job_ready)
    last_end: dict[str, int] = {}
    placed = []
    for a in sorted(old, key=lambda a: (a.start, ops[a.operation][1], a.operation)):
        job, k = ops[a.operation]
        op = job.operations[k]
        earliest = max(a.start, job.earliest(k, ready.get(job.id, 0)))
        if keep_order:
            earliest = max(earliest, last_end.get(a.resource, earliest))
        resource, start = a.resource, timeline.earliest_start(a.resource, earliest, op.duration, op.family,
                                                              op.breakable)
        if reroute and start > earliest and a.resource in op.resources:
            resource, start = timeline.best_placement(op, earliest)
        elif a.resource not in op.resources:
            resource, start = timeline.best_placement(op, earliest)
        end = timeline.end(resource, start, op)
        timeline.book(resource, start, end, op.family)
        placed.append(Assignment(job.id, op.id, resource, start, end))
        ready[job.id] = end
        last_end[resource] = max(last_end.get(resource, 0), end)
    return placed


def under_way(
    problem: Problem, operations: Iterable[str], now: int = 0, booked: Iterable[Assignment] = ()
) -> tuple[Problem, dict[str, Assignment]]:
    """Operations the floor is working on, each booked from `now` at its earliest on its resource,
    ahead of everything else there but the `booked` work: a machine busy with a job cannot start
    another before it.

    Returns the problem with each such resource held from `now` (or the end of the booked work
    there) until its first of them can go on (a step runs uninterrupted in the plan, so it may
    have to wait for the next open stretch), and the booked steps, to be passed as `frozen` to
    `solve`. Only a job's first remaining operation can be under way; others are left to the
    planner.
    """
    wanted = set(operations)
    booked = list(booked)
    timeline = timeline_with(problem, booked)
    placed: dict[str, Assignment] = {}
    for job in problem.jobs:
        op = job.operations[0]
        if op.id in wanted:
            resource, start = timeline.best_placement(op, job.earliest(0, now))
            end = timeline.end(resource, start, op)
            timeline.book(resource, start, end, op.family)
            placed[op.id] = Assignment(job.id, op.id, resource, start, end)
    first: dict[str, int] = {}
    for a in placed.values():
        first[a.resource] = min(first.get(a.resource, a.start), a.start)
    free = {r: max([now, *(a.end for a in booked if a.resource == r and a.end <= start)]) for r, start in first.items()}
    resources = tuple(replace(r, unavailable=(*r.unavailable, (free[r.id], first[r.id]))) if first.get(r.id, now) > free.get(r.id, now)
                      else r for r in problem.resources)
    return problem.with_resources(resources), placed


def bring_forward(
    problem: Problem, plan: Iterable[Assignment], operations: Collection[str], now: int
) -> tuple[Problem, list[Assignment]]:
    """A plan the floor has run ahead of: each of `operations` (steps under way) that the plan
    starts at `now` or later goes on now instead, as `under_way` books it, and the work it
    displaces on its resource moves later, in its order. Work the plan starts before `now` stays.

    Returns the problem with the machines held as `under_way` holds them, and the plan."""
    plan = list(plan)
    stays = [a for a in plan if a.start < now]
    problem, placed = under_way(problem, {a.operation for a in plan if a.start >= now} & set(operations), now, stays)
    timeline = timeline_with(problem, [*stays, *placed.values()])
    ready = {a.job: a.end for a in sorted([*stays, *placed.values()], key=lambda a: a.end)}
    rest = [a for a in plan if a.start >= now and a.operation not in placed]
    return problem, [*stays, *placed.values(), *right_shift(problem, timeline, rest, ready, keep_order=True)]
