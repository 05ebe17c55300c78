"""Levers a planner can pull when the promised date is too late (B2, C5), each with its date.

Overtime opens closed hours on the bottleneck, extra capacity adds a parallel machine, outside
processing hands the bottleneck step to a subcontractor, partial delivery ships a first lot,
insertion moves other orders, and a later date is the plain answer.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from jidan.planning.insert import InsertionPolicy
from jidan.planning.problem import Job, Operation, Problem, Resource, Window
from jidan.planning.promise import LoadedPlan, Promise, earliest_with_insertion
from jidan.planning.result import Schedule


@dataclass(frozen=True)
class Option:
    """One way to answer the customer: the lever, what it means, and the completion it gives."""

    lever: str
    description: str
    completion: int
    on_time: bool

    def to_dict(self) -> dict:
        return {"lever": self.lever, "description": self.description, "completion": self.completion, "on_time": self.on_time}


def options(
    problem: Problem,
    schedule: Schedule,
    job: Job,
    outside_lead_time: int = 2 * 24 * 60,
    partial_fraction: float = 0.5,
    insertion_time_limit: float = 1.0,
    policy: InsertionPolicy = InsertionPolicy(),
    with_insertion: bool = True,
) -> list[Option]:
    """Every lever's effect on `job`'s completion, the plain later date first.

    `with_insertion=False` leaves out the insertion lever for callers that run it themselves.
    """
    plan = LoadedPlan(problem, schedule)
    base = plan.earliest_completion(job)
    found = [_option("later_date", f"promise the earliest date without changes: {base.completion}", base)]
    bottleneck = bottleneck_operation(job, base)
    if bottleneck is not None:
        resource = next(a.resource for a in base.assignments if a.operation == bottleneck.id)
        found.append(overtime(problem, schedule, job, resource, (job.release, base.completion)))
        found.append(extra_capacity(problem, schedule, job, resource))
        outside = plan.earliest_completion(job, outsourced={bottleneck.id: outside_lead_time})
        found.append(
            _option("outside_processing", f"subcontract {bottleneck.id} ({outside_lead_time} min lead time)", outside)
        )
    partial = plan.earliest_completion(job, fraction=partial_fraction)
    found.append(_option("partial_delivery", f"deliver {partial_fraction:.0%} first", partial))
    if not with_insertion:
        return found
    inserted = earliest_with_insertion(problem, schedule, job, insertion_time_limit, policy)
    found.append(
        _option(
            "insertion",
            f"insert as urgent: {len(inserted.impact.slipped)} orders slip, {len(inserted.impact.newly_late)} become late",
            inserted,
        )
    )
    return found


def bottleneck_operation(job: Job, promise: Promise) -> Operation | None:
    """The operation that waits longest for its resource (not its material) in the promise, if any
    waits at all."""
    position = {op.id: k for k, op in enumerate(job.operations)}
    ready, worst, longest = 0, None, 0
    for a in promise.assignments:
        k = position[a.operation]
        waited = a.start - job.earliest(k, ready)
        if waited > longest:
            worst, longest = job.operations[k], waited
        ready = a.end
    return worst


def overtime(problem: Problem, schedule: Schedule, job: Job, resource_id: str, period: Window) -> Option:
    """Work through the closed hours (加班) of `resource_id` during `period`."""
    resource = problem.resource_by_id[resource_id]
    opened = Resource(resource_id, _open(resource.unavailable, period))
    resources = tuple(opened if r.id == resource_id else r for r in problem.resources)
    promise = LoadedPlan(problem.with_resources(resources), schedule).earliest_completion(job)
    return _option("overtime", f"overtime on {resource_id} between {period[0]} and {period[1]}", promise)


def extra_capacity(problem: Problem, schedule: Schedule, job: Job, resource_id: str) -> Option:
    """Move a machine or people in (调配设备/人员): a parallel copy of `resource_id` for this order."""
    clone = f"{resource_id}+"
    resources = (*problem.resources, Resource(clone, problem.resource_by_id[resource_id].unavailable))
    widened = replace(
        job,
        operations=tuple(
            replace(op, resources=(*op.resources, clone)) if resource_id in op.resources else op for op in job.operations
        ),
    )
    promise = LoadedPlan(problem.with_resources(resources), schedule).earliest_completion(widened)
    return _option("capacity", f"add a machine or crew parallel to {resource_id}", promise)


def _open(windows: tuple[Window, ...], period: Window) -> tuple[Window, ...]:
    """Unavailable windows with `period` cut out of them."""
    kept = []
    for start, end in windows:
        if end <= period[0] or start >= period[1]:
            kept.append((start, end))
            continue
        if start < period[0]:
            kept.append((start, period[0]))
        if end > period[1]:
            kept.append((period[1], end))
    return tuple(kept)


def _option(lever: str, description: str, promise: Promise) -> Option:
    return Option(lever, description, promise.completion, promise.on_time)
