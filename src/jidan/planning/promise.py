"""Capable-to-promise (交期承诺): the earliest date a new order can be done.

Without moving anyone, the answer is gap filling on the current plan: each operation takes the
first gap on its fastest alternative after the previous one. The per-resource index is built
once (`LoadedPlan`) and then answers many questions in milliseconds.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from jidan.planning.errors import InvalidProblem
from jidan.planning.insert import InsertionPolicy, insert
from jidan.planning.problem import Job, Problem, Resource
from jidan.planning.result import Assignment, Impact, Schedule
from jidan.planning.shift import timeline_with
from jidan.planning.timeline import Timeline


@dataclass(frozen=True)
class Promise:
    """When the order would be finished, how, and what it does to others (nothing, for gap filling)."""

    job: str
    completion: int
    due: int
    assignments: tuple[Assignment, ...]
    impact: Impact = Impact((), ())

    @property
    def on_time(self) -> bool:
        return self.completion <= self.due


class LoadedPlan:
    """The current plan's load per resource (已排负荷), indexed for fast promise queries."""

    def __init__(self, problem: Problem, schedule: Schedule) -> None:
        self.problem = problem
        self._timeline = _loaded(problem, schedule.assignments)

    def without(self, assignments: Iterable[Assignment]) -> LoadedPlan:
        """The same load less `assignments` (an order asking again for itself), as a copy: the
        loaded plan stays as it was for the next question."""
        twin = LoadedPlan.__new__(LoadedPlan)
        twin.problem = self.problem
        twin._timeline = self._timeline.copy()
        for a in assignments:
            twin._timeline.free(a.resource, a.start, a.end)
        return twin

    def earliest_completion(
        self, job: Job, outsourced: Mapping[str, int] | None = None, fraction: float = 1.0
    ) -> Promise:
        """Gap-fill `job` without booking it; `outsourced` operations become a delay of their lead
        time, and `fraction` scales durations for a partial first lot."""
        outsourced = outsourced or {}
        known = self.problem.resource_by_id
        placed = []
        ready = 0
        # with set-ups the order's own steps change over between them too: booked while it is placed
        booking = self.problem.has_setups
        try:
            for k, op in enumerate(job.operations):
                if op.id in outsourced:
                    ready = job.earliest(k, ready) + outsourced[op.id]
                    continue
                unknown = [r for r in op.resources if r not in known]
                if unknown:
                    raise InvalidProblem(f"operations[{op.id}] names unknown resource {unknown[0]!r}", f"operations[{op.id}].resources")
                duration = math.ceil(op.duration * fraction)
                resource, start = self._timeline.best_placement(op, job.earliest(k, ready), duration)
                end = self._timeline.end(resource, start, op, duration)
                placed.append(Assignment(job.id, op.id, resource, start, end))
                if booking:
                    self._timeline.book(resource, start, end, op.family)
                ready = end
        finally:
            for a in placed if booking else ():
                self._timeline.free(a.resource, a.start, a.end)
        return Promise(job.id, ready, job.due, tuple(placed))


_LAST: list[tuple[tuple[Assignment, ...], dict[str, Resource], Timeline]] = []
"""The last plan loaded: the levers load the same plan again with one resource changed, and a
kept plan in force is asked many times, so each such load is a copy, not a rebuild."""


def _loaded(problem: Problem, assignments: tuple[Assignment, ...]) -> Timeline:
    """`timeline_with` the assignments, from the last plan loaded when it is the same plan (the
    same assignments): only the resources that differ are built again."""
    last = _LAST[0] if _LAST else None
    if last is None or last[0] is not assignments:
        timeline = timeline_with(problem, assignments)
        _LAST[:] = [(assignments, problem.resource_by_id, timeline)]
        return timeline.copy()
    _, resources, kept = last
    timeline = kept.copy()
    changed = [r for r in problem.resources if resources.get(r.id) is not r]
    if changed:
        ids = {r.id for r in changed}
        booked: dict[str, list[tuple[int, int, str]]] = {}
        for a in assignments:
            if a.resource in ids:
                booked.setdefault(a.resource, []).append((a.start, a.end, problem.family(a.operation)))
        for resource in changed:
            timeline.reset(resource, booked.get(resource.id, ()))
    return timeline


def earliest_without_moving(problem: Problem, schedule: Schedule, job: Job) -> Promise:
    """One-off promise query; build a `LoadedPlan` yourself to ask many."""
    return LoadedPlan(problem, schedule).earliest_completion(job)


def earliest_with_insertion(
    problem: Problem,
    schedule: Schedule,
    job: Job,
    time_limit: float = 1.0,
    policy: InsertionPolicy = InsertionPolicy(),
) -> Promise:
    """The promise if the order is inserted as urgent, moving others; the impact says who slips."""
    inserted = insert(problem.with_job(job), schedule, job.id, time_limit, policy)
    own = tuple(a for a in inserted.schedule.assignments if a.job == job.id)
    return Promise(job.id, inserted.urgent_completion, job.due, own, inserted.impact)
