"""An urgent order from intake to closed through the API, every step by its role (A–G, M1)."""
from __future__ import annotations

import pytest

from jidan.domain.states import MAIN_PATH
from jidan.services.audit import verify
from tests.conftest import urgent_order_payload

pytestmark = pytest.mark.xdist_group("db")

STEPS = [("review", "pmc"), ("approve", "management"), ("plan", "pmc"), ("release", "pmc"),
         ("start_production", "manufacturing"), ("inspect", "quality"), ("receive", "warehouse"),
         ("ship", "logistics"), ("confirm_delivery", "logistics"), ("close", "sales")]


def test_a1_to_g5_urgent_order_walks_from_intake_to_closed_with_every_step_audited(api, ctx):
    r = api.post("/api/v1/orders", "sales", json=urgent_order_payload())
    assert r.status_code == 201, r.text
    order = r.json()
    assert order["status"] == "submitted" and order["urgent"] is True
    assert order["priority"] == "key" and set(order["urgent_reasons"]) >= {"lead_time", "key_customer"}
    assert order["amount"] == "135000.00"  # unit price defaults to the product's price
    oid = order["id"]

    seen = ["submitted"]
    for action, user in STEPS:
        if action == "plan":
            # pmc plans all approved work as a what-if and accepts it: the order becomes planned.
            run = api.post("/api/v1/planning/runs", "pmc", json={"kind": "full", "time_limit": 1}).json()
            r = api.post(f"/api/v1/planning/runs/{run['id']}/accept", "pmc", json={"version": run["version"]})
            assert r.status_code == 200, r.text
            seen.append(api.get(f"/api/v1/orders/{oid}", "pmc").json()["status"])
            continue
        if action == "ship":
            # Goods leave only on a dispatched shipment, the customer told first (G3, G4).
            r = api.act(oid, "ship", user)
            assert r.status_code == 409 and r.json()["code"] == "order.ship_via_shipment"
            shipment = api.post(f"/api/v1/orders/{oid}/shipment", user, json={
                "packages": 6, "weight_kg": "84.50", "transport_mode": "air", "carrier": "顺丰航空",
                "tracking_no": "SF1234567890", "expected_arrival": "2026-11-25T15:00:00"}).json()
            r = api.post(f"/api/v1/shipments/{shipment['id']}/dispatch", user, json={"version": shipment["version"]})
            assert r.status_code == 200, r.text
            seen.append(api.get(f"/api/v1/orders/{oid}", user).json()["status"])
            continue
        before = api.get(f"/api/v1/orders/{oid}", user).json()
        assert action in before["allowed_actions"], (action, user, before["allowed_actions"])
        r = api.act(oid, action, user, version=before["version"])
        assert r.status_code == 200, r.text
        seen.append(r.json()["status"])
    assert seen == [s.value for s in MAIN_PATH]

    events = api.get(f"/api/v1/orders/{oid}/events", "management").json()
    assert [e["action"] for e in events] == ["create"] + [a for a, _ in STEPS]
    assert events[3]["reason"].startswith("planning run")
    assert [(e["old"]["status"], e["new"]["status"]) for e in events[1:]] == list(zip(seen, seen[1:]))
    assert {e["actor"] for e in events[1:]} == {u for _, u in STEPS}
    assert all(e["role"] and e["at"] for e in events)
    count, problems = verify(ctx)
    assert problems == [] and count >= len(STEPS) + 1


def test_b7_approval_freezes_a_readable_version_of_the_order(api):
    oid = api.post("/api/v1/orders", "sales", json=urgent_order_payload()).json()["id"]
    api.act(oid, "review", "pmc")
    api.act(oid, "approve", "management")
    versions = api.get(f"/api/v1/orders/{oid}/versions", "sales").json()
    assert [v["revision"] for v in versions] == [1]
    assert versions[0]["snapshot"]["lines"][0]["quantity"] == 300
    r = api.patch(f"/api/v1/orders/{oid}", "sales", json={"version": api.get(
        f"/api/v1/orders/{oid}", "sales").json()["version"], "special_requirements": "x"})
    assert r.status_code == 409 and r.json()["code"] == "order.change_requires_request"


def test_b6_rejection_carries_its_reason_back_to_sales(api):
    oid = api.post("/api/v1/orders", "sales", json=urgent_order_payload()).json()["id"]
    r = api.act(oid, "reject", "pmc", reason="SMT 线满负荷，5 天内做不出；可 9 天或分批交货")
    assert r.json()["status"] == "rejected"
    events = api.get(f"/api/v1/orders/{oid}/events", "sales").json()
    assert events[-1]["reason"].startswith("SMT")
    assert api.act(oid, "resubmit", "sales").json()["status"] == "submitted"


def test_b7_nobody_reviews_or_approves_their_own_order(api):
    # management enters an order itself (it is not an entry role): refused.
    assert api.post("/api/v1/orders", "management", json=urgent_order_payload()).status_code == 403
    oid = api.post("/api/v1/orders", "sales", json=urgent_order_payload()).json()["id"]
    r = api.act(oid, "review", "customer_service")
    assert r.status_code == 403 and r.json()["code"] == "auth.role_not_allowed"


def test_a2_retry_with_the_same_idempotency_key_returns_the_first_order(api, ctx):
    headers = {"Idempotency-Key": "k-123"}
    first = api.post("/api/v1/orders", "sales", json=urgent_order_payload(), headers=headers)
    again = api.post("/api/v1/orders", "sales", json=urgent_order_payload(), headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.json()["id"] == first.json()["id"]
    assert api.get("/api/v1/orders", "sales").json()["total"] == 1
    other = api.post("/api/v1/orders", "sales", json=urgent_order_payload(customer_po="X"), headers=headers)
    assert other.status_code == 422 and other.json()["code"] == "idempotency.key_reused"


def test_a2_the_same_customer_po_twice_is_refused(api):
    assert api.post("/api/v1/orders", "sales", json=urgent_order_payload()).status_code == 201
    r = api.post("/api/v1/orders", "sales2", json=urgent_order_payload())
    assert r.status_code == 409
    assert r.json()["code"] == "order.duplicate_customer_po" and r.json()["fields"] == {"customer_po": "duplicate"}


def test_m1_stale_version_gets_409_with_the_current_version(api):
    order = api.post("/api/v1/orders", "sales", json=urgent_order_payload()).json()
    assert api.act(order["id"], "review", "pmc", version=order["version"]).status_code == 200
    r = api.act(order["id"], "reject", "management", version=order["version"], reason="late")
    assert r.status_code == 409
    assert r.json()["code"] == "stale_version" and r.json()["current_version"] == order["version"] + 1


def test_b7_action_not_allowed_in_the_current_state_is_an_error_not_a_no_op(api):
    oid = api.post("/api/v1/orders", "sales", json=urgent_order_payload()).json()["id"]
    r = api.act(oid, "ship", "logistics")
    assert r.status_code == 409 and r.json()["code"] == "order.invalid_transition"
    r = api.act(oid, "teleport", "logistics")
    assert r.status_code == 422 and r.json()["fields"] == {"action": "unknown_action"}
    assert api.get(f"/api/v1/orders/{oid}", "sales").json()["status"] == "submitted"


def test_a3_orders_list_puts_urgent_first_and_filters(api):
    api.post("/api/v1/orders", "sales", json=urgent_order_payload(
        customer="C002", customer_po="N-1", requested_date="2027-03-01", lines=[{"product": "P002", "quantity": 1}]))
    api.post("/api/v1/orders", "sales", json=urgent_order_payload())
    page = api.get("/api/v1/orders", "pmc").json()
    assert [o["urgent"] for o in page["items"]] == [True, False]
    assert api.get("/api/v1/orders?urgent=false", "pmc").json()["total"] == 1
    assert api.get("/api/v1/orders?status=closed", "pmc").json()["total"] == 0
    assert api.get("/api/v1/orders?status=bogus", "pmc").status_code == 422


def test_b7_suppliers_do_not_see_customer_orders(api):
    oid = api.post("/api/v1/orders", "sales", json=urgent_order_payload()).json()["id"]
    assert api.get(f"/api/v1/orders/{oid}", "supplier").status_code == 404
    assert api.get("/api/v1/orders", "supplier").status_code == 404
    assert api.get(f"/api/v1/orders/{oid}", "quality").status_code == 200


def test_d3_an_owner_is_named_for_the_order(api):
    order = api.post("/api/v1/orders", "sales", json=urgent_order_payload()).json()
    r = api.client.put(f"/api/v1/orders/{order['id']}/owner", headers=api.as_("pmc"),
                       json={"username": "manufacturing", "version": order["version"]})
    assert r.status_code == 200 and r.json()["owner_id"] is not None
    r = api.client.put(f"/api/v1/orders/{order['id']}/owner", headers=api.as_("sales"),
                       json={"username": "manufacturing"})
    assert r.status_code == 403


def test_a1_unauthenticated_requests_get_401_and_health_checks_the_database(api):
    assert api.client.get("/api/v1/orders").status_code == 401
    r = api.client.post("/api/v1/auth/token", data={"username": "sales", "password": "nope"})
    assert r.status_code == 401 and r.json()["code"] == "auth.bad_credentials"
    assert api.client.get("/health").json() == {"status": "ok"}  # nothing about the database (issue 21)
    assert api.get("/health", "admin").json() == {"status": "ok", "database": "ok"}
