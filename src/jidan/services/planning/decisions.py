"""Decisions that add capacity (B6, C5, E4): the chosen lever becomes a capacity change and a
planning run that uses it, proposed for pmc to accept.

Three decisions lead here: management's instruction when it takes an order (approvals), the
measure management approves on a process exception (execution), and pmc's choice on the what-if
panel (`choose_lever`).
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from jidan.domain import errors
from jidan.domain.capacity import KIND_OF_LEVER, CapacitySource
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.planning_run import PLANNERS
from jidan.planning.levers import EVENING
from jidan.services.context import Context
from jidan.services.permissions import load_order, require_role
from jidan.services.planning import capacity
from jidan.services.planning.plant import PLANNED_STATES
from jidan.services.planning.promises import promise
from jidan.services.planning.runs import insertion_read, order_changed_read, proposed_after
from jidan.services.planning.views import run_view

#: The seconds a run proposed with a decision may take (solved once the decision is committed).
DECISION_RUN_SECONDS = 1.0
#: The supplier's lead time an outside-processing measure assumes unless it names one.
OUTSIDE_LEAD_DAYS = 2.0


def add_capacity(uow, ctx: Context, actor: Actor, order: Order, levers: Iterable[dict], source: CapacitySource,
                 source_id: int | None, reason: str) -> tuple[list[int], Callable[..., int] | None]:
    """Records the capacity the levers name in the caller's transaction: the changes' ids, and the
    proposal of the run that uses it, which the caller makes once it committed (never inside its
    transaction, issue 21): ``propose(then=None)`` → the run's id, ``then(uow, run_id)`` written
    with the run. None when nothing was added, or there is no plan in force yet: the first full
    plan uses the capacity then."""
    ids = capacity.record(uow, ctx, actor, order, levers, source.value, source_id, reason)
    accepted = uow.planning_runs.accepted()
    if not ids or accepted is None or order.status not in PLANNED_STATES:
        return ids, None
    order_id, number, in_plan = order.id, order.number, order.id in accepted.order_ids

    def propose(then: Callable[[Any, int], None] | None = None) -> int:
        read = (order_changed_read(ctx, actor, order_id, DECISION_RUN_SECONDS, {
                    "kind": "capacity", "order_id": order_id, "order": number, "changes": ids})
                if in_plan else insertion_read(ctx, actor, order_id, DECISION_RUN_SECONDS))

        def written(uow, run_id: int) -> None:
            uow.capacity.set_run(ids, run_id)
            if then is not None:
                then(uow, run_id)
        return proposed_after(ctx, actor, read, written)
    return ids, propose


def choose_lever(ctx: Context, actor: Actor, order_id: int, lever: str, work_center: str | None = None,
                 days: list[date] | None = None, hours: float | None = None,
                 lead_time_days: float | None = None) -> dict:
    """pmc takes one of the order's levers on the what-if panel (C5): as offered, or overtime on
    the work center, days and hours pmc names, or outside processing with the supplier's lead
    time; the capacity is recorded and a run that uses it is proposed."""
    require_role(actor, PLANNERS)
    if lever not in KIND_OF_LEVER:
        raise errors.ValidationFailed("this lever adds no capacity", fields={"lever": "lever_not_offered"})
    if lead_time_days is not None and not 0 < lead_time_days <= 90:
        raise errors.ValidationFailed("the supplier's lead time is 0 to 90 days",
                                      fields={"lead_time_days": "out_of_range"})
    by_hand = lever == "overtime" and work_center is not None
    chosen = None
    if not by_hand:
        offered = {lv["lever"]: lv for lv in promise(ctx, actor, order_id, time_limit=0)["levers"]}
        chosen = offered.get(lever)
        if chosen is None:
            raise errors.ValidationFailed("the order has no such lever now", fields={"lever": "lever_not_offered"})
        if lead_time_days is not None and lever == "outside_processing":
            chosen = chosen | {"action": chosen["action"] | {"lead_time_days": lead_time_days}}
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        if order.status not in PLANNED_STATES:
            raise errors.Conflict("only an approved order's capacity is planned", code="planning.not_plannable")
        if by_hand:
            chosen = capacity.overtime_lever(uow, ctx, order, work_center, days or [], hours or EVENING / 60)
        ids, propose = add_capacity(uow, ctx, actor, order, [chosen], CapacitySource.WHAT_IF, None,
                                    chosen.get("description") or lever)
        uow.commit()
    run_id = propose() if propose else None
    with ctx.uow() as uow:
        return {"changes": [c for c in capacity.order_capacity(uow, order_id)["changes"] if c["id"] in ids],
                "run": run_view(uow.planning_runs.get(run_id)) if run_id else None}


def order_capacity(ctx: Context, actor: Actor, order_id: int) -> dict:
    """What decisions added for the order (overtime hours, outside steps, split deliveries)."""
    with ctx.uow() as uow:
        load_order(uow, actor, order_id)
        return capacity.order_capacity(uow, order_id)


@dataclass(frozen=True)
class MeasureCapacity:
    """What an approved exception measure names (E4): overtime's work center, days and hours;
    outside processing's routing step and the supplier's lead time. What is left out is read
    from the exception and the plan: the next planned step of the failed kind of work center,
    this evening, three hours, two days' lead time."""

    work_center: str | None = None
    days: tuple[date, ...] = ()
    hours: float | None = None
    step_seq: int | None = None
    lead_time_days: float | None = None


def measure_lever(uow, ctx: Context, order: Order, work_center: str | None, task_id: int | None, measure: str,
                  named: MeasureCapacity) -> dict | None:
    """The lever an approved exception measure carries out, in the caller's transaction; None for
    a measure that adds no capacity (a new date)."""
    if measure not in KIND_OF_LEVER:
        return None
    tasks = sorted((t for t in uow.tasks.for_order(order.id) if t.status == "planned"),
                   key=lambda t: (t.planned_start, t.id))
    kind = re.match(r"[A-Za-z]+", work_center).group(0) if work_center else ""
    nearest = next((t for t in tasks if t.work_center_code.startswith(kind) and t.work_center_code != work_center),
                   tasks[0] if tasks else None)
    if measure == "overtime":
        center = named.work_center or (nearest.work_center_code if nearest else None)
        if center is None:
            raise errors.ValidationFailed("name the work center that works overtime",
                                          fields={"work_center": "required"})
        now = ctx.now()
        evening_end = datetime.combine(now.date(), time()) + timedelta(minutes=ctx.shifts[-1][1] + EVENING)
        days = list(named.days) or [now.date() if now < evening_end else now.date() + timedelta(days=1)]
        return capacity.overtime_lever(uow, ctx, order, center, days, named.hours or EVENING / 60)
    if named.lead_time_days is not None and not 0 < named.lead_time_days <= 90:
        raise errors.ValidationFailed("the supplier's lead time is 0 to 90 days",
                                      fields={"lead_time_days": "out_of_range"})
    task = uow.tasks.get(task_id) if task_id else nearest
    job = task.job if task else f"{order.number}/{order.lines[0].line_no}"
    seq = named.step_seq or (task.step_seq if task else None)
    line = next(ln for ln in order.lines if f"{order.number}/{ln.line_no}" == job)
    if seq is None or not any(s.seq == seq for s in line.product.routing):
        raise errors.ValidationFailed("name the routing step done outside", fields={"step_seq": "unknown_step"})
    return {"lever": "outside_processing",
            "action": {"step": f"{job}-{seq}", "lead_time_days": named.lead_time_days or OUTSIDE_LEAD_DAYS}}
