"""The record of a completed order: planned vs actual, quality, delays, cost, accountability (M2, M4)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest

from jidan.domain.fulfilment import Deadline, accountability, holder_at
from jidan.services.execution import reports as execution
from jidan.services.fulfilment import incidents
from jidan.services.orders import lifecycle
from jidan.services.fulfilment import shipping
from jidan.services.notices import timers
from jidan.services.fulfilment import receipts
from jidan.services.fulfilment import drawings
from jidan.services.audit import verify
from jidan.services.execution.reports import Report
from jidan.services.fulfilment.incidents import NewIncident
from jidan.services.fulfilment.shipping import NewShipment
from jidan.services.fulfilment.drawings import NewDocument
from jidan.services.fulfilment.receipts import NewReceipt
from tests.fulfilment_support import inspected, released
from tests.support import web_session

pytestmark = pytest.mark.xdist_group("db")


def test_m4_the_department_holding_the_order_when_its_date_passed_answers_for_it():
    history = [(datetime(2026, 11, 24, 9), "submitted"), (datetime(2026, 11, 25, 9), "in_production"),
               (datetime(2026, 12, 2, 9), "inspected"), (datetime(2026, 12, 3, 9), "shipped")]
    assert holder_at(datetime(2026, 12, 2), history) == "manufacturing"
    assert holder_at(datetime(2026, 12, 2, 12), history) == "warehouse"
    as_of = datetime(2026, 12, 10)
    deadlines = [Deadline("delivery_date", "SO-1", datetime(2026, 12, 2), datetime(2026, 12, 4), "manufacturing"),
                 Deadline("operation", "SMT", datetime(2026, 11, 26), datetime(2026, 11, 25), "SMT"),
                 Deadline("drawing_return", "TD-1", datetime(2026, 12, 5), None, "quality"),
                 Deadline("operation", "ASM", datetime(2026, 11, 27), datetime(2026, 11, 28), "ASM")]
    assert accountability(deadlines, as_of) == {"ASM": 1, "manufacturing": 1, "quality": 1}
    assert [d.as_dict(as_of)["state"] for d in deadlines] == ["missed", "met", "overdue", "missed"]
    assert deadlines[0].as_dict(as_of)["late_hours"] == 48.0
    assert Deadline("x", "y", datetime(2026, 12, 11), None, "pmc").as_dict(as_of)["state"] == "open"


def test_m2_m4_a_closed_order_keeps_its_record_of_times_quality_delays_cost_and_missed_deadlines(
        api, ctx, actors, clock):
    oid = released(ctx, actors)
    drawings.issue_document(ctx, actors["engineering"], oid, NewDocument("TD-0042", "临时图纸", holder_department="SMT"))
    tasks = api.get(f"/api/v1/orders/{oid}/record", "pmc").json()["operations"]
    assert tasks and all(t["actual_start"] is None for t in tasks)

    # The floor works every task; the last one finishes late against its plan.
    with ctx.uow() as uow:
        task_rows = uow.tasks.for_order(oid)
    for i, task in enumerate(task_rows):
        clock.current = max(clock.current, task.planned_start)
        execution.report(ctx, actors["manufacturing"], task.id, Report("start"))
        late = 90 if i == len(task_rows) - 1 else 0
        clock.current = max(clock.current, task.planned_end + timedelta(minutes=late))
        execution.report(ctx, actors["manufacturing"], task.id, Report(
            "finish", good_qty=task.quantity - (1 if i == 0 else 0), scrap_qty=1 if i == 0 else 0))
    lifecycle.act(ctx, actors["quality"], oid, "inspect")
    receipts.receive_goods(ctx, actors["warehouse"], oid, NewReceipt({1: 299}, "A-01", note="1 件报废"))
    clock.advance(hours=2)
    s = shipping.book_shipment(ctx, actors["logistics"], oid, NewShipment(
        6, Decimal("84.5"), "air", "顺丰航空", "SF1", clock.current.replace(hour=23), Decimal("1860.00")))
    shipping.dispatch(ctx, actors["logistics"], s["id"])
    clock.advance(hours=26)  # the drawing is not back in 24 h; the goods arrive late
    timers.fire_due(ctx)
    shipping.confirm_delivery(ctx, actors["customer_service"], s["id"], "李")
    inc = incidents.open_incident(ctx, actors["customer_service"], NewIncident(
        "logistics_delay", oid, "晚到一天", cause="carrier_route"))
    incidents.propose_compensation(ctx, actors["customer_service"], inc["id"], "coupon", Decimal("500"))
    incidents.decide_compensation(ctx, actors["management"], inc["id"], True)

    api.tokens.clear()
    live = api.get(f"/api/v1/orders/{oid}/record", "pmc").json()
    assert live["frozen_at"] is None
    assert lifecycle.act(ctx, actors["sales"], oid, "close")["status"] == "closed"
    record = api.get(f"/api/v1/orders/{oid}/record", "management").json()
    assert record["frozen_at"] is not None

    ops = record["operations"]
    assert len(ops) == len(task_rows) and all(o["actual_end"] for o in ops)
    assert ops[-1]["finish_delay_minutes"] == 90 and ops[0]["scrap"] == 1
    assert record["totals"]["scrap"] == 1 and record["totals"]["worked_hours"] > 0
    assert {r["work_center"] for r in record["resources"]} == {t.work_center_code for t in task_rows}
    assert record["quality"]["final_passed"] is True
    assert record["shipment"]["mode"] == "air"
    assert record["cost_of_urgency"] == {"freight": "1860.00", "compensation": "500.00", "total": "2360.00"}
    assert [d["kind"] for d in record["delays"]] == ["logistics_delay"]
    assert record["delays"][0]["cause"] == "carrier_route" and record["delays"][0]["compensation"] == "coupon"

    missed = {(d["what"], d["department"]) for d in record["deadlines"] if d["state"] in ("missed", "overdue")}
    last_department = ops[-1]["department"]
    assert ("operation", last_department) in missed
    assert ("drawing_return", "SMT") in missed  # 违者追究相关部门负责人责任
    assert ("arrival", "logistics") in missed
    assert record["missed_by_department"]["SMT"] >= 1 and record["missed_by_department"]["logistics"] == 1
    assert record["missing"] == []

    # Frozen: later changes do not alter it, and the freezing is in the audit trail.
    with ctx.uow() as uow:
        events = [e for e in uow.audit.all() if e["entity"] == "order_record"]
    assert [e["action"] for e in events] == ["freeze"]
    assert api.get(f"/api/v1/orders/{oid}/record", "supplier").status_code == 404
    assert verify(ctx)[1] == []


def test_m2_an_order_without_floor_reports_says_what_its_record_lacks(api, ctx, actors):
    oid = released(ctx, actors)
    record = api.get(f"/api/v1/orders/{oid}/record", "pmc").json()
    assert record["missing"] == ["receipt", "shipment"]
    assert record["order"]["on_time"] is None and record["deadlines"][0]["what"] == "delivery_date"
    assert record["deadlines"][0]["state"] == "open"


def test_m4_the_record_page_shows_each_deadline_and_its_department(ctx, actors, clock):
    oid = released(ctx, actors)
    clock.advance(days=10)  # the customer's date passes while the order is on the floor
    client, _ = web_session(ctx, "management")
    page = client.get(f"/orders/{oid}/record")
    assert page.status_code == 200
    # the date, and the two production notices nobody acknowledged (issue 22: acknowledgements count)
    assert "客户交期" in page.text and "已逾期" in page.text and "制造 × 3" in page.text
    assert client.get(f"/orders/{oid}/record?lang=en").text.count("Customer date") == 1


def test_m2_m4_the_record_keeps_overtime_outside_work_every_deadline_with_its_holder_and_feedback_after_closing(
        api, ctx, actors, clock):
    from jidan.services.fulfilment import feedback
    from jidan.services.planning import capacity

    oid = inspected(ctx, actors)
    with ctx.uow() as uow:  # an approval's decision: two evenings of overtime on SMT2, the assembly done outside
        order = uow.orders.get(oid)
        lever = capacity.overtime_lever(uow, ctx, order, "SMT2", [date(2026, 11, 24), date(2026, 11, 25)], 2.5)
        outside = {"lever": "outside_processing", "action": {"step": f"{order.number}/1-20", "lead_time_days": 2}}
        capacity.record(uow, ctx, actors["pmc"], order, [lever, outside], "approval", None, "急单加班")
        uow.commit()
    receipts.receive_goods(ctx, actors["warehouse"], oid, NewReceipt({1: 300}, "A-01"))
    s = shipping.book_shipment(ctx, actors["logistics"], oid, NewShipment(
        2, Decimal("20"), "air", "顺丰航空", "SF2", clock.current + timedelta(hours=20), Decimal("800.00")))
    shipping.dispatch(ctx, actors["logistics"], s["id"])
    shipping.confirm_delivery(ctx, actors["customer_service"], s["id"], "王")
    lifecycle.act(ctx, actors["sales"], oid, "close")

    record = api.get(f"/api/v1/orders/{oid}/record", "management").json()
    assert record["frozen_at"] is not None and record["customer_rating"] is None and record["feedback"] == []
    assert record["capacity"]["overtime_hours"] == 5.0
    assert record["capacity"]["overtime_by_work_center"] == {"SMT2": 5.0}
    assert record["capacity"]["outside_steps"] == [f"{order.number}/1-20"]
    whats = {d["what"] for d in record["deadlines"]}
    assert {"delivery_date", "acknowledgement", "review_step", "arrival"} <= whats
    for d in record["deadlines"]:
        assert d["state"] in ("met", "missed", "open", "overdue") and "holder" in d and "held_by" in d
    review = [d for d in record["deadlines"] if d["what"] == "review_step"]
    assert {d["holder"] for d in review} >= {"pmc"} and all(d["state"] == "met" for d in review)
    assert any(d["held_by"] == "pmc" for d in review)  # the one who signed, by name
    release = [d for d in record["deadlines"] if d["what"] == "acknowledgement" and d["ref"].startswith("release ")]
    assert release and release[0]["holder"] == "manufacturing" and release[0]["state"] == "met"

    # The customer answers after the order closed: the frozen record shows it.
    token = feedback.request_feedback(ctx, actors["customer_service"], oid)["link"].rsplit("/", 1)[1]
    clock.advance(days=3)
    feedback.submit_feedback(ctx, token, 4, "交货及时")
    api.tokens.clear()  # three days on: log in again
    later = api.get(f"/api/v1/orders/{oid}/record", "management").json()
    assert later["frozen_at"] == record["frozen_at"] and later["customer_rating"] == 4
    assert later["feedback"][0]["comment"] == "交货及时"

    client, _ = web_session(ctx, "management")
    page = client.get(f"/orders/{oid}/record").text
    assert "5.0 h" in page and f"{order.number}/1-20" in page and "交货及时" in page and "确认收到通知" in page
    page_en = client.get(f"/orders/{oid}/record?lang=en").text
    assert "Customer rating" in page_en and "Acknowledgement" in page_en
