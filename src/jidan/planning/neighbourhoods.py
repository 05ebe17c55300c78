"""Neighbourhoods for large-neighbourhood search: which operations one small CP-SAT solve may move.

Each builder returns a `cpsat.Neighbourhood`: a few operations are free (any alternative, any
time in the window), the ones just after them are shifted (same resource and order, free to
slide) so the freed work can push them, and everything else is fixed. Both the planner's LNS
and urgent insertion use them.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping

from jidan.planning.cpsat import Neighbourhood
from jidan.planning.problem import Problem
from jidan.planning.result import Assignment


def time_window(
    plan: Iterable[Assignment],
    frozen: Mapping[str, Assignment],
    size: int,
    rng: random.Random,
    pivot: str | None = None,
) -> Neighbourhood | None:
    """About `size` operations in start order on every resource; the next `size` slide.

    With a `pivot` operation the window ends a little after it (what made it late lies before
    it); without one it is placed at random.
    """
    plan = tuple(plan)
    movable = sorted((a for a in plan if a.operation not in frozen), key=lambda a: (a.start, a.operation))
    if not movable:
        return None
    index = {a.operation: i for i, a in enumerate(movable)}
    if pivot in index:
        first = max(0, index[pivot] - rng.randint(size // 2, size))
    else:
        first = max(0, rng.randrange(len(movable)) - rng.randint(0, size))
    return _area(plan, movable[first : first + size], movable[first + size : first + 2 * size])


def machine_window(
    problem: Problem,
    plan: Iterable[Assignment],
    frozen: Mapping[str, Assignment],
    job_id: str,
    size: int,
    rng: random.Random,
) -> Neighbourhood | None:
    """The job's own operations and about `size` operations before its end on the resources it
    could use are freed, so work ahead of it can give way or change machine; the next ones on
    those resources slide."""
    job = problem.job_by_id[job_id]
    own = {op.id for op in job.operations if op.id not in frozen}
    if not own:
        return None
    resources = {rid for op in job.operations if op.id in own for rid in op.resources}
    plan = tuple(plan)
    movable = sorted(
        (a for a in plan if a.operation not in frozen and a.resource in resources), key=lambda a: (a.start, a.operation)
    )
    last = max(i for i, a in enumerate(movable) if a.operation in own)
    first = max(0, last - rng.randint(size // 2, size))
    free = movable[first : last + 1]
    free += [a for a in plan if a.operation in own and a not in free]
    freed = {a.operation for a in free}
    shifted = [a for a in movable[last + 1 : last + 1 + size // 2] if a.operation not in freed]
    return _area(plan, free, shifted)


def _area(plan: tuple[Assignment, ...], free: list[Assignment], shifted: list[Assignment]) -> Neighbourhood:
    """Fix everything but `free` and `shifted`, inside a window twice as long as theirs."""
    window = free + shifted
    earliest = min(a.start for a in window)
    top = max(a.end for a in window)
    taken = {a.operation for a in window}
    return Neighbourhood(
        fixed={a.operation: a for a in plan if a.operation not in taken},
        shifted={a.operation: a.resource for a in sorted(shifted, key=lambda a: (a.resource, a.start))},
        earliest=earliest,
        horizon=top + (top - earliest),
    )

