"""An independent feasibility check, written apart from the solvers so it can catch their bugs."""

from __future__ import annotations

from collections.abc import Collection, Iterable

from jidan.planning.errors import InvalidSchedule
from jidan.planning.problem import Problem
from jidan.planning.result import Assignment


def violations(problem: Problem, assignments: Iterable[Assignment], now: int | None = None,
               started: Collection[str] = ()) -> list[str]:
    """Every rule of the problem the assignments break, in words; empty when feasible.

    With ``now`` (the run's start), work that is not ``started`` on the floor must not start
    before it. Every operation, started or not, stays out of its resource's closed windows, and
    leaves the set-up into the next operation on its resource (`_changeovers`)."""
    found: list[str] = []
    by_op: dict[str, Assignment] = {}
    for a in assignments:
        if a.operation in by_op:
            found.append(f"{a.operation} is assigned twice")
        by_op[a.operation] = a
    for op_id in by_op.keys() - problem.operation_by_id.keys():
        found.append(f"{op_id} is not an operation of the problem")
    for job in problem.jobs:
        previous_end = job.release
        for op in job.operations:
            a = by_op.get(op.id)
            if a is None:
                found.append(f"{op.id} is not assigned")
                continue
            if a.job != job.id:
                found.append(f"{op.id} is recorded under job {a.job}, not {job.id}")
            if a.resource not in op.resources:
                found.append(f"{op.id} runs on {a.resource}, not one of {op.resources}")
            resource = problem.resource_by_id.get(a.resource)
            if op.breakable and resource is not None:
                if a.start != resource.open_at(a.start) or a.end != resource.finish(a.start, op.duration):
                    found.append(f"{op.id} works {resource.working(a.start, a.end)} min of [{a.start},{a.end}) on {a.resource}"
                                 f" instead of {op.duration} from an open minute")
            elif a.end - a.start != op.duration:
                found.append(f"{op.id} lasts {a.end - a.start} min instead of {op.duration}")
            if a.start < previous_end:
                found.append(f"{op.id} starts at {a.start}, before {previous_end} (release or previous operation)")
            if a.start < op.release:
                found.append(f"{op.id} starts at {a.start}, before its own release {op.release} (its material)")
            if now is not None and a.start < now and op.id not in started:
                found.append(f"{op.id} is not started but starts at {a.start}, before now ({now})")
            previous_end = a.end
    found.extend(_overlaps(problem, by_op.values()))
    found.extend(_changeovers(problem, by_op.values()))
    return found


def _changeovers(problem: Problem, assignments: Iterable[Assignment]) -> list[str]:
    """Set-ups: between consecutive operations on a resource (by start; a step that takes no time
    holds no machine; occupied work counts as an operation) the gap holds the changeover, done in
    open time just before the second: [start - setup, start) overlaps neither the operation before
    nor a closed window."""
    if not problem.has_setups:
        return []
    found = []
    per_resource: dict[str, list[tuple[int, int, str, str]]] = {}
    for a in assignments:
        resource = problem.resource_by_id.get(a.resource)
        if a.end > a.start and resource is not None and resource.setups:
            per_resource.setdefault(a.resource, []).append((a.start, a.end, a.operation, problem.family(a.operation)))
    for rid, placed in per_resource.items():
        resource = problem.resource_by_id[rid]
        placed.extend((s, e, f"occupied work [{s},{e})", family) for s, e, family in resource.occupied)
        placed.sort()
        for (_, end, what, family), (start, _, next_what, next_family) in zip(placed, placed[1:]):
            minutes = resource.setup(family, next_family)
            if not minutes:
                continue
            if start - end < minutes:
                found.append(f"{next_what} starts {start - end} min after {what} ends on "
                             f"{rid}, but changing over from family {family!r} to {next_family!r} takes {minutes} min")
            for s, e in resource.closed_within(start - minutes, start):
                found.append(f"the {minutes}-min changeover before {next_what} on {rid} "
                                 f"[{start - minutes},{start}) overlaps unavailable window [{s},{e})")
    return found


def _overlaps(problem: Problem, assignments: Iterable[Assignment]) -> list[str]:
    """Work that meets other work, occupied work or a window on one resource; a breakable lot
    counts only its working pieces (its pauses are the windows)."""
    found = []
    per_resource: dict[str, list[tuple[int, int, str]]] = {}
    for a in assignments:
        if a.end > a.start:
            per_resource.setdefault(a.resource, []).extend(
                (s, e, a.operation) for s, e in problem.held(a.operation, a.resource, a.start, a.end))
    for rid, busy in per_resource.items():
        resource = problem.resource_by_id.get(rid)
        if resource is None:
            continue
        busy.extend((s, e, "unavailable window") for s, e in resource.unavailable)
        busy.extend((s, e, "occupied work") for s, e, _ in resource.occupied)
        busy.sort()
        for (s1, e1, what1), (s2, e2, what2) in zip(busy, busy[1:]):
            if s2 < e1:
                found.append(f"{what1} [{s1},{e1}) overlaps {what2} [{s2},{e2}) on {rid}")
    return found


def check(problem: Problem, assignments: Iterable[Assignment], now: int | None = None,
          started: Collection[str] = ()) -> None:
    """Raise `InvalidSchedule` listing the first few broken rules (see `violations`)."""
    found = violations(problem, assignments, now, started)
    if found:
        more = f" (and {len(found) - 5} more)" if len(found) > 5 else ""
        raise InvalidSchedule("; ".join(found[:5]) + more, "assignments")
