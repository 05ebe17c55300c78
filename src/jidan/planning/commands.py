"""What `jidan solve` and `jidan insert` do, as plain functions: read files, plan, write JSON.

The CLI only parses arguments and prints the returned summary.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jidan.planning.errors import InvalidSchedule
from jidan.planning.formats import load_problem
from jidan.planning.insert import InsertionPolicy, insert
from jidan.planning.result import Schedule
from jidan.planning.solve import solve


def solve_command(
    problem_path: str | Path,
    objective: str,
    time_limit: float,
    out_path: str | Path,
    workers: int = 2,
    seed: int | None = None,
) -> dict[str, Any]:
    """Plan the problem file, write the schedule JSON to `out_path`, return its summary."""
    schedule = solve(load_problem(problem_path), objective, time_limit, workers, seed)
    _write(out_path, schedule.to_dict())
    return schedule.summary()


def insert_command(
    problem_path: str | Path,
    schedule_path: str | Path,
    job_id: str,
    time_limit: float,
    out_path: str | Path,
    workers: int = 2,
    seed: int | None = None,
    policy: InsertionPolicy = InsertionPolicy(),
) -> dict[str, Any]:
    """Insert urgent job `job_id` into the current schedule file; write the new plan and its impact."""
    problem = load_problem(problem_path)
    current = load_schedule(schedule_path)
    result = insert(problem, current, job_id, time_limit, policy, workers, seed)
    _write(out_path, {**result.schedule.to_dict(), "impact": result.impact.to_dict()})
    return {
        **result.schedule.summary(),
        "job": job_id,
        "urgent_completion": result.urgent_completion,
        "earliest_possible": result.earliest_possible,
        "operations_moved": len(result.impact.moved),
        "orders_slipped": len(result.impact.slipped),
        "orders_newly_late": len(result.impact.newly_late),
        "weighted_tardiness_before": result.tardiness_before,
        "weighted_tardiness_after": result.tardiness_after,
        "push_later_weighted_tardiness_of_others": result.push_later_tardiness,
        "push_later_newly_late": result.push_later_newly_late,
        "traded": result.traded,
    }


def load_schedule(path: str | Path) -> Schedule:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise InvalidSchedule(f"{path}: not valid JSON ({exc.msg} at line {exc.lineno})", "file") from None
    return Schedule.from_dict(data)


def _write(path: str | Path, data: dict[str, Any]) -> None:
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
