"""The warehouse, logistics and customer-service pages without a browser (G1, G3, G4, I2–I5, L1)."""
from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from jidan.http.app import create_app
from jidan.services.fulfilment import shipping
from jidan.services.fulfilment import receipts
from jidan.services.fulfilment import drawings
from jidan.services.fulfilment import feedback
from jidan.services.audit import verify
from jidan.services.fulfilment.shipping import NewShipment
from jidan.services.fulfilment.drawings import NewDocument
from jidan.services.fulfilment.receipts import NewReceipt
from tests.fulfilment_support import inspected, new_order
from tests.support import web_session

pytestmark = pytest.mark.xdist_group("db")


def _receipt_form(oid: int, csrf: str, **over) -> dict:
    data = {"csrf_token": csrf, "qty_1": "300", "location": "A-01-03", "handed_over_by": "测试组长 林", "note": ""}
    data.update(over)
    return data


def test_g1_the_printed_receipt_of_an_urgent_order_says_急单_top_right_and_a_normal_one_does_not(ctx, actors):
    urgent = inspected(ctx, actors)
    normal = inspected(ctx, actors, urgent=False, po="N-1")
    clerk, csrf = web_session(ctx, "warehouse")
    r = clerk.post(f"/orders/{urgent}/receipt/new", data=_receipt_form(urgent, csrf), follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/orders/{urgent}/receipt"
    r = clerk.post(f"/orders/{normal}/receipt/new", data=_receipt_form(normal, csrf, qty_1="20", qty_2="5"),
                   follow_redirects=False)
    assert r.status_code == 303

    printed = clerk.get(f"/orders/{urgent}/receipt").text
    mark = re.search(r'<div class="urgent-mark"[^>]*>(.*?)</div>', printed)
    assert mark and mark.group(1) == "急单"
    # top right: the last box of the letterhead's row, beside the document number (issue 24: over no field)
    assert re.search(r'<header class="letterhead".*?data-testid="doc-no">[^<]+</strong></div>\s*'
                     r'<div class="urgent-mark"[^>]*>急单</div>\s*</header>', printed, re.S)
    assert "/static/print.css" in printed and "<h1>成品入库单</h1>" in printed
    for field in ("入库单号", "订单号", "仓位", "交库人", "入库数量", "终检", "仓管员", "A-01-03", "测试组长 林"):
        assert field in printed, field

    plain = clerk.get(f"/orders/{normal}/receipt").text
    assert "<h1>成品入库单</h1>" in plain and "急单</div>" not in plain and "urgent-mark\"" not in plain
    assert clerk.get(f"/orders/{normal}/receipt?lang=en").text.count("Finished Goods Receipt") >= 1


def test_g1_l1_the_receipt_form_marks_bad_fields_collects_drawings_and_needs_the_csrf_token(ctx, actors):
    oid = inspected(ctx, actors)
    drawings.issue_document(ctx, actors["engineering"], oid, NewDocument("TD-0042", "临时图纸", holder="manufacturing"))
    clerk, csrf = web_session(ctx, "warehouse")
    form = clerk.get(f"/orders/{oid}/receipt/new").text
    assert 'name="collect" value="1" checked' in form and "TD-0042" in form
    before = verify(ctx)[0]

    assert clerk.post(f"/orders/{oid}/receipt/new", data=_receipt_form(oid, "forged")).status_code == 403
    r = clerk.post(f"/orders/{oid}/receipt/new", data=_receipt_form(oid, csrf, qty_1="301", location=""))
    assert r.status_code == 422
    assert re.search(r'id="err-qty_1">超过订单数量<', r.text) and re.search(r'id="err-location">必填<', r.text)
    r = clerk.post(f"/orders/{oid}/receipt/new", data=_receipt_form(oid, csrf, qty_1="三百"))
    assert r.status_code == 422 and 'id="err-qty_1"' in r.text and 'value="三百"' in r.text
    assert verify(ctx)[0] == before

    r = clerk.post(f"/orders/{oid}/receipt/new", data=_receipt_form(oid, csrf, collect="1"), follow_redirects=False)
    assert r.status_code == 303
    assert drawings.documents_for_order(ctx, actors["warehouse"], oid)[0]["status"] == "collected"
    operator, op_csrf = web_session(ctx, "manufacturing")
    assert operator.get(f"/orders/{oid}/receipt/new").status_code == 200  # may look, not receive
    r = operator.post(f"/orders/{oid}/receipt/new", data=_receipt_form(oid, op_csrf))
    assert r.status_code in (403, 409)


def test_g1_g3_i2_i5_each_role_sees_the_pages_of_its_part_in_the_navigation(ctx, actors):
    links = {"warehouse": "/warehouse", "logistics": "/logistics", "customer_service": "/incidents",
             "admin": "/emergency-organisation"}
    for user, link in links.items():
        client, _ = web_session(ctx, user)
        page = client.get("/orders").text
        assert f'<a href="{link}"' in page, user
        assert client.get(link).status_code == 200, user
    operator, _ = web_session(ctx, "manufacturing")
    page = operator.get("/orders").text
    assert not any(f'<a href="{link}"' in page for link in links.values())


def test_g1_l1_the_order_page_loads_the_fulfilment_panel_with_the_actions_of_the_role(ctx, actors):
    oid = inspected(ctx, actors)
    drawings.issue_document(ctx, actors["engineering"], oid, NewDocument("TD-0042", "临时图纸", holder_department="SMT"))
    clerk, _ = web_session(ctx, "warehouse")
    order_page = clerk.get(f"/orders/{oid}").text
    assert f'hx-get="/orders/{oid}/fulfilment"' in order_page and f'href="/orders/{oid}/fulfilment"' in order_page
    fragment = clerk.get(f"/orders/{oid}/fulfilment", headers={"hx-request": "true"}).text
    assert fragment.lstrip().startswith("<style>") and "<html" not in fragment
    assert f'href="/orders/{oid}/receipt/new"' in fragment and "/documents/1/collect" in fragment
    full = clerk.get(f"/orders/{oid}/fulfilment").text
    assert "<html" in full and "TD-0042" in full

    engineer, csrf = web_session(ctx, "engineering")
    panel = engineer.get(f"/orders/{oid}/fulfilment").text
    assert f'href="/orders/{oid}/receipt/new"' not in panel and "/documents/1/return" in panel
    r = engineer.post(f"/orders/{oid}/documents", data={"csrf_token": csrf, "doc_no": "", "title": "x", "kind": "drawing"})
    assert r.status_code == 422 and re.search(r'id="err-doc_no">必填<', r.text)
    r = engineer.post(f"/orders/{oid}/documents", data={"csrf_token": csrf, "doc_no": "ED-7", "title": "工艺说明",
                                                        "kind": "engineering_data", "holder": "quality"},
                      follow_redirects=False)
    assert r.status_code == 303
    r = engineer.post("/documents/2/hand-over", data={"csrf_token": csrf, "holder_department": "MARS",
                                                      "next": f"/orders/{oid}/fulfilment"})
    assert r.status_code == 422 and re.search(r'<details open>.*?id="err-holder_department"', r.text, re.S)
    r = engineer.post("/documents/2/hand-over", data={"csrf_token": csrf, "holder_department": "ASM",
                                                      "next": f"/orders/{oid}/fulfilment"}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/orders/{oid}/fulfilment"
    assert drawings.get_document(ctx, actors["pmc"], 2)["holder_department"] == "ASM"


def test_g3_g4_logistics_books_prints_and_ships_from_the_pages(ctx, actors):
    oid = inspected(ctx, actors)
    receipts.receive_goods(ctx, actors["warehouse"], oid, NewReceipt({1: 300}, "A-01"))
    logistics, csrf = web_session(ctx, "logistics")
    board = logistics.get("/logistics").text
    assert f'href="/orders/{oid}/shipment/new"' in board and "航空" in board
    form = logistics.get(f"/orders/{oid}/shipment/new").text
    assert '<option value="air" selected>' in form  # the fastest, suggested for the urgent order

    data = {"csrf_token": csrf, "transport_mode": "truck", "carrier": "", "tracking_no": "SF1",
            "packages": "6", "weight_kg": "84,5", "expected_arrival": "2026-11-20T10:00", "freight_cost": ""}
    r = logistics.post(f"/orders/{oid}/shipment/new", data=data)  # what cannot be read is marked first
    assert r.status_code == 422 and 'id="err-weight_kg"' in r.text and 'value="84,5"' in r.text
    data.update(weight_kg="84.5")
    r = logistics.post(f"/orders/{oid}/shipment/new", data=data)
    assert r.status_code == 422
    for name in ("carrier", "mode_reason", "expected_arrival"):
        assert f'id="err-{name}"' in r.text, name
    data.update(carrier="顺丰航空")
    data.update(transport_mode="air", expected_arrival="2026-11-25T15:00")
    assert logistics.post(f"/orders/{oid}/shipment/new", data=data, follow_redirects=False).status_code == 303

    shipment = shipping.shipment_for_order(ctx, actors["logistics"], oid)
    printed = logistics.get(f"/orders/{oid}/shipment").text
    assert "<h1>发货通知单</h1>" in printed and 'data-testid="urgent-mark">急单<' in printed
    for field in ("承运商", "运单号", "预计到达", "SF1", "2026-11-25 15:00"):
        assert field in printed, field
    panel = logistics.get(f"/orders/{oid}/fulfilment").text
    assert "buyer@c001.example.com" in panel and f'action="/shipments/{shipment["id"]}/dispatch"' in panel
    r = logistics.post(f"/shipments/{shipment['id']}/dispatch", data={"csrf_token": csrf, "version": shipment["version"]},
                       follow_redirects=False)
    assert r.status_code == 303
    r = logistics.post(f"/shipments/{shipment['id']}/deliver", data={"csrf_token": csrf, "signed_by": "李",
                                                                    "delivered_at": "2026-13-01T10:00"})
    assert r.status_code == 422 and 'id="err-delivered_at"' in r.text
    r = logistics.post(f"/shipments/{shipment['id']}/deliver", data={"csrf_token": csrf, "signed_by": "",
                                                                    "delivered_at": "2026-11-30T10:00"})
    assert r.status_code == 422 and 'id="err-signed_by"' in r.text and 'id="err-delivered_at"' in r.text
    r = logistics.post(f"/shipments/{shipment['id']}/deliver", data={"csrf_token": csrf, "signed_by": "李"},
                       follow_redirects=False)
    assert r.status_code == 303
    assert shipping.shipment_for_order(ctx, actors["sales"], oid)["status"] == "delivered"


def test_i1_the_feedback_page_speaks_english_too_and_needs_no_session(ctx, actors):
    oid = inspected(ctx, actors)
    receipts.receive_goods(ctx, actors["warehouse"], oid, NewReceipt({1: 300}, "A-01"))
    s = shipping.book_shipment(ctx, actors["logistics"], oid, NewShipment(
        1, Decimal(5), "air", "顺丰", "SF2", datetime(2026, 11, 26, 9)))
    shipping.dispatch(ctx, actors["logistics"], s["id"])
    shipping.confirm_delivery(ctx, actors["logistics"], s["id"], "李")
    link = feedback.request_feedback(ctx, actors["customer_service"], oid)["link"]
    path = link.split("8000", 1)[1]
    customer = TestClient(create_app(ctx))
    page = customer.get(path + "?lang=en")
    assert page.status_code == 200 and "Rate your delivery" in page.text and "交付评价" not in page.text
    r = customer.post(path + "?lang=en", data={"comment": "fine"})
    assert r.status_code == 422 and 'id="err-rating"' in r.text
    r = customer.post(path + "?lang=en", data={"rating": "5", "comment": "fine"})
    assert r.status_code == 200 and "Thank you" in r.text
    assert customer.get(path + "?lang=en").status_code == 409


def test_i2_i3_customer_service_works_an_incident_from_the_pages(ctx, actors):
    oid = new_order(ctx, actors)
    cs, csrf = web_session(ctx, "customer_service")
    number = cs.get(f"/orders/{oid}").text
    number = re.search(r'<span class="mono">(SO-[0-9-]+)</span>', number).group(1)
    form = cs.get(f"/incidents/new?order={number}").text
    assert f'value="{number}"' in form
    r = cs.post("/incidents/new", data={"csrf_token": csrf, "type": "logistics_delay", "order_number": "SO-NOPE",
                                        "cause": "", "description": ""})
    assert r.status_code == 422
    for name in ("order_number", "description"):
        assert f'id="err-{name}"' in r.text, name
    r = cs.post("/incidents/new", data={"csrf_token": csrf, "type": "customer_complaint", "order_number": number,
                                        "cause": "", "description": "标签贴错"}, follow_redirects=False)
    assert r.status_code == 303
    url = r.headers["location"]
    page = cs.get(url).text
    assert "客户投诉" in page and 'action="' + url + '/solution"' in page
    r = cs.post(url + "/solution", data={"csrf_token": csrf, "solution": "补发", "owner": "customer_service",
                                         "due_at": "tomorrow"})
    assert r.status_code == 422 and 'id="err-due_at"' in r.text
    r = cs.post(url + "/solution", data={"csrf_token": csrf, "solution": "", "owner": "nobody",
                                         "due_at": "2026-11-01T10:00"})
    assert r.status_code == 422
    for name in ("solution", "owner", "due_at"):
        assert f'id="err-{name}"' in r.text, name
    r = cs.post(url + "/inform", data={"csrf_token": csrf, "how": "phone", "note": "已致电致歉"}, follow_redirects=False)
    assert r.status_code == 303
    r = cs.post(url + "/compensation", data={"csrf_token": csrf, "kind": "coupon", "amount": "abc"})
    assert r.status_code == 422 and 'id="err-amount"' in r.text
    r = cs.post(url + "/close", data={"csrf_token": csrf})
    assert r.status_code == 422 and "结案前" in r.text
    assert cs.get("/incidents").status_code == 200 and number in cs.get("/incidents").text

    clerk, clerk_csrf = web_session(ctx, "warehouse")
    page = clerk.get(url).text
    assert 'name="decision"' not in page and "/solution" not in page  # not the clerk's to decide
    r = clerk.post(url + "/decision", data={"csrf_token": clerk_csrf, "decision": "approve"})
    assert r.status_code == 403


def test_i5_the_admin_names_the_emergency_organisation_on_its_page(ctx, actors):
    admin, csrf = web_session(ctx, "admin")
    r = admin.post("/emergency-organisation", data={"csrf_token": csrf, "username": "quality", "group": "team",
                                                    "duty": ""})
    assert r.status_code == 422 and 'id="err-username"' in r.text and 'id="err-duty"' in r.text
    r = admin.post("/emergency-organisation", data={"csrf_token": csrf, "username": "management",
                                                    "group": "leadership", "duty": "组长"}, follow_redirects=False)
    assert r.status_code == 303
    page = admin.get("/emergency-organisation").text
    assert "组长" in page and 'name="remove"' in page
    viewer, viewer_csrf = web_session(ctx, "management")
    assert 'name="remove"' not in viewer.get("/emergency-organisation").text
    assert viewer.post("/emergency-organisation", data={"csrf_token": viewer_csrf, "remove": "1"}).status_code == 403
