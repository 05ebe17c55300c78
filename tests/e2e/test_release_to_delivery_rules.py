"""Issue 6's rules that were still open: goods leave only on a dispatched shipment (G3, G4), the
customer's progress e-mail at the configured milestones (E3), and bad input on the issue-6 forms
that the area tests did not yet prove writes nothing (D2, E1, E4, E5, F1, G3–G5, I1, I3).
"""
from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

import pytest

from jidan.adapters.notify import senders_from_settings
from jidan.services.execution import customer_updates
from jidan.services.execution import progress as order_progress
from jidan.services.orders import lifecycle, views
from jidan.services.notices import outbox
from jidan.services.fulfilment import shipping
from jidan.services.fulfilment import receipts
from jidan.services.audit import verify
from jidan.services.fulfilment.shipping import NewShipment
from jidan.services.fulfilment.receipts import NewReceipt
from tests.delivery_receivers import SmtpServer
from tests.e2e.execution_support import INSPECTED_PRODUCT, report, tasks
from tests.e2e.execution_support import released as released_by_api
from tests.fulfilment_support import inspected, new_order, released
from tests.support import web_session

pytestmark = pytest.mark.xdist_group("db")

BUYER = "buyer@c001.example.com"


def received(ctx, actors, **kw) -> int:
    oid = inspected(ctx, actors, **kw)
    receipts.receive_goods(ctx, actors["warehouse"], oid, NewReceipt({1: 300}, "A-01"))
    return oid


def shipment_body(**over) -> dict:
    body = {"packages": 6, "weight_kg": "84.50", "transport_mode": "air", "carrier": "顺丰航空",
            "tracking_no": "SF1234567890", "expected_arrival": "2026-11-25T15:00:00"}
    body.update(over)
    return body


def events(ctx) -> int:
    """How many audit events there are: bad input must not add one."""
    return verify(ctx)[0]


def status(api, oid) -> str:
    return api.get(f"/api/v1/orders/{oid}", "sales").json()["status"]


def progress_mails(ctx) -> list[dict]:
    with ctx.uow() as uow:
        return sorted((r for r in uow.outbox.list() if r.kind == "progress_update"), key=lambda r: r.id)


# ---------------------------------------------------------------- ship only on a dispatched shipment (G3, G4)

def test_g3_g4_the_plain_ship_action_is_refused_until_a_dispatched_shipment_told_the_customer(api, ctx, actors):
    oid = received(ctx, actors)
    before = events(ctx)
    for user in ("logistics", "sales"):
        r = api.act(oid, "ship", user)
        assert (r.status_code, r.json()["code"]) == (409, "order.ship_via_shipment"), user
        assert "dispatch" in r.json()["detail"]
    assert status(api, oid) == "received" and events(ctx) == before

    shipment = api.post(f"/api/v1/orders/{oid}/shipment", "logistics", json=shipment_body()).json()
    r = api.act(oid, "ship", "logistics")  # booked is not enough: the customer has not been told
    assert (r.status_code, r.json()["code"]) == (409, "order.ship_via_shipment")
    assert status(api, oid) == "received"
    with ctx.uow() as uow:
        assert [m for m in uow.outbox.list() if m.kind == "shipping_notice"] == []

    r = api.post(f"/api/v1/shipments/{shipment['id']}/dispatch", "logistics", json={"version": shipment["version"]})
    assert r.status_code == 200, r.text
    assert r.json()["customer_told_how"] == "email" and status(api, oid) == "shipped"
    order_events = api.get(f"/api/v1/orders/{oid}/events", "management").json()
    assert [e["action"] for e in order_events].count("ship") == 1
    assert verify(ctx)[1] == []


def test_g3_the_order_page_leads_the_ship_button_to_the_shipment_and_explains_a_refusal(ctx, actors):
    oid = received(ctx, actors)
    client, csrf = web_session(ctx, "logistics")
    page = client.get(f"/orders/{oid}").text
    assert re.search(rf'<a [^>]*href="/orders/{oid}/fulfilment[^"]*" data-action="ship"', page)
    assert f'action="/orders/{oid}/actions/ship"' not in page
    assert f'href="/orders/{oid}/shipment/new"' in client.get(f"/orders/{oid}/fulfilment").text
    version = views.get_order(ctx, actors["logistics"], oid)["version"]
    r = client.post(f"/orders/{oid}/actions/ship", data={"csrf_token": csrf, "version": str(version)})
    assert r.status_code == 409 and "发货须先登记发货单" in r.text and "order.ship_via_shipment" in r.text
    assert views.get_order(ctx, actors["logistics"], oid)["status"] == "received"


# ---------------------------------------------------------------- progress e-mail at milestones (E3)

def test_e3_the_customer_is_emailed_the_progress_at_each_milestone_once(ctx, actors):
    oid = received(ctx, actors)  # start_production, inspect, receive: the default milestones
    rows = progress_mails(ctx)
    assert [r.ref for r in rows] == [f"progress:{oid}:{m}" for m in ("start_production", "inspect", "receive")]
    assert {r.target for r in rows} == {BUYER}
    with ctx.uow() as uow:
        audited = [e for e in uow.audit.for_entity("order_progress", oid) if e.action == "milestone_update"]
        order = uow.orders.get(oid)
        # The hook fires again at the same milestone (a retried step): nothing new is sent.
        customer_updates.progress_at_milestone(uow, ctx, actors["warehouse"], order, None)
        uow.commit()
    assert [(e.new["milestone"], e.actor) for e in audited] == [
        ("start_production", "manufacturing"), ("inspect", "quality"), ("receive", "warehouse")]
    assert len(progress_mails(ctx)) == 3

    with SmtpServer() as smtp:  # the worker sends them over real SMTP
        ctx.settings = ctx.settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": smtp.port})
        senders = senders_from_settings(ctx.settings)
        outbox.drain_all(ctx, senders)
        outbox.drain_all(ctx, senders)
        mails = [m for m in smtp.mailbox.to(BUYER) if "订单进度" in m["subject"]]
    assert len(mails) == 3 and all("HD-2026-0042" in m["subject"] for m in mails)
    bodies = [m.get_content() for m in mails]
    assert ["「生产中」" in bodies[0], "「已完成终检」" in bodies[1], "「已入库，待发货」" in bodies[2]] == [True] * 3
    assert all("预计完成日期" in b for b in bodies)
    assert verify(ctx)[1] == []


def test_e3_milestones_are_configured_and_an_empty_setting_turns_them_off(ctx, actors):
    ctx.progress_milestones = frozenset()
    quiet = received(ctx, actors)
    assert progress_mails(ctx) == []

    ctx.progress_milestones = frozenset({"release", "receive"})
    oid = released(ctx, actors, po="HD-2026-0043")
    assert [r.ref for r in progress_mails(ctx)] == [f"progress:{oid}:release"]
    lifecycle.act(ctx, actors["manufacturing"], oid, "start_production")
    lifecycle.act(ctx, actors["quality"], oid, "inspect")
    assert len(progress_mails(ctx)) == 1  # neither start_production nor inspect is configured now
    # Sales may still send one on request whatever the setting (E3).
    sent = customer_updates.send_progress_update(ctx, actors["sales"], quiet)
    assert [r.ref for r in progress_mails(ctx)][-1] == f"progress:{quiet}" and sent["to"] == BUYER


def test_e3_a_misspelt_milestone_is_refused_when_the_settings_are_read():
    from pydantic import ValidationError

    from jidan.config import Settings
    assert Settings(progress_milestones=" receive,release ", _env_file=None).progress_milestones
    with pytest.raises(ValidationError, match="unknown progress milestones ship, start"):
        Settings(progress_milestones="start,receive,ship", _env_file=None)


def test_e3_a_customer_without_email_gets_no_milestone_mail_and_nothing_fails(ctx, actors):
    oid = inspected(ctx, actors, urgent=False, po="N-7")  # 南方电气 has no e-mail address
    assert views.get_order(ctx, actors["sales"], oid)["status"] == "inspected"
    assert progress_mails(ctx) == []


# ---------------------------------------------------------------- bad input writes nothing

def test_d2_a_bad_acknowledgement_of_the_production_notice_is_a_422_and_writes_nothing(api, ctx):
    released_by_api(api)
    notice = next(n for n in api.get("/api/v1/inbox", "manufacturing").json()["items"] if n["kind"] == "release")
    before = events(ctx)
    for body, fields in [({"version": 0}, {"version": "greater_than_equal"}),
                         ({"version": "first"}, {"version": "int_parsing"}),
                         ({"signed": True}, {"signed": "extra_forbidden"})]:
        r = api.post(f"/api/v1/inbox/{notice['id']}/ack", "manufacturing", json=body)
        assert r.status_code == 422 and r.json()["fields"] == fields, (body, r.text)
    assert api.post(f"/api/v1/inbox/{notice['id']}/ack", "quality").status_code == 404  # not theirs
    assert api.post("/api/v1/inbox/abc/ack", "manufacturing").status_code == 422
    assert events(ctx) == before
    [again] = [n for n in api.get("/api/v1/inbox", "manufacturing").json()["items"] if n["id"] == notice["id"]]
    assert again["acknowledged_at"] is None


def test_e1_e3_bad_task_reports_and_progress_updates_write_nothing(api, ctx):
    oid = released_by_api(api)
    task = tasks(api, oid)[0]
    assert report(api, task["id"], "start").status_code == 200
    before, mails = events(ctx), len(progress_mails(ctx))
    for body, fields in [({"good_qty": -1}, {"good_qty": "greater_than_equal"}),
                         ({"hours": "0"}, {"hours": "greater_than"}),
                         ({"hours": "1.234"}, {"hours": "decimal_max_places"}),
                         ({"good_qty": task["quantity"] + 1}, {"good_qty": "exceeds_quantity"}),
                         ({"good_qty": 0, "scrap_qty": 0}, {"good_qty": "must_be_positive"}),
                         ({"version": 0}, {"version": "greater_than_equal"}),
                         ({"note": "x" * 1001}, {"note": "string_too_long"})]:
        r = report(api, task["id"], "finish", **body)
        assert r.status_code == 422 and r.json()["fields"] == fields, (body, r.text)
    r = api.post(f"/api/v1/orders/{oid}/progress-update", "sales", json={"note": "x" * 1001})
    assert r.status_code == 422 and r.json()["fields"] == {"note": "string_too_long"}
    assert events(ctx) == before and tasks(api, oid)[0]["status"] == "running"
    assert len(progress_mails(ctx)) == mails


def test_e4_e5_bad_exception_reports_applications_and_decisions_write_nothing(api, ctx):
    oid = released_by_api(api)
    good = {"kind": "staffing", "description": "测试组两人病假", "estimated_delay_minutes": 240}
    before = events(ctx)
    for change, fields in [({"kind": "fire"}, {"kind": "literal_error"}),
                           ({"description": ""}, {"description": "string_too_short"}),
                           ({"estimated_delay_minutes": -5}, {"estimated_delay_minutes": "greater_than_equal"}),
                           ({"kind": "equipment_failure"}, {"work_center": "required"}),
                           ({"task_id": 999999}, {"task_id": "unknown_task"})]:
        r = api.post(f"/api/v1/orders/{oid}/exceptions", "manufacturing", json={**good, **change})
        assert r.status_code == 422 and r.json()["fields"] == fields, (change, r.text)
    assert events(ctx) == before

    ex = api.post(f"/api/v1/orders/{oid}/exceptions", "manufacturing", json=good).json()
    before = events(ctx)
    for path, body, fields in [("apply", {"application": ""}, {"application": "string_too_short"}),
                               ("apply", {"application": "x", "requested_measure": "pray"},
                                {"requested_measure": "literal_error"})]:
        r = api.post(f"/api/v1/exceptions/{ex['id']}/{path}", "pmc", json=body)
        assert r.status_code == 422 and r.json()["fields"] == fields, (path, r.text)
    assert events(ctx) == before
    assert api.post(f"/api/v1/exceptions/{ex['id']}/apply", "pmc", json={"application": "申请加班"}).status_code == 200
    before = events(ctx)
    for path, body, fields in [("approve", {}, {"measure": "missing"}),
                               ("approve", {"measure": "new_date"}, {"new_date": "required"}),
                               ("approve", {"measure": "new_date", "new_date": "2020-01-01"}, {"new_date": "in_past"}),
                               ("reject", {"note": ""}, {"note": "string_too_short"})]:
        r = api.post(f"/api/v1/exceptions/{ex['id']}/{path}", "management", json=body)
        assert r.status_code == 422 and r.json()["fields"] == fields, (path, body, r.text)
    assert events(ctx) == before
    assert api.get(f"/api/v1/exceptions/{ex['id']}", "pmc").json()["status"] == "applied"


def test_c6_bad_delay_request_decisions_write_nothing(api, ctx):
    po = api.post("/api/v1/purchase-orders", "purchasing", json={
        "material": "M-CONN", "quantity": 1000, "due_date": "2026-11-25", "supplier": "supplier"}).json()
    request = api.post("/api/v1/material-delay-requests", "supplier", json={
        "purchase_order_id": po["id"], "new_date": "2026-11-30", "reason": "原料短缺"}).json()
    before = events(ctx)
    for body, fields in [({"decision": "maybe"}, {"decision": "literal_error"}),
                         ({"decision": "reject"}, {"note": "required"}),
                         ({"decision": "approve", "version": 0}, {"version": "greater_than_equal"})]:
        r = api.post(f"/api/v1/material-delay-requests/{request['id']}/decision", "pmc", json=body)
        assert r.status_code == 422 and r.json()["fields"] == fields, (body, r.text)
    assert events(ctx) == before
    assert api.get(f"/api/v1/material-delay-requests/{request['id']}", "pmc").json()["status"] == "pending"


def test_f1_bad_inspections_write_nothing(api, ctx):
    assert api.post("/api/v1/products", "admin", json=INSPECTED_PRODUCT).status_code == 201
    oid = released_by_api(api, "ICB-1", lines=[{"product": "ICB-100", "quantity": 100}])
    smt = next(t for t in tasks(api, oid) if t["step_seq"] == 10)
    before = events(ctx)
    for body, fields in [({"stage": "halfway", "passed_qty": 1}, {"stage": "literal_error"}),
                         ({"stage": "in_process", "passed_qty": 90}, {"task_id": "required"}),
                         ({"stage": "in_process", "task_id": smt["id"], "passed_qty": 90},
                          {"task_id": "not_an_inspection_point"}),
                         ({"stage": "final", "line_no": 9, "passed_qty": 1}, {"line_no": "unknown_line"}),
                         ({"stage": "final", "passed_qty": 1, "defects": [{"code": "x", "count": 0}]},
                          {"defects.0.count": "greater_than_equal"})]:
        r = api.post(f"/api/v1/orders/{oid}/inspections", "quality", json=body)
        assert r.status_code == 422 and r.json()["fields"] == fields, (body, r.text)
    assert events(ctx) == before
    assert api.get(f"/api/v1/orders/{oid}/inspections", "quality").json()["inspections"] == []


def test_g3_g5_i1_bad_shipment_edits_dispatches_deliveries_and_feedback_write_nothing(api, ctx, actors, clock):
    oid = received(ctx, actors)
    shipment = api.post(f"/api/v1/orders/{oid}/shipment", "logistics", json=shipment_body()).json()
    sid, put = shipment["id"], api.client.put
    before = events(ctx)
    for change, fields in [({"version": None}, {"version": "int_type"}),
                           ({"weight_kg": "0"}, {"weight_kg": "must_be_positive"}),
                           ({"transport_mode": "truck"}, {"mode_reason": "required"}),
                           ({"expected_arrival": "2026-11-20T10:00:00"}, {"expected_arrival": "in_past"})]:
        body = {**shipment_body(), "version": shipment["version"], **change}
        r = put(f"/api/v1/shipments/{sid}", headers=api.as_("logistics"), json=body)
        assert r.status_code == 422 and r.json()["fields"] == fields, (change, r.text)
    for body, fields in [({"phone_note": "x" * 2001}, {"phone_note": "string_too_long"}),
                         ({"version": "v2"}, {"version": "int_parsing"}),
                         ({"by": "air"}, {"by": "extra_forbidden"})]:
        r = api.post(f"/api/v1/shipments/{sid}/dispatch", "logistics", json=body)
        assert r.status_code == 422 and r.json()["fields"] == fields, (body, r.text)
    assert events(ctx) == before and status(api, oid) == "received"
    with ctx.uow() as uow:
        assert [m for m in uow.outbox.list() if m.kind == "shipping_notice"] == []

    api.post(f"/api/v1/shipments/{sid}/dispatch", "logistics")
    clock.advance(hours=3)
    before = events(ctx)
    for body, fields in [({"signed_by": " "}, {"signed_by": "required"}),
                         ({"signed_by": "李", "delivered_at": "2026-11-30T10:00:00"}, {"delivered_at": "in_future"}),
                         ({"signed_by": "李", "delivered_at": "2026-11-24T08:00:00"},
                          {"delivered_at": "before_dispatch"}),
                         ({"signed_by": "x" * 101}, {"signed_by": "string_too_long"}),
                         ({}, {"signed_by": "missing"})]:
        r = api.post(f"/api/v1/shipments/{sid}/deliver", "logistics", json=body)
        assert r.status_code == 422 and r.json()["fields"] == fields, (body, r.text)
    assert events(ctx) == before and status(api, oid) == "shipped"

    assert api.post(f"/api/v1/shipments/{sid}/deliver", "logistics", json={"signed_by": "李"}).status_code == 200
    with ctx.uow() as uow:
        [ask] = [m for m in uow.outbox.list() if m.kind == "feedback_request"]
    token = re.search(r"/feedback/(\S+)", ask.body).group(1)
    before = events(ctx)
    for body, fields in [({"rating": 9}, {"rating": "out_of_range"}), ({"rating": None}, {"rating": "required"}),
                         ({"rating": "great"}, {"rating": "int_parsing"}),
                         ({"rating": 3, "comment": "x" * 2001}, {"comment": "string_too_long"})]:
        r = api.client.post(f"/api/v1/feedback/{token}", json=body)
        assert r.status_code == 422 and r.json()["fields"] == fields, (body, r.text)
    assert events(ctx) == before
    assert api.client.post(f"/api/v1/feedback/{token}", json={"rating": 4}).status_code == 200  # not used up


def test_i3_a_bad_compensation_decision_writes_nothing(api, ctx, actors):
    oid = new_order(ctx, actors)
    incident = api.post("/api/v1/incidents", "customer_service", json={
        "type": "logistics_delay", "order_id": oid, "description": "承运商改道，晚到一天",
        "cause": "carrier_route"}).json()
    r = api.post(f"/api/v1/incidents/{incident['id']}/compensation", "customer_service",
                 json={"kind": "coupon", "amount": "500.00"})
    assert r.status_code == 200, r.text
    before = events(ctx)
    for body, fields in [({"approve": "perhaps"}, {"approve": "bool_parsing"}), ({}, {"approve": "missing"}),
                         ({"approve": True, "version": 0}, {"version": "greater_than_equal"})]:
        r = api.post(f"/api/v1/incidents/{incident['id']}/compensation/decision", "management", json=body)
        assert r.status_code == 422 and r.json()["fields"] == fields, (body, r.text)
    assert events(ctx) == before
    assert api.get(f"/api/v1/incidents/{incident['id']}", "management").json()["compensation_status"] == "proposed"


# ---------------------------------------------------------------- error texts on the issue-6 pages

def shown(html: str) -> str:
    """What the reader sees: the text of the page body, without tags, styles or scripts."""
    body = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", body)


def assert_translated(r, *codes: str) -> None:
    """A 422 page whose error texts are Chinese and never the raw codes it got."""
    assert r.status_code == 422, r.text[:300]
    errors_shown = [shown(m) for m in re.findall(
        r'<(?:p|div)[^>]*class="(?:field-error|alert alert-error)"[^>]*>(.*?)</(?:p|div)>', r.text, re.S)]
    assert errors_shown and all(re.search(r"[\u4e00-\u9fff]", e) for e in errors_shown), errors_shown
    text = shown(r.text)
    for code in codes:
        assert not re.search(rf"(?<![\w.]){re.escape(code)}(?![\w.])", text), code


def test_e1_g1_g3_i2_a_422_on_the_floor_warehouse_logistics_and_incident_pages_reads_in_chinese(ctx, actors):
    oid = released(ctx, actors)
    task = order_progress.progress(ctx, actors["pmc"], oid)["tasks"][0]
    floor, csrf = web_session(ctx, "manufacturing")
    path = f"/workcenters/{task['work_center']}/tasks/{task['id']}"
    assert floor.post(f"{path}/start", data={"csrf_token": csrf}, follow_redirects=False).status_code == 303
    assert_translated(floor.post(f"{path}/finish", data={"csrf_token": csrf, "good_qty": str(task["quantity"] + 1)}),
                      "exceeds_quantity")

    ready = inspected(ctx, actors, po="HD-2026-0050")
    clerk, csrf = web_session(ctx, "warehouse")
    r = clerk.post(f"/orders/{ready}/receipt/new", data={"csrf_token": csrf, "qty_1": "301", "location": ""})
    assert_translated(r, "exceeds_quantity", "required")

    shipped = received(ctx, actors, po="HD-2026-0051")
    logistics, csrf = web_session(ctx, "logistics")
    r = logistics.post(f"/orders/{shipped}/shipment/new", data={
        "csrf_token": csrf, "transport_mode": "truck", "carrier": "德邦", "tracking_no": "DB1", "packages": "2",
        "weight_kg": "20", "expected_arrival": "2026-11-20T10:00"})
    assert_translated(r, "required", "in_past")
    booked = shipping.book_shipment(ctx, actors["logistics"], shipped, NewShipment(
        2, Decimal("20"), "air", "顺丰", "SF1", datetime(2026, 11, 26, 10)))
    shipping.dispatch(ctx, actors["logistics"], booked["id"])
    r = logistics.post(f"/shipments/{booked['id']}/deliver", data={
        "csrf_token": csrf, "signed_by": "", "delivered_at": "2026-11-24T08:00"})
    assert_translated(r, "required", "before_dispatch")

    cs, csrf = web_session(ctx, "customer_service")
    r = cs.post("/incidents/new", data={"csrf_token": csrf, "type": "alien", "order_number": "SO-NOPE",
                                        "cause": "", "description": "x"})
    assert_translated(r, "unknown_type")
