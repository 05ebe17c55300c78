"""The golden scenario (scenario.md) as far as jidan plays it today, through the API, on an injected clock."""
from __future__ import annotations

import pytest

from jidan.services.audit import verify
from tests.conftest import urgent_order_payload
from tests.support import PASSWORD

pytestmark = pytest.mark.xdist_group("db")


def test_scenario_key_customer_urgent_order_from_phone_call_to_closed(api, ctx, clock):
    # Background: the plant already has approved work, planned and accepted.
    for i in range(3):
        oid = api.post("/api/v1/orders", "sales2", json=urgent_order_payload(
            customer="C002", customer_po=f"BG-{i}", requested_date="2026-12-04",
            lines=[{"product": "P002", "quantity": 200}])).json()["id"]
        api.act(oid, "review", "pmc")
        api.act(oid, "approve", "management")
    base = api.post("/api/v1/planning/runs", "pmc", json={"kind": "full", "time_limit": 0.5}).json()
    api.post(f"/api/v1/planning/runs/{base['id']}/accept", "pmc")

    # Day 1 09:10 — 华东精密 calls: 300 × SCB-200 in 5 working days (standard 12). [A1–A4]
    order = api.post("/api/v1/orders", "sales", json=urgent_order_payload(),
                     headers={"Idempotency-Key": "call-0910"}).json()
    assert order["urgent"] and order["priority"] == "key"
    oid = order["id"]

    # First assessment in about a second: dates with and without moving others, levers. [A5, B2, C5]
    answer = api.post("/api/v1/planning/promise", "sales", json={"order_id": oid}).json()
    assert answer["without_moving"]["completion"] and answer["with_insertion"]["completion"]
    assert any(lv["lever"] == "overtime" for lv in answer["levers"])

    # 09:25 — the review record opens with that answer; finance agrees to the budget (the amount is
    # over the threshold admin set); pmc answers "not in 5 days without moving others" and sales sees
    # the reason and the options at once; management takes the order anyway, assigning overtime,
    # and signs with the password (not the requester). A confirmation letter goes out. [A6, B1–B7]
    chain = next(c for c in api.get("/api/v1/approval-chains", "admin").json() if c["code"] == "urgent")
    for step in chain["steps"]:
        if step["role"] == "finance":
            step["min_amount"] = "100000"
    body = {k: chain[k] for k in ("name", "rank", "min_amount", "urgent_only", "key_customer_only", "active",
                                  "version", "steps")}
    assert api.client.put("/api/v1/approval-chains/urgent", headers=api.as_("admin"), json=body).status_code == 200
    clock.advance(minutes=15)
    api.tokens.clear()
    review = api.post(f"/api/v1/orders/{oid}/review", "sales").json()["review"]
    assert review["feasibility"]["levers"] and [s["role"] for s in review["steps"]] == ["finance", "pmc", "management"]
    assert api.act(oid, "approve", "management").status_code == 409  # not reviewed yet
    sign = f"/api/v1/orders/{oid}/review/signatures"
    assert api.post(sign, "finance", json={"comment": "预算内"}).json()["order"]["status"] == "submitted"
    r = api.post(sign, "pmc", json={"opinion": "disagree", "comment": "5 天内不挪动其他订单做不出，见可选方案"})
    assert r.json()["order"]["status"] == "rejected"
    [told] = [n for n in api.get("/api/v1/inbox", "sales").json()["items"] if n["kind"] == "approval.rejected"]
    assert "做不出" in told["body"] and "加班" in told["body"]
    clock.advance(minutes=20)  # management's login is no longer fresh: the password signs
    r = api.post(sign, "management", json={"comment": "大客户必接：优先插单，SMT 线 2 加班两晚",
                                           "levers": ["priority_insertion", "overtime"], "password": PASSWORD})
    assert r.status_code == 200, r.text
    decided = r.json()
    assert decided["order"]["status"] == "approved" and decided["review"]["decision"] == "pushed_through"
    assert decided["review"]["signatures"][-1]["method"] == "password"
    [letter] = api.get(f"/api/v1/orders/{oid}/confirmations", "sales").json()
    sent = api.post(f"/api/v1/orders/{oid}/confirmations/{letter['id']}/send", "sales").json()
    assert sent["sent_to"] == "buyer@c001.example.com" and "承诺交货日期" in sent["body"]

    # 10:00 — pmc inserts it as a what-if, sees who slips, accepts. [C4, C7]
    clock.advance(minutes=35)
    run = api.post("/api/v1/planning/runs", "pmc", json={"kind": "insert", "order_id": oid, "time_limit": 1}).json()
    assert run["summary"]["urgent_completion"] and "slipped" in run["impact"]
    assert api.post(f"/api/v1/planning/runs/{run['id']}/accept", "pmc").json()["status"] == "accepted"
    assert api.get(f"/api/v1/orders/{oid}", "pmc").json()["status"] == "planned"

    # Release with a named owner; the floor runs it; quality, warehouse, logistics, sales close it. [D1, D3, E1, F2, G1–G5]
    r = api.client.put(f"/api/v1/orders/{oid}/owner", headers=api.as_("pmc"), json={"username": "manufacturing"})
    assert r.status_code == 200
    for action, user, minutes in [("release", "pmc", 10), ("start_production", "manufacturing", 30),
                                  ("inspect", "quality", 60 * 24 * 2), ("receive", "warehouse", 60),
                                  ("ship", "logistics", 60 * 20), ("confirm_delivery", "logistics", 60 * 6),
                                  ("close", "sales", 30)]:
        clock.advance(minutes=minutes)
        api.tokens.clear()  # sessions last 12 hours: people log in again on later days
        r = api.act(oid, action, user)
        assert r.status_code == 200, (action, r.text)
    assert r.json()["status"] == "closed"

    # Every step left an audit event, and the chain verifies at the end. [M1]
    events = api.get(f"/api/v1/orders/{oid}/events", "management").json()
    assert [e["action"] for e in events] == ["create", "reject", "approve", "plan", "set_owner", "release",
                                             "start_production", "inspect", "receive", "ship",
                                             "confirm_delivery", "close"]
    assert events[-1]["at"] > events[0]["at"]
    assert verify(ctx)[1] == []
