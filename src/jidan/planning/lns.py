"""Large-neighbourhood search for plans too big for one CP-SAT model.

Starting from a feasible plan, repeatedly free a small part of it, fix the rest, and re-solve
that part with CP-SAT for a fraction of a second. The part is chosen around the orders that
cost the most: a late order's machines before its end (the work in its way may give way or
change machine), or a slice of time on every machine ending at it; sometimes a random slice,
so the search does not stay in one place. Each kind of neighbourhood grows while its solves
finish proven and shrinks while they time out. A better (or equal) plan replaces the current
one, so the result is never worse than the start.

Given a reference plan (the one in force before a disturbance), the search calms the plan
instead: with the objective never worse, it brings operations back to where the reference has
them, freeing the work around operations that moved.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping
from dataclasses import replace

from jidan.planning import cpsat, neighbourhoods
from jidan.planning.problem import Problem
from jidan.planning.result import Assignment, completions, evaluate, moved_count, moved_operations
from jidan.planning.validate import violations

STEP_SECONDS = 0.3
START_SIZE, MIN_SIZE, MAX_SIZE = 80, 30, 600
TARGETED = 0.85
"""Share of neighbourhoods built around a costly order rather than at random."""
ON_MACHINES = 0.6
"""Share of targeted neighbourhoods that are the order's machines rather than a slice of time."""


def improve(
    problem: Problem,
    objective: str,
    start: tuple[Assignment, ...],
    frozen: Mapping[str, Assignment],
    time_limit: float,
    workers: int = 2,
    seed: int | None = None,
    reference: tuple[Assignment, ...] | None = None,
) -> tuple[Assignment, ...]:
    """Improve `start` within `time_limit`; frozen operations never move. With a `reference`,
    fewer operations moved from it counts as better once the objective is no worse."""
    rng = random.Random(seed)
    deterministic = workers == 1 and seed is not None
    deadline = time.monotonic() + time_limit
    spent = 0.0
    old = {a.operation: a for a in reference or ()}
    current = start

    def score(plan) -> tuple[int, int]:
        return evaluate(problem, plan, objective), moved_count(old, plan)

    value = score(current)
    sizes = {"machines": START_SIZE, "time": START_SIZE, "random": START_SIZE}
    while True:
        left = time_limit - spent if deterministic else deadline - time.monotonic()
        if left < 0.05 or value == (0, 0):
            return current
        if reference is None:
            kind, area = _next_area(problem, objective, current, frozen, sizes, rng)
        else:
            kind, area = _calming_area(current, old, frozen, sizes, rng)
        if area is None:
            return current
        plan = _model(problem, objective, area, reference, value[0], current)
        cpsat.add_hint(plan, current)
        step = min(STEP_SECONDS, left)
        outcome = cpsat.run(plan, step, workers, seed)
        spent += max(outcome.seconds_charged, step)
        grown = int(sizes[kind] * 1.2) if outcome.optimal else int(sizes[kind] * 0.85)
        sizes[kind] = min(MAX_SIZE, max(MIN_SIZE, grown))
        if outcome.assignments is not None and not (problem.has_setups and violations(problem, outcome.assignments)):
            candidate = score(outcome.assignments)
            if candidate <= value:
                current, value = outcome.assignments, candidate


def _model(problem, objective, area, reference, ceiling, current) -> cpsat.PlanModel:
    """The neighbourhood's model: the objective; or with a `reference`, the operations moved from
    it, with the objective held at `ceiling` or below. Breakable lots stay where `current` has them."""
    plan = cpsat.build(problem, area, current)
    target = cpsat.objective_expression(plan, objective)
    if reference is None:
        plan.model.minimize(target)
    else:
        plan.model.add(target <= ceiling)
        plan.model.minimize(sum(cpsat.moved_literals(plan, reference)))
    return plan


def _calming_area(current, old, frozen, sizes, rng) -> tuple[str, cpsat.Neighbourhood | None]:
    """A slice of time ending a little after an operation that moved (what keeps it from its old
    place lies before it), or at random now and then."""
    moved = [a.operation for a in moved_operations(old, current) if a.operation not in frozen]
    if not moved:
        return "random", None
    if rng.random() < TARGETED:
        kind, area = "time", neighbourhoods.time_window(current, frozen, sizes["time"], rng, rng.choice(moved))
    else:
        kind, area = "random", neighbourhoods.time_window(current, frozen, sizes["random"], rng)
    if area is None:
        return kind, None
    # widened to where the reference has the operations the area may move, so they can go back there
    back = [a for o, a in old.items() if o not in area.fixed]
    earliest = min(area.earliest, *(a.start for a in back))
    horizon = max(area.horizon, *(a.end for a in back))
    return kind, replace(area, earliest=earliest, horizon=horizon)


def _next_area(problem, objective, current, frozen, sizes, rng) -> tuple[str, cpsat.Neighbourhood | None]:
    """The kind of the next neighbourhood and the neighbourhood itself."""
    target = _costly_job(problem, objective, current, frozen, rng) if rng.random() < TARGETED else None
    if target is None:
        return "random", neighbourhoods.time_window(current, frozen, sizes["random"], rng)
    if rng.random() < ON_MACHINES:
        area = neighbourhoods.machine_window(problem, current, frozen, target, sizes["machines"], rng)
        if area is not None:
            return "machines", area
    pivot = problem.job_by_id[target].operations[-1].id
    return "time", neighbourhoods.time_window(current, frozen, sizes["time"], rng, pivot)


def _costly_job(problem, objective, current, frozen, rng) -> str | None:
    """A job that is not wholly frozen, drawn by what it costs: weighted tardiness, or for the
    makespan one of the jobs that finish last."""
    jobs = problem.job_by_id
    done = completions(current)
    open_jobs = [j for j in done if jobs[j].operations[-1].id not in frozen]
    if objective == "makespan":
        top = max(done.values(), default=0)
        last = [j for j in open_jobs if done[j] >= top - 0.02 * top]
        return rng.choice(last) if last else None
    late = [(j, jobs[j].weight * (done[j] - jobs[j].due)) for j in open_jobs if done[j] > jobs[j].due]
    late = [(j, cost) for j, cost in late if cost > 0]
    if not late:
        return None
    return rng.choices([j for j, _ in late], weights=[cost for _, cost in late])[0]
