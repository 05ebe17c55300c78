"""The tabu search alone, from the best classic dispatch plan, one core, on public job shops: how
a change to `planning/tabu.py` does, without CP-SAT's share in the way.

To compare two revisions side by side, run the same command once per revision at the same time
(one core each), the older one from a worktree:

    git worktree add /tmp/before <revision>
    PYTHONPATH=/tmp/before/src python benchmarks/tabu_alone.py --time-limit 10 ta41 ta11 > before.txt &
    PYTHONPATH=src python benchmarks/tabu_alone.py --time-limit 10 ta41 ta11 > after.txt

`--stall-steps` and `--tenure` try other settings of the search's constants the same way.
"""

from __future__ import annotations

import argparse
import statistics
import time

from jobshop import SETS, load

from jidan.planning import tabu
from jidan.planning.dispatch import best_dispatch, classic_rules
from jidan.planning.result import makespan
from jidan.planning.validate import check


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("instances", nargs="*")
    parser.add_argument("--set", choices=sorted(SETS), default="20x15")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--stall-steps", type=int, default=tabu.STALL_STEPS, help="try another restart setting")
    parser.add_argument("--tenure", type=int, nargs=2, default=tabu.TENURE, metavar=("LOW", "HIGH"), help="try another tenure")
    args = parser.parse_args()
    tabu.STALL_STEPS, tabu.TENURE = args.stall_steps, tuple(args.tenure)
    gaps = []
    for name in args.instances or SETS[args.set]:
        problem, best = load(name)
        _, start, greedy = best_dispatch(problem, "makespan", {}, classic_rules(problem, "makespan"))
        clock = time.monotonic()
        plan = tabu.improve(problem, start, args.time_limit, seed=args.seed)
        seconds = time.monotonic() - clock
        check(problem, plan)
        value = makespan(problem, plan)
        gaps.append(100 * (value - best) / best)
        print(f"{name:6} best {best:5} dispatch {greedy:5} tabu {value:5} ({gaps[-1]:5.2f}%, {seconds:4.1f}s)", flush=True)
    print(f"mean gap to best known: {statistics.mean(gaps):.2f}% ({len(gaps)} instances, {args.time_limit:g}s)")


if __name__ == "__main__":
    main()
