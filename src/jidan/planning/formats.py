"""Reading and writing problems: our JSON format and the OR-Library job-shop text format."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from jidan.planning.errors import InvalidProblem
from jidan.planning.problem import Job, Operation, Problem, Resource


def load_problem(source: str | Path | dict[str, Any]) -> Problem:
    """A problem from a dict, a JSON file, or an OR-Library job-shop file (detected by content)."""
    if isinstance(source, dict):
        return problem_from_dict(source)
    text = Path(source).read_text(encoding="utf-8")
    if str(source).endswith(".json") or text.lstrip().startswith("{"):
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidProblem(f"{source}: not valid JSON ({exc.msg} at line {exc.lineno})", "file") from None
        return problem_from_dict(data)
    return parse_orlib(text)


def problem_from_dict(data: dict[str, Any]) -> Problem:
    """A problem from the JSON shape `{"resources": [...], "jobs": [...]}`."""
    try:
        resources = tuple(
            Resource(str(r["id"]), tuple((int(s), int(e)) for s, e in r.get("unavailable", ())),
                     _setups_from(r.get("setups", ()), f"resources[{r['id']}].setups"),
                     tuple((w["start"], w["end"], w.get("family", "")) for w in r.get("occupied", ())))
            for r in data["resources"]
        )
        jobs = tuple(
            Job(
                id=str(j["id"]),
                release=int(j.get("release", 0)),
                due=int(j.get("due", 0)),
                weight=int(j.get("weight", 1)),
                operations=tuple(
                    Operation(
                        str(o["id"]),
                        int(o["duration"]),
                        tuple(str(r) for r in o["resources"]),
                        release=int(o.get("release", 0)),
                        family=_family_from(o.get("family", ""), f"operations[{o['id']}].family"),
                        breakable=_flag(o.get("breakable", False), f"operations[{o['id']}].breakable"),
                    )
                    for o in j["operations"]
                ),
            )
            for j in data["jobs"]
        )
    except KeyError as exc:
        raise InvalidProblem(f"missing field {exc.args[0]!r}", str(exc.args[0])) from None
    except (TypeError, ValueError) as exc:
        raise InvalidProblem(f"malformed problem: {exc}", "problem") from None
    return Problem(resources, jobs)


def _setups_from(entries: Any, where: str) -> tuple[tuple[str, str, int], ...]:
    """`[{"from": "A", "to": "B", "minutes": 30}, ...]` as (from, to, minutes) triples."""
    if not isinstance(entries, (list, tuple)):
        raise InvalidProblem(f"{where} must be a list of {{from, to, minutes}}", where)
    found = []
    for k, entry in enumerate(entries):
        if not isinstance(entry, dict) or not {"from", "to", "minutes"} <= entry.keys():
            raise InvalidProblem(f"{where}[{k}] must have from, to and minutes", f"{where}[{k}]")
        before, after, minutes = entry["from"], entry["to"], entry["minutes"]
        if not isinstance(before, str) or not isinstance(after, str):
            raise InvalidProblem(f"{where}[{k}]: from and to are family names", f"{where}[{k}]")
        if not isinstance(minutes, int) or isinstance(minutes, bool):
            raise InvalidProblem(f"{where}[{k}].minutes must be a whole number", f"{where}[{k}].minutes")
        found.append((before, after, minutes))
    return tuple(found)


def _family_from(family: Any, where: str) -> str:
    if not isinstance(family, str):
        raise InvalidProblem(f"{where} must be a text", where)
    return family


def _flag(value: Any, where: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidProblem(f"{where} must be true or false", where)
    return value


def _resource_to_dict(resource: Resource) -> dict[str, Any]:
    """A resource's JSON; its setups and occupied work only when it has some, so older files
    round-trip unchanged."""
    data: dict[str, Any] = {"id": resource.id, "unavailable": [list(w) for w in resource.unavailable]}
    if resource.setups:
        data["setups"] = [{"from": a, "to": b, "minutes": m} for a, b, m in resource.setups]
    if resource.occupied:
        data["occupied"] = [{"start": s, "end": e, "family": f} for s, e, f in resource.occupied]
    return data


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    return {
        "resources": [_resource_to_dict(r) for r in problem.resources],
        "jobs": [
            {
                "id": j.id,
                "release": j.release,
                "due": j.due,
                "weight": j.weight,
                "operations": [_operation_to_dict(o) for o in j.operations],
            }
            for j in problem.jobs
        ],
    }


def _operation_to_dict(op: Operation) -> dict[str, Any]:
    """An operation's JSON; its release, family and breakable flag only when it has them, so older
    files round-trip unchanged."""
    data: dict[str, Any] = {"id": op.id, "duration": op.duration, "resources": list(op.resources)}
    if op.release:
        data["release"] = op.release
    if op.family:
        data["family"] = op.family
    if op.breakable:
        data["breakable"] = True
    return data


def parse_orlib(text: str) -> Problem:
    """An OR-Library job shop: `n m`, then per job `machine duration` pairs (machines from 0)."""
    rows = [line.split() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    if not rows or len(rows[0]) != 2:
        raise InvalidProblem("OR-Library header must be 'jobs machines'", "header")
    try:
        n, m = int(rows[0][0]), int(rows[0][1])
        numbers = [[int(x) for x in row] for row in rows[1:]]
    except ValueError as exc:
        raise InvalidProblem(f"OR-Library file holds a non-integer: {exc}", "body") from None
    if len(numbers) < n:
        raise InvalidProblem(f"OR-Library header announces {n} jobs but {len(numbers)} follow", "header")
    jobs = []
    for j, row in enumerate(numbers[:n]):
        if len(row) % 2:
            raise InvalidProblem(f"OR-Library job {j} has an odd number of values", f"jobs[{j}]")
        ops = []
        for k in range(0, len(row), 2):
            machine, duration = row[k], row[k + 1]
            if not 0 <= machine < m:
                raise InvalidProblem(f"OR-Library job {j} uses machine {machine} outside 0..{m - 1}", f"jobs[{j}]")
            ops.append(Operation(f"J{j}-{k // 2}", duration, (f"M{machine}",)))
        jobs.append(Job(f"J{j}", tuple(ops)))
    return Problem(tuple(Resource(f"M{i}") for i in range(m)), tuple(jobs))
