"""Greedy list scheduling (派工规则): a first plan in milliseconds, and the warm start for CP-SAT.

Operations are taken one at a time in priority order and put into the earliest gap that fits
them on the alternative that finishes first, around unavailable windows and frozen work.
"""

from __future__ import annotations

import heapq
import math
import time
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


class SameFamilyNext:
    """Same family next if not too late (set-ups): `rule`'s order, but when the operation it picks
    would make its machine change over, an operation of the family the machine runs goes first
    instead if it is ready by then and its key is at most `slack` (the key's units: minutes for
    EDD and latest start) behind. `dispatch` asks the machine's family, so this is no plain key."""

    def __init__(self, rule: Rule, slack: float) -> None:
        self.rule, self.slack = rule, slack

    def __call__(self, job: Job, position: int, ready: int, work_left: int) -> tuple:
        return self.rule(job, position, ready, work_left)


BATCH_SLACKS = (1, 4, 16)
"""How far behind, in mean operation durations, an operation of the machine's family may be and
still go first (`SameFamilyNext`)."""
BATCHED_LATEST_STARTS = ((1.0, 0.0), (1.5, 0.0), (1.5, 1.0), (2.0, 1.0))
"""The latest-start rules batched for weighted tardiness: those that won on the generated plants
with set-ups (`benchmarks/setups.py`, seeds 1-3, 100 and 200 orders)."""


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
    """Every rule worth a try, in the order they are tried: the classic ones; with set-ups the
    family-batching ones, which win on most plants with set-ups and so come before the others
    when a time limit cuts the list short (`best_dispatch`); for weighted tardiness, weighted
    latest start."""
    rules = classic_rules(problem, objective)
    mean = _mean_duration(problem)
    if problem.has_setups:
        batched: dict[str, Rule] = {"edd": earliest_due_date, "mwkr": most_work_remaining}
        if objective == "weighted-tardiness":
            batched = {f"lst({stretch:g},{lead:g})": weighted_latest_start(mean, stretch, lead)
                       for stretch, lead in reversed(BATCHED_LATEST_STARTS)}
        for slack in reversed(BATCH_SLACKS):  # the widest batches and latest starts won most often
            for name, rule in batched.items():
                rules[f"next-{name}({slack})"] = SameFamilyNext(rule, slack * mean)
    if objective == "weighted-tardiness":
        for stretch, lead in LATEST_START_GRID:
            rules[f"lst({stretch:g},{lead:g})"] = weighted_latest_start(mean, stretch, lead)
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
    waiting = _by_family(problem, heap) if isinstance(rule, SameFamilyNext) else None
    while heap:
        entry = heapq.heappop(heap)
        _, index, position, ready, work_left = entry
        job = jobs[index]
        op = job.operations[position]
        resource, start = timeline.best_placement(op, ready)
        if waiting is not None:
            waiting[op.family].discard(entry)
            instead = _same_family(problem, timeline, waiting, entry, resource, start, rule.slack) if op.duration else None
            if instead is not None:
                heap[heap.index(instead)] = entry
                heapq.heapify(heap)
                waiting[op.family].add(entry)
                entry = instead
                _, index, position, ready, work_left = entry
                job = jobs[index]
                op = job.operations[position]
                waiting[op.family].discard(entry)
                start = timeline.earliest_start(resource, ready, op.duration, op.family, op.breakable)
        end = timeline.end(resource, start, op)
        timeline.book(resource, start, end, op.family)
        placed.append(Assignment(job.id, op.id, resource, start, end))
        position += 1
        if position < len(job.operations):
            work_left -= op.duration
            ready = job.earliest(position, end)
            entry = (rule(job, position, ready, work_left), index, position, ready, work_left)
            heapq.heappush(heap, entry)
            if waiting is not None:
                waiting[job.operations[position].family].add(entry)
    return tuple(placed)


def _by_family(problem: Problem, heap: list) -> dict[str, set]:
    """The heap's entries by the family of their operation, for `_same_family` to look in."""
    waiting: dict[str, set] = {}
    for entry in heap:
        waiting.setdefault(problem.jobs[entry[1]].operations[entry[2]].family, set()).add(entry)
    for job in problem.jobs:
        for op in job.operations:
            waiting.setdefault(op.family, set())
    return waiting


def _same_family(problem: Problem, timeline: Timeline, waiting: dict[str, set], entry: tuple, resource: str,
                 start: int, slack: float) -> tuple | None:
    """The waiting entry to run on `resource` before `entry`'s operation (due at `start` there)
    to save a changeover: of the family the machine runs before `start`, able to use `resource`,
    ready by `start` and within `slack` of the entry's key; the most urgent such."""
    running = timeline.family_before(resource, start)
    op = problem.jobs[entry[1]].operations[entry[2]]
    if running is None or running == op.family or not problem.resource_by_id[resource].setup(running, op.family):
        return None
    best, limit = None, entry[0][0] + slack
    for other in waiting.get(running, ()):
        key, index, position, ready, _ = other
        if ready <= start and key[0] <= limit and (best is None or other < best):
            candidate = problem.jobs[index].operations[position]
            if candidate.duration and resource in candidate.resources:
                best = other
    return best


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
    deadline: float | None = None,
) -> tuple[str, tuple[Assignment, ...], int]:
    """Run each rule (default: `rules_for`) in turn and keep the best plan: (rule name,
    assignments, value). With a `deadline` (`time.monotonic()`), no rule is begun that the last
    one's time says would end after it; the first always runs. On a huge plant a rule takes a
    tenth of a second or more, and a solve's time limit counts from its start."""
    best, took = None, 0.0
    for name, rule in (rules if rules is not None else rules_for(problem, objective)).items():
        began = time.monotonic()
        if best is not None and deadline is not None and began + took > deadline:
            break
        assignments = dispatch(problem, rule, frozen)
        value = evaluate(problem, assignments, objective)
        if best is None or value < best[2]:
            best = (name, assignments, value)
        took = time.monotonic() - began
    return best
