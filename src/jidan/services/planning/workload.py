"""pmc's home (M3, C2): the orders waiting for pmc's review or plan, and the load per work center
over the next two weeks from the plan in force, with the bottleneck marked.

The load counts the minutes the plan in force (``in_force.plan_in_force``: the accepted plan
against today's floor) books on each work center, against the minutes that work center is open
each day (its shifts on the working calendar, less recorded downtime, plus approved overtime).
"""
from __future__ import annotations

from datetime import datetime, timedelta

from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.roles import Role
from jidan.domain.states import OrderState
from jidan.services.context import Context
from jidan.services.permissions import require_role
from jidan.services.planning.in_force import plan_in_force
from jidan.services.ports import OrderFilter

#: Who opens pmc's home: pmc, and management looking over its shoulder.
READERS = frozenset({Role.PMC, Role.MANAGEMENT})
#: What waits on pmc: 生产可行性分析 of a submitted order, the plan of an approved one.
WAITING = {OrderState.SUBMITTED: "review", OrderState.APPROVED: "plan"}
DAYS = 14
DAY = 1440


def waiting_orders(ctx: Context, actor: Actor, limit: int = 200) -> list[dict]:
    """Orders to review and to plan, urgent first, then the oldest (entered first) first."""
    require_role(actor, READERS)
    with ctx.uow() as uow:
        found: list[Order] = []
        for state in WAITING:
            found += uow.orders.list(OrderFilter(status=state.value, limit=limit))[0]
        found.sort(key=lambda o: (not o.urgent, o.created_at or datetime.min, o.id))
        return [{"id": o.id, "number": o.number, "customer": o.customer.name, "urgent": o.urgent,
                 "priority": o.priority, "status": str(o.status), "to_do": WAITING[OrderState(o.status)],
                 "requested_date": o.requested_date.isoformat(),
                 "created_at": o.created_at.isoformat(timespec="minutes") if o.created_at else None,
                 "lines": [{"product": ln.product.code, "quantity": ln.quantity} for ln in o.lines]}
                for o in found[:limit]]


def load_ahead(ctx: Context, actor: Actor, days: int = DAYS) -> dict:
    """Booked and open minutes per work center and day from today for ``days`` days, the
    utilisation per week, and the bottleneck: the most loaded work center (each week's too)."""
    require_role(actor, READERS)
    with ctx.uow() as uow:
        plan = plan_in_force(uow, ctx)
    model = plan.model
    today = ctx.now().replace(hour=0, minute=0, second=0, microsecond=0)
    first = int((today - model.origin).total_seconds() // 60)  # may be before the plan's origin
    dates = [(today + timedelta(days=d)).date().isoformat() for d in range(days)]
    centers = {r.id: r for r in model.resources}
    booked = {code: [0] * days for code in centers}
    for a in plan.current.assignments:
        if a.resource in booked:
            for start, end in centers[a.resource].open_pieces(a.start, a.end):  # a lot pauses over the nights
                _spread(booked[a.resource], start - first, end - first)
    rows = []
    for code, resource in centers.items():
        # before the plan's origin is the past: nothing more can be booked there
        closed = _merged([(min(0, -first), -first), *((s - first, e - first) for s, e in resource.unavailable)])
        open_ = [DAY - sum(_overlap(s, e, d) for s, e in closed) for d in range(days)]
        weeks = [_share(booked[code][w:w + 7], open_[w:w + 7]) for w in range(0, days, 7)]
        rows.append({"work_center": code, "booked": booked[code], "open": open_,
                     "utilisation": _share(booked[code], open_), "weeks": weeks})
    bottleneck = max(rows, key=lambda r: r["utilisation"])["work_center"] if rows and any(
        r["utilisation"] for r in rows) else None
    week_bottlenecks = [max(rows, key=lambda r: r["weeks"][w])["work_center"]
                        if rows and any(r["weeks"][w] for r in rows) else None for w in range((days + 6) // 7)]
    return {"run_id": plan.accepted.id if plan.accepted else None, "days": dates, "work_centers": rows,
            "bottleneck": bottleneck, "week_bottlenecks": week_bottlenecks,
            "week_starts": dates[::7]}


def _merged(windows) -> list[tuple[int, int]]:
    """Closed hours and downtime may overlap: count each minute once."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(windows):
        if out and s <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], e))
        else:
            out.append((s, e))
    return out


def _overlap(start: int, end: int, day: int) -> int:
    return max(0, min(end, (day + 1) * DAY) - max(start, day * DAY))


def _spread(cells: list[int], start: int, end: int) -> None:
    for d in range(max(0, start // DAY), min(len(cells), (end - 1) // DAY + 1)):
        cells[d] += _overlap(start, end, d)


def _share(booked: list[int], open_: list[int]) -> float:
    total = sum(open_)
    return round(sum(booked) / total, 3) if total else 0.0
