"""Generated make-to-order plants: weighted tardiness of our plan against the better of EDD and ATC.

    python benchmarks/plants.py --time-limit 30 100 200 500 1000 2000

Per size: the baseline (better of the classic EDD and ATC rules) and how long it takes, the best
of all our dispatch rules (`rules_for`, the planner's own start), and the planner's result.
"""

from __future__ import annotations

import argparse
import time

from jidan.planning.dispatch import best_dispatch, classic_rules
from jidan.planning.generate import generate_plant
from jidan.planning.solve import solve
from jidan.planning.validate import violations


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("sizes", nargs="*", type=int, default=[100, 200, 500, 1000, 2000])
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    for orders in args.sizes:
        problem = generate_plant(orders, seed=args.seed)
        objective = "weighted-tardiness"
        clock = time.perf_counter()
        rule, _, greedy = best_dispatch(problem, objective, rules=classic_rules(problem, objective))
        first = time.perf_counter() - clock
        clock = time.perf_counter()
        own_rule, _, own = best_dispatch(problem, objective)
        own_seconds = time.perf_counter() - clock
        schedule = solve(problem, objective, args.time_limit)
        assert not violations(problem, schedule.assignments)
        ratio = schedule.value / greedy if greedy else 1.0
        print(
            f"{orders:5} orders {problem.operation_count:6} ops  greedy ({rule}) {greedy:9} in {first:.3f}s  "
            f"all rules ({own_rule}) {own:9} ({own / greedy if greedy else 1:.3f}) in {own_seconds:.3f}s  "
            f"solved {schedule.value:9} ({schedule.status}) in {schedule.seconds:5.1f}s  ratio {ratio:.3f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
