"""Lots, not shifts (issue 25 §2): a plan's size and time against the quantity of its large orders.

    python benchmarks/lots.py --time-limit 10 --orders 100 2000 20000 200000

A generated 100-order plant (`generate_plant`) open three four-hour shifts a day (08–12, 13–17,
18–22, as the demo factory) gets three large orders whose every step takes the given minutes of
work. Side by side, the same plant with those steps cut as before this change (one lot a shift,
each run within its shift) and as now (at most eight lots that pause over the closed hours,
`plant.SHIFT_LOTS`). Per size: operations, the seconds to the first plan (best dispatch), the
seconds `solve` took with the time limit asked for, and the plan's weighted tardiness (both
validated). Beyond the first size the shift-cut plant grows with the quantity; ours does not.
"""

from __future__ import annotations

import argparse
import math
import time

from jidan.domain.execution import split_lots
from jidan.planning.dispatch import best_dispatch
from jidan.planning.generate import generate_plant
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.solve import solve
from jidan.planning.validate import violations

SHIFTS = ((480, 720), (780, 1020), (1080, 1320))
SHIFT_MINUTES, SHIFT_LOTS, DAYS = 240, 8, 800


def closed(days: int) -> tuple[tuple[int, int], ...]:
    """The hours outside the shifts, day after day."""
    windows, cursor = [], 0
    for d in range(days):
        for start, end in SHIFTS:
            windows.append((cursor, d * 1440 + start))
            cursor = d * 1440 + end
    return tuple((s, e) for s, e in windows if e > s)


def plant(minutes: int, by_shift: bool, seed: int) -> Problem:
    base = generate_plant(100, seed=seed)
    nights = closed(DAYS)
    resources = tuple(Resource(r.id, nights) for r in base.resources)
    big = []
    for n, template in enumerate(base.jobs[:3]):
        ops = []
        for op in template.operations:
            step = op.id.split("-", 1)[1]
            if by_shift:
                lots = split_lots(minutes, math.ceil(minutes / SHIFT_MINUTES))
            else:
                lots = split_lots(minutes, min(SHIFT_LOTS, math.ceil(minutes / SHIFT_MINUTES)))
            breakable = not by_shift and math.ceil(minutes / SHIFT_MINUTES) > SHIFT_LOTS
            ops += [Operation(f"BIG{n}-{step}.{k}", d, op.resources, breakable=breakable) for k, d in enumerate(lots)]
        big.append(Job(f"BIG{n}", tuple(ops), due=minutes * 2, weight=4))
    return Problem(resources, (*base.jobs, *big))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=[2000, 20000, 200000])
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    print("| minutes a step | cut | operations | first plan (s) | solve (s) | weighted tardiness |")
    print("|---:|---|---:|---:|---:|---:|")
    for minutes in args.sizes:
        for by_shift in (True, False):
            problem = plant(minutes, by_shift, args.seed)
            clock = time.perf_counter()
            best_dispatch(problem, "weighted-tardiness")
            first = time.perf_counter() - clock
            clock = time.perf_counter()
            schedule = solve(problem, "weighted-tardiness", args.time_limit)
            seconds = time.perf_counter() - clock
            assert not violations(problem, schedule.assignments)
            cut = "a lot a shift (before)" if by_shift else "≤ 8 lots (now)"
            print(f"| {minutes:,} | {cut} | {problem.operation_count:,} | {first:.2f} | {seconds:.1f} | "
                  f"{schedule.value:,} |", flush=True)


if __name__ == "__main__":
    main()
