"""What the insertion and repair benchmarks share: their arguments and the current plan they
start from, kept in a file on request so that changes can be compared on the same plan."""

from __future__ import annotations

import argparse
import json
import os

from jidan.planning.problem import Problem
from jidan.planning.result import Schedule
from jidan.planning.solve import solve
from jidan.planning.validate import violations


def case_arguments(orders: int, time_limit: float, cases: int, seed: int | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=orders)
    parser.add_argument("--seed", type=int, default=seed, help="the generated plant's seed")
    parser.add_argument("--time-limit", type=float, default=time_limit)
    parser.add_argument("--cases", type=int, default=cases)
    parser.add_argument("--current", help="JSON file of the current plan: read if it exists, else written")
    return parser.parse_args()


def current_plan(plant: Problem, path: str | None, seconds: float = 10.0) -> Schedule:
    """`solve` for `seconds`, or the plan in `path` if there is one (written there otherwise)."""
    if path and os.path.exists(path):
        with open(path) as f:
            kept = Schedule.from_dict(json.load(f))
        if violations(plant, kept.assignments):  # the generator changed since the plan was kept
            raise SystemExit(f"{path} is not a plan of this plant any more: delete it to solve a new one")
        return kept
    current = solve(plant, "weighted-tardiness", seconds)
    if path:
        with open(path, "w") as f:
            json.dump(current.to_dict(), f)
    return current
