"""Levers a planner can pull when the promised date is too late (B2, C5), each an action with its
date and its cost.

Overtime opens evenings (the first hours after a shift) on the bottleneck, as few as bring the
order on time, at most two; extra capacity adds a parallel machine; outside processing hands the bottleneck
step to a subcontractor for its lead time; partial delivery ships a first lot; insertion moves
other orders; a later date is the plain answer, offered only when it is later than the due date.
Actions and costs are in plan minutes; the services word them in the factory's terms.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from jidan.planning.insert import InsertionPolicy
from jidan.planning.problem import Job, Operation, Problem, Window
from jidan.planning.promise import LoadedPlan, Promise, earliest_with_insertion
from jidan.planning.result import Schedule

#: How long an overtime evening lasts, in minutes, unless the caller says otherwise.
EVENING = 180
#: The most evenings of overtime one lever asks of a crew (the documents' "two evenings").
MOST_EVENINGS = 2


@dataclass(frozen=True)
class Option:
    """One way to answer the customer: the lever, the action it takes, the completion it gives
    and what it costs (minutes of overtime or outside work, orders moved …)."""

    lever: str
    completion: int
    on_time: bool
    action: Mapping = field(default_factory=dict)
    cost: Mapping = field(default_factory=dict)

    def to_dict(self) -> dict:
        return {"lever": self.lever, "completion": self.completion, "on_time": self.on_time,
                "action": dict(self.action), "cost": dict(self.cost)}


def options(
    problem: Problem,
    schedule: Schedule,
    job: Job,
    outside_lead_time: int = 2 * 24 * 60,
    partial_fraction: float = 0.5,
    insertion_time_limit: float = 1.0,
    policy: InsertionPolicy = InsertionPolicy(),
    with_insertion: bool = True,
    overtime_windows: tuple[Window, ...] | None = None,
    step_of: Callable[[str], str] = str,
    most_evenings: int = MOST_EVENINGS,
) -> list[Option]:
    """Every lever's effect on `job`'s completion, the plain later date first.

    ``overtime_windows``: when a crew could work overtime, in order (the factory's evenings; by
    default the first hours of each of the bottleneck's closed windows), of which overtime asks at
    most ``most_evenings``; ``step_of`` names the routing step of an operation, so
    that outside processing takes all lots of the bottleneck's step. ``with_insertion=False``
    leaves out the insertion lever for callers that run it themselves.
    """
    plan = LoadedPlan(problem, schedule)
    base = plan.earliest_completion(job)
    found = []
    if base.completion > job.due:
        found.append(Option("later_date", base.completion, False, {"date": base.completion},
                            {"late": base.completion - job.due}))
    bottleneck = bottleneck_operation(job, base)
    if bottleneck is not None:
        resource = next(a.resource for a in base.assignments if a.operation == bottleneck.id)
        candidates = (evenings(problem.resource_by_id[resource].unavailable) if overtime_windows is None
                      else overtime_windows)
        ready = _ready(job, base, bottleneck)  # an evening before the step can start helps nobody
        nights = tuple(w for w in candidates if w[1] > ready and w[0] < base.completion)[:most_evenings]
        found += [o for o in (overtime(problem, schedule, job, resource, nights, base.completion),) if o]
        found.append(extra_capacity(problem, schedule, job, resource))
        found.append(outside_processing(plan, job, bottleneck, resource, outside_lead_time, step_of))
    partial = plan.earliest_completion(job, fraction=partial_fraction)
    found.append(Option("partial_delivery", partial.completion, partial.on_time,
                        {"fraction": partial_fraction, "first": partial.completion, "rest": base.completion},
                        {"deliveries": 2}))
    if not with_insertion:
        return found
    inserted = earliest_with_insertion(problem, schedule, job, insertion_time_limit, policy)
    found.append(Option("insertion", inserted.completion, inserted.on_time, {},
                        {"moved": len(inserted.impact.moved), "slipped": len(inserted.impact.slipped),
                         "newly_late": len(inserted.impact.newly_late)}))
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


def _ready(job: Job, promise: Promise, operation: Operation) -> int:
    """The earliest `operation` could start in the promise: after its predecessor, its release
    and its material."""
    k = next(k for k, op in enumerate(job.operations) if op.id == operation.id)
    before = {a.operation: a.end for a in promise.assignments}
    return job.earliest(k, before.get(job.operations[k - 1].id, 0) if k else 0)


def evenings(closed: tuple[Window, ...], length: int = EVENING) -> tuple[Window, ...]:
    """The first ``length`` minutes of each closed window: the overtime a crew can work after its
    shift (加班)."""
    return tuple((start, min(end, start + length)) for start, end in closed)


def overtime(problem: Problem, schedule: Schedule, job: Job, resource_id: str, nights: tuple[Window, ...],
             base: int) -> Option | None:
    """Overtime on `resource_id`: the fewest of ``nights``, in order, that bring a late `job` on
    time, or else its earliest date; None when overtime brings the date no earlier than ``base``."""
    def opened(count: int) -> Promise:
        resource = problem.resource_by_id[resource_id]
        widened = replace(resource, unavailable=without(resource.unavailable, nights[:count]))
        resources = tuple(widened if r.id == resource_id else r for r in problem.resources)
        return LoadedPlan(problem.with_resources(resources), schedule).earliest_completion(job)

    best = opened(len(nights))
    if not nights or best.completion >= base:
        return None
    target = job.due if best.on_time and base > job.due else best.completion  # on time, else as early as it gets
    low, high = 1, len(nights)
    while low < high:  # the least count that reaches the target (more evenings never make it later)
        middle = (low + high) // 2
        if opened(middle).completion <= target:
            high = middle
        else:
            low = middle + 1
    promise = opened(low)
    used = nights[:low]
    return Option("overtime", promise.completion, promise.on_time,
                  {"resource": resource_id, "windows": used}, {"minutes": sum(e - s for s, e in used)})


def extra_capacity(problem: Problem, schedule: Schedule, job: Job, resource_id: str) -> Option:
    """Move a machine or people in (调配设备/人员): a parallel copy of `resource_id` for this order."""
    clone = f"{resource_id}+"
    resources = (*problem.resources, replace(problem.resource_by_id[resource_id], id=clone))
    widened = replace(
        job,
        operations=tuple(
            replace(op, resources=(*op.resources, clone)) if resource_id in op.resources else op for op in job.operations
        ),
    )
    promise = LoadedPlan(problem.with_resources(resources), schedule).earliest_completion(widened)
    used = sum(resources[-1].working(a.start, a.end) for a in promise.assignments if a.resource == clone)
    return Option("capacity", promise.completion, promise.on_time, {"resource": resource_id}, {"minutes": used})


def outside_processing(plan: LoadedPlan, job: Job, bottleneck: Operation, resource_id: str, lead_time: int,
                       step_of: Callable[[str], str] = str) -> Option:
    """Hand the bottleneck's step, all its lots, to a subcontractor (外协) who returns it after
    ``lead_time`` minutes."""
    step = step_of(bottleneck.id)
    lots = [op for op in job.operations if step_of(op.id) == step]
    outsourced = {op.id: lead_time if k == 0 else 0 for k, op in enumerate(lots)}
    promise = plan.earliest_completion(job, outsourced=outsourced)
    return Option("outside_processing", promise.completion, promise.on_time,
                  {"step": step, "operations": tuple(outsourced), "resource": resource_id, "lead_time": lead_time},
                  {"minutes": sum(op.duration for op in lots)})


def without(windows: tuple[Window, ...], cuts: tuple[Window, ...]) -> tuple[Window, ...]:
    """``windows`` with every one of ``cuts`` cut out of them."""
    kept = list(windows)
    for cut_start, cut_end in cuts:
        rest = []
        for start, end in kept:
            if end <= cut_start or start >= cut_end:
                rest.append((start, end))
                continue
            if start < cut_start:
                rest.append((start, cut_start))
            if end > cut_end:
                rest.append((cut_end, end))
        kept = rest
    return tuple(kept)
