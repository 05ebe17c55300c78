"""Management's dashboard (M3, M4): this week's urgent orders at risk, the on-time trend, the
cost of urgency, the top delay causes and the departments that missed deadlines, over the last
twelve weeks."""
from __future__ import annotations

from datetime import date, datetime, timedelta

from jidan.domain.model import Actor
from jidan.services.analytics.figures import ANALYSTS, accountability, figures
from jidan.services.context import Context
from jidan.services.permissions import require_role

WEEKS = 12
#: Orders still waiting for the floor: at risk when due this week.
NOT_STARTED = frozenset({"submitted", "reviewed", "approved", "planned", "on_hold"})


def _end_of(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), datetime.min.time())


def _week(day: date) -> str:
    iso = day.isocalendar()
    return f"{iso.year}-W{iso.week:02d}"


def at_risk(rows: list[dict], now: datetime) -> list[dict]:
    """The urgent orders due by the end of this week that may be missed, each with why: past its
    date, forecast late (E2), or not yet on the floor."""
    out = []
    for o in rows:
        due = o["promised_date"] or o["requested_date"]
        reasons = [r for r, hit in (("overdue", now > _end_of(due)), ("forecast_late", bool(o["late"])),
                                    ("not_started", o["status"] in NOT_STARTED)) if hit]
        if reasons:
            out.append({"id": o["id"], "number": o["number"], "customer": o["customer"], "status": o["status"],
                        "due": due.isoformat(), "predicted": o["predicted_completion"].isoformat(timespec="minutes")
                        if o["predicted_completion"] else None, "reasons": reasons})
    return out


def trend(rows: list[dict], now: datetime, start: date, end: date) -> list[dict]:
    """On-time rate per week of the date orders were due (promised, else requested): delivered
    by the end of that day; one not delivered counts late once the day has passed."""
    weeks: dict[str, dict] = {}
    for k in range((end - start).days + 1):
        week = _week(start + timedelta(days=k))
        weeks.setdefault(week, {"week": week, "on_time": 0, "late": 0, "late_ids": []})
    for o in rows:
        due = _end_of(o["promised_date"] or o["requested_date"])
        row = weeks.get(_week(o["promised_date"] or o["requested_date"]))
        if row is None:
            continue
        if o["delivered_at"] is not None and o["delivered_at"] <= due:
            row["on_time"] += 1
        elif o["delivered_at"] is not None or now > due:
            row["late"] += 1
            row["late_ids"].append(o["id"])
    return [{**w, "rate": round(w["on_time"] / (w["on_time"] + w["late"]), 4) if w["on_time"] + w["late"] else None}
            for w in weeks.values()]


def dashboard(ctx: Context, actor: Actor) -> dict:
    """Everything management's home shows, as one JSON-able dict."""
    require_role(actor, ANALYSTS)
    now = ctx.now()
    today = now.date()
    end = today
    start = today - timedelta(weeks=WEEKS) + timedelta(days=1)
    week_end = today + timedelta(days=7 - today.isoweekday())
    with ctx.uow() as uow:
        risky = at_risk(uow.analytics.urgent_open(week_end), now)
        weekly = trend(uow.analytics.due_orders(start - timedelta(days=7), end), now, start, end)
    figs = figures(ctx, actor, start, end, only=("on_time", "urgency", "delay_causes"))
    league = accountability(ctx, actor, start, end)
    return {"period": figs["period"], "week_end": week_end.isoformat(), "at_risk": risky, "trend": weekly,
            "urgency": figs["urgency"], "on_time": figs["on_time"], "delay_causes": figs["delay_causes"][:8],
            "accountability": [r for r in league if r["missed"]]}


def names(ctx: Context, actor: Actor, order_ids) -> dict:
    """What the pages show instead of keys: the numbers of the orders behind the figures (for
    their links) and the departments' names by code."""
    require_role(actor, ANALYSTS)
    with ctx.uow() as uow:
        return {"orders": uow.analytics.numbers(sorted(set(order_ids))),
                "departments": {d.code: d.name for d in uow.plant.departments()}}

