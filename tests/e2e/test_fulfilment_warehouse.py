"""Finished goods receipt and lent drawings through the API (G1, G2, L1, L2, M4)."""
from __future__ import annotations

import pytest

from jidan.services.notices import timers
from jidan.services.audit import verify
from tests.fulfilment_support import inspected, released

pytestmark = pytest.mark.xdist_group("db")


def receipt_body(**over) -> dict:
    body = {"lines": [{"line_no": 1, "quantity": 300}], "location": "成品仓 A-01-03",
            "handed_over_by": "测试组长 林"}
    body.update(over)
    return body


def notices(ctx, user_id: int) -> list[dict]:
    with ctx.uow() as uow:
        return uow.notices.for_recipient(user_id)


def test_g1_g2_warehouse_receives_an_urgent_order_and_sales_is_told_at_once(api, ctx, actors):
    oid = inspected(ctx, actors)
    r = api.post(f"/api/v1/orders/{oid}/receipt", "warehouse", json=receipt_body())
    assert r.status_code == 201, r.text
    receipt = r.json()
    assert receipt["number"].startswith("GR-") and receipt["urgent"] is True
    assert receipt["lines"] == [{"line_no": 1, "product": "SCB-200", "product_name": "伺服控制板", "unit": "pcs",
                                 "ordered": 300, "received": 300}]
    assert receipt["location"] == "成品仓 A-01-03" and receipt["received_by"] == "warehouse"
    assert receipt["inspected_by"] == "quality"
    assert api.get(f"/api/v1/orders/{oid}", "sales").json()["status"] == "received"

    # 仓库收到紧急订单成品入库时，必须立即知会经营课负责人 (G2): critical, to be acknowledged.
    for salesperson in ("sales", "sales2"):
        told = [n for n in notices(ctx, actors[salesperson].user_id) if n.kind == "goods_received"]
        assert len(told) == 1 and told[0].critical and told[0].needs_ack
        assert "急单" in told[0].subject and told[0].order_id == oid

    events = api.get(f"/api/v1/orders/{oid}/events", "management").json()
    assert events[-1]["action"] == "receive" and events[-1]["actor"] == "warehouse"
    assert api.get(f"/api/v1/orders/{oid}/receipt", "sales").json()["id"] == receipt["id"]
    assert verify(ctx)[1] == []


def test_g2_a_normal_order_tells_sales_without_the_alarm(api, ctx, actors):
    oid = inspected(ctx, actors, urgent=False, po="N-1")
    r = api.post(f"/api/v1/orders/{oid}/receipt", "warehouse", json=receipt_body(
        lines=[{"line_no": 1, "quantity": 20}, {"line_no": 2, "quantity": 4}], note="短装 1 件，补做中"))
    assert r.status_code == 201, r.text
    assert [ln["received"] for ln in r.json()["lines"]] == [20, 4]
    told = [n for n in notices(ctx, actors["sales"].user_id) if n.kind == "goods_received"]
    assert len(told) == 1 and not told[0].critical and "急单" not in told[0].subject


def test_g1_receiving_with_the_plain_action_button_still_makes_the_receipt(api, ctx, actors):
    oid = inspected(ctx, actors)
    assert api.act(oid, "receive", "warehouse").status_code == 200
    receipt = api.get(f"/api/v1/orders/{oid}/receipt", "warehouse").json()
    assert receipt["lines"][0]["received"] == 300 and receipt["location"] == ""


def test_g1_an_operator_or_anyone_but_the_warehouse_cannot_receive_goods(api, ctx, actors):
    oid = inspected(ctx, actors)
    before = verify(ctx)[0]
    for user in ("manufacturing", "sales", "quality", "logistics", "management"):
        r = api.post(f"/api/v1/orders/{oid}/receipt", user, json=receipt_body())
        assert r.status_code == 403 and r.json()["code"] == "auth.role_not_allowed", user
    assert api.post(f"/api/v1/orders/{oid}/receipt", "supplier", json=receipt_body()).status_code == 403
    assert api.get(f"/api/v1/orders/{oid}", "sales").json()["status"] == "inspected"
    assert verify(ctx)[0] == before


def test_g1_an_order_not_yet_inspected_cannot_be_received(api, ctx, actors):
    oid = released(ctx, actors)
    r = api.post(f"/api/v1/orders/{oid}/receipt", "warehouse", json=receipt_body())
    assert r.status_code == 409
    assert api.get(f"/api/v1/orders/{oid}/receipt", "warehouse").status_code == 404


def test_g1_a_stale_order_version_is_refused(api, ctx, actors):
    oid = inspected(ctx, actors)
    version = api.get(f"/api/v1/orders/{oid}", "warehouse").json()["version"]
    r = api.post(f"/api/v1/orders/{oid}/receipt", "warehouse", json=receipt_body(version=version - 1))
    assert r.status_code == 409 and r.json()["code"] == "stale_version"


BAD_RECEIPTS = [
    ({"lines": [{"line_no": 1, "quantity": 301}]}, {"quantities.1": "exceeds_ordered"}),
    ({"lines": [{"line_no": 1, "quantity": 0}]}, {"quantities": "nothing_received"}),
    ({"lines": [{"line_no": 2, "quantity": 3}]}, {"quantities.2": "unknown_line", "quantities.1": "required"}),
    ({"lines": [{"line_no": 1, "quantity": -1}]}, {"lines.0.quantity": "greater_than_equal"}),
    ({"lines": [{"line_no": 1, "quantity": "many"}]}, {"lines.0.quantity": "int_parsing"}),
    ({"location": "  "}, {"location": "required"}),
    ({"location": "x" * 61}, {"location": "string_too_long"}),
    ({"collect": [999]}, {"collect.0": "unknown_document"}),
    ({"lines": []}, {"lines": "too_short"}),
    ({"colour": "red"}, {"colour": "extra_forbidden"}),
]


def test_g1_bad_receipt_input_gets_a_field_level_422_and_writes_nothing(api, ctx, actors):
    oid = inspected(ctx, actors)
    before = verify(ctx)[0]
    for change, fields in BAD_RECEIPTS:
        r = api.post(f"/api/v1/orders/{oid}/receipt", "warehouse", json=receipt_body(**change))
        assert r.status_code == 422, (change, r.text)
        assert r.json()["code"] == "validation_failed" and r.json()["fields"] == fields, change
    assert api.get(f"/api/v1/orders/{oid}", "sales").json()["status"] == "inspected"
    assert verify(ctx)[0] == before


# --- temporary drawings and engineering data (L1, L2, M4) ------------------------------------

def issue(api, oid, doc_no="TD-0042", **over):
    body = {"doc_no": doc_no, "title": "SCB-200 临时图纸 rev.B", "kind": "drawing", "holder_department": "SMT"}
    body.update(over)
    return api.post(f"/api/v1/orders/{oid}/documents", "engineering", json=body)


def test_l1_drawing_travels_with_the_order_and_the_clerk_collects_it_at_receipt(api, ctx, actors, clock):
    oid = released(ctx, actors)
    doc = issue(api, oid)
    assert doc.status_code == 201, doc.text
    doc = doc.json()
    assert doc["status"] == "out" and doc["holder_department"] == "SMT" and doc["due_at"] is None
    # It moves on with the work (随流程流动): from SMT to the test group's leader.
    r = api.post(f"/api/v1/documents/{doc['id']}/hand-over", "manufacturing",
                 json={"holder": "manufacturing", "version": doc["version"]})
    assert r.status_code == 200 and r.json()["holder_department"] == "manufacturing"

    api.act(oid, "start_production", "manufacturing")
    api.act(oid, "inspect", "quality")
    r = api.post(f"/api/v1/orders/{oid}/receipt", "warehouse", json=receipt_body(collect=[doc["id"]]))
    assert r.status_code == 201, r.text
    doc = api.get(f"/api/v1/orders/{oid}/documents", "engineering").json()[0]
    assert doc["status"] == "collected" and doc["holder_department"] == "warehouse"
    assert doc["due_at"] == "2026-11-25T09:10:00"  # 订单完成24小时内交回

    clock.advance(hours=5)
    r = api.post(f"/api/v1/documents/{doc['id']}/return", "engineering", json={"version": doc["version"]})
    assert r.status_code == 200 and r.json()["status"] == "returned"
    assert r.json()["overdue_department"] is None and not r.json()["returned_late"]
    clock.advance(hours=24)
    timers.fire_due(ctx)  # the return timer was cancelled: nothing escalates
    api.tokens.clear()  # sessions last 12 hours
    assert api.get("/api/v1/documents", "warehouse").json() == []  # nothing out any more
    assert api.get(f"/api/v1/orders/{oid}/documents", "engineering").json()[0]["overdue_department"] is None
    assert not [n for n in notices(ctx, actors["engineering"].user_id) if n.kind == "drawing_overdue"]
    actions = [e["action"] for e in api.get(f"/api/v1/orders/{oid}/events", "management").json()]
    assert "receive" in actions
    assert verify(ctx)[1] == []


def test_l2_m4_a_drawing_not_back_within_24_hours_escalates_and_counts_against_its_holder(api, ctx, actors, clock):
    oid = inspected(ctx, actors)
    doc = issue(api, oid, holder_department="quality").json()
    api.post(f"/api/v1/orders/{oid}/receipt", "warehouse", json=receipt_body())  # not handed in
    clock.advance(hours=23, minutes=59)
    timers.fire_due(ctx)
    api.tokens.clear()
    assert api.get("/api/v1/documents", "engineering").json()[0]["overdue_department"] is None

    clock.advance(minutes=2)
    timers.fire_due(ctx)
    api.tokens.clear()
    out = api.get("/api/v1/documents", "engineering").json()
    assert out[0]["doc_no"] == "TD-0042" and out[0]["overdue"] is True
    assert out[0]["overdue_department"] == "quality"  # 违者追究相关部门负责人责任
    for user in ("engineering", "management", "quality"):
        told = [n for n in notices(ctx, actors[user].user_id) if n.kind == "drawing_overdue"]
        assert len(told) == 1 and told[0].critical and "TD-0042" in told[0].subject, user
    assert not [n for n in notices(ctx, actors["logistics"].user_id) if n.kind == "drawing_overdue"]

    # Returned late, it stays counted against quality, and escalates only once.
    clock.advance(hours=3)
    api.tokens.clear()
    r = api.post(f"/api/v1/documents/{doc['id']}/return", "engineering")
    assert r.json()["returned_late"] and r.json()["overdue_department"] == "quality"
    clock.advance(days=2)
    timers.fire_due(ctx)
    assert len([n for n in notices(ctx, actors["engineering"].user_id) if n.kind == "drawing_overdue"]) == 1


def test_l1_roles_each_do_their_part_with_lent_documents(api, ctx, actors):
    oid = released(ctx, actors)
    assert issue(api, oid).status_code == 201
    r = api.post(f"/api/v1/orders/{oid}/documents", "warehouse", json={"doc_no": "TD-9", "title": "x"})
    assert r.status_code == 403
    doc = api.get(f"/api/v1/orders/{oid}/documents", "pmc").json()[0]
    assert api.post(f"/api/v1/documents/{doc['id']}/collect", "engineering").status_code == 403
    assert api.post(f"/api/v1/documents/{doc['id']}/return", "warehouse").status_code == 403
    assert api.post(f"/api/v1/documents/{doc['id']}/hand-over", "sales", json={"holder": "pmc"}).status_code == 403
    assert api.get(f"/api/v1/orders/{oid}/documents", "supplier").status_code == 404
    assert api.post(f"/api/v1/documents/{doc['id']}/collect", "warehouse").json()["status"] == "collected"
    r = api.post(f"/api/v1/documents/{doc['id']}/collect", "warehouse")
    assert r.status_code == 409 and r.json()["code"] == "document.not_out"


BAD_DOCUMENTS = [
    ({"doc_no": " "}, {"doc_no": "required"}),
    ({"title": ""}, {"title": "required"}),
    ({"kind": "poster"}, {"kind": "unknown_kind"}),
    ({"holder_department": "MARS"}, {"holder_department": "unknown_department"}),
    ({"holder_department": None}, {"holder_department": "required"}),
    ({"holder_department": None, "holder": "nobody"}, {"holder": "unknown_user"}),
    ({"doc_no": "x" * 41}, {"doc_no": "string_too_long"}),
]


def test_l1_bad_document_input_gets_a_field_level_422_and_writes_nothing(api, ctx, actors):
    oid = released(ctx, actors)
    before = verify(ctx)[0]
    for change, fields in BAD_DOCUMENTS:
        r = issue(api, oid, **change)
        assert r.status_code == 422 and r.json()["fields"] == fields, (change, r.text)
    assert api.get(f"/api/v1/orders/{oid}/documents", "engineering").json() == []
    assert verify(ctx)[0] == before


def test_l1_the_same_document_twice_on_one_order_is_a_conflict(api, ctx, actors):
    oid = released(ctx, actors)
    assert issue(api, oid).status_code == 201
    r = issue(api, oid)
    assert r.status_code == 409 and r.json()["fields"] == {"doc_no": "duplicate"}
