"""Urgent insertion into a generated plant against the push-later baseline, several urgent orders.

    python benchmarks/insertion.py --time-limit 5 --cases 5
    python benchmarks/insertion.py --current plan.json    # reuse (or keep) the current plan
    python benchmarks/insertion.py --cases 8 --current benchmarks/plans/plant200-seed11.json  # the kept tight plan
    python benchmarks/insertion.py --orders 500 --seed 23 --time-limit 10 --cases 3   # other plants

The current plan is `solve` for 10 s, which differs from run to run on a busy machine; keeping it
in a file lets changes to the insertion be compared on the same plan. Each case reports the two
promises of the insertion: orders newly late against the policy's cap, and the other orders'
added weighted tardiness against push-later's (the urgent order's own is bounded by its stretch
limit); `traded` says which one gave way.
"""

from __future__ import annotations

import random
import time

from common import case_arguments, current_plan
from jidan.planning.generate import generate_plant
from jidan.planning.insert import InsertionPolicy, earliest_possible, insert, push_later
from jidan.planning.problem import Job, Operation
from jidan.planning.result import completions, late_jobs, weighted_tardiness


def main() -> None:
    args = case_arguments(orders=200, time_limit=5.0, cases=5, seed=11)
    plant = generate_plant(args.orders, seed=args.seed)
    current = current_plan(plant, args.current)
    cap = InsertionPolicy().max_newly_late
    before = weighted_tardiness(plant, current.assignments)
    print(f"plant {args.orders} orders, seed {args.seed}; current plan: weighted tardiness {before}, "
          f"{len(late_jobs(plant, current.assignments))} orders late", flush=True)
    rng = random.Random(5)
    horizon = max(a.end for a in current.assignments)
    for case in range(args.cases):
        model = rng.choice(plant.jobs)
        release = rng.randint(0, horizon // 2)
        ops = tuple(Operation(f"URG-{case}-{k}", o.duration, o.resources) for k, o in enumerate(model.operations))
        urgent = Job(f"URG-{case}", ops, release, release + 2 * model.work, 8)
        bigger = plant.with_job(urgent)
        clock = time.monotonic()
        result = insert(bigger, current, urgent.id, args.time_limit)
        seconds = time.monotonic() - clock
        pushed = push_later(bigger, current, urgent.id)
        fastest = earliest_possible(bigger, current, urgent.id) - release
        others = [a for a in result.schedule.assignments if a.job != urgent.id]
        added_ours = weighted_tardiness(plant, others) - before
        added_push = weighted_tardiness(plant, [a for a in pushed if a.job != urgent.id]) - before
        late_push = len(late_jobs(bigger, pushed) - late_jobs(plant, current.assignments) - {urgent.id})
        print(
            f"case {case}: {seconds:.1f}s  urgent lead {result.urgent_completion - release} "
            f"(fastest {fastest}, x{(result.urgent_completion - release) / fastest:.2f}; push-later "
            f"{completions(pushed)[urgent.id] - release})  newly late {len(result.impact.newly_late)} "
            f"(cap {cap}, push-later {late_push})  moved {len(result.impact.moved)}  added WT of the others "
            f"{added_ours} (push-later {added_push}, ratio {added_ours / added_push if added_push else 0:.2f})  "
            f"traded {result.traded or '-'}",
            flush=True,
        )


if __name__ == "__main__":
    main()
