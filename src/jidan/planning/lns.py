"""Large-neighbourhood search for plans too big for one CP-SAT model.

Starting from a feasible plan, repeatedly free the operations of one time window, let the
ones just after it slide (same resource, same order), fix all the rest, and re-solve that
small model with CP-SAT. A better (or equal) plan replaces the current one, so the result is
never worse than the start.
"""

from __future__ import annotations

import random
import time
from collections.abc import Mapping

from jidan.planning import cpsat
from jidan.planning.problem import Problem
from jidan.planning.result import Assignment, completions, evaluate

SHIFT_FACTOR = 1
STEP_SECONDS = 0.5
MIN_SIZE, MAX_SIZE = 30, 500


def improve(
    problem: Problem,
    objective: str,
    start: tuple[Assignment, ...],
    frozen: Mapping[str, Assignment],
    time_limit: float,
    workers: int = 2,
    seed: int | None = None,
) -> tuple[Assignment, ...]:
    """Improve `start` within `time_limit`; frozen operations never move."""
    rng = random.Random(seed)
    deterministic = workers == 1 and seed is not None
    deadline = time.monotonic() + time_limit
    spent = 0.0
    current, value = start, evaluate(problem, start, objective)
    size = 60
    while True:
        left = time_limit - spent if deterministic else deadline - time.monotonic()
        if left < 0.05 or value == 0:
            return current
        area = neighbourhood(problem, objective, current, frozen, size, rng)
        if area is None:
            return current
        plan = cpsat.build(problem, area)
        plan.model.minimize(cpsat.objective_expression(plan, objective))
        cpsat.add_hint(plan, current)
        outcome = cpsat.run(plan, min(STEP_SECONDS, left), workers, seed)
        spent += outcome.seconds_charged + 0.01
        size = min(MAX_SIZE, int(size * 1.25)) if outcome.optimal else max(MIN_SIZE, int(size * 0.8))
        if outcome.assignments is not None:
            candidate = evaluate(problem, outcome.assignments, objective)
            if candidate <= value:
                current, value = outcome.assignments, candidate


def neighbourhood(
    problem: Problem,
    objective: str,
    current: tuple[Assignment, ...],
    frozen: Mapping[str, Assignment],
    size: int,
    rng: random.Random,
) -> cpsat.Neighbourhood | None:
    """About `size` operations around a late (or random) one are freed, the next ones slide."""
    movable = sorted((a for a in current if a.operation not in frozen), key=lambda a: (a.start, a.operation))
    if not movable:
        return None
    index = {a.operation: i for i, a in enumerate(movable)}
    pivot = _pivot(problem, objective, current, movable, index, rng)
    first = max(0, pivot - rng.randint(0, size))
    free = movable[first : first + size]
    shifted = movable[first + size : first + size * (1 + SHIFT_FACTOR)]
    window = free + shifted
    earliest = free[0].start
    horizon = max(a.end for a in window) + max(a.end for a in window) - earliest
    kept = {a.operation: a for a in current if a.operation not in {w.operation for w in window}}
    return cpsat.Neighbourhood(
        fixed=kept,
        shifted={a.operation: a.resource for a in sorted(shifted, key=lambda a: (a.resource, a.start))},
        earliest=earliest,
        horizon=horizon,
    )


def _pivot(problem, objective, current, movable, index, rng) -> int:
    """Half the time an operation of a late job (by weighted lateness), else any operation."""
    if objective == "weighted-tardiness" and rng.random() < 0.5:
        jobs = problem.job_by_id
        late = [(j, jobs[j].weight * (end - jobs[j].due)) for j, end in completions(current).items() if end > jobs[j].due]
        late = [(j, w) for j, w in late if any(op.id in index for op in jobs[j].operations)]
        if late:
            job_id = rng.choices([j for j, _ in late], weights=[w for _, w in late])[0]
            ops = [op.id for op in jobs[job_id].operations if op.id in index]
            return index[rng.choice(ops)]
    return rng.randrange(len(movable))
