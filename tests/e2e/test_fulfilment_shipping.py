"""Shipment, the customer told before dispatch, delivery and feedback (G3, G4, G5, I1)."""
from __future__ import annotations

import re

import pytest

from jidan.adapters.notify import senders_from_settings
from jidan.domain import errors
from jidan.services.notices import outbox
from jidan.services.fulfilment import receipts
from jidan.services.audit import verify
from jidan.services.fulfilment.receipts import NewReceipt
from tests.delivery_receivers import SmtpServer
from tests.fulfilment_support import inspected

pytestmark = pytest.mark.xdist_group("db")


def received(ctx, actors, **kw) -> int:
    oid = inspected(ctx, actors, **kw)
    lines = {1: 300} if kw.get("urgent", True) else {1: 20, 2: 5}
    receipts.receive_goods(ctx, actors["warehouse"], oid, NewReceipt(lines, "A-01"))
    return oid


def shipment_body(**over) -> dict:
    body = {"packages": 6, "weight_kg": "84.50", "transport_mode": "air", "carrier": "顺丰航空",
            "tracking_no": "SF1234567890", "expected_arrival": "2026-11-25T15:00:00", "freight_cost": "1860.00"}
    body.update(over)
    return body


def outbox_rows(ctx, kind: str) -> list[dict]:
    with ctx.uow() as uow:
        return [r for r in uow.outbox.list() if r.kind == kind]


def test_g3_g4_g5_i1_urgent_order_flies_the_customer_hears_first_and_rates_the_delivery(api, ctx, actors, clock):
    oid = received(ctx, actors)
    board = api.get("/api/v1/logistics/board", "logistics").json()
    assert [(o["id"], o["suggested_mode"]) for o in board["to_ship"]] == [(oid, "air")]  # G3: fastest

    r = api.post(f"/api/v1/orders/{oid}/shipment", "logistics", json=shipment_body())
    assert r.status_code == 201, r.text
    shipment = r.json()
    assert shipment["number"].startswith("SH-") and shipment["status"] == "booked"
    assert api.get(f"/api/v1/orders/{oid}", "sales").json()["status"] == "received"

    clock.advance(hours=1)
    r = api.post(f"/api/v1/shipments/{shipment['id']}/dispatch", "logistics", json={"version": shipment["version"]})
    assert r.status_code == 200, r.text
    assert r.json()["status"] == "dispatched" and r.json()["customer_told_how"] == "email"
    assert api.get(f"/api/v1/orders/{oid}", "sales").json()["status"] == "shipped"

    with SmtpServer() as smtp:  # the worker sends the outbox over real SMTP
        ctx.settings = ctx.settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": smtp.port})
        senders = senders_from_settings(ctx.settings)
        outbox.drain_all(ctx, senders)
        [notice] = [m for m in smtp.mailbox.to("buyer@c001.example.com") if "发货通知" in m["subject"]]
        text = notice.get_content()
        assert "发货通知" in notice["subject"] and "SF1234567890" in text and "顺丰航空" in text
        assert "2026-11-25 15:00" in text and "air" in text  # G4: carrier, tracking, arrival

        clock.advance(hours=5)
        api.tokens.clear()
        r = api.post(f"/api/v1/shipments/{shipment['id']}/deliver", "logistics", json={"signed_by": "华东精密 收货 李"})
        assert r.status_code == 200 and r.json()["status"] == "delivered"
        assert api.get(f"/api/v1/orders/{oid}", "sales").json()["status"] == "delivered"
        outbox.drain_all(ctx, senders)
        [ask] = [m for m in smtp.mailbox.to("buyer@c001.example.com") if "评价" in m["subject"]]
    link = re.search(r"(/feedback/\S+)", ask.get_content()).group(1)

    # The customer opens the link without logging in (I1) and rates 4/5; once.
    page = api.client.get(link)
    assert page.status_code == 200 and "华东精密" in page.text and 'name="rating"' in page.text
    r = api.client.post(link, data={"rating": "4", "comment": "准时到货，包装好"})
    assert r.status_code == 200 and "4/5" in r.text
    again = api.client.post(link, data={"rating": "1", "comment": "改主意"})
    assert again.status_code == 409 and "已使用" in again.text
    assert api.client.get(link + "?lang=en").status_code == 409
    [answer] = api.get(f"/api/v1/orders/{oid}/feedback", "customer_service").json()
    assert answer["rating"] == 4 and answer["comment"] == "准时到货，包装好"

    kinds = [e["action"] for e in api.get(f"/api/v1/orders/{oid}/events", "management").json()]
    assert kinds[-3:] == ["receive", "ship", "confirm_delivery"]
    assert api.act(oid, "close", "sales").json()["status"] == "closed"
    assert verify(ctx)[1] == []


seen_at_ship: list[int] = []


def count_shipping_notices(uow, ctx, actor, order, reason) -> None:
    """A hook on ``ship`` for the test: what the outbox holds when ``ship`` fires."""
    seen_at_ship.append(len([r for r in uow.outbox.list() if r.kind == "shipping_notice"
                             and r.order_id == order.id]))


def refuse(uow, ctx, actor, order, reason) -> None:
    raise errors.Conflict("the dock is closed", code="test.refused")


def test_g4_the_customer_email_is_queued_before_the_ship_transition_and_not_at_all_if_ship_fails(
        api, ctx, actors, monkeypatch):
    oid = received(ctx, actors)
    shipment = api.post(f"/api/v1/orders/{oid}/shipment", "logistics", json=shipment_body()).json()

    monkeypatch.setitem(ctx.hooks.after, "ship", [refuse])
    r = api.post(f"/api/v1/shipments/{shipment['id']}/dispatch", "logistics")
    assert r.status_code == 409 and r.json()["code"] == "test.refused"
    assert outbox_rows(ctx, "shipping_notice") == []  # rolled back with the refused transition
    assert api.get(f"/api/v1/shipments/{shipment['id']}", "logistics").json()["status"] == "booked"

    seen_at_ship.clear()
    monkeypatch.setitem(ctx.hooks.after, "ship", [count_shipping_notices])
    assert api.post(f"/api/v1/shipments/{shipment['id']}/dispatch", "sales").status_code == 200
    assert seen_at_ship == [1]


def test_g4_a_customer_without_email_is_told_by_phone_before_the_goods_leave(api, ctx, actors):
    oid = received(ctx, actors, urgent=False, po="N-7")  # 南方电气 has no e-mail address
    shipment = api.post(f"/api/v1/orders/{oid}/shipment", "logistics",
                        json=shipment_body(transport_mode="truck")).json()
    r = api.post(f"/api/v1/shipments/{shipment['id']}/dispatch", "logistics", json={})
    assert r.status_code == 422 and r.json()["fields"] == {"phone_note": "required"}
    assert api.get(f"/api/v1/orders/{oid}", "sales").json()["status"] == "received"
    r = api.post(f"/api/v1/shipments/{shipment['id']}/dispatch", "logistics",
                 json={"phone_note": "11-24 10:05 电话告知采购王工：德邦汽运，单号、预计到达"})
    assert r.status_code == 200 and r.json()["customer_told_how"] == "phone"
    assert outbox_rows(ctx, "shipping_notice") == []


def test_g3_an_urgent_order_sent_slower_than_suggested_needs_a_written_reason(api, ctx, actors):
    oid = received(ctx, actors)
    r = api.post(f"/api/v1/orders/{oid}/shipment", "logistics", json=shipment_body(transport_mode="truck"))
    assert r.status_code == 422 and r.json()["fields"] == {"mode_reason": "required"}
    r = api.post(f"/api/v1/orders/{oid}/shipment", "logistics",
                 json=shipment_body(transport_mode="truck", mode_reason="客户在本市，专车 3 小时送达"))
    assert r.status_code == 201 and r.json()["mode_reason"].startswith("客户在本市")


def test_g3_the_booking_changes_until_the_goods_leave_and_not_after(api, ctx, actors):
    oid = received(ctx, actors)
    shipment = api.post(f"/api/v1/orders/{oid}/shipment", "logistics", json=shipment_body()).json()
    r = api.client.put(f"/api/v1/shipments/{shipment['id']}", headers=api.as_("logistics"),
                       json=shipment_body(tracking_no="SF999", version=shipment["version"]))
    assert r.status_code == 200 and r.json()["tracking_no"] == "SF999"
    stale = api.client.put(f"/api/v1/shipments/{shipment['id']}", headers=api.as_("logistics"),
                           json=shipment_body(version=shipment["version"]))
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"
    again = api.post(f"/api/v1/orders/{oid}/shipment", "logistics", json=shipment_body())
    assert again.status_code == 409 and again.json()["code"] == "shipment.exists"
    api.post(f"/api/v1/shipments/{shipment['id']}/dispatch", "logistics")
    late = api.client.put(f"/api/v1/shipments/{shipment['id']}", headers=api.as_("logistics"),
                          json=shipment_body(version=r.json()["version"]))
    assert late.status_code == 409 and late.json()["code"] == "shipment.dispatched"
    with ctx.uow() as uow:
        assert [r.target for r in uow.outbox.list() if r.kind == "shipping_notice"] == ["buyer@c001.example.com"]
        assert "SF999" in next(r.body for r in uow.outbox.list() if r.kind == "shipping_notice")


def test_g3_g5_each_role_does_its_part_of_shipping(api, ctx, actors):
    oid = received(ctx, actors)
    for user in ("warehouse", "manufacturing", "quality", "customer_service"):
        assert api.post(f"/api/v1/orders/{oid}/shipment", user, json=shipment_body()).status_code == 403, user
    shipment = api.post(f"/api/v1/orders/{oid}/shipment", "sales", json=shipment_body()).json()
    assert api.post(f"/api/v1/shipments/{shipment['id']}/dispatch", "warehouse").status_code == 403
    assert api.get(f"/api/v1/shipments/{shipment['id']}", "supplier").status_code == 404
    early = api.post(f"/api/v1/shipments/{shipment['id']}/deliver", "logistics", json={"signed_by": "x"})
    assert early.status_code == 409 and early.json()["code"] == "shipment.not_dispatched"
    api.post(f"/api/v1/shipments/{shipment['id']}/dispatch", "logistics")
    assert api.post(f"/api/v1/shipments/{shipment['id']}/deliver", "manufacturing",
                    json={"signed_by": "x"}).status_code == 403
    assert api.post(f"/api/v1/shipments/{shipment['id']}/deliver", "customer_service",
                    json={"signed_by": "李"}).status_code == 200


BAD_SHIPMENTS = [
    ({"packages": 0}, {"packages": "must_be_positive"}),
    ({"packages": "six"}, {"packages": "int_parsing"}),
    ({"weight_kg": "0"}, {"weight_kg": "must_be_positive"}),
    ({"transport_mode": "pigeon"}, {"transport_mode": "unknown_mode"}),
    ({"carrier": ""}, {"carrier": "required"}),
    ({"tracking_no": " "}, {"tracking_no": "required"}),
    ({"expected_arrival": "2026-11-20T10:00:00"}, {"expected_arrival": "in_past"}),
    ({"expected_arrival": "2026-11-26T10:00:00+08:00"}, {"expected_arrival": "timezone_naive"}),
    ({"expected_arrival": "soon"}, {"expected_arrival": "datetime_from_date_parsing"}),
    ({"freight_cost": "-1"}, {"freight_cost": "must_not_be_negative"}),
    ({"freight_cost": "1.234"}, {"freight_cost": "decimal_max_places"}),
    ({"colour": "red"}, {"colour": "extra_forbidden"}),
]


def test_g3_bad_shipment_input_gets_a_field_level_422_and_writes_nothing(api, ctx, actors):
    oid = received(ctx, actors)
    before = verify(ctx)[0]
    for change, fields in BAD_SHIPMENTS:
        r = api.post(f"/api/v1/orders/{oid}/shipment", "logistics", json=shipment_body(**change))
        assert r.status_code == 422 and r.json()["fields"] == fields, (change, r.text)
    assert api.get(f"/api/v1/orders/{oid}/shipment", "logistics").json() is None
    assert verify(ctx)[0] == before


def _delivered(api, ctx, actors) -> tuple[int, str]:
    """A delivered order and the feedback link the customer was e-mailed."""
    oid = received(ctx, actors)
    shipment = api.post(f"/api/v1/orders/{oid}/shipment", "logistics", json=shipment_body()).json()
    api.post(f"/api/v1/shipments/{shipment['id']}/dispatch", "logistics")
    api.post(f"/api/v1/shipments/{shipment['id']}/deliver", "logistics", json={"signed_by": "李"})
    [ask] = outbox_rows(ctx, "feedback_request")
    return oid, re.search(r"(/feedback/\S+)", ask.body).group(1)


def test_i1_a_feedback_link_expires_is_tamper_proof_and_bad_answers_do_not_use_it_up(api, ctx, actors, clock):
    oid, link = _delivered(api, ctx, actors)
    token = link.rsplit("/", 1)[1]
    forged = api.client.get(link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB"))
    assert forged.status_code == 404 and "链接无效" in forged.text
    assert api.client.post(f"/api/v1/feedback/{token}x", json={"rating": 5}).status_code == 404

    r = api.client.post(link, data={"rating": "9", "comment": ""})
    assert r.status_code == 422 and 'id="err-rating"' in r.text
    r = api.client.post(f"/api/v1/feedback/{token}", json={"rating": None})
    assert r.status_code == 422 and r.json()["fields"] == {"rating": "required"}
    r = api.client.post(f"/api/v1/feedback/{token}", json={"rating": 3, "comment": "x" * 2001})
    assert r.status_code == 422 and r.json()["fields"] == {"comment": "string_too_long"}

    clock.advance(days=14, minutes=1)  # JIDAN_FEEDBACK_LINK_DAYS
    expired = api.client.post(link, data={"rating": "5"})
    assert expired.status_code == 409 and "已过期" in expired.text
    assert api.client.get(link + "?lang=en").text.count("expired") >= 1
    api.tokens.clear()
    assert api.get(f"/api/v1/orders/{oid}/feedback", "sales").json()[0]["rating"] is None

    # Customer service sends a fresh link; it works once.
    assert api.post(f"/api/v1/orders/{oid}/feedback-requests", "logistics").status_code == 403
    fresh = api.post(f"/api/v1/orders/{oid}/feedback-requests", "customer_service").json()
    token = fresh["link"].rsplit("/", 1)[1]
    assert api.client.post(f"/api/v1/feedback/{token}", json={"rating": 2, "comment": "晚了"}).status_code == 200
    with ctx.uow() as uow:
        told = [n for n in uow.notices.for_recipient(actors["customer_service"].user_id) if n.kind == "feedback"]
    assert told[0].critical  # an unhappy customer reaches customer service at once
    r = api.client.post(f"/api/v1/feedback/{token}", json={"rating": 5})
    assert r.status_code == 409 and r.json()["code"] == "feedback.used"
