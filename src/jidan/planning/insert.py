"""Urgent insertion (急单插单): the urgent order goes first, the rest of the plan moves as little as it can.

Operations that start before the urgent order's release are frozen: they are on the shop floor
(or about to be) and never move. The trade-off between a fast urgent order and a calm plan is an
explicit `InsertionPolicy`, so planners can see and tune it.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass

from jidan.planning import cpsat, neighbourhoods
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

    Per unit: a minute of the urgent order's completion, an operation moved (other start or
    resource), an order newly late (on time in the current plan, late in the new one), a
    weighted minute of tardiness. `max_stretch` caps the urgent order's lead time at that
    multiple of the fastest possible (a hard limit). `max_newly_late` caps the orders made late:
    each one beyond it costs `over_cap_weight`, which outweighs everything else, so the cap holds
    whenever the solver finds a way and is exceeded as little as possible otherwise (None: no cap).
    """

    urgent_weight: int = 100
    moved_op_weight: int = 20
    newly_late_weight: int = 5000
    tardiness_weight: int = 1
    max_stretch: float = 1.25
    max_newly_late: int | None = 5
    over_cap_weight: int = 1_000_000

    def over_cap(self, newly_late: int) -> int:
        """How many newly late orders exceed `max_newly_late` (none without a cap)."""
        return 0 if self.max_newly_late is None else max(0, newly_late - self.max_newly_late)


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


def _urgent_first(
    problem: Problem, current: Schedule, job_id: str, keep_order: bool, delay: int = 0
) -> tuple[Assignment, ...]:
    """Urgent order at its earliest (from `delay` after its release), the rest right-shifted;
    without `keep_order` displaced work may drop into earlier gaps or onto a faster alternative."""
    urgent = problem.job(job_id)
    frozen = frozen_part(current, urgent.release)
    timeline = timeline_with(problem, frozen.values())
    placed = place_job(timeline, urgent, urgent.release + delay)
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
    limit = urgent.release + int(policy.max_stretch * (fastest - urgent.release))
    baseline = min(
        _starts(problem, current, job_id, fastest, limit),
        key=lambda plan: _cost(problem, current, job_id, plan, policy),
    )
    best = baseline
    if time_limit > 0:
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


def _starts(problem: Problem, current: Schedule, job_id: str, fastest: int, limit: int) -> list[tuple[Assignment, ...]]:
    """Quick plans to start from: push-later; urgent first with rerouting; the urgent order in the
    gaps of the untouched plan; and the urgent order started later within its stretch limit, which
    displaces less. Only plans that keep the urgent order within the limit count, push-later aside."""
    plans = [push_later(problem, current, job_id), _urgent_first(problem, current, job_id, keep_order=False)]
    urgent = problem.job(job_id)
    gaps = place_job(timeline_with(problem, current.assignments), urgent, urgent.release)
    plans.append((*current.assignments, *gaps))
    for share in (0.5, 1.0):
        delay = int(share * (limit - fastest))
        if delay > 0:
            plans.append(_urgent_first(problem, current, job_id, keep_order=False, delay=delay))
    return [plans[0]] + [plan for plan in plans[1:] if completions(plan)[job_id] <= limit]


def _cost(problem: Problem, current: Schedule, job_id: str, plan, policy: InsertionPolicy) -> int:
    """The policy's cost of a plan, computed outside the solver to compare candidates."""
    old = current.by_operation()
    moved = sum(1 for a in plan if a.operation in old and (old[a.operation].start, old[a.operation].resource) != (a.start, a.resource))
    newly_late = len(_newly_late(problem, current, job_id, plan))
    return (
        policy.urgent_weight * completions(plan)[job_id]
        + policy.moved_op_weight * moved
        + policy.newly_late_weight * newly_late
        + policy.over_cap_weight * policy.over_cap(newly_late)
        + policy.tardiness_weight * weighted_tardiness(problem, plan)
    )


def _newly_late(problem: Problem, current: Schedule, job_id: str, plan) -> list[str]:
    """Orders on time in the current plan and late in `plan`, the urgent one aside."""
    return sorted(late_jobs(problem, plan) - late_jobs(problem, current.assignments) - {job_id})


def _optimise(problem, current, job_id, baseline, limit, policy, time_limit, workers, seed):
    """Large-neighbourhood search on the policy's cost, starting from the baseline.

    Small plans are one CP-SAT model. Larger ones are re-solved a neighbourhood at a time, most
    often around an order that became late (its machines before its end: the work in its way may
    give way or change machine), else around an order that slipped, the urgent order, or at random.
    """
    urgent = problem.job(job_id)
    frozen = frozen_part(current, urgent.release)
    if problem.operation_count - len(frozen) <= WHOLE_MODEL_LIMIT:
        plan = _model(problem, current, job_id, cpsat.Neighbourhood(fixed=frozen, horizon=2 * makespan(problem, baseline)), limit, policy)
        cpsat.add_hint(plan, baseline)
        return cpsat.run(plan, max(0.05, time_limit - 0.1), workers, seed).assignments
    rng = random.Random(seed)
    deterministic = workers == 1 and seed is not None
    deadline = time.monotonic() + time_limit - 0.1
    spent = 0.0
    best, best_cost = baseline, _cost(problem, current, job_id, baseline, policy)
    old_done = completions(current.assignments)
    size = STEP_SIZE
    while True:
        left = time_limit - 0.1 - spent if deterministic else deadline - time.monotonic()
        if left < 0.05:
            return best
        newly = _newly_late(problem, current, job_id, best)
        target = _target(problem, job_id, newly, old_done, completions(best), policy, rng)
        if target is not None and rng.random() < MACHINE_SHARE:
            area = neighbourhoods.machine_window(problem, best, frozen, target, size, rng)
        else:
            pivot = problem.job(target).operations[-1].id if target is not None else None
            area = neighbourhoods.time_window(best, frozen, size, rng, pivot)
        if area is None:
            return best
        plan = _model(problem, current, job_id, area, limit, policy)
        cpsat.add_hint(plan, best)
        step = min(STEP_SECONDS, left)
        outcome = cpsat.run(plan, step, workers, seed)
        spent += max(outcome.seconds_charged, step)
        size = min(MAX_SIZE, int(size * 1.2)) if outcome.optimal else max(MIN_SIZE, int(size * 0.85))
        if outcome.assignments is not None:
            cost = _cost(problem, current, job_id, outcome.assignments, policy)
            if cost <= best_cost:
                best, best_cost = outcome.assignments, cost


WHOLE_MODEL_LIMIT = 150
"""Up to this many movable operations one model is solved; above it, neighbourhoods."""
STEP_SECONDS = 0.25
STEP_SIZE, MIN_SIZE, MAX_SIZE = 60, 40, 600
MACHINE_SHARE = 0.8
"""How often an order's neighbourhood is its machines rather than a slice of time on all of them."""


def _target(problem, job_id, newly, old_done, done, policy, rng) -> str | None:
    """The order the next neighbourhood is built around: newly late ones first while over the cap."""
    over = policy.max_newly_late is not None and len(newly) > policy.max_newly_late
    draw = rng.random()
    if newly and draw < (0.75 if over else 0.6):
        return rng.choice(newly)
    if over and draw < 0.85:
        return job_id
    jobs = problem.job_by_id
    slipped = sorted(j for j, end in done.items() if j in old_done and end > old_done[j] and end > jobs[j].due)
    if slipped and draw < 0.8:
        return rng.choice(slipped)
    if draw < 0.9:
        return job_id
    return None


def _model(problem, current, job_id, area, limit, policy):
    """The insertion model on `area`, with the policy's weighted disturbance as objective."""
    plan = cpsat.build(problem, area)
    model = plan.model
    if not isinstance(plan.completions[job_id], int):
        model.add(plan.completions[job_id] <= limit)
    moved = []
    for a in current.assignments:
        if a.operation in area.fixed:
            continue
        stays = model.new_bool_var(f"stays[{a.operation}]")
        model.add(plan.starts[a.operation] == a.start).only_enforce_if(stays)
        if a.resource in plan.choices[a.operation]:
            model.add_implication(stays, plan.choices[a.operation][a.resource])
        else:
            model.add(stays == 0)
        moved.append(~stays)
    was_late = late_jobs(problem, current.assignments)
    newly_late = []
    for job in problem.jobs:
        completion = plan.completions[job.id]
        if job.id == job_id or job.id in was_late:
            continue
        if isinstance(completion, int):
            newly_late.append(int(completion > job.due))
            continue
        late = model.new_bool_var(f"newly_late[{job.id}]")
        model.add(completion <= job.due).only_enforce_if(~late)
        newly_late.append(late)
    over = 0
    if policy.max_newly_late is not None:
        over = model.new_int_var(0, len(newly_late), "over_cap")
        model.add(over >= sum(newly_late) - policy.max_newly_late)
    tardiness = cpsat.tardiness_terms(plan)
    model.minimize(
        policy.urgent_weight * plan.completions[job_id]
        + policy.moved_op_weight * sum(moved)
        + policy.newly_late_weight * sum(newly_late)
        + policy.over_cap_weight * over
        + policy.tardiness_weight * sum(problem.job_by_id[j].weight * t for j, t in tardiness.items())
    )
    return plan
