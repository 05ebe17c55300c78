"""Urgent insertion (急单插单): the urgent order goes first, the rest of the plan moves as little as it can.

Operations that start before the urgent order's release are frozen: they are on the shop floor
(or about to be) and never move. The trade-off between a fast urgent order and a calm plan is an
explicit `InsertionPolicy`, so planners can see and tune it.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from jidan.planning import cpsat
from jidan.planning.problem import Problem
from jidan.planning.result import (
    Assignment,
    Impact,
    Schedule,
    completions,
    impact,
    late_jobs,
    makespan,
    weighted_tardiness,
)
from jidan.planning.shift import place_job, right_shift, timeline_with
from jidan.planning.validate import check, violations


@dataclass(frozen=True)
class InsertionPolicy:
    """Cost of each kind of disturbance; the planner minimises their weighted sum.

    `max_stretch` caps the urgent order's lead time at that multiple of the fastest possible.
    """

    urgent_weight: int = 100
    moved_op_weight: int = 20
    newly_late_weight: int = 5000
    tardiness_weight: int = 1
    max_stretch: float = 1.25


@dataclass(frozen=True)
class Insertion:
    """The new plan, its impact on the old one, and the figures a planner decides on."""

    schedule: Schedule
    impact: Impact
    urgent_completion: int
    earliest_possible: int
    tardiness_before: int
    tardiness_after: int


def frozen_part(current: Schedule, release: int) -> dict[str, Assignment]:
    """Work that starts before the urgent order may start stays exactly as planned."""
    return {a.operation: a for a in current.assignments if a.start < release}


def earliest_possible(problem: Problem, current: Schedule, job_id: str) -> int:
    """The urgent order's completion if only frozen work stood in its way."""
    urgent = problem.job(job_id)
    frozen = frozen_part(current, urgent.release)
    return place_job(timeline_with(problem, frozen.values()), urgent, urgent.release)[-1].end


def push_later(problem: Problem, current: Schedule, job_id: str) -> tuple[Assignment, ...]:
    """Baseline: urgent order first at its earliest, every other operation kept on its resource
    and in its order, shifted later as needed."""
    return _urgent_first(problem, current, job_id, keep_order=True)


def _urgent_first(problem: Problem, current: Schedule, job_id: str, keep_order: bool) -> tuple[Assignment, ...]:
    """Urgent order at its earliest, the rest right-shifted; without `keep_order` displaced work
    may drop into earlier gaps or onto a faster alternative."""
    urgent = problem.job(job_id)
    frozen = frozen_part(current, urgent.release)
    timeline = timeline_with(problem, frozen.values())
    placed = place_job(timeline, urgent, urgent.release)
    ready = {a.job: a.end for a in sorted(frozen.values(), key=lambda a: a.end)}
    movable = [a for a in current.assignments if a.operation not in frozen and a.job != job_id]
    shifted = right_shift(problem, timeline, movable, ready, keep_order=keep_order, reroute=not keep_order)
    return (*frozen.values(), *placed, *shifted)


def insert(
    problem: Problem,
    current: Schedule,
    job_id: str,
    time_limit: float = 5.0,
    policy: InsertionPolicy = InsertionPolicy(),
    workers: int = 2,
    seed: int | None = None,
) -> Insertion:
    """Insert urgent job `job_id` (in `problem`, not in `current`) into the current plan."""
    clock = time.monotonic()
    urgent = problem.job(job_id)
    current = Schedule(
        current.status,
        current.objective,
        current.value,
        current.lower_bound,
        tuple(a for a in current.assignments if a.job != job_id),
        current.seconds,
    )
    check(problem.without_job(job_id), current.assignments)
    fastest = earliest_possible(problem, current, job_id)
    baseline = min(
        (push_later(problem, current, job_id), _urgent_first(problem, current, job_id, keep_order=False)),
        key=lambda plan: _cost(problem, current, job_id, plan, policy),
    )
    best = baseline
    if time_limit > 0:
        limit = urgent.release + int(policy.max_stretch * (fastest - urgent.release))
        found = _optimise(problem, current, job_id, baseline, limit, policy, time_limit, workers, seed)
        if found is not None and not violations(problem, found):
            if _cost(problem, current, job_id, found, policy) <= _cost(problem, current, job_id, best, policy):
                best = found
    check(problem, best)
    before = weighted_tardiness(problem, current.assignments)
    after = weighted_tardiness(problem, best)
    schedule = Schedule(
        "feasible",
        "weighted-tardiness",
        after,
        0,
        tuple(sorted(best, key=lambda a: (a.start, a.resource, a.operation))),
        time.monotonic() - clock,
    )
    return Insertion(
        schedule,
        impact(problem, current.assignments, best),
        completions(best)[job_id],
        fastest,
        before,
        after,
    )


def _cost(problem: Problem, current: Schedule, job_id: str, plan, policy: InsertionPolicy) -> int:
    """The policy's cost of a plan, computed outside the solver to compare candidates."""
    old = current.by_operation()
    moved = sum(1 for a in plan if a.operation in old and (old[a.operation].start, old[a.operation].resource) != (a.start, a.resource))
    newly_late = len(late_jobs(problem, plan) - late_jobs(problem, current.assignments) - {job_id})
    return (
        policy.urgent_weight * completions(plan)[job_id]
        + policy.moved_op_weight * moved
        + policy.newly_late_weight * newly_late
        + policy.tardiness_weight * weighted_tardiness(problem, plan)
    )


def _optimise(problem, current, job_id, baseline, limit, policy, time_limit, workers, seed):
    """CP-SAT over every unfrozen operation with the policy as objective, from the baseline."""
    urgent = problem.job(job_id)
    frozen = frozen_part(current, urgent.release)
    horizon = 2 * makespan(problem, baseline)
    plan = cpsat.build(problem, cpsat.Neighbourhood(fixed=frozen, horizon=horizon))
    model = plan.model
    model.add(plan.completions[job_id] <= limit)
    moved = []
    for a in current.assignments:
        if a.operation in frozen:
            continue
        stays = model.new_bool_var(f"stays[{a.operation}]")
        model.add(plan.starts[a.operation] == a.start).only_enforce_if(stays)
        model.add_implication(stays, plan.choices[a.operation][a.resource])
        moved.append(~stays)
    was_late = late_jobs(problem, current.assignments)
    newly_late = []
    for job in problem.jobs:
        completion = plan.completions[job.id]
        if job.id == job_id or job.id in was_late or isinstance(completion, int):
            continue
        late = model.new_bool_var(f"newly_late[{job.id}]")
        model.add(completion <= job.due).only_enforce_if(~late)
        newly_late.append(late)
    tardiness = cpsat.tardiness_terms(plan)
    model.minimize(
        policy.urgent_weight * plan.completions[job_id]
        + policy.moved_op_weight * sum(moved)
        + policy.newly_late_weight * sum(newly_late)
        + policy.tardiness_weight * sum(problem.job_by_id[j].weight * t for j, t in tardiness.items())
    )
    cpsat.add_hint(plan, baseline)
    return cpsat.run(plan, max(0.05, time_limit - 0.1), workers, seed).assignments
