"""The plan in force against today's problem (C4, C6, C7): what insertion, promise and repairs start from.

An insertion or a repair re-uses the accepted plan's origin, so "operations that started before
now stay put" is simply the planner's frozen part. Every step's release is the minute its
materials are ready (`material_plan`), so no plan starts an order before its materials.
"""
from __future__ import annotations

from collections.abc import Collection

from jidan.domain import errors
from jidan.domain.order import Order
from jidan.domain.planning_run import PlanningRun
from jidan.planning.problem import Problem
from jidan.planning.result import Assignment, Schedule
from jidan.planning.shift import bring_forward, place_job, right_shift, timeline_with
from jidan.services.materials.material_plan import OrderMaterials
from jidan.services.planning.plant import step_of


def first_starts(assignments, key=lambda a: a.job) -> dict[str, int]:
    """The earliest start per job (or per ``key``: `step_starts`)."""
    starts: dict[str, int] = {}
    for a in assignments:
        k = key(a)
        starts[k] = min(a.start, starts.get(k, a.start))
    return starts


def step_starts(assignments) -> dict[str, int]:
    """The earliest start per routing step (its lots together)."""
    return first_starts(assignments, key=lambda a: step_of(a.operation))


def step_releases(materials: dict[int, OrderMaterials], current: Schedule | None, now: int,
                  keep: bool) -> dict[str, int]:
    """Each routing step's release: when the materials it consumes are ready (C6).

    A step the current plan started before now keeps its start; with ``keep``, so does every step
    the plan already has (insertion and promise move nobody for material: the material-late
    repair does).
    """
    starts = step_starts(current.assignments) if current else {}
    out = {}
    for answer in materials.values():
        for step, ready in answer.ready.items():
            if step in starts and (keep or starts[step] < now):
                ready = min(ready, starts[step])
            out[step] = max(0, ready)
    return out


def plan_of(accepted: PlanningRun | None) -> Schedule:
    """The run's schedule; an empty one when there is no plan yet."""
    if accepted is None:
        return Schedule("feasible", "weighted-tardiness", 0, 0, ())
    return Schedule.from_dict(accepted.schedule)


def jobs_of(order: Order, problem: Problem) -> set[str]:
    """The ids of the order's jobs (one per line) in the problem."""
    return {j.id for j in problem.jobs if j.id.startswith(order.number + "/")}


def current_plan(accepted: PlanningRun | None, problem: Problem, now: int = 0,
                 skip: set[str] = frozenset(), running: Collection[str] = ()) -> tuple[Problem, Schedule]:
    """The accepted plan as a valid plan of ``problem``: the open work it holds, nothing else.

    Finished orders and finished steps drop out; work not ``running`` starts ``now`` at the earliest:
    a line the plan had begun before now that the floor has not is placed again after the work the
    plan keeps, which stays where it is. Kept work is pushed later only where the problem no longer allows
    it (a day closed since, material later); a line the plan no longer matches (the order changed
    since) or lacks is placed again after now. Jobs in ``skip`` are left for the caller to place.
    Steps ``running`` on the floor ahead of the plan go on now, before what the plan had next on
    their machine (`bring_forward`); the problem comes back with those machines held until then.
    """
    problem = problem.from_now(now, running)  # what the floor has not started waits for no past
    plan = plan_of(accepted)
    by_job: dict[str, dict[str, Assignment]] = {}
    for a in plan.assignments:
        by_job.setdefault(a.job, {})[a.operation] = a
    kept, missing = [], []
    for job in problem.jobs:
        if job.id in skip:
            continue
        got = by_job.get(job.id, {})
        if all(op.id in got and got[op.id].end - got[op.id].start == op.duration
               and got[op.id].resource in op.resources and (got[op.id].start >= now or op.id in running)
               for op in job.operations):
            kept += [got[op.id] for op in job.operations]  # steps finished since are not in the job
        else:
            missing.append(job)
    timeline = timeline_with(problem, ())
    assignments = right_shift(problem, timeline, kept, {}, keep_order=False, reroute=True)
    for job in missing:
        assignments += place_job(timeline, job, now)
    problem, assignments = bring_forward(problem, assignments, running, now)
    return problem, Schedule(plan.status, plan.objective, plan.value, plan.lower_bound,
                             tuple(sorted(assignments, key=lambda a: (a.start, a.operation))), plan.seconds)


def accepted_run(uow) -> PlanningRun:
    """The plan in force; a conflict when there is none to work from."""
    accepted = uow.planning_runs.accepted()
    if accepted is None:
        raise errors.Conflict("there is no accepted plan yet; run a full plan first", code="planning.no_plan")
    return accepted
