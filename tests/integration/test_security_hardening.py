"""What the security pass of issue 21 found, each closed (SQLite and PostgreSQL): signing from the
requesting session only, login throttling and its audit, delegation segregation of duties, owner
and role rights, the browser's headers, feedback links, /health and prices (B5, B7, I1, I2, M1)."""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from jidan.cli import startup_warnings
from jidan.config import Settings
from jidan.domain import errors
from jidan.domain.approval import ChainRule, Conditions, Phase, StepRule
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.http.app import create_app
from jidan.services import auth
from jidan.services.approvals import chains as approval_chains
from jidan.services.approvals import delegations
from jidan.services.approvals.signatures import Decision
from jidan.services.approvals import signing
from jidan.services.fulfilment import feedback, incidents, receipts, shipping
from jidan.services.fulfilment.incidents import NewIncident
from jidan.services.fulfilment.receipts import NewReceipt
from jidan.services.fulfilment.shipping import NewShipment
from jidan.services.orders import intake, views
from jidan.services.orders.intake import NewLine, NewOrder
from tests.conftest import urgent_order_payload
from tests.fulfilment_support import inspected
from tests.support import DAY1, PASSWORD, login_csrf, web_session

pytestmark = pytest.mark.xdist_group("db")


def new_order(api, po="HD-2026-0042") -> dict:
    r = api.post("/api/v1/orders", "sales", json=urgent_order_payload(customer_po=po))
    assert r.status_code == 201, r.text
    return r.json()


def token(api, username: str, password: str = PASSWORD):
    return api.client.post("/api/v1/auth/token", data={"username": username, "password": password})


def audit_rows(ctx, action: str) -> list[dict]:
    with ctx.uow() as uow:
        return [e for e in uow.audit.all() if e["action"] == action]


# --------------------------------------------------------------------- 3. signing freshness
def test_b7_an_old_session_cannot_approve_because_the_same_person_logged_in_elsewhere(api, clock):
    oid = new_order(api)["id"]
    assert api.act(oid, "review", "pmc").status_code == 200  # a fresh login signs without the password
    old = api.as_("management")  # management's session, about to grow old
    clock.advance(hours=2)
    assert token(api, "management").status_code == 200  # a fresh login somewhere else
    r = api.client.post(f"/api/v1/orders/{oid}/actions/approve", headers=old, json={})
    assert r.status_code == 422 and r.json()["code"] == "approval.signature_required"
    assert r.json()["fields"] == {"password": "required"}
    r = api.client.post(f"/api/v1/orders/{oid}/actions/approve", headers=old, json={"password": "nope"})
    assert r.status_code == 422 and r.json()["fields"] == {"password": "wrong_password"}
    r = api.client.post(f"/api/v1/orders/{oid}/actions/approve", headers=old, json={"password": PASSWORD})
    assert r.status_code == 200 and r.json()["status"] == "approved"
    record = api.get(f"/api/v1/orders/{oid}/review", "sales").json()
    assert [s["method"] for s in record["review"]["signatures"]] == ["fresh_login", "password"]


def test_b7_the_order_page_asks_a_stale_session_for_the_password_before_approving(ctx, actors, clock):
    oid = intake.create_order(ctx, actors["sales"], NewOrder(
        "C001", "HD-1", date(2026, 12, 1), (NewLine("SCB-200", 300),)))["id"]
    signing.sign(ctx, actors["pmc"], oid, Decision())
    boss, csrf = web_session(ctx, "management")
    assert 'data-testid="password-needed"' not in boss.get(f"/orders/{oid}").text  # fresh: no password
    clock.advance(hours=2)
    web_session(ctx, "management")  # a fresh login in another browser changes nothing here
    page = boss.get(f"/orders/{oid}").text
    assert 'data-testid="password-needed"' in page and "签署请输入密码" in page
    assert 'data-testid="password-needed"' in boss.get(f"/orders/{oid}/review").text
    r = boss.post(f"/orders/{oid}/actions/approve", data={"csrf_token": csrf})
    assert r.status_code == 422 and 'data-error-code="approval.signature_required"' in r.text
    assert "签署需要重新输入密码" in r.text
    r = boss.post(f"/orders/{oid}/actions/approve", data={"csrf_token": csrf, "password": PASSWORD},
                  follow_redirects=False)
    assert r.status_code == 303
    assert views.get_order(ctx, actors["sales"], oid)["status"] == "approved"


# --------------------------------------------------------------------- 5. logins
def test_m1_failed_logins_slow_down_per_user_are_audited_and_forgiven_by_a_good_login(api, ctx, clock):
    ctx.login_free_failures, ctx.login_delay_seconds = 3, 10
    for _ in range(3):
        assert token(api, "sales", "wrong-guess").status_code == 401
    r = token(api, "sales")  # even the right password waits now
    assert r.status_code == 429 and r.json()["code"] == "auth.too_many_attempts"
    assert r.headers["Retry-After"] == "10"
    clock.advance(seconds=10)
    assert token(api, "sales", "wrong-again").status_code == 401
    r = token(api, "sales")
    assert r.status_code == 429 and r.headers["Retry-After"] == "20"  # the delay doubles
    clock.advance(seconds=20)
    assert token(api, "sales").status_code == 200
    assert token(api, "sales", "one-slip").status_code == 401  # the good login forgave the rest
    assert token(api, "sales").status_code == 200
    failed = audit_rows(ctx, "login_failed")
    assert len(failed) == 5 and failed[0]["entity"] == "login"
    assert failed[0]["new"] == {"username": "sales", "address": "testclient"}
    assert not any("wrong" in str(row) or "slip" in str(row) for row in failed)  # never the password


def test_m1_many_usernames_from_one_address_are_throttled_too(api, ctx):
    ctx.login_free_failures_per_address = 4
    for name in ("alice", "bob", "carol", "dave"):
        assert token(api, name, "123456").status_code == 401
    r = token(api, "pmc")
    assert r.status_code == 429 and int(r.headers["Retry-After"]) > 0


class CountingHasher:
    """The test hasher, counting how often a password is checked."""

    def __init__(self, inner):
        self.inner, self.verified = inner, 0

    def hash(self, password: str) -> str:
        return self.inner.hash(password)

    def verify(self, password: str, hashed: str) -> bool:
        self.verified += 1
        return self.inner.verify(password, hashed)


def test_m1_an_unknown_username_costs_the_same_password_check_as_a_known_one(ctx, actors):
    ctx.hasher = counting = CountingHasher(ctx.hasher)
    for username in ("sales", "nobody-here"):
        with pytest.raises(errors.NotAuthenticated) as caught:
            auth.login(ctx, username, "wrong password")
        assert caught.value.code == "auth.bad_credentials"
    assert counting.verified == 2
    assert [row["new"]["username"] for row in audit_rows(ctx, "login_failed")] == ["sales", "nobody-here"]


def test_m1_passwords_set_by_an_admin_or_the_console_have_ten_characters(ctx, actors):
    with pytest.raises(errors.ValidationFailed) as caught:
        auth.add_user(ctx, actors["admin"], "clerk", "文员", "sales", "nine-char")
    assert caught.value.fields == {"password": "too_short"}
    with pytest.raises(errors.ValidationFailed):
        auth.add_user(ctx, None, "clerk", "文员", "sales", "short", from_console=True)
    assert auth.add_user(ctx, actors["admin"], "clerk", "文员", "sales", "ten-chars!")["username"] == "clerk"
    assert auth.add_user(ctx, None, "demo1", "演示", "sales", "demo")["username"] == "demo1"  # the demo's


# --------------------------------------------------------------------- 6. delegation
def test_b5_a_deputy_holds_the_approvers_role_unless_admin_allows_and_starts_from_now(ctx, actors):
    later = DAY1 + timedelta(days=2)
    with pytest.raises(errors.ValidationFailed) as caught:
        delegations.add_delegation(ctx, actors["management"], "sales2", DAY1, later)
    assert caught.value.fields == {"deputy": "deputy_lacks_role"}
    with pytest.raises(errors.ValidationFailed) as caught:
        delegations.add_delegation(ctx, actors["management"], "sales2", DAY1 - timedelta(hours=1), later)
    assert caught.value.fields["starts_at"] == "in_past"
    with pytest.raises(errors.Forbidden):  # only admin grants the exception
        delegations.add_delegation(ctx, actors["management"], "sales2", DAY1, later, role_exception=True)
    view = delegations.add_delegation(ctx, actors["admin"], "sales2", DAY1, later, "出差",
                                      principal="management", role_exception=True)
    assert view["role_exception_by"] == "admin"
    with ctx.uow() as uow:
        assert delegations.principals(uow, actors["sales2"], DAY1 + timedelta(hours=1)) == {
            actors["management"].user_id: Role.MANAGEMENT}


def test_b5_b7_one_person_fills_a_two_signature_step_once_even_as_a_deputy(ctx, actors, api):
    current = next(c for c in approval_chains.list_chains(ctx, actors["admin"]) if c["code"] == "urgent")
    approval_chains.save_chain(ctx, actors["admin"], ChainRule(
        "urgent", current["name"], (StepRule(1, Role.PMC, "生产可行性分析", Phase.REVIEW, 2),
                                    StepRule(2, Role.MANAGEMENT, "最终审批", Phase.APPROVE)),
        current["rank"], Conditions(urgent_only=True)), current["version"])
    second = auth.add_user(ctx, None, "pmc2", "计划员 二", "pmc", PASSWORD)
    pmc2 = Actor(second["id"], "pmc2", Role.PMC)
    delegations.add_delegation(ctx, actors["pmc"], "pmc2", DAY1, DAY1 + timedelta(days=2), "休假")
    oid = new_order(api)["id"]
    record = signing.sign(ctx, pmc2, oid, Decision())
    assert record["can"]["sign"] == []  # the panel offers pmc2 nothing more on this step
    with pytest.raises(errors.Conflict) as caught:
        signing.sign(ctx, pmc2, oid, Decision(on_behalf_of="pmc"))
    assert caught.value.code == "approval.already_signed"
    record = signing.sign(ctx, actors["pmc"], oid, Decision())
    assert [(s["user"], s["on_behalf_of"]) for s in record["review"]["signatures"]] == [
        ("计划员 二", None), ("pmc", None)]
    assert record["order"]["status"] == "reviewed"


# --------------------------------------------------------------------- 9. owner and role rights
def test_b7_only_who_entered_the_order_its_owner_or_management_cancels_it(api):
    oid = new_order(api)["id"]
    r = api.act(oid, "cancel", "sales2", reason="客户取消")
    assert r.status_code == 403 and r.json()["code"] == "order.not_the_owner"
    assert "cancel" not in api.get(f"/api/v1/orders/{oid}", "sales2").json()["allowed_actions"]
    assert "cancel" in api.get(f"/api/v1/orders/{oid}", "sales").json()["allowed_actions"]
    assert api.act(oid, "cancel", "sales", reason="客户取消").json()["status"] == "cancelled"
    other = new_order(api, po="HD-2026-0043")["id"]
    assert api.act(other, "cancel", "management", reason="总经办取消").status_code == 200


def test_i2_warehouse_and_logistics_follow_up_only_on_incidents_that_are_theirs(ctx, actors, api):
    oid = new_order(api)["id"]
    complaint = incidents.open_incident(ctx, actors["customer_service"],
                                        NewIncident("customer_complaint", oid, "客户投诉包装破损"))
    for user in ("warehouse", "logistics"):
        with pytest.raises(errors.Forbidden):
            incidents.add_followup(ctx, actors[user], complaint["id"], "不是我的事也来写")
    view = incidents.add_followup(ctx, actors["sales"], complaint["id"], "已联系客户")
    assert [f["by"] for f in view["followups"]] == ["sales"]
    delay = incidents.open_incident(ctx, actors["customer_service"],
                                    NewIncident("logistics_delay", oid, "晚到一天", cause="traffic"))
    assert incidents.add_followup(ctx, actors["logistics"], delay["id"], "已改派")["followups"]


def test_admin_keeps_to_configuration_unless_the_plant_lets_admin_do_business(api, ctx):
    po = {"material": "M-CONN", "quantity": "400", "due_date": "2026-11-30", "supplier": "supplier"}
    assert api.post("/api/v1/purchase-orders", "admin", json=po).status_code == 403
    r = api.client.put("/api/v1/materials/M-CONN/stock", headers=api.as_("admin"), json={"on_hand": "5"})
    assert r.status_code == 403
    assert api.post("/api/v1/planning/runs", "admin", json={"kind": "full", "time_limit": 0}).status_code == 403
    assert api.get("/api/v1/purchase-orders", "admin").status_code == 200  # reading stays open
    ctx.admin_does_business = True
    assert api.post("/api/v1/purchase-orders", "admin", json=po).status_code == 201



def test_admin_is_offered_a_business_act_on_the_materials_and_planning_pages_only_where_the_server_allows_it(
        api, ctx):
    """Every button of a business act there is offered by `permissions.may`, the server's own rule."""
    po = api.post("/api/v1/purchase-orders", "purchasing", json={
        "material": "M-CONN", "quantity": "400", "due_date": "2026-11-30", "supplier": "supplier"}).json()
    delay = api.post("/api/v1/material-delay-requests", "purchasing", json={
        "purchase_order_id": po["id"], "new_date": "2026-12-02", "reason": "供应商晚到"}).json()
    forms = {"/materials": "/materials/M-CONN/stock", "/purchase-orders": 'method="post" action="/purchase-orders"',
             f"/purchase-orders/{po['id']}": f"/purchase-orders/{po['id']}/receive",
             f"/material-delay-requests/{delay['id']}": f"/material-delay-requests/{delay['id']}/decision",
             "/planning": 'method="post" action="/planning/runs"'}
    admin, _ = web_session(ctx, "admin")
    for path, form in forms.items():
        page = admin.get(path)
        assert page.status_code == 200 and form not in page.text, path
    ctx.admin_does_business = True
    for path, form in forms.items():
        assert form in admin.get(path).text, path

# --------------------------------------------------------------------- 11. the browser's headers
def test_every_page_and_api_answer_carries_the_security_headers_and_no_store(api):
    for response in (api.client.get("/login"), api.get("/api/v1/orders", "sales"),
                     api.client.get("/api/v1/orders"), api.client.get("/health")):
        assert response.headers["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]
        assert "script-src 'self';" in response.headers["Content-Security-Policy"]
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "same-origin"
        assert response.headers["Cache-Control"] == "no-store"
    assert "no-store" not in api.client.get("/static/htmx.min.js").headers.get("Cache-Control", "")


def test_no_page_has_an_inline_script_the_policy_would_block(ctx, actors):
    sales, _ = web_session(ctx, "sales")
    for path in ("/orders", "/orders/new", "/inbox", "/approvals"):
        page = sales.get(path).text
        assert not re.search(r"<script(?![^>]*\bsrc=)", page), path
        assert not re.search(r"\son[a-z]+=\"", page), path


def test_the_login_form_carries_a_csrf_token_and_the_cookie_is_secure_behind_https(ctx, actors):
    browser = TestClient(create_app(ctx), base_url="https://testserver")
    r = browser.post("/login", data={"username": "sales", "password": PASSWORD}, follow_redirects=False)
    assert r.status_code == 403 and "jidan_session" not in r.headers.get("set-cookie", "")
    r = browser.post("/login", data={"username": "sales", "password": PASSWORD, "csrf_token": "forged"},
                     follow_redirects=False)
    assert r.status_code == 403
    ctx.settings.public_url = "https://jidan.example.com"
    r = browser.post("/login", data={"username": "sales", "password": PASSWORD,
                                     "csrf_token": login_csrf(browser)}, follow_redirects=False)
    assert r.status_code == 303
    session_cookie = next(c for c in r.headers.get_list("set-cookie") if c.startswith("jidan_session="))
    assert "Secure" in session_cookie and "HttpOnly" in session_cookie


# --------------------------------------------------------------------- 12. feedback, public_url
def test_i1_a_new_feedback_link_voids_the_older_ones_of_the_order(ctx, actors):
    oid = inspected(ctx, actors)
    receipts.receive_goods(ctx, actors["warehouse"], oid, NewReceipt({1: 300}, "A-01"))
    s = shipping.book_shipment(ctx, actors["logistics"], oid, NewShipment(
        1, Decimal(5), "air", "顺丰", "SF2", datetime(2026, 11, 26, 9)))
    shipping.dispatch(ctx, actors["logistics"], s["id"])
    shipping.confirm_delivery(ctx, actors["logistics"], s["id"], "李")
    first = feedback.request_feedback(ctx, actors["customer_service"], oid)["link"].rsplit("/", 1)[1]
    newest = feedback.request_feedback(ctx, actors["customer_service"], oid)["link"].rsplit("/", 1)[1]
    for old in {first} - {newest}:
        with pytest.raises(errors.Conflict) as caught:
            feedback.submit_feedback(ctx, old, 5, "好")
        assert caught.value.code == "feedback.replaced"
    assert feedback.submit_feedback(ctx, newest, 4, "准时")["rating"] == 4


def test_i1_serve_warns_while_public_url_and_the_feedback_secret_are_the_defaults():
    warnings = startup_warnings(Settings(_env_file=None))
    assert any("JIDAN_PUBLIC_URL" in w for w in warnings) and any("FEEDBACK_SECRET" in w for w in warnings)
    assert startup_warnings(Settings(_env_file=None, public_url="https://jidan.example.com",
                                     feedback_secret="our own secret", audit_anchor="/var/lib/jidan/anchor.log")) == []


# --------------------------------------------------------------------- 13. health, prices
def test_health_tells_the_public_its_status_only_and_admin_why(api, ctx):
    assert api.client.get("/health").json() == {"status": "ok"}
    assert api.get("/health", "admin").json() == {"status": "ok", "database": "ok"}
    assert api.get("/health", "sales").json() == {"status": "ok"}

    def unreachable():
        raise OSError('connection to server at "db.internal" (10.0.0.7), port 5432 failed')

    ctx.uow = unreachable
    r = api.client.get("/health")
    assert r.status_code == 503 and r.json() == {"status": "error"} and "db.internal" not in r.text


def test_the_floor_sees_quantities_and_dates_but_no_prices(api, ctx, actors):
    oid = new_order(api)["id"]
    priced = api.get(f"/api/v1/orders/{oid}", "sales").json()
    assert priced["amount"] == "135000.00" and priced["lines"][0]["unit_price"] == "450.00"
    for user in ("quality", "manufacturing", "warehouse", "logistics", "engineering"):
        order = api.get(f"/api/v1/orders/{oid}", user).json()
        assert "amount" not in order and "unit_price" not in order["lines"][0], user
        assert order["lines"][0]["quantity"] == 300 and order["requested_date"] == "2026-12-01"
        listed = api.get("/api/v1/orders", user).json()["items"][0]
        assert "amount" not in listed and "unit_price" not in listed["lines"][0]
        events = api.get(f"/api/v1/orders/{oid}/events", user).json()
        assert "450" not in str(events) and "135000" not in str(events)
    quality, _ = web_session(ctx, "quality")
    page = quality.get(f"/orders/{oid}").text
    assert "135,000.00" not in page and "450.00" not in page and "—" in page


def test_h1_a_change_request_shows_the_floor_its_quantities_and_dates_but_no_prices(api, ctx):
    from tests.e2e.test_workflow_api import approved

    order = approved(api)
    cr = api.post(f"/api/v1/orders/{order['id']}/change-requests", "sales", json={
        "reason": "客户追加", "customer_confirmation": "张经理邮件确认", "special_requirements": "无铅工艺",
        "lines": [{"product": "SCB-200", "quantity": 350, "unit_price": "432.10"}]}).json()
    assert "432.10" in str(api.get(f"/api/v1/change-requests/{cr['id']}", "sales").json())
    for user in ("engineering", "quality", "warehouse"):
        seen = api.get(f"/api/v1/change-requests/{cr['id']}", user)
        assert seen.status_code == 200 and "450" not in seen.text and "432.10" not in seen.text, user
        assert seen.json()["proposed"]["lines"][0]["quantity"] == 350
        listed = api.get(f"/api/v1/orders/{order['id']}/change-requests", user).text
        assert "450" not in listed and "432.10" not in listed
    engineering, _ = web_session(ctx, "engineering")
    for path in (f"/changes/{cr['id']}", f"/changes/{cr['id']}/print", "/approvals"):
        page = engineering.get(path)
        assert page.status_code == 200 and "432.10" not in page.text and "450.00" not in page.text, path
    assert "350" in engineering.get(f"/changes/{cr['id']}").text
