"""Shortages of an accepted plan become purchase requests (请购) that purchasing orders or cancels (C6)."""
from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from jidan.http.app import create_app
from tests.conftest import urgent_order_payload
from tests.support import PASSWORD, login_csrf

pytestmark = pytest.mark.xdist_group("db")


def stock(api, on_hand, material="M-CONN"):
    r = api.client.put(f"/api/v1/materials/{material}/stock", headers=api.as_("purchasing"),
                       json={"on_hand": on_hand})
    assert r.status_code == 200, r.text


def approved_order(api, po, customer="C001", qty=300, product="SCB-200", date="2026-12-01"):
    r = api.post("/api/v1/orders", "sales", json=urgent_order_payload(
        customer=customer, customer_po=po, requested_date=date, lines=[{"product": product, "quantity": qty}]))
    assert r.status_code == 201, r.text
    oid = r.json()["id"]
    assert api.act(oid, "review", "pmc").status_code == 200
    assert api.act(oid, "approve", "management").status_code == 200
    return oid


def accepted_plan(api) -> dict:
    run = api.post("/api/v1/planning/runs", "pmc", json={"kind": "full", "time_limit": 0.2}).json()
    r = api.post(f"/api/v1/planning/runs/{run['id']}/accept", "pmc")
    assert r.status_code == 200, r.text
    return r.json()


def requests(api, user="purchasing", **params) -> list[dict]:
    r = api.get("/api/v1/purchase-requests", user, params=params)
    assert r.status_code == 200, r.text
    return r.json()


def notices(ctx, user_id, kind="purchase_request") -> list[dict]:
    with ctx.uow() as uow:
        return [n for n in uow.notices.for_recipient(user_id) if n.kind == kind]


@pytest.fixture
def short(api):
    """The scenario's urgent order (600 connectors) planned and accepted with none in stock."""
    stock(api, 0)
    oid = approved_order(api, "HD-1")
    run = accepted_plan(api)
    return {"order_id": oid, "run": run, "request": requests(api)[0]}


def test_c6_accepting_a_plan_turns_its_shortage_into_an_open_urgent_purchase_request(api, ctx, actors, short):
    (pr,) = requests(api)
    assert short["run"]["purchase_requests"] == [pr["number"]]
    order = api.get(f"/api/v1/orders/{short['order_id']}", "pmc").json()
    assert (pr["material"], pr["quantity"], pr["status"], pr["urgent"]) == ("M-CONN", 600, "open", True)
    assert pr["orders"] == [{"id": order["id"], "number": order["number"], "urgent": True}]
    assert pr["planning_run_id"] == short["run"]["id"] and pr["created_by"] == "pmc"
    # Needed the day the plan starts the order: when a purchase placed now can be there (5 working days).
    assert pr["need_by"] == "2026-12-01"
    (notice,) = notices(ctx, actors["purchasing"].user_id)
    assert notice.subject.startswith("【急单】请购 " + pr["number"]) and notice.critical
    assert order["number"] in notice.body
    assert notices(ctx, actors["sales"].user_id) == []
    with ctx.uow() as uow:
        assert [e["action"] for e in uow.audit.all() if e["entity"] == "purchase_request"] == ["raise"]


def test_c6_accepting_again_updates_the_open_request_instead_of_adding_one(api, ctx, actors, short):
    assert accepted_plan(api)["purchase_requests"] == []
    assert [r["id"] for r in requests(api)] == [short["request"]["id"]]
    assert len(notices(ctx, actors["purchasing"].user_id)) == 1  # nothing changed, nobody told twice

    stock(api, 100)
    run = accepted_plan(api)
    (pr,) = requests(api)
    assert (pr["id"], pr["quantity"], pr["planning_run_id"]) == (short["request"]["id"], 500, run["id"])
    assert pr["version"] == short["request"]["version"] + 1
    assert len(notices(ctx, actors["purchasing"].user_id)) == 2

    stock(api, 1000)  # no longer short: the open request goes
    run = accepted_plan(api)
    (pr,) = requests(api)
    assert pr["status"] == "cancelled" and pr["cancel_reason"] == f"计划 #{run['id']} 不再缺此料"


def test_c6_a_normal_order_short_of_material_gets_a_request_without_the_urgent_flag(api, ctx, actors):
    stock(api, 0)
    approved_order(api, "N-1", customer="C002", qty=50, date="2027-01-29")
    approved_order(api, "N-2", customer="C002", product="P002", qty=50, date="2027-01-29")  # needs no material
    accepted_plan(api)
    (pr,) = requests(api)
    assert pr["urgent"] is False and pr["quantity"] == 100 and len(pr["orders"]) == 1
    (notice,) = notices(ctx, actors["purchasing"].user_id)
    assert not notice.subject.startswith("【急单】") and not notice.critical


def test_c6_ordering_a_request_places_the_purchase_order_that_planning_then_counts(api, ctx, actors, short):
    pr = short["request"]
    r = api.post(f"/api/v1/purchase-requests/{pr['id']}/order", "purchasing", json={
        "supplier": "supplier", "due_date": "2026-11-27", "version": pr["version"]})
    assert r.status_code == 200, r.text
    got = r.json()
    assert got["status"] == "ordered" and got["closed_by"] == "purchasing" and got["purchase_order"]
    po = api.get(f"/api/v1/purchase-orders/{got['purchase_order_id']}", "purchasing").json()
    assert (po["material"], po["quantity"], po["due_date"], po["supplier"], po["status"]) == (
        "M-CONN", 600, "2026-11-27", "supplier", "open")
    assert pr["number"] in po["note"]
    assert len(notices(ctx, actors["supplier"].user_id, "purchase_order")) == 1
    # The promise now counts the purchase order, and the next accepted plan asks for nothing more.
    answer = api.post("/api/v1/planning/promise", "pmc", json={"order_id": short["order_id"], "time_limit": 0}).json()
    assert answer["material"]["materials"][0]["purchase_orders"] == [po["number"]]
    accepted_plan(api)
    assert [r["status"] for r in requests(api)] == ["ordered"]
    with ctx.uow() as uow:
        assert [e["action"] for e in uow.audit.all() if e["entity"] == "purchase_request"] == ["raise", "order"]


def test_c6_purchasing_may_order_less_or_more_than_requested(api, short):
    r = api.post(f"/api/v1/purchase-requests/{short['request']['id']}/order", "purchasing", json={
        "supplier": "supplier", "due_date": "2026-11-30", "quantity": "1000", "note": "整盘采购"})
    assert r.status_code == 200, r.text
    po = api.get(f"/api/v1/purchase-orders/{r.json()['purchase_order_id']}", "pmc").json()
    assert po["quantity"] == 1000 and "整盘采购" in po["note"]


def test_c6_cancelling_a_request_says_why_and_is_final(api, ctx, short):
    pr = short["request"]
    r = api.post(f"/api/v1/purchase-requests/{pr['id']}/cancel", "purchasing", json={"reason": "客户改用自供料"})
    assert r.status_code == 200 and r.json()["status"] == "cancelled" and r.json()["cancel_reason"] == "客户改用自供料"
    r = api.post(f"/api/v1/purchase-requests/{pr['id']}/order", "purchasing",
                 json={"supplier": "supplier", "due_date": "2026-11-27"})
    assert (r.status_code, r.json()["code"]) == (409, "purchase_request.invalid_transition")
    assert requests(api, status="open") == [] and len(requests(api, status="cancelled")) == 1
    with ctx.uow() as uow:
        (event,) = [e for e in uow.audit.all() if e["entity"] == "purchase_request" and e["action"] == "cancel"]
        assert event["reason"] == "客户改用自供料" and event["actor"] == "purchasing"


def test_c6_a_stale_version_is_409_and_changes_nothing(api, ctx, short):
    pr = short["request"]
    r = api.post(f"/api/v1/purchase-requests/{pr['id']}/order", "purchasing", json={
        "supplier": "supplier", "due_date": "2026-11-27", "version": pr["version"] + 1})
    assert (r.status_code, r.json()["code"]) == (409, "stale_version")
    r = api.post(f"/api/v1/purchase-requests/{pr['id']}/cancel", "purchasing",
                 json={"reason": "x", "version": pr["version"] + 1})
    assert r.status_code == 409
    assert requests(api)[0]["status"] == "open"
    with ctx.uow() as uow:
        assert uow.purchase_orders.list() == []


def test_c6_purchasing_acts_pmc_reads_suppliers_and_others_see_nothing(api, short):
    pr = short["request"]
    assert [r["id"] for r in requests(api, "pmc")] == [pr["id"]]
    assert api.get(f"/api/v1/purchase-requests/{pr['id']}", "admin").json()["number"] == pr["number"]
    for user in ("supplier", "sales", "manufacturing"):
        assert api.get("/api/v1/purchase-requests", user).status_code == 403, user
        assert api.get(f"/api/v1/purchase-requests/{pr['id']}", user).status_code == 403, user
    for user in ("pmc", "supplier", "sales"):
        r = api.post(f"/api/v1/purchase-requests/{pr['id']}/order", user,
                     json={"supplier": "supplier", "due_date": "2026-11-27"})
        assert r.status_code == 403, user
        assert api.post(f"/api/v1/purchase-requests/{pr['id']}/cancel", user, json={"reason": "x"}).status_code == 403
    r = api.get("/api/v1/purchase-requests/99999", "purchasing")
    assert (r.status_code, r.json()["code"]) == (404, "purchase_request.not_found")
    assert api.post("/api/v1/purchase-requests/99999/cancel", "purchasing", json={"reason": "x"}).status_code == 404
    assert requests(api)[0]["status"] == "open"


BAD = [
    ("order", {"supplier": "sales", "due_date": "2026-11-01"}, {"supplier": "unknown_supplier", "due_date": "in_past"}),
    ("order", {"supplier": "supplier", "due_date": "2026-11-27", "quantity": 0}, {"quantity": "greater_than"}),
    ("order", {"supplier": "supplier", "due_date": "2026-11-27", "quantity": "1e12"}, {"quantity": "less_than"}),
    ("order", {"supplier": "supplier"}, {"due_date": "missing"}),
    ("order", {"supplier": "supplier", "due_date": "soon"}, {"due_date": "date_from_datetime_parsing"}),
    ("order", {"supplier": "supplier", "due_date": "2026-11-27", "price": 2}, {"price": "extra_forbidden"}),
    ("cancel", {"reason": ""}, {"reason": "string_too_short"}),
    ("cancel", {}, {"reason": "missing"}),
]


@pytest.mark.parametrize("action, body, fields", BAD)
def test_c6_bad_purchase_request_input_is_a_field_level_422_that_writes_nothing(api, ctx, short, action, body, fields):
    with ctx.uow() as uow:
        before = (len(list(uow.audit.all())), uow.purchase_requests.list(), uow.purchase_orders.list())
    r = api.post(f"/api/v1/purchase-requests/{short['request']['id']}/{action}", "purchasing", json=body)
    assert r.status_code == 422, r.text
    assert r.json()["fields"] == fields
    with ctx.uow() as uow:
        assert (len(list(uow.audit.all())), uow.purchase_requests.list(), uow.purchase_orders.list()) == before


# ---------------------------------------------------------------- the pages
def browser(ctx, username: str):
    client = TestClient(create_app(ctx))
    r = client.post("/login", data={"username": username, "password": PASSWORD,
                                    "csrf_token": login_csrf(client)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', client.get("/orders").text).group(1)
    return client, csrf


def test_c6_purchasing_sees_the_requests_with_the_urgent_badge_in_chinese_and_english(api, ctx, short):
    pr = short["request"]
    client, _ = browser(ctx, "purchasing")
    page = client.get("/purchase-requests")
    assert page.status_code == 200
    row = re.search(rf'<tr data-pr="{pr["number"]}".*?</tr>', page.text, re.DOTALL).group(0)
    assert row.count('data-testid="urgent-badge"') == 2  # the request and its urgent order
    assert "请购单" in page.text and "待采购" in row and "2026-12-01" in row and "600" in row
    assert 'data-testid="tab-purchase-requests"' in page.text and 'data-testid="nav-materials" aria-current' in page.text
    english = client.get("/purchase-requests?lang=en").text
    assert "Purchase requests" in english and "Needed by" in english and "待采购" not in english
    detail = client.get(f"/purchase-requests/{pr['id']}").text
    assert 'data-action="order"' in detail and 'data-action="cancel"' in detail and 'name="csrf_token"' in detail
    assert f'value="{pr["need_by"]}"' in detail
    assert '<a href="/purchase-requests?status=open" data-requested="M-CONN">600</a>' in client.get("/materials").text
    assert next(s for s in api.get("/api/v1/materials/stock", "pmc").json() if s["material"] == "M-CONN")["requested"] == 600


def test_c6_purchasing_orders_a_request_from_its_page_and_bad_input_is_shown_by_field(api, ctx, short):
    pr = short["request"]
    client, csrf = browser(ctx, "purchasing")
    bad = client.post(f"/purchase-requests/{pr['id']}/order", data={
        "csrf_token": csrf, "version": pr["version"], "supplier": "", "quantity": "abc", "due_date": "2026-12-01"})
    assert bad.status_code == 422
    assert 'id="err-supplier"' in bad.text and 'id="err-quantity"' in bad.text
    assert requests(api)[0]["status"] == "open"
    done = client.post(f"/purchase-requests/{pr['id']}/order", follow_redirects=False, data={
        "csrf_token": csrf, "version": pr["version"], "supplier": "supplier", "quantity": "600",
        "due_date": "2026-11-30"})
    assert done.status_code == 303 and done.headers["location"] == f"/purchase-requests/{pr['id']}?done=order"
    page = client.get(done.headers["location"]).text
    assert "已下单" in page and "PO-" in page and 'data-action="order"' not in page
    stale = client.post(f"/purchase-requests/{pr['id']}/cancel", data={
        "csrf_token": csrf, "version": pr["version"], "reason": "晚了"})
    assert stale.status_code == 409


def test_c6_pmc_reads_the_request_page_without_actions_and_a_supplier_is_refused(api, ctx, short):
    pr = short["request"]
    client, csrf = browser(ctx, "pmc")
    page = client.get(f"/purchase-requests/{pr['id']}")
    assert page.status_code == 200 and 'data-action="order"' not in page.text
    assert client.post(f"/purchase-requests/{pr['id']}/cancel", data={"csrf_token": csrf, "reason": "x"}).status_code == 403
    supplier, _ = browser(ctx, "supplier")
    assert supplier.get("/purchase-requests").status_code == 403
    assert 'tab-purchase-requests' not in supplier.get("/purchase-orders").text
    assert requests(api)[0]["status"] == "open"


def test_c6_d3_the_owner_of_an_order_short_of_material_hears_of_its_purchase_request(api, ctx, actors):
    stock(api, 0)
    oid = approved_order(api, "HD-2")
    r = api.client.put(f"/api/v1/orders/{oid}/owner", headers=api.as_("pmc"), json={"username": "customer_service"})
    assert r.status_code == 200, r.text
    accepted_plan(api)
    (notice,) = notices(ctx, actors["customer_service"].user_id)
    assert notice.subject.startswith("【急单】请购") and notice.critical
