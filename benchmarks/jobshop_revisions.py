"""Our solve at two revisions of the code, side by side on public job shops: each solve in a
fresh process (its searches in processes of their own need the code of its revision), the
two alternating which goes first on each instance, the mean gap per family at the end.

    git worktree add /tmp/before <revision>      # or: git archive <revision> src | tar -x -C /tmp/before
    python benchmarks/jobshop_revisions.py /tmp/before/src src --time-limit 10 --set hard
    python benchmarks/jobshop_revisions.py /tmp/before/src src --time-limit 10 abz8 swv03 ta24
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from jobshop import SETS

ONE = """
import json, sys, time
from jobshop import load
from jidan.planning.solve import solve
problem, best = load(sys.argv[1])
clock = time.monotonic()
schedule = solve(problem, "makespan", float(sys.argv[2]), int(sys.argv[3]))
print(json.dumps({"best": best, "value": schedule.value, "jobs": len(problem.jobs), "machines": len(problem.resources),
                  "seconds": time.monotonic() - clock}))
"""


def one(source: str, name: str, limit: float, workers: int) -> dict:
    """One solve of `name` with the code under `source`, in a process of its own."""
    path = os.pathsep.join([str(Path(source).resolve()), str(Path(__file__).parent)])
    done = subprocess.run([sys.executable, "-c", ONE, name, str(limit), str(workers)], capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": path}, check=True)
    return json.loads(done.stdout.splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("before", help="the src folder of the revision to compare with")
    parser.add_argument("after", help="the src folder of ours")
    parser.add_argument("instances", nargs="*")
    parser.add_argument("--set", choices=sorted(SETS), default="hard")
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    gaps: dict[str, list[float]] = {"before": [], "after": []}
    families: dict[str, list[int]] = {}
    for index, name in enumerate(args.instances or SETS[args.set]):
        order = ("before", "after") if index % 2 == 0 else ("after", "before")
        got = {who: one(getattr(args, who), name, args.time_limit, args.workers) for who in order}
        best = got["before"]["best"]
        for who in gaps:
            gaps[who].append(100 * (got[who]["value"] - best) / best)
        size = f"{got['before']['jobs']}x{got['before']['machines']}"
        families.setdefault(f"{name.rstrip('0123456789')} {size}", []).append(len(gaps["after"]) - 1)
        print(f"{name:6} {size} best {best:5} before {got['before']['value']:5} ({gaps['before'][-1]:5.2f}%)  "
              f"after {got['after']['value']:5} ({gaps['after'][-1]:5.2f}%)  first {order[0]}  "
              f"load {os.getloadavg()[0]:.1f}", flush=True)
    for family, rows in families.items():
        print(f"  {family:10} before {statistics.mean(gaps['before'][k] for k in rows):5.2f}%  "
              f"after {statistics.mean(gaps['after'][k] for k in rows):5.2f}%  ({len(rows)})")
    better = sum(a < b for a, b in zip(gaps["after"], gaps["before"]))
    worse = sum(a > b for a, b in zip(gaps["after"], gaps["before"]))
    print(f"mean gap to best known: before {statistics.mean(gaps['before']):.2f}%  after {statistics.mean(gaps['after']):.2f}%  "
          f"(after better on {better}, worse on {worse} of {len(gaps['after'])}; {args.time_limit:g}s, {args.workers} workers)")


if __name__ == "__main__":
    main()
