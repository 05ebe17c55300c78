"""Capacity that decisions add (B6, C5, E4): levers worded in the factory's terms, the changes a
chosen lever records, what plans make of them, and what an order's record keeps of them.

A lever is an action with parameters: overtime is a work center and its evenings (day, from–to,
hours); outside processing a routing step and the supplier's lead time; a partial delivery two
quantities and their dates. Choosing one (an approval instruction, an exception measure, pmc on
the what-if panel) records a `CapacityChange`; every plan then opens the overtime windows on
that work center's calendar and hands the outside step to a supplier resource that takes the
lead time and nothing of the floor's.
"""
from __future__ import annotations

import re
from collections.abc import Collection, Iterable, Mapping
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from jidan.domain import errors
from jidan.domain.capacity import KIND_OF_LEVER, MAX_OVERTIME_MINUTES, CapacityChange, CapacityKind
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.planning.levers import EVENING, Option, without
from jidan.planning.problem import Job, Operation, Problem, Resource, Window
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.ports import Messages
from jidan.services.masterdata.calendar import effective_calendar

#: The supplier resource that does an outsourced step is named after it ("OUT:SO-1/1-10").
OUTSIDE = "OUT:"
#: How the one operation of an outsourced step is named: release makes no floor task of it.
OUTSIDE_SUFFIX = "@out"


def _step(operation: str) -> str:
    return re.sub(r"\.\d+$", "", operation)


class PlantCapacity:
    """What decisions added to the plant, as minutes after one origin."""

    def __init__(self, uow, origin: datetime, down: Mapping[str, Iterable[Window]] | None = None):
        """``down``: each work center's recorded downtime in plan minutes, as the plant read it."""
        self.origin = origin
        self.changes = uow.capacity.in_plan(origin)
        self.down = down or {}

    def _minute(self, moment: datetime) -> int:
        return int((moment - self.origin).total_seconds() // 60)

    def overtime(self) -> dict[str, tuple[Window, ...]]:
        """Overtime windows per work center, from the origin on."""
        found: dict[str, list[Window]] = {}
        for c in self.changes:
            if c.kind == CapacityKind.OVERTIME:
                start, end = max(0, self._minute(c.starts_at)), self._minute(c.ends_at)
                if end > start:
                    found.setdefault(c.work_center_code, []).append((start, end))
        return {code: tuple(windows) for code, windows in found.items()}

    def resources(self, resources: Iterable[Resource]) -> tuple[Resource, ...]:
        """The work centers with their overtime windows open, except where a breakdown keeps
        the work center down."""
        overtime = self.overtime()
        return tuple(replace(r, unavailable=without(r.unavailable, without(overtime[r.id], tuple(self.down.get(r.id, ())))))
                     if r.id in overtime else r for r in resources)

    def applied(self, problem: Problem, started: Collection[str] = ()) -> Problem:
        """Each outsourced step not yet started becomes one operation on its supplier, lasting
        the lead time (lots the floor started or finished stay the floor's)."""
        leads = {c.step: c.lead_minutes for c in self.changes if c.kind == CapacityKind.OUTSIDE_PROCESSING}
        if not leads:
            return problem
        jobs, suppliers = [], []
        for job in problem.jobs:
            ops: list[Operation] = []
            for op in job.operations:
                step = _step(op.id)
                if step not in leads or op.id in started:
                    ops.append(op)
                elif not any(o.id == step + OUTSIDE_SUFFIX for o in ops):
                    ops.append(Operation(step + OUTSIDE_SUFFIX, leads[step], (OUTSIDE + step,), op.release))
                    suppliers.append(Resource(OUTSIDE + step))
            jobs.append(job if tuple(ops) == job.operations else replace(job, operations=tuple(ops)))
        return Problem((*problem.resources, *suppliers), tuple(jobs))


def overtime_windows(model, days: int = 30) -> tuple[Window, ...]:
    """The evenings a crew could work overtime: ``EVENING`` minutes after the last shift of each
    working day, from the origin on, in plan minutes."""
    first = model.origin.date()
    end_of_day = model.shifts[-1][1]
    found = []
    for k in range(days):
        day = first + timedelta(days=k)
        if model.calendar.is_working_day(day):
            start = model.minute_of(day) - model.shifts[0][0] + end_of_day
            if start + EVENING > 0:
                found.append((max(0, start), start + EVENING))
    return tuple(found)


def lever_view(messages: Messages, model, option: Option, order, job: Job) -> dict:
    """A lever as the factory says it: the action (work center, days and hours; step and lead
    time; quantities and dates), the date it brings, what it costs, and a sentence for people.
    ``order``: its ``quantities`` and routing ``step_names`` by line (read before the promise thinks)."""
    text, at = messages.text, model.at
    action, cost = dict(option.action), dict(option.cost)
    view = {"lever": option.lever, "completion": at(option.completion), "on_time": option.on_time}
    if option.lever == "later_date":
        late_days = round(cost["late"] / 1440, 1)
        view |= {"action": {"date": at(action["date"])[:10]}, "cost": {"days_late": late_days}}
        words = text("ui.planning.lever.later_date", date=at(action["date"])[:10], days=late_days)
    elif option.lever == "overtime":
        windows = [{"day": at(s)[:10], "start": at(s), "end": at(e), "hours": round((e - s) / 60, 2)}
                   for s, e in action["windows"]]
        hours = round(cost["minutes"] / 60, 2)
        view |= {"action": {"work_center": action["resource"], "windows": windows}, "cost": {"overtime_hours": hours}}
        words = text("ui.planning.lever.overtime", work_center=action["resource"], count=len(windows), hours=hours,
                     windows=text("ui.planning.lever.sep").join(
                         f"{w['start'][5:10]} {w['start'][11:]}–{w['end'][11:]}" for w in windows))
    elif option.lever == "capacity":
        hours = round(cost["minutes"] / 60, 2)
        view |= {"action": {"work_center": action["resource"]}, "cost": {"added_hours": hours}}
        words = text("ui.planning.lever.capacity", work_center=action["resource"], hours=hours)
    elif option.lever == "outside_processing":
        line_no, seq = (int(x) for x in action["step"].rsplit("/", 1)[1].split("-"))
        name = order.step_names.get((line_no, seq), action["step"])
        days, hours = round(action["lead_time"] / 1440, 1), round(cost["minutes"] / 60, 2)
        view |= {"action": {"step": action["step"], "step_name": name, "work_center": action["resource"],
                            "lead_time_days": days},
                 "cost": {"outside_hours": hours}}
        words = text("ui.planning.lever.outside_processing", step=name, work_center=action["resource"],
                     days=days, hours=hours)
    else:  # partial_delivery
        line_no = int(job.id.rsplit("/", 1)[1])
        quantity = order.quantities[line_no]
        first = max(1, min(quantity - 1, round(quantity * action["fraction"])))
        split = {"line_no": line_no, "first_quantity": first, "first_date": at(action["first"])[:10],
                 "rest_quantity": quantity - first, "rest_date": at(action["rest"])[:10]}
        view |= {"action": split, "cost": {"deliveries": cost["deliveries"]}}
        words = text("ui.planning.lever.partial_delivery", **split)
    return view | {"description": words}


def record(uow, ctx: Context, actor: Actor, order: Order, levers: Iterable[dict], source: str,
           source_id: int | None, reason: str) -> list[int]:
    """Records the capacity changes the chosen levers name, in the caller's transaction; levers
    that add none (insertion, a later date, moving a crew) are the planner's to act on."""
    ids = []
    for lever in levers:
        kind = KIND_OF_LEVER.get(lever.get("lever"))
        if kind is None:
            continue
        action = lever.get("action") or {}
        base = {"kind": kind.value, "order_id": order.id, "source": source, "source_id": source_id,
                "reason": (reason or "")[:500], "created_by": actor.user_id, "created_at": ctx.now()}
        if kind == CapacityKind.OVERTIME:
            rows = [base | {"work_center_code": action["work_center"], "starts_at": _moment(w["start"]),
                            "ends_at": _moment(w["end"])} for w in action["windows"]]
        elif kind == CapacityKind.OUTSIDE_PROCESSING:
            rows = [base | {"step": action["step"], "lead_minutes": round(action["lead_time_days"] * 1440)}]
        else:
            rows = [base | {"line_no": action["line_no"], "first_quantity": action["first_quantity"],
                            "first_date": date.fromisoformat(action["first_date"]),
                            "rest_date": date.fromisoformat(action["rest_date"])}]
        for row in rows:
            change_id = uow.capacity.add(**row)
            audit.record(uow, ctx, actor, "capacity_change", change_id, "add", None,
                         {k: v for k, v in row.items() if v is not None and k not in ("created_by", "created_at")},
                         reason)
            ids.append(change_id)
    return ids


def _moment(value: str) -> datetime:
    return datetime.fromisoformat(value).replace(tzinfo=None)


def overtime_lever(uow, ctx: Context, order: Order, work_center: str, days: list[date], hours: float) -> dict:
    """An overtime lever named by hand (an exception measure): ``hours`` after the last shift of
    each working day of ``days``, from the first shift on a rest day."""
    if uow.plant.work_center(work_center) is None:
        raise errors.ValidationFailed("unknown work center", fields={"work_center": "unknown_work_center"})
    if not days or len(set(days)) != len(days):
        raise errors.ValidationFailed("name the days of overtime, each once", fields={"days": "required"})
    minutes = round(hours * 60)
    if not 0 < minutes <= MAX_OVERTIME_MINUTES:
        raise errors.ValidationFailed("overtime is more than 0 and at most 8 hours a day",
                                      fields={"hours": "out_of_range"})
    if min(days) < ctx.now().date():
        raise errors.ValidationFailed("overtime cannot be in the past", fields={"days": "in_past"})
    calendar = effective_calendar(uow, ctx)
    windows = []
    for day in sorted(days):
        start = datetime.combine(day, time()) + timedelta(
            minutes=ctx.shifts[-1][1] if calendar.is_working_day(day) else ctx.shifts[0][0])
        end = start + timedelta(minutes=minutes)
        windows.append({"day": day.isoformat(), "start": start.isoformat(timespec="minutes"),
                        "end": end.isoformat(timespec="minutes"), "hours": round(minutes / 60, 2)})
    return {"lever": "overtime", "action": {"work_center": work_center, "windows": windows},
            "cost": {"overtime_hours": round(minutes * len(windows) / 60, 2)}}


def change_view(change: CapacityChange) -> dict:
    """A change for people and JSON: what it adds, for which order, from which decision."""
    view = {"id": change.id, "kind": change.kind, "order_id": change.order_id, "source": change.source,
            "source_id": change.source_id, "reason": change.reason, "planning_run_id": change.planning_run_id,
            "created_at": change.created_at.isoformat(timespec="minutes")}
    if change.kind == CapacityKind.OVERTIME:
        view |= {"work_center": change.work_center_code, "day": change.starts_at.date().isoformat(),
                 "start": change.starts_at.isoformat(timespec="minutes"),
                 "end": change.ends_at.isoformat(timespec="minutes"), "hours": round(change.minutes / 60, 2)}
    elif change.kind == CapacityKind.OUTSIDE_PROCESSING:
        view |= {"step": change.step, "lead_time_days": round(change.lead_minutes / 1440, 2)}
    else:
        view |= {"line_no": change.line_no, "first_quantity": change.first_quantity,
                 "first_date": change.first_date.isoformat(), "rest_date": change.rest_date.isoformat()}
    return view


def order_capacity(uow, order_id: int) -> dict:
    """What decisions added for the order, for its record and the figures (M2, M3): overtime hours
    in all and per work center, the steps done outside, the split deliveries, every change."""
    changes = uow.capacity.for_order(order_id)
    per_center: dict[str, float] = {}
    for c in changes:
        if c.kind == CapacityKind.OVERTIME:
            per_center[c.work_center_code] = round(per_center.get(c.work_center_code, 0) + c.minutes / 60, 2)
    return {"overtime_hours": round(sum(per_center.values()), 2), "overtime_by_work_center": per_center,
            "outside_steps": [c.step for c in changes if c.kind == CapacityKind.OUTSIDE_PROCESSING],
            "split_deliveries": [change_view(c) for c in changes if c.kind == CapacityKind.PARTIAL_DELIVERY],
            "changes": [change_view(c) for c in changes]}
