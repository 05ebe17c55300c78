"""Greedy list scheduling (派工规则): a first plan in milliseconds, and the warm start for CP-SAT.

Operations are taken one at a time in priority order and put into the earliest gap that fits
them on the alternative that finishes first, around unavailable windows and frozen work.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable, Mapping

from jidan.planning.errors import InvalidProblem
from jidan.planning.problem import Job, Problem
from jidan.planning.result import Assignment, evaluate
from jidan.planning.timeline import Timeline

Rule = Callable[[Job, int, int, int], tuple]
"""Priority key of a job's next operation from (job, position, ready time, work left): lowest first."""


def earliest_due_date(job: Job, position: int, ready: int, work_left: int) -> tuple:
    """EDD: the order promised first goes first."""
    return (job.due, -job.weight, ready)


def most_work_remaining(job: Job, position: int, ready: int, work_left: int) -> tuple:
    """Earliest ready first, longest remaining routing breaking ties: keeps machines busy."""
    return (ready, -work_left)


def apparent_tardiness_cost(mean_duration: float, look_ahead: float = 2.0) -> Rule:
    """ATC: weight per minute of work, discounted by how much slack the order still has."""
    scale = max(look_ahead * mean_duration, 1.0)

    def key(job: Job, position: int, ready: int, work_left: int) -> tuple:
        duration = max(job.operations[position].duration, 1)
        slack = max(0, job.due - work_left - ready)
        return (-(job.weight / duration) * math.exp(-slack / scale), ready)

    return key


def weighted_latest_start(mean_duration: float, stretch: float, weight_lead: float) -> Rule:
    """Latest start, weighted: the due date less the work left (stretched by √weight) and a lead of
    `weight_lead` mean operations per unit of weight. Heavy orders with much work left go first."""

    def key(job: Job, position: int, ready: int, work_left: int) -> tuple:
        return (job.due - stretch * math.sqrt(job.weight) * work_left - weight_lead * mean_duration * job.weight, ready)

    return key


def family_batches(rule: Rule, band: float) -> Rule:
    """Same family next if not too late (set-ups): `rule`'s key, in bands of `band` minutes, and
    within a band the operations of one product family together, so a machine changes over less."""

    def key(job: Job, position: int, ready: int, work_left: int) -> tuple:
        first = rule(job, position, ready, work_left)
        return (first[0] // band, job.operations[position].family, *first)

    return key


BATCH_BANDS = (4, 16)
"""Bands of the family-batching rules, in mean operation durations: how far down the priority
order an operation of the same family may be pulled forward."""


LATEST_START_GRID = ((1.0, 0.0), (1.5, 0.0), (1.5, 1.0), (2.0, 1.0), (2.0, 2.0), (3.0, 2.0))
"""(stretch, weight_lead) pairs of the weighted latest-start rules tried for weighted tardiness;
each wins on some of the generated plants (docs/benchmarks.md)."""


def _mean_duration(problem: Problem) -> float:
    durations = [op.duration for job in problem.jobs for op in job.operations]
    return sum(durations) / len(durations) if durations else 1.0


def classic_rules(problem: Problem, objective: str) -> dict[str, Rule]:
    """The textbook rules (EDD, ATC; MWKR for makespan): the instant answer and the benchmarks' baseline."""
    rules: dict[str, Rule] = {"edd": earliest_due_date, "atc": apparent_tardiness_cost(_mean_duration(problem))}
    if objective == "makespan":
        rules["mwkr"] = most_work_remaining
    return rules


def rules_for(problem: Problem, objective: str) -> dict[str, Rule]:
    """Every rule worth a try: the classic ones plus, for weighted tardiness, weighted latest start,
    and with set-ups the family-batching ones."""
    rules = classic_rules(problem, objective)
    mean = _mean_duration(problem)
    if objective == "weighted-tardiness":
        for stretch, lead in LATEST_START_GRID:
            rules[f"lst({stretch:g},{lead:g})"] = weighted_latest_start(mean, stretch, lead)
    if problem.has_setups:
        batched = {"edd": earliest_due_date, "lst": weighted_latest_start(mean, 1.5, 1.0)}
        if objective == "makespan":
            batched = {"mwkr": most_work_remaining}
        for name, rule in batched.items():
            for band in BATCH_BANDS:
                rules[f"batch-{name}({band})"] = family_batches(rule, max(1.0, band * mean))
    return rules


def dispatch(problem: Problem, rule: Rule, frozen: Mapping[str, Assignment] | None = None) -> tuple[Assignment, ...]:
    """Place every operation not in `frozen` by `rule`; frozen ones stay exactly where they are."""
    frozen = frozen or {}
    timeline = Timeline(problem)
    for a in frozen.values():
        timeline.book(a.resource, a.start, a.end, problem.family(a.operation))
    placed = list(frozen.values())
    heap: list[tuple[tuple, int, int, int, int]] = []
    for index, job in enumerate(problem.jobs):
        position, after = _after_frozen(job, frozen)
        if position < len(job.operations):
            ready = job.earliest(position, after)
            work_left = sum(op.duration for op in job.operations[position:])
            heapq.heappush(heap, (rule(job, position, ready, work_left), index, position, ready, work_left))
    jobs = problem.jobs
    while heap:
        _, index, position, ready, work_left = heapq.heappop(heap)
        job = jobs[index]
        op = job.operations[position]
        resource, start = timeline.best_placement(op, ready)
        end = start + op.duration
        timeline.book(resource, start, end, op.family)
        placed.append(Assignment(job.id, op.id, resource, start, end))
        position += 1
        if position < len(job.operations):
            work_left -= op.duration
            ready = job.earliest(position, end)
            heapq.heappush(heap, (rule(job, position, ready, work_left), index, position, ready, work_left))
    return tuple(placed)


def _after_frozen(job: Job, frozen: Mapping[str, Assignment]) -> tuple[int, int]:
    """Where the free part of the routing begins and when the frozen part before it ends."""
    position, after = 0, 0
    while position < len(job.operations) and job.operations[position].id in frozen:
        after = max(after, frozen[job.operations[position].id].end)
        position += 1
    if any(op.id in frozen for op in job.operations[position:]):
        raise InvalidProblem(f"jobs[{job.id}]: frozen operations must lead the routing", f"jobs[{job.id}]")
    return position, after


def best_dispatch(
    problem: Problem,
    objective: str,
    frozen: Mapping[str, Assignment] | None = None,
    rules: Mapping[str, Rule] | None = None,
) -> tuple[str, tuple[Assignment, ...], int]:
    """Run each rule (default: `rules_for`) and keep the best plan: (rule name, assignments, value)."""
    best = None
    for name, rule in (rules if rules is not None else rules_for(problem, objective)).items():
        assignments = dispatch(problem, rule, frozen)
        value = evaluate(problem, assignments, objective)
        if best is None or value < best[2]:
            best = (name, assignments, value)
    return best
