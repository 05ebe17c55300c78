"""What the planner returns: assignments, the schedule with status and bound, and impact reports."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from jidan.planning.errors import InvalidSchedule, UnknownObjective
from jidan.planning.problem import Problem

OBJECTIVES = ("makespan", "weighted-tardiness")


@dataclass(frozen=True)
class Assignment:
    """One operation placed on one resource over [start, end)."""

    job: str
    operation: str
    resource: str
    start: int
    end: int


@dataclass(frozen=True)
class Schedule:
    """A plan with its objective value, a proven lower bound and how long it took."""

    status: str
    objective: str
    value: int
    lower_bound: int
    assignments: tuple[Assignment, ...]
    seconds: float = 0.0

    @property
    def gap(self) -> float:
        """Relative distance to the bound: 0.0 means proven optimal."""
        if self.value == 0:
            return 0.0
        return (self.value - self.lower_bound) / self.value

    def by_operation(self) -> dict[str, Assignment]:
        return {a.operation: a for a in self.assignments}

    def summary(self) -> dict[str, Any]:
        return {
            "status": self.status,
            "objective": self.objective,
            "value": self.value,
            "lower_bound": self.lower_bound,
            "seconds": round(self.seconds, 3),
        }

    def to_dict(self) -> dict[str, Any]:
        return {
            **self.summary(),
            "assignments": [
                {"job": a.job, "operation": a.operation, "resource": a.resource, "start": a.start, "end": a.end}
                for a in self.assignments
            ],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Schedule:
        try:
            return cls(
                status=str(data["status"]),
                objective=str(data["objective"]),
                value=int(data["value"]),
                lower_bound=int(data["lower_bound"]),
                assignments=tuple(
                    Assignment(str(a["job"]), str(a["operation"]), str(a["resource"]), int(a["start"]), int(a["end"]))
                    for a in data["assignments"]
                ),
                seconds=float(data.get("seconds", 0.0)),
            )
        except KeyError as exc:
            raise InvalidSchedule(f"schedule is missing field {exc.args[0]!r}", str(exc.args[0])) from None


def completions(assignments: Iterable[Assignment]) -> dict[str, int]:
    """Each job's completion time: the end of its last operation."""
    done: dict[str, int] = {}
    for a in assignments:
        if a.end > done.get(a.job, -1):
            done[a.job] = a.end
    return done


def moved_operations(old: Mapping[str, Assignment], plan: Iterable[Assignment]) -> list[Assignment]:
    """The operations of `plan` that are not where `old` (by operation) has them: another start,
    end or resource. Operations `old` does not have are new, not moved."""
    return [a for a in plan if a.operation in old and old[a.operation] != a]


def moved_count(old: Mapping[str, Assignment], plan: Iterable[Assignment]) -> int:
    return len(moved_operations(old, plan))


def makespan(problem: Problem, assignments: Iterable[Assignment]) -> int:
    return max(completions(assignments).values(), default=0)


def weighted_tardiness(problem: Problem, assignments: Iterable[Assignment]) -> int:
    """Sum over jobs of weight × minutes late (交期延误)."""
    jobs = problem.job_by_id
    return sum(jobs[j].weight * max(0, end - jobs[j].due) for j, end in completions(assignments).items())


def late_jobs(problem: Problem, assignments: Iterable[Assignment]) -> set[str]:
    jobs = problem.job_by_id
    return {j for j, end in completions(assignments).items() if end > jobs[j].due}


def setup_minutes(problem: Problem, assignments: Iterable[Assignment]) -> int:
    """Minutes of changeover (换线) the plan takes: between consecutive operations on each resource."""
    per_resource: dict[str, list[Assignment]] = {}
    for a in assignments:
        if a.end > a.start and a.resource in problem.resource_by_id and problem.resource_by_id[a.resource].setups:
            per_resource.setdefault(a.resource, []).append(a)
    total = 0
    for rid, placed in per_resource.items():
        placed.sort(key=lambda a: (a.start, a.end))
        setup = problem.resource_by_id[rid].setup
        total += sum(setup(problem.family(a.operation), problem.family(b.operation)) for a, b in zip(placed, placed[1:]))
    return total


def evaluate(problem: Problem, assignments: Iterable[Assignment], objective: str) -> int:
    if objective == "makespan":
        return makespan(problem, assignments)
    if objective == "weighted-tardiness":
        return weighted_tardiness(problem, assignments)
    raise unknown_objective(objective)


def unknown_objective(objective: str) -> UnknownObjective:
    """What every switch on the objective raises past its known names: none falls back silently."""
    return UnknownObjective(f"unknown objective {objective!r}; expected one of {', '.join(OBJECTIVES)}", "objective")


def trivial_lower_bound(problem: Problem, objective: str) -> int:
    """A bound every schedule respects: each job needs at least its heads (releases, its own
    materials' included) plus its work; for the makespan, each machine also needs its load
    after the earliest its work can arrive (the least head) and before the least tail of work
    that follows it."""
    if objective == "weighted-tardiness":
        return sum(j.weight * max(0, j.earliest_finish - j.due) for j in problem.jobs)
    if objective != "makespan":
        raise unknown_objective(objective)
    jobs = 0
    load: dict[str, int] = {}
    head: dict[str, int] = {}
    tail: dict[str, int] = {}
    for job in problem.jobs:
        after = job.work
        for op, before in zip(job.operations, job.heads()):
            after -= op.duration
            jobs = max(jobs, before + op.duration)
            if len(op.resources) == 1:
                rid = op.resources[0]
                load[rid] = load.get(rid, 0) + op.duration
                head[rid] = min(head.get(rid, before), before)
                tail[rid] = min(tail.get(rid, after), after)
    return max(jobs, max((head[r] + load[r] + tail[r] for r in load), default=0))


@dataclass(frozen=True)
class Move:
    """An operation that starts at another time or on another resource than before."""

    operation: str
    old_start: int
    new_start: int
    old_resource: str
    new_resource: str


@dataclass(frozen=True)
class Slip:
    """An order that now finishes later than before (延期), so its owner must be told."""

    job: str
    old_end: int
    new_end: int
    due: int

    @property
    def newly_late(self) -> bool:
        return self.old_end <= self.due < self.new_end


@dataclass(frozen=True)
class Impact:
    """What a change does to the plan already made: operations moved, orders that slip."""

    moved: tuple[Move, ...]
    slipped: tuple[Slip, ...]

    @property
    def newly_late(self) -> tuple[str, ...]:
        return tuple(s.job for s in self.slipped if s.newly_late)

    def to_dict(self) -> dict[str, Any]:
        return {
            "moved": [
                {
                    "operation": m.operation,
                    "old_start": m.old_start,
                    "new_start": m.new_start,
                    "old_resource": m.old_resource,
                    "new_resource": m.new_resource,
                }
                for m in self.moved
            ],
            "slipped": [
                {"job": s.job, "old_end": s.old_end, "new_end": s.new_end, "due": s.due} for s in self.slipped
            ],
        }


def impact(problem: Problem, old: Iterable[Assignment], new: Iterable[Assignment]) -> Impact:
    """Compare two plans of the same jobs; jobs only in one of them are not reported."""
    old, new = tuple(old), tuple(new)
    new_by_op = {a.operation: a for a in new}
    moved = tuple(
        Move(a.operation, a.start, new_by_op[a.operation].start, a.resource, new_by_op[a.operation].resource)
        for a in sorted(old, key=lambda a: (a.start, a.operation))
        if a.operation in new_by_op
        and (new_by_op[a.operation].start, new_by_op[a.operation].resource) != (a.start, a.resource)
    )
    old_done, new_done = completions(old), completions(new)
    jobs = problem.job_by_id
    slipped = tuple(
        Slip(j, old_done[j], new_done[j], jobs[j].due)
        for j in sorted(old_done)
        if j in new_done and j in jobs and new_done[j] > old_done[j]
    )
    return Impact(moved, slipped)
