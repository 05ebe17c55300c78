"""Sequence-dependent set-ups (issue 25 §3): weighted tardiness and changeover minutes of plans
on generated plants whose product families make batching pay.

    python benchmarks/setups.py --time-limit 10 --seed 1 100 200
    python benchmarks/setups.py --time-limit 10 --seed 2 --cases 3 200   # plus insertion and promise times

Per size: (a) our solver with the set-ups modelled; (b) the same solver given the set-ups folded
into durations (each operation lasts its duration plus the mean set-up into its family on its
resources, as the services did before), its plan then re-timed on the real set-ups: every
operation keeps its resource and its place in the machine's sequence and starts as early as its
routing, its release, the changeover from the operation before it and the closed windows allow
(a semi-active plan of the same sequences, so the fold is not charged for its padding); (c) the
best dispatch rule of `rules_for` (the set-up-aware batching rules included). Every plan is
validated on the real set-ups. With `--cases`, urgent orders are then inserted into plan (a) and
promised (gap filling, and with insertion), with their times against their limits, and the same
on the plant's twin without set-ups (the same plan) for comparison.
"""

from __future__ import annotations

import argparse
import random
import time
from dataclasses import replace

from jidan.planning.dispatch import best_dispatch
from jidan.planning.generate import generate_plant_with_setups
from jidan.planning.insert import insert
from jidan.planning.problem import Job, Operation, Problem
from jidan.planning.promise import LoadedPlan, earliest_with_insertion
from jidan.planning.result import Assignment, setup_minutes, weighted_tardiness
from jidan.planning.shift import timeline_with
from jidan.planning.solve import solve
from jidan.planning.validate import violations

OBJECTIVE = "weighted-tardiness"


def folded(problem: Problem) -> Problem:
    """The same plant without set-ups, each operation lengthened by the mean set-up into its
    family (from each family of the plant, its own included) over its resources."""
    families = sorted({op.family for job in problem.jobs for op in job.operations})
    resources = problem.resource_by_id

    def mean_setup(op: Operation) -> int:
        into = [resources[r].setup(f, op.family) for r in op.resources for f in families]
        return round(sum(into) / len(into)) if into else 0

    jobs = tuple(replace(job, operations=tuple(replace(op, duration=op.duration + mean_setup(op))
                                               for op in job.operations)) for job in problem.jobs)
    return Problem(tuple(replace(r, setups=()) for r in problem.resources), jobs)


def retimed(problem: Problem, plan: tuple[Assignment, ...]) -> tuple[Assignment, ...]:
    """`plan`'s sequences on the real problem: in the plan's start order (routing and machine
    order both respect it), each operation at its earliest after its predecessor in the routing
    and the last operation on its resource, with the real duration and changeover."""
    timeline = timeline_with(problem, ())
    ops = problem.operation_by_id
    ready: dict[str, int] = {}
    last_end: dict[str, int] = {}
    placed = []
    for a in sorted(plan, key=lambda a: (a.start, ops[a.operation][1], a.operation)):
        job, k = ops[a.operation]
        op = job.operations[k]
        earliest = max(job.earliest(k, ready.get(job.id, 0)), last_end.get(a.resource, 0))
        start = timeline.earliest_start(a.resource, earliest, op.duration, op.family)
        timeline.book(a.resource, start, start + op.duration, op.family)
        placed.append(Assignment(job.id, op.id, a.resource, start, start + op.duration))
        ready[job.id] = start + op.duration
        if op.duration:
            last_end[a.resource] = start + op.duration
    return tuple(placed)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 200])
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--cases", type=int, default=0, help="urgent orders to insert and promise per size")
    parser.add_argument("--insert-limit", type=float, default=1.0)
    args = parser.parse_args()
    for orders in args.sizes:
        problem = generate_plant_with_setups(orders, seed=args.seed)
        rule, greedy, greedy_value = best_dispatch(problem, OBJECTIVE)
        modelled = solve(problem, OBJECTIVE, args.time_limit)
        fold = folded(problem)
        fold_plan = solve(fold, OBJECTIVE, args.time_limit)
        real = retimed(problem, fold_plan.assignments)
        for plan in (greedy, modelled.assignments, real):
            assert not violations(problem, plan), violations(problem, plan)[:3]
        ours, theirs = modelled.value, weighted_tardiness(problem, real)
        print(f"{orders:4} orders {problem.operation_count:5} ops  (a) set-ups modelled {ours:8} "
              f"[set-up {setup_minutes(problem, modelled.assignments):6} min]  (b) folded {theirs:8} "
              f"[{setup_minutes(problem, real):6} min; {fold_plan.value} on its own durations]  "
              f"(c) best rule {rule} {greedy_value:8} [{setup_minutes(problem, greedy):6} min]  "
              f"a/b {ours / theirs if theirs else 1:.3f}  a/c {ours / greedy_value if greedy_value else 1:.3f}",
              flush=True)
        if args.cases:
            urgent_cases(problem, modelled, args.cases, args.insert_limit)


def urgent_cases(problem: Problem, current, cases: int, limit: float) -> None:
    """Insert and promise urgent copies of random orders into `current`, on the plant and on its
    twin without set-ups (same plan): seconds against `limit`. Insertion is given the deadline
    the services give it (`limit` after the call); the promise with insertion only its limit."""
    twin = Problem(tuple(replace(r, setups=()) for r in problem.resources), problem.jobs)
    rng = random.Random(5)
    horizon = max(a.end for a in current.assignments)
    for case in range(cases):
        model = rng.choice(problem.jobs)
        release = rng.randint(0, horizon // 2)
        ops = tuple(Operation(f"URG-{case}-{k}", o.duration, o.resources, family=o.family)
                    for k, o in enumerate(model.operations))
        urgent = Job(f"URG-{case}", ops, release, release + 2 * model.work, 8)
        figures = []
        for plant in (problem, twin):
            bigger = plant.with_job(urgent)
            clock = time.monotonic()
            inserted = insert(bigger, current, urgent.id, limit, deadline=clock + limit)
            insert_seconds = time.monotonic() - clock
            assert not violations(bigger, inserted.schedule.assignments)
            clock = time.monotonic()
            gap = LoadedPlan(plant, current).earliest_completion(urgent)
            gap_ms = 1000 * (time.monotonic() - clock)
            clock = time.monotonic()
            earliest_with_insertion(plant, current, urgent, limit)
            figures.append(f"insert {insert_seconds:.2f}s, promise {gap_ms:.1f} ms / with insertion "
                           f"{time.monotonic() - clock:.2f}s (done {inserted.urgent_completion - release}; "
                           f"{gap.completion - release} without moving)")
        print(f"  urgent {case} (limit {limit:g}s): set-ups: {figures[0]}  |  twin without: {figures[1]}", flush=True)


if __name__ == "__main__":
    main()
