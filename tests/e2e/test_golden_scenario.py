"""The golden scenario (scenario.md) as far as jidan plays it today, through the API, on an injected clock."""
from __future__ import annotations

import pytest

from jidan.services.audit import verify
from tests.conftest import urgent_order_payload

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

    # 09:25 — production reviews, management approves (not the requester). [B4, B5, B7]
    clock.advance(minutes=15)
    assert api.act(oid, "approve", "management").status_code == 409  # not reviewed yet
    assert api.act(oid, "review", "pmc").json()["status"] == "reviewed"
    assert api.act(oid, "approve", "management").json()["status"] == "approved"

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
    assert [e["action"] for e in events] == ["create", "review", "approve", "plan", "set_owner", "release",
                                             "start_production", "inspect", "receive", "ship",
                                             "confirm_delivery", "close"]
    assert events[-1]["at"] > events[0]["at"]
    assert verify(ctx)[1] == []
