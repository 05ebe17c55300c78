"""Breakdown repair on a generated plant (C7): the quick right-shift against the improved repair.

    python benchmarks/repair.py --orders 200 --time-limit 10 --cases 4
    python benchmarks/repair.py --current plan.json    # reuse (or keep) the current plan

Each case: at a random `now` in the first third of the plan, the machine busiest in the next
shift goes down for two, four or eight hours from `now`. The quick answer (`time_limit=0`) is
what an ERP does: everything in the way shifts right. The baseline beside it is that same plan;
ours improves it within the time limit with work started before `now` kept where it is.
Targets (issue 4): a valid repaired plan in under 100 ms, a better one within 10 s.
"""

from __future__ import annotations

import random
import time

from common import case_arguments, current_plan
from jidan.planning.generate import generate_plant
from jidan.planning.repair import MachineDown, repair
from jidan.planning.result import Schedule, late_jobs
from jidan.planning.validate import violations

DOWN_HOURS = (2, 4, 8)


def busiest(current: Schedule, now: int, window: int) -> str:
    """The resource with the most planned minutes in [now, now + window)."""
    load: dict[str, int] = {}
    for a in current.assignments:
        overlap = min(a.end, now + window) - max(a.start, now)
        if overlap > 0:
            load[a.resource] = load.get(a.resource, 0) + overlap
    return max(sorted(load), key=load.get)


def main() -> None:
    args = case_arguments(orders=200, time_limit=10.0, cases=4)
    plant = generate_plant(args.orders, seed=13)
    current = current_plan(plant, args.current)
    late_before = late_jobs(plant, current.assignments)
    print(f"{args.orders} orders, {plant.operation_count} operations; current plan: weighted tardiness "
          f"{current.value}, {len(late_before)} orders late", flush=True)
    rng = random.Random(7)
    horizon = max(a.end for a in current.assignments)
    for case in range(args.cases):
        now = rng.randint(0, horizon // 3)
        hours = DOWN_HOURS[case % len(DOWN_HOURS)]
        down = MachineDown(busiest(current, now, 480), now, now + 60 * hours)
        clock = time.monotonic()
        quick = repair(plant, current, down, now=now)
        quick_ms = 1000 * (time.monotonic() - clock)
        clock = time.monotonic()
        better = repair(plant, current, down, now=now, time_limit=args.time_limit)
        seconds = time.monotonic() - clock
        for result in (quick, better):
            assert violations(result.problem, result.schedule.assignments) == []
        added_quick = quick.schedule.value - current.value
        added_ours = better.schedule.value - current.value
        print(
            f"case {case}: {down.resource} down {hours} h at {now}  quick {quick_ms:.0f} ms WT {quick.schedule.value} "
            f"(+{added_quick}, newly late {len(quick.impact.newly_late)}, moved {len(quick.impact.moved)})  "
            f"ours {seconds:.1f} s WT {better.schedule.value} (+{added_ours}, newly late "
            f"{len(better.impact.newly_late)}, moved {len(better.impact.moved)})  "
            f"ratio {better.schedule.value / quick.schedule.value if quick.schedule.value else 1:.2f}",
            flush=True,
        )


if __name__ == "__main__":
    main()
