"""Figures for decisions (M3) and the accountability league table (M4), over a period.

An order belongs to the period by the day it was entered (``order_date``); capacity use by the
day work was planned to start; acknowledgements, drawings and every deadline of the league table
by when they were created or fell due. The rows are read in bulk through ``uow.analytics`` (a few
indexed queries: docs/analytics.md) and shaped here. Every figure lists the order ids behind it.
"""
from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from statistics import median

from jidan.domain import errors
from jidan.domain.execution import StepRun, charge_lateness
from jidan.domain.fulfilment import holder_at
from jidan.domain.model import Actor
from jidan.domain.roles import BusinessRoles, Role
from jidan.services.context import Context
from jidan.services.masterdata.calendar import effective_calendar
from jidan.services.permissions import require_role

#: Who reads the figures: management decides on them, pmc plans with them (M3, M4); admin only
#: where the plant lets admin do business.
ANALYSTS = BusinessRoles({Role.MANAGEMENT, Role.PMC})

#: The lead time's parts: each milestone and the order action (or fact) that marks it.
STAGES = ("entry", "approval", "planned", "released", "produced", "inspected", "received", "shipped",
          "delivered")
_ACTION_OF = {"approval": "approve", "planned": "plan", "released": "release", "inspected": "inspect",
              "received": "receive", "shipped": "ship", "delivered": "confirm_delivery"}

#: The figures, in the order they are given.
FIGURES = ("on_time", "lead_time", "urgency", "delay_causes", "exceptions", "rework_scrap", "capacity",
           "approvals", "acknowledgements", "drawings_late")

#: What the league table counts (M4).
DEADLINE_KINDS = ("acknowledgement", "review_step", "production_step", "drawing_return", "shipping")

#: Transport modes that count as expedited freight (G3: the fastest for urgent orders).
EXPEDITED = frozenset({"air", "express"})

#: The longest period one request may cover (about five years of days).
MAX_DAYS = 1900


@dataclass(frozen=True)
class Filters:
    """Which orders the figures count: by customer, product, department (work group), urgency."""
    customer_id: int | None = None
    product_id: int | None = None
    department: str | None = None
    urgent: bool | None = None


def check_period(start: date, end: date) -> None:
    """A period ends on or after its start and spans at most ``MAX_DAYS``."""
    if end < start:
        raise errors.ValidationFailed("the period ends before it starts", code="analytics.bad_period",
                                      fields={"end": "before_start"})
    if (end - start).days > MAX_DAYS:
        raise errors.ValidationFailed("the period is too long", code="analytics.bad_period",
                                      fields={"end": "period_too_long"})


def default_period(ctx: Context, start: date | None, end: date | None) -> tuple[date, date]:
    """The period asked for; a missing end is today, a missing start twelve weeks before it."""
    end = end or ctx.now().date()
    return (start or end - timedelta(weeks=12) + timedelta(days=1)), end


def figures(ctx: Context, actor: Actor, start: date, end: date, filters: Filters | None = None,
            only: Iterable[str] | None = None) -> dict:
    """Every figure of M3 over [start, end] as one JSON-able dict; each lists its order ids.
    ``only`` names the figures wanted (of ``FIGURES``; all when None): a page that shows three
    does not pay for the rest."""
    require_role(actor, ANALYSTS)
    check_period(start, end)
    f = filters or Filters()
    wanted = set(FIGURES if only is None else only)
    now = ctx.now()
    result = {"period": {"start": start.isoformat(), "end": end.isoformat()},
              "filters": {k: getattr(f, k) for k in ("customer_id", "product_id", "department", "urgent")},
              "as_of": now.isoformat(timespec="seconds")}
    with ctx.uow() as uow:
        a = uow.analytics
        read: dict[str, list[dict]] = {}

        def rows(name: str, *args) -> list[dict]:
            """Each kind of row read once, whichever figures need it."""
            if name not in read:
                read[name] = getattr(a, name)(*(args or (start, end, f)))
            return read[name]

        makers = {
            "on_time": lambda: on_time(rows("orders"), now),
            "lead_time": lambda: lead_time(rows("orders"), rows("milestones"), rows("floor")),
            "urgency": lambda: urgency(rows("orders"), rows("capacity_changes"), rows("incidents"),
                                       rows("insertions", start, end)),
            "delay_causes": lambda: delay_causes(rows("exceptions"), rows("material_delays"), rows("inspections"),
                                                 rows("incidents")),
            "exceptions": lambda: exceptions(rows("exceptions")),
            "rework_scrap": lambda: rework_scrap(rows("inspections"), rows("floor")),
            "capacity": lambda: capacity(rows("load", start, end), uow.plant.work_centers(),
                                         effective_calendar(uow, ctx), ctx.shifts, start, end, f.department),
            "approvals": lambda: approvals(rows("signatures")),
            "acknowledgements": lambda: acknowledgements(rows("acknowledgements", start, end), now),
            "drawings_late": lambda: drawings_late(rows("drawings", start, end), now),
        }
        for name in FIGURES:
            if name in wanted:
                result[name] = makers[name]()
        if "orders" in read:
            result["orders"] = len(read["orders"])
    return result


# ------------------------------------------------------------------------------ the figures
def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), datetime.min.time())


def _rate(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def p90(values: list[float]) -> float | None:
    """The 90th percentile by nearest rank: the value 90 % of the values are at or below."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.9 * len(ordered)) - 1)]


def _spread(values: list[float]) -> dict:
    return {"count": len(values), "median": round(median(values), 2) if values else None,
            "p90": round(p90(values), 2) if values else None}


def on_time(orders: list[dict], now: datetime) -> dict:
    """Delivered by the end of the requested (promised) day; an order not delivered counts once
    that day has passed (as late), before it is still open and not counted."""
    out = {}
    for against, column in (("requested", "requested_date"), ("promised", "promised_date")):
        met, late, open_ = [], [], []
        for o in orders:
            if o[column] is None or o["status"] == "cancelled":
                continue
            due = _end_of(o[column])
            if o["delivered_at"] is not None:
                (met if o["delivered_at"] <= due else late).append(o["id"])
            elif now > due:
                late.append(o["id"])
            else:
                open_.append(o["id"])
        out[against] = {"rate": _rate(len(met), len(met) + len(late)), "on_time": len(met), "late": len(late),
                        "open": len(open_), "on_time_ids": met, "late_ids": late}
    return out


def lead_time(orders: list[dict], milestones: list[dict], floor: list[dict]) -> dict:
    """Hours between each milestone and the next one reached, and entry to delivery, median and
    90th percentile (delivery by the shipment's confirmation, else the order action; produced
    when the last production task finished)."""
    when = {m["order_id"]: m for m in milestones}
    produced = {x["order_id"]: x["produced_at"] for x in floor}
    parts: dict[str, list[float]] = {f"{a}_{b}": [] for a, b in zip(STAGES, STAGES[1:])}
    total, ids = [], defaultdict(list)
    for o in orders:
        at = {"entry": o["created_at"], "produced": produced.get(o["id"])}
        firsts = when.get(o["id"], {})
        at.update({stage: firsts.get(action) for stage, action in _ACTION_OF.items()})
        at["delivered"] = o["delivered_at"] or at["delivered"]
        reached = [(s, at[s]) for s in STAGES if at.get(s) is not None]
        for (a, ta), (b, tb) in zip(reached, reached[1:]):
            key = f"{a}_{b}"
            if key in parts:
                parts[key].append((tb - ta).total_seconds() / 3600)
                ids[key].append(o["id"])
        if at["delivered"] is not None:
            total.append((at["delivered"] - at["entry"]).total_seconds() / 3600)
            ids["total"].append(o["id"])
    stages = [{"stage": key, **_spread(values), "order_ids": ids[key]} for key, values in parts.items()]
    return {"unit": "hours", "total": {**_spread(total), "order_ids": ids["total"]}, "stages": stages}


def _money(value) -> Decimal:
    return Decimal(value) if value is not None else Decimal(0)


def urgency(orders: list[dict], changes: list[dict], incidents: list[dict], insertions: list[dict]) -> dict:
    """The urgent share and what urgency cost: overtime hours and outside steps decisions added,
    expedited freight of urgent orders, approved compensation, and the orders an accepted urgent
    insertion made slip (with how many hours)."""
    urgent = [o["id"] for o in orders if o["urgent"]]
    kept = {o["id"] for o in orders}
    overtime = [c for c in changes if c["kind"] == "overtime" and c["starts_at"] and c["ends_at"]]
    outside = [c for c in changes if c["kind"] == "outside_processing"]
    expedited = [o for o in orders if o["urgent"] and o["transport_mode"] in EXPEDITED]
    paid = [i for i in incidents if i["compensation_status"] == "approved"]
    slipped: dict[int, float] = {}
    for run in insertions:
        for slip in (run["impact"] or {}).get("slipped", []):
            if slip.get("order_id") is not None and run["urgent_order_id"] in kept:
                slipped[slip["order_id"]] = slipped.get(slip["order_id"], 0) + (slip.get("slip_minutes") or 0) / 60
    freight = sum((_money(o["freight_cost"]) for o in expedited), Decimal(0))
    compensation = sum((_money(i["compensation_amount"]) for i in paid), Decimal(0))
    return {
        "orders": len(orders), "urgent": len(urgent), "share": _rate(len(urgent), len(orders)),
        "urgent_ids": urgent,
        "overtime_hours": round(sum((c["ends_at"] - c["starts_at"]).total_seconds() for c in overtime) / 3600, 2),
        "overtime_ids": sorted({c["order_id"] for c in overtime}),
        "outside_processing": len(outside),
        "outside_hours": round(sum(c["lead_minutes"] or 0 for c in outside) / 60, 2),
        "outside_ids": sorted({c["order_id"] for c in outside}),
        "expedited_freight": f"{freight:.2f}", "expedited_ids": [o["id"] for o in expedited],
        "compensation": f"{compensation:.2f}", "compensation_ids": sorted({i["order_id"] for i in paid}),
        "total_cost": f"{freight + compensation:.2f}",
        "slipped_by_insertion": len(slipped), "slipped_hours": round(sum(slipped.values()), 2),
        "slipped_ids": sorted(slipped),
    }


def delay_causes(exceptions_: list[dict], material: list[dict], inspections: list[dict],
                 incidents: list[dict]) -> list[dict]:
    """The causes of delay, most frequent first, with the cumulative share (a Pareto): each kind
    of process exception, late material, failed inspections, and logistics incidents by cause."""
    causes: dict[str, dict] = {}

    def add(cause: str, order_id: int, days: float) -> None:
        row = causes.setdefault(cause, {"cause": cause, "count": 0, "days": 0.0, "order_ids": {}})
        row["count"] += 1
        row["days"] += days
        row["order_ids"][order_id] = None  # a dict keeps the first-seen order without repeats

    for x in exceptions_:
        add(f"exception.{x['kind']}", x["order_id"], x["estimated_delay_minutes"] / 1440)
    for d in material:
        for order_id in d["order_ids"]:
            add("material", order_id, (d["new_date"] - d["old_date"]).days)
    for i in inspections:
        if i["result"] == "fail":
            add("quality", i["order_id"], 0)
    for i in incidents:
        if i["type"] == "logistics_delay":
            add(f"logistics.{i['cause'] or 'other'}", i["order_id"], 0)
    ranked = sorted(causes.values(), key=lambda r: (-r["count"], -r["days"], r["cause"]))
    total, running = sum(r["count"] for r in ranked), 0
    for row in ranked:
        row["order_ids"] = list(row["order_ids"])
        running += row["count"]
        row["days"] = round(row["days"], 2)
        row["cumulative_share"] = _rate(running, total)
    return ranked


def exceptions(rows: list[dict]) -> dict:
    """Process exceptions (制程异常) counted by kind and by work center."""
    def count(key: str) -> list[dict]:
        found: dict[str, dict] = {}
        for x in rows:
            name = x[key] or "none"
            row = found.setdefault(name, {key: name, "count": 0, "order_ids": {}})
            row["count"] += 1
            row["order_ids"][x["order_id"]] = None
        return sorted(({**r, "order_ids": list(r["order_ids"])} for r in found.values()),
                      key=lambda r: (-r["count"], r[key]))
    return {"total": len(rows), "by_kind": count("kind"), "by_work_center": count("work_center_code")}


def rework_scrap(inspections: list[dict], floor: list[dict]) -> dict:
    """Quantities failed at inspection and sent to rework or scrap, and scrap reported on the floor."""
    rework = [i for i in inspections if i["disposition"] == "rework"]
    scrapped = [i for i in inspections if i["disposition"] == "scrap"]
    floor_scrap = [x for x in floor if x["scrap"]]
    return {"inspections": len(inspections), "failed": sum(1 for i in inspections if i["result"] == "fail"),
            "rework_qty": sum(i["failed_qty"] for i in rework),
            "rework_ids": sorted({i["order_id"] for i in rework}),
            "scrap_qty": sum(i["failed_qty"] for i in scrapped) + sum(x["scrap"] for x in floor_scrap),
            "scrap_ids": sorted({i["order_id"] for i in scrapped} | {x["order_id"] for x in floor_scrap}),
            "rework_tasks": sum(x["rework_tasks"] for x in floor)}


def capacity(load: list[dict], work_centers: list, calendar, shifts, start: date, end: date,
             department: str | None) -> dict:
    """Planned minutes per work center against what it had (its units × the shifts of each
    working day), over the period and per ISO week, and the most loaded work center each week
    (the bottleneck, C2)."""
    shift = sum(b - a for a, b in shifts)
    centers = {wc.code: wc for wc in work_centers if department is None or wc.department_code == department}
    days = [start + timedelta(days=k) for k in range((end - start).days + 1)]
    working = [d for d in days if calendar.is_working_day(d)]
    weeks: dict[str, list[date]] = defaultdict(list)
    for d in working:
        iso = d.isocalendar()
        weeks[f"{iso.year}-W{iso.week:02d}"].append(d)
    planned = defaultdict(float)
    worked = defaultdict(float)
    by_week = defaultdict(float)
    for row in load:
        if row["work_center_code"] not in centers:
            continue
        planned[row["work_center_code"]] += row["planned"] or 0
        worked[row["work_center_code"]] += row["worked"] or 0
        iso = row["day"].isocalendar()
        by_week[(f"{iso.year}-W{iso.week:02d}", row["work_center_code"])] += row["planned"] or 0
    use = []
    for code, wc in sorted(centers.items()):
        available = wc.capacity * shift * len(working)
        use.append({"work_center": code, "department": wc.department_code,
                    "available_hours": round(available / 60, 2), "planned_hours": round(planned[code] / 60, 2),
                    "worked_hours": round(worked[code] / 60, 2), "use": _rate(planned[code], available)})
    bottlenecks = []
    for week, week_days in sorted(weeks.items()):
        rates = {code: by_week[(week, code)] / (wc.capacity * shift * len(week_days))
                 for code, wc in centers.items() if wc.capacity and shift}
        if rates and max(rates.values()) > 0:
            code = max(rates, key=lambda c: (rates[c], c))
            bottlenecks.append({"week": week, "work_center": code, "use": round(rates[code], 4)})
        else:
            bottlenecks.append({"week": week, "work_center": None, "use": 0.0})
    return {"use": use, "bottleneck_by_week": bottlenecks}


def _review_steps(rows: list[dict]) -> list[dict]:
    """Each step of each review: when it opened (the review's start, or the last signature of an
    earlier stage), its deadline, its first signature, who holds it (the step's role)."""
    reviews: dict[int, dict] = {}
    for row in rows:
        review = reviews.setdefault(row["review_id"], {**row, "signed": {}})
        if row["step_key"] is not None:
            review["signed"].setdefault(row["step_key"], row["signed_at"])
    out = []
    for review in reviews.values():
        steps = {s["key"]: s for s in review["steps"] or []}
        for key, step in steps.items():
            earlier = [review["signed"][k] for k, s in steps.items()
                       if s["stage"] < step["stage"] and k in review["signed"]]
            due = (review["due"] or {}).get(key)
            out.append({"order_id": review["order_id"], "step": step.get("name") or key, "key": key,
                        "role": step["role"], "opened": max([review["started_at"], *earlier]),
                        "signed": review["signed"].get(key), "closed": review["closed_at"],
                        "due": datetime.fromisoformat(due) if due else None})
    return out


def approvals(rows: list[dict]) -> list[dict]:
    """Hours from a step's opening to its first signature, per approval step (B3–B5)."""
    by_step: dict[tuple[str, str], dict] = {}
    for s in _review_steps(rows):
        if s["signed"] is None:
            continue
        row = by_step.setdefault((s["role"], s["step"]), {"hours": [], "order_ids": []})
        row["hours"].append(max(0.0, (s["signed"] - s["opened"]).total_seconds() / 3600))
        row["order_ids"].append(s["order_id"])
    return [{"role": role, "step": step, **_spread(v["hours"]), "order_ids": sorted(set(v["order_ids"]))}
            for (role, step), v in sorted(by_step.items())]


def acknowledgements(rows: list[dict], now: datetime) -> list[dict]:
    """Per department (the recipient's role): notices to acknowledge, hours to acknowledge them
    (median, p90), how many were acknowledged late or not yet when due, and escalations raised."""
    by_role: dict[str, dict] = {}
    for n in rows:
        row = by_role.setdefault(n["role"], {"hours": [], "late": 0, "escalated": 0, "notices": 0,
                                             "order_ids": set()})
        row["notices"] += 1
        if n["acknowledged_at"] is not None:
            row["hours"].append((n["acknowledged_at"] - n["created_at"]).total_seconds() / 3600)
        if n["ack_due_at"] is not None and (n["acknowledged_at"] or now) > n["ack_due_at"]:
            row["late"] += 1
            if n["order_id"] is not None:
                row["order_ids"].add(n["order_id"])
        if n["escalation_level"]:
            row["escalated"] += 1
    return [{"department": role, "notices": v["notices"], **_spread(v["hours"]), "late": v["late"],
             "escalated": v["escalated"], "order_ids": sorted(v["order_ids"])}
            for role, v in sorted(by_role.items())]


def drawings_late(rows: list[dict], now: datetime) -> dict:
    """Drawings due back in the period (L2): returned late or still out past their time."""
    late = [d for d in rows if (d["returned_at"] or now) > d["due_at"]]
    by_department: dict[str, int] = defaultdict(int)
    for d in late:
        by_department[d["overdue_department"] or d["holder_department"]] += 1
    return {"due": len(rows), "late": len(late), "still_out": sum(1 for d in late if d["returned_at"] is None),
            "by_department": [{"department": k, "count": v} for k, v in sorted(by_department.items())],
            "order_ids": sorted({d["order_id"] for d in late})}


# ------------------------------------------------------------------------------ accountability
def accountability(ctx: Context, actor: Actor, start: date, end: date) -> list[dict]:
    """Missed deadlines due in [start, end] per department that held them, most first (M4): a
    notice not acknowledged in time (the recipient's department), a review step not signed in
    time (its role), a production step finished late (charged by its cause: the step before, a
    breakdown, or the group that ran it), a drawing returned late (its holder), an order not
    delivered by its date (whoever held the order then)."""
    require_role(actor, ANALYSTS)
    check_period(start, end)
    now = ctx.now()
    since, until = datetime.combine(start, datetime.min.time()), _end_of(end)
    missed: list[tuple[str, str, int | None, float]] = []  # (kind, department, order id, hours late)

    def judge(kind: str, department: str | None, order_id, due: datetime | None, done: datetime | None) -> None:
        if due is not None and since <= due < until and (done or now) > due:
            missed.append((kind, department or "unattributed", order_id,
                           ((done or now) - due).total_seconds() / 3600))

    with ctx.uow() as uow:
        a = uow.analytics
        for n in a.late_acknowledgements(start - timedelta(days=31), end):
            judge("acknowledgement", n["role"], n["order_id"], n["ack_due_at"], n["acknowledged_at"])
        for s in _review_steps(a.reviews_started(since - timedelta(days=62), until, since)):
            judge("review_step", s["role"], s["order_id"], s["due"], s["signed"] or s["closed"])
        for d in a.drawings(start, end):
            judge("drawing_return", d["overdue_department"] or d["holder_department"], d["order_id"],
                  d["due_at"], d["returned_at"])
        missed += _production_steps(a.step_tasks(start, end), a.downtimes(start, end), now, since, until)
        due_orders = a.due_orders(start, end)
        history: dict[int, list] = defaultdict(list)
        late = [o for o in due_orders if (o["delivered_at"] or now) > _end_of(o["promised_date"] or o["requested_date"])]
        for h in a.order_history([o["id"] for o in late]):
            history[h["order_id"]].append((h["at"], h["status"]))
        for o in late:
            due = _end_of(o["promised_date"] or o["requested_date"])
            judge("shipping", holder_at(due, history[o["id"]]), o["id"], due, o["delivered_at"])
    table: dict[str, dict] = {}
    for kind, department, order_id, hours in missed:
        row = table.setdefault(department, {"department": department, "missed": 0, "late_hours": 0.0,
                                            "by_kind": dict.fromkeys(DEADLINE_KINDS, 0), "order_ids": set()})
        row["missed"] += 1
        row["late_hours"] += hours
        row["by_kind"][kind] += 1
        if order_id is not None:
            row["order_ids"].add(order_id)
    return [{**r, "late_hours": round(r["late_hours"], 2), "order_ids": sorted(r["order_ids"])}
            for r in sorted(table.values(), key=lambda r: (-r["missed"], -r["late_hours"], r["department"]))]


def _production_steps(tasks: list[dict], downtimes: list[dict], now: datetime, since: datetime,
                      until: datetime) -> list[tuple[str, str, int, float]]:
    """Routing steps planned to end in the period and finished late, each charged to the cause
    that bears most of its lateness (``charge_lateness``: a step that only waited for a late one
    before it is that one's cause's)."""
    down: dict[str, list[dict]] = defaultdict(list)
    for d in downtimes:
        down[d["work_center_code"]].append(d)
    steps: dict[tuple[int, int], dict[int, list[dict]]] = defaultdict(lambda: defaultdict(list))
    for task in tasks:
        steps[(task["order_id"], task["line_no"])][task["step_seq"]].append(task)
    out = []
    for (order_id, _), line in steps.items():
        if not any(_may_be_late(p, now) for parts in line.values() for p in parts):
            continue  # no step of the line is late: nothing to charge
        runs = [_step_run(parts, down, now) for _, parts in sorted(line.items())]
        for run, causes in zip(runs, charge_lateness(runs, now)):
            if causes and since <= run.planned_end < until:
                out.append(("production_step", max(causes, key=lambda c: (causes[c], c)), order_id,
                            sum(causes.values()) / 60))
    return out


def _may_be_late(task: dict, now: datetime) -> bool:
    """A step is late only if one of its tasks finished (or is still open) after its own planned
    end, or was continued elsewhere (a split part carries no plan of its own)."""
    return (task["finished_at"] or now) > task["planned_end"] or task["source"].startswith("split:")


def _step_run(parts: list[dict], down: dict[str, list[dict]], now: datetime) -> StepRun:
    """A step as it ran against its plan; parts continued elsewhere after a breakdown carry no
    plan of their own, and the minutes its work centers stood are the breakdown's."""
    planned = [p for p in parts if not p["source"].startswith("split:")] or parts
    start, end = min(p["planned_start"] for p in planned), max(p["planned_end"] for p in planned)
    done = None if any(p["finished_at"] is None for p in parts) else max(p["finished_at"] for p in parts)
    until = done or now
    stood = sum(max(0, int((min(d["down_until"], until) - max(d["down_from"], start)).total_seconds() // 60))
                for wc in {p["work_center_code"] for p in parts} for d in down[wc] if d["down_from"] < until)
    return StepRun(parts[-1]["department"], start, end, done, stood)
