"""Materials wired into planning (C6, C7): promise with material dates, plans that wait for
material, purchase orders, the material delivery delay request (材料交期延迟申请单), suppliers' view."""
from __future__ import annotations

import pytest

from jidan.services import auth
from tests.conftest import urgent_order_payload
from tests.support import PASSWORD

pytestmark = pytest.mark.xdist_group("db")

NOW = "2026-11-24T09:10"  # DAY1 of the scenario (Tuesday)


def approved_order(api, po, product="SCB-200", qty=100, date="2026-12-18", customer="C002", **over):
    oid = api.post("/api/v1/orders", "sales", json=urgent_order_payload(
        customer=customer, customer_po=po, requested_date=date,
        lines=[{"product": product, "quantity": qty}], **over)).json()["id"]
    assert api.act(oid, "review", "pmc").status_code == 200
    assert api.act(oid, "approve", "management").status_code == 200
    return oid


def stock(api, on_hand, material="M-CONN"):
    r = api.client.put(f"/api/v1/materials/{material}/stock", headers=api.as_("purchasing"),
                       json={"on_hand": on_hand})
    assert r.status_code == 200, r.text
    return r.json()


def purchase(api, quantity, due, supplier="supplier", material="M-CONN"):
    r = api.post("/api/v1/purchase-orders", "purchasing", json={
        "material": material, "quantity": quantity, "due_date": due, "supplier": supplier})
    assert r.status_code == 201, r.text
    return r.json()


def full_plan(api, accept=True):
    run = api.post("/api/v1/planning/runs", "pmc", json={"kind": "full", "time_limit": 0.3}).json()
    if accept:
        assert api.post(f"/api/v1/planning/runs/{run['id']}/accept", "pmc").status_code == 200
    return run


def starts(api, run_id, order_number) -> list[str]:
    schedule = api.get(f"/api/v1/planning/runs/{run_id}?schedule=true", "pmc").json()["assignments"]
    return sorted(a["start_at"] for a in schedule if a["job"].startswith(order_number + "/"))


def number(api, oid):
    return api.get(f"/api/v1/orders/{oid}", "pmc").json()["number"]


def test_c6_promise_includes_the_date_the_materials_are_ready_and_what_is_short(api):
    stock(api, 100)
    po = purchase(api, 1000, "2026-11-26")
    urgent = api.post("/api/v1/orders", "sales", json=urgent_order_payload()).json()  # 300 × SCB-200: 600 connectors
    answer = api.post("/api/v1/planning/promise", "sales", json={"order_id": urgent["id"], "time_limit": 0}).json()
    material = answer["material"]
    assert material["ready_at"] == "2026-11-26T08:00" and material["waits_for_material"] is True
    assert material["shortages"] == [{"material": "M-CONN", "quantity": 500.0, "available_at": "2026-11-26T08:00"}]
    (conn,) = material["materials"]
    assert (conn["required"], conn["from_stock"], conn["from_purchase_orders"], conn["to_purchase"]) == (600, 100, 500, 0)
    assert conn["purchase_orders"] == [po["number"]]
    assert answer["without_moving"]["completion"] > "2026-11-26T08:00"

    stock(api, 1000)
    answer = api.post("/api/v1/planning/promise", "sales", json={"order_id": urgent["id"], "time_limit": 0}).json()
    assert answer["material"]["ready_at"] == NOW and answer["material"]["shortages"] == []
    assert answer["without_moving"]["completion"] < "2026-11-26T08:00"


def test_c6_a_shortage_without_a_purchase_order_becomes_a_purchase_request_at_the_lead_time(api):
    stock(api, 100)
    urgent = api.post("/api/v1/orders", "sales", json=urgent_order_payload()).json()
    material = api.post("/api/v1/planning/promise", "sales",
                        json={"order_id": urgent["id"], "time_limit": 0}).json()["material"]
    # M-CONN's lead time is 5 working days: Tuesday 24th + 5 = Tuesday 1st, first shift.
    assert material["ready_at"] == "2026-12-01T08:00"
    assert material["purchase_requests"] == [{"material": "M-CONN", "quantity": 500.0, "order_by": NOW,
                                              "earliest_arrival": "2026-12-01T08:00"}]


def test_c6_untracked_materials_do_not_hold_up_a_promise(api):
    urgent = api.post("/api/v1/orders", "sales", json=urgent_order_payload()).json()
    material = api.post("/api/v1/planning/promise", "sales",
                        json={"order_id": urgent["id"], "time_limit": 0}).json()["material"]
    assert material == {"ready_at": NOW, "waits_for_material": False, "materials": [], "shortages": [],
                        "purchase_requests": []}


def test_c6_a_plan_never_starts_an_order_before_its_materials(api):
    stock(api, 0)
    po = purchase(api, 1000, "2026-11-27")
    scb = approved_order(api, "M-1", qty=100)  # 200 connectors, none on hand
    other = approved_order(api, "M-2", product="P002", qty=100)  # no materials
    run = full_plan(api)
    assert min(starts(api, run["id"], number(api, scb))) >= "2026-11-27T08:00"
    assert min(starts(api, run["id"], number(api, other))) < "2026-11-25T00:00"

    urgent = api.post("/api/v1/orders", "sales", json=urgent_order_payload()).json()
    api.act(urgent["id"], "review", "pmc")
    api.act(urgent["id"], "approve", "management")
    inserted = api.post("/api/v1/planning/runs", "pmc",
                        json={"kind": "insert", "order_id": urgent["id"], "time_limit": 0}).json()
    assert inserted["summary"]["material_ready"] >= "2026-11-27T08:00"
    assert min(starts(api, inserted["id"], urgent["number"])) >= inserted["summary"]["material_ready"]

    received = api.post(f"/api/v1/purchase-orders/{po['id']}/receive", "warehouse", json={"version": po["version"]})
    assert received.status_code == 200 and received.json()["status"] == "received"
    assert api.get("/api/v1/materials/stock", "pmc").json()[0]["on_hand"] == 1000
    again = full_plan(api, accept=False)
    assert min(starts(api, again["id"], number(api, scb))) < "2026-11-25T00:00"


def test_c6_release_issues_the_orders_materials_from_free_stock(api):
    stock(api, 500)
    oid = approved_order(api, "M-1", qty=100)
    full_plan(api)
    assert api.act(oid, "release", "pmc").status_code == 200
    assert api.get("/api/v1/materials/stock", "pmc").json()[0]["on_hand"] == 300
    with api.client.app.state.ctx.uow() as uow:
        issued = [e for e in uow.audit.for_entity("material_stock", "M-CONN") if e.action == "issue"]
    assert [(e.old, e.new) for e in issued] == [({"on_hand": 500}, {"on_hand": 300})]


def test_c6_c7_an_approved_delay_request_moves_the_po_and_proposes_a_material_late_repair(api, ctx, actors):
    stock(api, 0)
    po = purchase(api, 1000, "2026-11-25")
    oid = approved_order(api, "M-1", qty=100)
    unaffected = approved_order(api, "M-2", product="P002", qty=50)
    base = full_plan(api)
    scb = number(api, oid)
    assert min(starts(api, base["id"], scb)) < "2026-11-27T08:00"

    r = api.post("/api/v1/material-delay-requests", "supplier", json={
        "purchase_order_id": po["id"], "new_date": "2026-11-27", "reason": "回流焊产线排产冲突，最早周四早上到货"})
    assert r.status_code == 201, r.text
    request = r.json()
    assert (request["status"], request["old_date"], request["new_date"]) == ("pending", "2026-11-25", "2026-11-27")
    again = api.post("/api/v1/material-delay-requests", "purchasing", json={
        "purchase_order_id": po["id"], "new_date": "2026-11-28", "reason": "x"})
    assert again.status_code == 409 and again.json()["code"] == "delay_request.already_pending"
    assert api.post(f"/api/v1/material-delay-requests/{request['id']}/decision", "purchasing",
                    json={"decision": "approve"}).status_code == 403

    r = api.post(f"/api/v1/material-delay-requests/{request['id']}/decision", "pmc",
                 json={"decision": "approve", "note": "同意，重排装配", "version": request["version"]})
    assert r.status_code == 200, r.text
    decided = r.json()
    assert decided["status"] == "approved" and decided["affected_orders"] == [scb]
    assert api.get(f"/api/v1/purchase-orders/{po['id']}", "pmc").json()["due_date"] == "2026-11-27"

    run = api.get(f"/api/v1/planning/runs/{decided['repair_run_id']}", "pmc").json()
    assert (run["kind"], run["status"], run["summary"]["based_on"]) == ("repair", "proposed", base["id"])
    assert run["summary"]["disturbance"]["kind"] == "material_late"
    assert run["summary"]["disturbance"]["delay_request"] == request["number"]
    assert min(starts(api, run["id"], scb)) >= "2026-11-27T08:00"
    assert any(m["order"] == scb for m in run["impact"]["moved"])
    assert api.post(f"/api/v1/planning/runs/{run['id']}/accept", "pmc").json()["status"] == "accepted"

    with ctx.uow() as uow:
        told = {(n.recipient_id, n.kind) for n in uow.notices.for_recipient(actors["sales"].user_id)}
        pmc_told = [n for n in uow.notices.for_recipient(actors["pmc"].user_id) if n.kind == "material_delay_request"]
        supplier_told = [n.kind for n in uow.notices.for_recipient(actors["supplier"].user_id)]
        events = [(e["entity"], e["action"]) for e in uow.audit.all()]
    assert (actors["sales"].user_id, "material_delay_approved") in told
    assert pmc_told and "material_delay_decision" in supplier_told
    assert ("material_delay_request", "request") in events and ("material_delay_request", "approve") in events
    assert ("purchase_order", "delay") in events and ("planning_run", "propose") in events
    assert number(api, unaffected) not in decided["affected_orders"]


def test_c6_a_rejected_delay_request_says_why_and_changes_nothing(api):
    po = purchase(api, 1000, "2026-11-25")
    request = api.post("/api/v1/material-delay-requests", "purchasing", json={
        "purchase_order_id": po["id"], "new_date": "2026-11-30", "reason": "供应商缺料"}).json()
    r = api.post(f"/api/v1/material-delay-requests/{request['id']}/decision", "pmc", json={"decision": "reject"})
    assert r.status_code == 422 and r.json()["fields"] == {"note": "required"}
    r = api.post(f"/api/v1/material-delay-requests/{request['id']}/decision", "pmc",
                 json={"decision": "reject", "note": "请按原交期交货"})
    assert r.json()["status"] == "rejected" and r.json()["repair_run_id"] is None
    assert api.get(f"/api/v1/purchase-orders/{po['id']}", "pmc").json()["due_date"] == "2026-11-25"
    again = api.post(f"/api/v1/material-delay-requests/{request['id']}/decision", "pmc",
                     json={"decision": "approve"})
    assert again.status_code == 409 and again.json()["code"] == "delay_request.invalid_transition"


def test_c6_a_later_po_date_goes_through_a_delay_request_not_an_edit(api):
    po = purchase(api, 1000, "2026-11-26")
    r = api.patch(f"/api/v1/purchase-orders/{po['id']}", "purchasing",
                  json={"version": po["version"], "due_date": "2026-11-30"})
    assert r.status_code == 409 and r.json()["code"] == "purchase_order.delay_requires_request"
    r = api.patch(f"/api/v1/purchase-orders/{po['id']}", "purchasing",
                  json={"version": po["version"], "due_date": "2026-11-25", "quantity": 1200})
    assert r.status_code == 200 and (r.json()["due_date"], r.json()["quantity"]) == ("2026-11-25", 1200)
    stale = api.patch(f"/api/v1/purchase-orders/{po['id']}", "purchasing", json={"version": po["version"], "quantity": 5})
    assert stale.status_code == 409 and stale.json()["code"] == "stale_version"


def test_c6_a_supplier_sees_only_its_own_purchase_orders_and_requests(api, ctx):
    auth.add_user(ctx, None, "pcb_supplier", "PCB 供应商", "supplier", PASSWORD)
    mine = purchase(api, 1000, "2026-11-26")
    theirs = purchase(api, 500, "2026-11-27", supplier="pcb_supplier")
    request = api.post("/api/v1/material-delay-requests", "pcb_supplier", json={
        "purchase_order_id": theirs["id"], "new_date": "2026-11-30", "reason": "板材缺货"}).json()

    assert [p["number"] for p in api.get("/api/v1/purchase-orders", "supplier").json()] == [mine["number"]]
    assert api.get(f"/api/v1/purchase-orders/{theirs['id']}", "supplier").status_code == 404
    assert api.get(f"/api/v1/material-delay-requests/{request['id']}", "supplier").status_code == 404
    assert api.get("/api/v1/material-delay-requests", "supplier").json() == []
    r = api.post("/api/v1/material-delay-requests", "supplier", json={
        "purchase_order_id": theirs["id"], "new_date": "2026-12-02", "reason": "x"})
    assert r.status_code == 404 and r.json()["code"] == "purchase_order.not_found"
    assert api.get(f"/api/v1/material-delay-requests/{request['id']}", "pcb_supplier").status_code == 200
    for path in ("/api/v1/materials/stock", "/api/v1/planning/runs"):
        assert api.get(path, "supplier").status_code == 403, path
    assert api.post("/api/v1/purchase-orders", "supplier", json={
        "material": "M-CONN", "quantity": 1, "due_date": "2026-11-30", "supplier": "supplier"}).status_code == 403
    assert api.post(f"/api/v1/material-delay-requests/{request['id']}/decision", "supplier",
                    json={"decision": "approve"}).status_code == 404


BAD = [
    ("post", "/api/v1/purchase-orders", {"material": "NOPE", "quantity": 1, "due_date": "2026-11-30",
                                         "supplier": "supplier"}, {"material": "unknown_material"}),
    ("post", "/api/v1/purchase-orders", {"material": "SCB-200", "quantity": 1, "due_date": "2026-11-30",
                                         "supplier": "supplier"}, {"material": "unknown_material"}),
    ("post", "/api/v1/purchase-orders", {"material": "M-CONN", "quantity": 1, "due_date": "2026-11-01",
                                         "supplier": "sales"}, {"due_date": "in_past", "supplier": "unknown_supplier"}),
    ("post", "/api/v1/purchase-orders", {"material": "M-CONN", "quantity": 0, "due_date": "2026-11-30",
                                         "supplier": "supplier"}, {"quantity": "greater_than"}),
    ("post", "/api/v1/purchase-orders", {"material": "M-CONN", "quantity": "1e12", "due_date": "2026-11-30",
                                         "supplier": "supplier"}, {"quantity": "less_than"}),
    ("post", "/api/v1/purchase-orders", {"material": "M-CONN", "quantity": 1, "due_date": "2026-11-30",
                                         "supplier": "supplier", "price": 3}, {"price": "extra_forbidden"}),
    ("put", "/api/v1/materials/M-CONN/stock", {"on_hand": -1}, {"on_hand": "greater_than_equal"}),
    ("post", "/api/v1/material-delay-requests", {"purchase_order_id": 1, "new_date": "2026-11-20", "reason": "x"},
     {"new_date": "not_later"}),
    ("post", "/api/v1/material-delay-requests", {"purchase_order_id": 1, "new_date": "2026-12-20", "reason": ""},
     {"reason": "string_too_short"}),
    ("post", "/api/v1/material-delay-requests", {"purchase_order_id": 1, "new_date": "someday", "reason": "x"},
     {"new_date": "date_from_datetime_parsing"}),
    ("post", "/api/v1/planning/runs", {"kind": "repair", "disturbance": "material_late", "order_id": 1},
     {"available_from": "required"}),
    ("post", "/api/v1/planning/runs", {"kind": "repair", "disturbance": "order_changed"}, {"order_id": "required"}),
    ("post", "/api/v1/planning/runs", {"kind": "repair", "disturbance": "material_late", "material": "NOPE",
                                       "available_from": "2026-11-26T08:00"}, {"material": "unknown_material"}),
    ("post", "/api/v1/planning/runs", {"kind": "repair", "disturbance": "material_late",
                                       "available_from": "2026-11-26T08:00"}, {"order_id": "order_or_material"}),
    ("post", "/api/v1/planning/runs", {"kind": "repair", "disturbance": "weather"}, {"disturbance": "literal_error"}),
]


@pytest.mark.parametrize("method, path, body, fields", BAD)
def test_c6_bad_material_input_is_a_field_level_422_that_writes_nothing(api, ctx, method, path, body, fields):
    po = purchase(api, 1000, "2026-11-26")
    approved_order(api, "M-1", qty=50)
    full_plan(api)
    with ctx.uow() as uow:
        before = (len(list(uow.audit.all())), len(uow.purchase_orders.list()), len(uow.delay_requests.list()))
    user = "purchasing" if "planning" not in path else "pmc"
    body = {**body, "purchase_order_id": po["id"]} if "purchase_order_id" in body else body
    r = getattr(api.client, method)(path, headers=api.as_(user), json=body)
    assert r.status_code == 422, r.text
    assert r.json()["fields"] == fields
    with ctx.uow() as uow:
        assert (len(list(uow.audit.all())), len(uow.purchase_orders.list()), len(uow.delay_requests.list())) == before


def test_c7_material_late_for_one_order_is_one_repair_call_shown_before_it_is_accepted(api):
    oid = approved_order(api, "M-1", qty=100)
    base = full_plan(api)
    scb = number(api, oid)
    r = api.post("/api/v1/planning/runs", "pmc", json={
        "kind": "repair", "disturbance": "material_late", "order_id": oid,
        "available_from": "2026-11-26T13:00", "time_limit": 0})
    assert r.status_code == 201, r.text
    run = r.json()
    assert run["status"] == "proposed" and run["summary"]["disturbance"]["jobs"] == [f"{scb}/1"]
    assert min(starts(api, run["id"], scb)) >= "2026-11-26T13:00"
    assert api.get(f"/api/v1/planning/runs/{base['id']}", "pmc").json()["status"] == "accepted"


def test_h3_c7_an_order_changed_after_planning_is_re_planned_in_one_call(api, ctx):
    oid = approved_order(api, "M-1", product="P002", qty=50)
    other = approved_order(api, "M-2", product="P002", qty=50)
    base = full_plan(api)
    old = api.get(f"/api/v1/planning/runs/{base['id']}?schedule=true", "pmc").json()["assignments"]
    with ctx.uow() as uow:  # an approved change request (issue 5) has doubled the quantity
        uow.orders.get(oid).lines[0].quantity = 300
        uow.commit()
    r = api.post("/api/v1/planning/runs", "pmc", json={
        "kind": "repair", "disturbance": "order_changed", "order_id": oid, "time_limit": 0})
    assert r.status_code == 201, r.text
    run = r.json()
    changed = [a for a in api.get(f"/api/v1/planning/runs/{run['id']}?schedule=true", "pmc").json()["assignments"]
               if a["job"].startswith(number(api, oid) + "/")]
    before = [a for a in old if a["job"].startswith(number(api, oid) + "/")]
    assert sum(a["end"] - a["start"] for a in changed) > sum(a["end"] - a["start"] for a in before)
    assert min(a["start_at"] for a in changed) >= NOW
    assert other in run["order_ids"] and run["summary"]["disturbance"]["kind"] == "order_changed"
    assert api.post("/api/v1/planning/runs", "pmc", json={
        "kind": "repair", "disturbance": "order_changed", "order_id": 99999}).status_code == 404


def test_c6_purchase_orders_export_to_excel(api):
    purchase(api, 1000, "2026-11-26")
    r = api.get("/api/v1/purchase-orders/export.xlsx", "purchasing")
    assert r.status_code == 200 and r.content[:2] == b"PK"
    from io import BytesIO

    from openpyxl import load_workbook
    rows = list(load_workbook(BytesIO(r.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("number", "material", "material_name", "quantity") and rows[1][1] == "M-CONN"


def test_c6_the_stock_list_shows_a_material_never_counted_with_no_version(api):
    """A material with no stock row yet is listed (on hand unknown), not a 500 (issue 21)."""
    r = api.get("/api/v1/materials/stock", "purchasing")
    assert r.status_code == 200, r.text
    never = [m for m in r.json() if m["on_hand"] is None]
    assert never and all(m["version"] is None for m in never)
    counted = stock(api, "5")
    assert isinstance(counted["version"], int)
