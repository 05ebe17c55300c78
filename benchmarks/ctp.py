"""Capable-to-promise query time on a 500-order plan: build the index once, ask many times.

    python benchmarks/ctp.py --orders 500 --queries 1000
"""

from __future__ import annotations

import argparse
import random
import statistics
import time

from jidan.planning.generate import generate_plant
from jidan.planning.problem import Job, Operation
from jidan.planning.promise import LoadedPlan
from jidan.planning.solve import solve


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=500)
    parser.add_argument("--queries", type=int, default=1000)
    args = parser.parse_args()
    plant = generate_plant(args.orders, seed=3)
    current = solve(plant, "weighted-tardiness", 0)
    clock = time.perf_counter()
    plan = LoadedPlan(plant, current)
    build = time.perf_counter() - clock
    rng = random.Random(9)
    horizon = max(a.end for a in current.assignments)
    times = []
    for q in range(args.queries):
        model = rng.choice(plant.jobs)
        release = rng.randint(0, horizon)
        job = Job(f"NEW-{q}", tuple(Operation(f"NEW-{q}-{k}", o.duration, o.resources) for k, o in enumerate(model.operations)), release, release + model.work * 2)
        clock = time.perf_counter()
        plan.earliest_completion(job)
        times.append(1000 * (time.perf_counter() - clock))
    times.sort()
    print(
        f"{args.orders} orders, {plant.operation_count} ops: index built in {1000 * build:.1f} ms; "
        f"{args.queries} queries mean {statistics.mean(times):.3f} ms, p95 {times[int(0.95 * len(times))]:.3f} ms, max {times[-1]:.3f} ms"
    )


if __name__ == "__main__":
    main()
