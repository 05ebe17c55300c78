"""A small plant history written straight into the tables, whose figures are worked out by hand
in tests/integration/test_analytics_figures.py (issue 22). The first quarter of 2026, judged on
2026-03-31 12:00.

  O1 urgent, C001, SCB-200: entered 01-05 08:00, requested 01-20, promised 01-22, delivered
     01-21 10:00 by air (freight 500); both steps finished 2 h late (the second only because the
     first was); an overtime decision of 4 h; a logistics incident (traffic) compensated 200; its
     drawing back 18 h late (warehouse); its review's pmc step signed 30 min late.
  O2 C002, SCB-200: entered 01-10 09:00, due 02-01, delivered 01-30 by truck; the assembly step
     3 h late (1 h of it ASM1 stood still); in-process inspection failed 5 (rework); 3 scrapped
     on the floor; slipped 3 h for O3's insertion.
  O3 urgent, C001, P002: entered 02-01 08:00, requested 02-10, approved 02-02 08:00 and no
     further; its review's management step signed 15 h late; material 3 days late; 2 scrapped
     at inspection; an outside step of 24 h; inserted with priority.
  O4 C002, SCB-200: entered 03-20, due 04-15 (not yet due).
  O5 entered 2025-12-20, delivered 2025-12-29: outside the period.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select

from jidan.adapters.db import tables as t

NOW = datetime(2026, 3, 31, 12, 0)
START, END = date(2026, 1, 1), date(2026, 3, 31)


def at(text: str) -> datetime:
    """"01-05 08:00" → that moment of 2026."""
    return datetime.fromisoformat(f"2026-{text}")


class Writer:
    def __init__(self, conn):
        self.conn = conn
        self.seq = conn.execute(select(func.coalesce(func.max(t.audit_events.c.seq), 0))).scalar()

    def add(self, table, **values) -> int:
        if "version" in table.c and "version" not in values:
            values["version"] = 1
        return self.conn.execute(table.insert().values(**values)).inserted_primary_key[0]

    def event(self, order_id: int, action: str, when: datetime, status: str) -> None:
        self.seq += 1
        self.conn.execute(t.audit_events.insert().values(
            seq=self.seq, at=when, actor="test", role="pmc", entity="order", entity_id=str(order_id),
            action=action, new={"status": status}, prev_hash="0" * 64, hash="0" * 64))


def hand_made(ctx, actors) -> dict[str, int]:
    """Writes the history above (after tests.support.seed) and returns the orders' ids."""
    with ctx.engine.begin() as conn:
        w = Writer(conn)
        user = {name: a.user_id for name, a in actors.items()}
        products = dict(conn.execute(select(t.products.c.code, t.products.c.id)).all())
        customers = dict(conn.execute(select(t.customers.c.code, t.customers.c.id)).all())

        def order(number, customer, product, entered, created, requested, promised, urgent, status):
            oid = w.add(t.orders, number=number, customer_id=customers[customer], customer_po=number,
                        order_date=entered, requested_date=requested, promised_date=promised, channel="phone",
                        status=status, urgent=urgent, urgent_reasons="manual" if urgent else "",
                        priority="normal", revision=1, created_by=user["sales"], created_at=created)
            w.add(t.order_lines, order_id=oid, line_no=1, product_id=products[product], quantity=100,
                  unit_price=Decimal("10"))
            return oid

        o1 = order("O1", "C001", "SCB-200", date(2026, 1, 5), at("01-05 08:00"), date(2026, 1, 20),
                   date(2026, 1, 22), True, "delivered")
        o2 = order("O2", "C002", "SCB-200", date(2026, 1, 10), at("01-10 09:00"), date(2026, 2, 1),
                   date(2026, 2, 1), False, "delivered")
        o3 = order("O3", "C001", "P002", date(2026, 2, 1), at("02-01 08:00"), date(2026, 2, 10), None, True,
                   "approved")
        o4 = order("O4", "C002", "SCB-200", date(2026, 3, 20), at("03-20 08:00"), date(2026, 4, 15),
                   date(2026, 4, 15), False, "submitted")
        o5 = order("O5", "C002", "SCB-200", date(2025, 12, 20), datetime(2025, 12, 20, 8), date(2025, 12, 30),
                   None, True, "delivered")

        milestones = {
            o1: [("approve", "01-05 12:00", "approved"), ("plan", "01-06 08:00", "planned"),
                 ("release", "01-06 10:00", "released"), ("start_production", "01-06 10:30", "in_production"),
                 ("inspect", "01-08 14:00", "inspected"), ("receive", "01-08 16:00", "received"),
                 ("ship", "01-09 08:00", "shipped"), ("confirm_delivery", "01-21 10:00", "delivered")],
            o2: [("approve", "01-10 19:00", "approved"), ("plan", "01-11 09:00", "planned"),
                 ("release", "01-11 11:00", "released"), ("inspect", "01-20 15:00", "inspected"),
                 ("receive", "01-21 09:00", "received"), ("ship", "01-22 09:00", "shipped"),
                 ("confirm_delivery", "01-30 09:00", "delivered")],
            o3: [("submit", "02-01 08:05", "submitted"), ("approve", "02-02 08:00", "approved")],
        }
        for oid, steps in milestones.items():
            for action, when, status in steps:
                w.event(oid, action, at(when), status)

        def shipment(oid, number, mode, freight, dispatched, delivered):
            w.add(t.shipments, number=number, order_id=oid, status="delivered", packages=1, weight_kg=Decimal("5"),
                  transport_mode=mode, carrier="SF", tracking_no=number, expected_arrival=delivered,
                  freight_cost=freight, booked_by=user["logistics"], booked_at=dispatched,
                  dispatched_at=dispatched, delivered_at=delivered)

        shipment(o1, "S1", "air", Decimal("500.00"), at("01-09 08:00"), at("01-21 10:00"))
        shipment(o2, "S2", "truck", Decimal("100.00"), at("01-22 09:00"), at("01-30 09:00"))
        shipment(o5, "S5", "air", Decimal("900.00"), datetime(2025, 12, 28), datetime(2025, 12, 29))

        def task(oid, op, seq, wc, start, end, finished, minutes, kind="production", scrap=None):
            return w.add(t.production_tasks, order_id=oid, operation=op, job=f"{op}-job", line_no=1, step_seq=seq,
                         lot=1, kind=kind, name=op, work_center_code=wc, quantity=100, planned_start=at(start),
                         planned_end=at(end), planned_minutes=minutes, status="done", finished_at=at(finished),
                         worked_minutes=minutes, good_qty=100, scrap_qty=scrap, source="release",
                         created_at=at(start))

        task(o1, "O1-10", 10, "SMT1", "01-06 10:00", "01-07 10:00", "01-07 12:00", 600)
        task(o1, "O1-20", 20, "ASM1", "01-07 10:00", "01-08 08:00", "01-08 10:00", 300)
        task(o1, "O1-10R", 10, "SMT1", "01-07 13:00", "01-07 14:00", "01-07 15:00", 60, kind="rework")
        task(o2, "O2-10", 10, "SMT1", "01-12 08:00", "01-15 08:00", "01-15 08:00", 900)
        t22 = task(o2, "O2-20", 20, "ASM1", "01-15 08:00", "01-20 08:00", "01-20 11:00", 1200, scrap=3)
        w.add(t.work_center_downtimes, work_center_code="ASM1", down_from=at("01-19 08:00"),
              down_until=at("01-19 09:00"), reason="motor", created_by=user["pmc"], created_at=at("01-19 08:00"))

        def exception(oid, kind, wc, minutes, when):
            w.add(t.process_exceptions, order_id=oid, work_center_code=wc, kind=kind, description=kind,
                  estimated_delay_minutes=minutes, status="closed", reported_by=user["manufacturing"],
                  reported_at=at(when))

        exception(o1, "equipment_failure", "SMT1", 120, "01-06 12:00")
        exception(o2, "equipment_failure", "SMT1", 60, "01-13 12:00")
        exception(o3, "material_shortage", "ASM1", 2880, "02-03 12:00")

        def inspection(oid, stage, result, passed, failed, disposition, when, task_id=None):
            w.add(t.inspections, order_id=oid, task_id=task_id, stage=stage, line_no=1, result=result,
                  passed_qty=passed, failed_qty=failed, defects=[], disposition=disposition,
                  inspector_id=user["quality"], inspected_at=at(when))

        inspection(o1, "final", "pass", 100, 0, None, "01-08 14:00")
        inspection(o2, "in_process", "fail", 95, 5, "rework", "01-18 10:00", t22)
        inspection(o2, "final", "pass", 100, 0, None, "01-20 15:00")
        inspection(o3, "in_process", "fail", 98, 2, "scrap", "02-03 10:00")

        po = w.add(t.purchase_orders, number="PO1", material_code="M-CONN", quantity=Decimal("200"),
                   due_date=date(2026, 2, 6), supplier_id=user["supplier"], status="open",
                   created_by=user["purchasing"], created_at=at("02-01 09:00"))
        w.add(t.material_delay_requests, number="MD1", purchase_order_id=po, material_code="M-CONN",
              old_date=date(2026, 2, 6), new_date=date(2026, 2, 9), reason="late", status="approved",
              requested_by=user["supplier"], requested_at=at("02-04 09:00"), decided_by=user["purchasing"],
              decided_at=at("02-05 09:00"), affected_orders=["O3"])

        w.add(t.incidents, number="INC1", type="logistics_delay", status="closed", order_id=o1,
              customer_id=customers["C001"], cause="traffic", description="jam", lead_role="logistics",
              support_role="customer_service", compensation_status="approved", compensation_kind="coupon",
              compensation_amount=Decimal("200.00"), opened_by=user["customer_service"], opened_at=at("01-21 11:00"))

        for oid, kind, start, end, lead in ((o1, "overtime", "01-06 18:00", "01-06 22:00", None),
                                            (o3, "outside_processing", None, None, 1440)):
            w.add(t.capacity_changes, kind=kind, order_id=oid, source="approval", reason="urgent",
                  work_center_code="SMT1" if kind == "overtime" else None,
                  starts_at=at(start) if start else None, ends_at=at(end) if end else None, lead_minutes=lead,
                  created_by=user["pmc"], created_at=at("01-05 12:00"))

        w.add(t.planning_runs, kind="insert", status="accepted", origin=at("02-02 08:00"), objective="weighted-tardiness",
              urgent_order_id=o3, order_ids=[o2, o3], schedule={}, summary={},
              impact={"slipped": [{"order": "O2", "order_id": o2, "slip_minutes": 180}], "moved": []},
              created_by=user["pmc"], created_at=at("02-02 09:00"), accepted_by=user["pmc"],
              accepted_at=at("02-02 10:00"))

        steps = [{"key": "pmc-1", "stage": 1, "role": "pmc", "name": "生产评审", "phase": "review", "deadline_hours": 2},
                 {"key": "mgmt-2", "stage": 2, "role": "management", "name": "总经理审批", "phase": "approve",
                  "deadline_hours": 4}]
        for oid, started, due, signed in (
                (o1, "01-05 08:30", {"pmc-1": "01-05 10:00", "mgmt-2": "01-05 16:00"},
                 {"pmc-1": "01-05 10:30", "mgmt-2": "01-05 12:00"}),
                (o3, "02-01 09:00", {"pmc-1": "02-01 13:00", "mgmt-2": "02-01 17:00"},
                 {"pmc-1": "02-01 13:00", "mgmt-2": "02-02 08:00"})):
            review = w.add(t.order_reviews, order_id=oid, revision=1, chain_code="urgent", chain_name="急单",
                           steps=steps, due={k: at(v).isoformat() for k, v in due.items()}, status="approved",
                           decision="approved", started_by=user["sales"], started_at=at(started),
                           closed_at=at(signed["mgmt-2"]))
            for key, when in signed.items():
                role = "pmc" if key == "pmc-1" else "management"
                w.add(t.approval_signatures, subject=f"review:{review}", order_id=oid, revision=1, step_key=key,
                      role=role, user_id=user[role], counted_user_id=user[role], meaning="approved",
                      opinion="agree", method="password", signed_at=at(when))

        def notice(recipient, oid, created, due, acked, level=0):
            w.add(t.notices, event_id=f"e-{created}-{recipient}", recipient_id=user[recipient], kind="release",
                  subject="s", body="", order_id=oid, needs_ack=True, ack_due_at=at(due),
                  acknowledged_at=at(acked) if acked else None, escalation_level=level, created_at=at(created))

        notice("manufacturing", o1, "01-06 10:00", "01-06 12:00", "01-06 11:00")
        notice("manufacturing", o2, "01-11 11:00", "01-11 13:00", "01-11 15:00", level=1)
        notice("quality", o3, "02-01 09:00", "02-01 11:00", None)

        for oid, doc, due, back in ((o1, "D1", "01-09 16:00", "01-10 10:00"), (o2, "D2", "01-22 09:00", "01-21 09:00")):
            w.add(t.engineering_documents, order_id=oid, doc_no=doc, title=doc, kind="drawing", status="returned",
                  holder_department="warehouse", issued_by=user["engineering"], issued_at=at("01-05 09:00"),
                  due_at=at(due), returned_at=at(back), overdue_department="warehouse" if oid == o1 else None)
    return {"O1": o1, "O2": o2, "O3": o3, "O4": o4, "O5": o5}
