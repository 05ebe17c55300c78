"""Many orders at once, written straight into the tables (issue 24): what a factory has after
years, for the page benchmarks (benchmarks/pages.py) and the query-count tests. The services
would take minutes per thousand orders; the rows here look like theirs: one line each, a few
audit events each (the chain's hashes are not real: nothing verifies a benchmark database),
and the planned ones placed back to back on their work centers in the plan in force."""
from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlalchemy import func, select

from jidan.adapters.db import tables as t

#: Where bulk orders stand, as the demo spreads them: two in five wait for review or approval.
STATES = (["submitted"] * 25 + ["reviewed"] * 15 + ["approved"] * 10 + ["planned"] * 15 + ["released"] * 10
          + ["in_production"] * 10 + ["inspected"] * 3 + ["received"] * 2 + ["shipped"] * 2 + ["closed"] * 8)
PLANNED = {"planned", "released", "in_production"}


def add_orders(engine, count: int, now: datetime, seed: int = 24, prefix: str = "BK") -> list[int]:
    """Adds ``count`` orders; the planned ones join the plan in force. Returns their ids."""
    rnd = random.Random(seed)
    with engine.begin() as db:
        customers = db.execute(select(t.customers.c.id, t.customers.c.priority_class)).all()
        products = db.execute(select(t.products.c.id, t.products.c.unit_price)
                              .where(t.products.c.kind == "finished")).all()
        steps: dict[int, list] = {}
        for s in db.execute(select(t.routing_steps).order_by(t.routing_steps.c.seq)):
            steps.setdefault(s.product_id, []).append(s)
        sellers = [u.id for u in db.execute(select(t.users.c.id).where(t.users.c.role == "sales"))]
        first = (db.scalar(select(func.max(t.orders.c.id))) or 0) + 1
        orders, lines, states = [], [], []
        for i in range(count):
            oid, (cid, cls), (pid, price) = first + i, rnd.choice(customers), rnd.choice(products)
            urgent = i % 8 == 0
            state = rnd.choice(STATES)
            seller = rnd.choice(sellers)
            orders.append({
                "id": oid, "number": f"{prefix}-{oid:06d}", "customer_id": cid, "customer_po": f"{prefix}-PO-{oid}",
                "order_date": (now - timedelta(days=rnd.randint(0, 400))).date(),
                "requested_date": (now + timedelta(days=rnd.randint(-30, 90))).date(), "promised_date": None,
                "channel": rnd.choice(["phone", "online", "email"]), "status": state, "urgent": urgent,
                "urgent_reasons": "lead_time" if urgent else "", "priority": ("key" if cls == "key" else "urgent")
                if urgent else "normal", "revision": 1, "owner_id": seller, "created_by": seller,
                "created_at": now - timedelta(days=rnd.randint(0, 400)), "version": 1})
            lines.append({"order_id": oid, "line_no": 1, "product_id": pid,
                          "quantity": rnd.choice([20, 50, 100, 200]), "unit_price": price})
            states.append(state)
        db.execute(t.orders.insert(), orders)
        db.execute(t.order_lines.insert(), lines)
        head = db.execute(select(t.audit_head)).one_or_none()
        seq, events = head.seq if head else 0, []
        for o in orders:
            for action in ("create", "submit"):
                seq += 1
                events.append({"seq": seq, "at": o["created_at"], "actor_id": o["created_by"], "actor": "sales",
                               "role": "sales", "entity": "order", "entity_id": str(o["id"]), "action": action,
                               "old": None, "new": {"status": o["status"]}, "reason": None,
                               "prev_hash": "0" * 64, "hash": f"{seq:064d}"})
        db.execute(t.audit_events.insert(), events)
        if head:
            db.execute(t.audit_head.update().values(seq=seq, hash=f"{seq:064d}"))
        else:
            db.execute(t.audit_head.insert().values(id=1, seq=seq, hash=f"{seq:064d}"))
        run = db.execute(select(t.planning_runs).where(t.planning_runs.c.status == "accepted")
                         .order_by(t.planning_runs.c.id.desc()).limit(1)).one_or_none()
        if run is not None:
            _plan(db, run, [(o, steps.get(ln["product_id"], []), ln["quantity"])
                            for o, ln, s in zip(orders, lines, states) if s in PLANNED], rnd)
    return [o["id"] for o in orders]


def _plan(db, run, planned: list, rnd: random.Random) -> None:
    """Places each planned order's steps after the plan's work on the first free work center of
    the step's kind, one after the other."""
    schedule = dict(run.schedule)
    assignments = list(schedule["assignments"])
    free: dict[str, int] = {}
    for a in assignments:
        free[a["resource"]] = max(free.get(a["resource"], 0), a["end"])
    centers = [w.code for w in db.execute(select(t.work_centers.c.code))]
    for order, route, quantity in planned:
        job, at = f"{order['number']}/1", 0
        for step in route:
            kind = step.work_center_code.rstrip("0123456789")
            center = min((c for c in centers if c.rstrip("0123456789") == kind), key=lambda c: free.get(c, 0))
            start = max(at, free.get(center, 0))
            end = start + step.setup_minutes + max(10, int(float(step.minutes_per_unit) * quantity))
            assignments.append({"job": job, "operation": f"{job}-{step.seq}", "resource": center,
                                "start": start, "end": end})
            free[center], at = end, end
    schedule["assignments"] = assignments
    db.execute(t.planning_runs.update().where(t.planning_runs.c.id == run.id).values(
        schedule=schedule, order_ids=list(run.order_ids) + [o["id"] for o, _, _ in planned], version=run.version + 1))
