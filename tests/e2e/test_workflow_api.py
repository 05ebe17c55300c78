"""Review, approval, confirmation letters and change requests through the API (A6, B1–B7, H1–H3)."""
from __future__ import annotations

import pytest

from jidan.adapters.notify import senders_from_settings
from jidan.services.notices import outbox
from tests.conftest import urgent_order_payload
from tests.delivery_receivers import SmtpServer
from tests.support import PASSWORD

pytestmark = pytest.mark.xdist_group("db")


def new_order(api, **over) -> dict:
    r = api.post("/api/v1/orders", "sales", json=urgent_order_payload(**over))
    assert r.status_code == 201, r.text
    return r.json()


def sign(api, oid, user, **body):
    return api.post(f"/api/v1/orders/{oid}/review/signatures", user, json=body)


def approved(api, **over) -> dict:
    order = new_order(api, **over)
    assert sign(api, order["id"], "pmc").status_code == 200
    assert sign(api, order["id"], "management", committed_date="2026-12-02").status_code == 200
    return api.get(f"/api/v1/orders/{order['id']}", "sales").json()


def test_b7_signing_through_the_api_uses_the_fresh_login_or_the_password(api, clock):
    oid = new_order(api)["id"]
    r = sign(api, oid, "pmc", opinion="agree_with_conditions", comment="SMT2 加班", suggested_date="2026-12-02")
    assert r.status_code == 200, r.text
    assert r.json()["review"]["signatures"][0]["method"] == "fresh_login"
    clock.advance(minutes=20)  # management's token is made now; pmc's is 20 minutes old
    api.as_("management")
    clock.advance(minutes=20)
    r = sign(api, oid, "management")
    assert r.status_code == 422 and r.json()["code"] == "approval.signature_required"
    assert r.json()["fields"] == {"password": "required"}
    r = sign(api, oid, "management", password="nope")
    assert r.status_code == 422 and r.json()["fields"] == {"password": "wrong_password"}
    r = sign(api, oid, "management", password=PASSWORD)
    assert r.status_code == 200 and r.json()["order"]["status"] == "approved"
    assert r.json()["review"]["signatures"][-1]["method"] == "password"


@pytest.mark.parametrize("body,field", [
    ({"opinion": "maybe"}, "opinion"),
    ({"opinion": "disagree"}, "comment"),
    ({"levers": ["magic"]}, "levers.0"),
    ({"suggested_date": "2026-13-01"}, "suggested_date"),
    ({"extra": 1}, "extra"),
])
def test_b7_a_bad_signature_body_is_a_422_that_signs_nothing(api, body, field):
    oid = new_order(api)["id"]
    r = sign(api, oid, "pmc", **body)
    assert r.status_code == 422 and field in r.json()["fields"], r.text
    assert api.get(f"/api/v1/orders/{oid}/review", "pmc").json()["review"] is None


def test_b7_unknown_orders_are_404_and_suppliers_see_no_review(api):
    oid = new_order(api)["id"]
    assert api.get("/api/v1/orders/999999/review", "pmc").status_code == 404
    assert api.get(f"/api/v1/orders/{oid}/review", "supplier").status_code == 404
    assert sign(api, 999999, "pmc").status_code == 404
    assert api.get("/api/v1/change-requests/999999", "pmc").status_code == 404
    assert api.get("/api/v1/orders/99999999999/review", "pmc").status_code == 422


def test_b1_the_review_record_keeps_every_opinion_and_the_decision(api):
    oid = new_order(api)["id"]
    r = api.post(f"/api/v1/orders/{oid}/review", "sales")
    assert r.status_code == 200 and r.json()["review"]["feasibility"]["levers"]
    assert sign(api, oid, "pmc", opinion="disagree", comment="做不出").json()["order"]["status"] == "rejected"
    r = sign(api, oid, "management", comment="必接：加班", levers=["overtime", "priority_insertion"])
    assert r.status_code == 200
    review = r.json()["review"]
    assert review["decision"] == "pushed_through" and review["instruction"]["levers"] == ["overtime", "priority_insertion"]
    assert [(g["role"], g["meaning"]) for g in review["signatures"]] == [("pmc", "rejected"), ("management", "approved")]


def test_a6_the_confirmation_letter_reaches_the_customer_over_real_smtp(api, ctx):
    order = approved(api)
    [letter] = api.get(f"/api/v1/orders/{order['id']}/confirmations", "sales").json()
    assert letter["committed_date"] == "2026-12-02" and letter["revision"] == 1
    assert api.post(f"/api/v1/orders/{order['id']}/confirmations/{letter['id']}/send", "pmc").status_code == 403
    r = api.post(f"/api/v1/orders/{order['id']}/confirmations/{letter['id']}/send", "sales",
                 json={"to": ["not-an-address"]})
    assert r.status_code == 422 and r.json()["fields"] == {"to": "email.invalid"}
    r = api.post(f"/api/v1/orders/{order['id']}/confirmations/{letter['id']}/send", "sales", json={})
    assert r.status_code == 200 and r.json()["sent_to"] == "buyer@c001.example.com"
    with SmtpServer() as smtp:
        ctx.settings = ctx.settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": smtp.port})
        done = outbox.drain_all(ctx, senders_from_settings(ctx.settings))
        [msg] = smtp.mailbox.to("buyer@c001.example.com")
    assert done.failed == 0
    assert "确认函" in msg["Subject"] and order["number"] in msg["Subject"]
    text = msg.get_content()
    assert "承诺交货日期：2026-12-02" in text and "华东精密" in text and "SCB-200" in text
    kept = api.get(f"/api/v1/orders/{order['id']}/confirmations", "sales").json()[0]
    assert kept["sent_at"] and kept["body"] == letter["body"]


def test_h1_sales_raises_a_change_only_after_approval_and_only_with_the_customer_confirmation(api):
    submitted = new_order(api, customer_po="X-1")
    body = {"reason": "客户加量", "customer_confirmation": "张经理电话确认", "requested_date": "2026-12-08"}
    r = api.post(f"/api/v1/orders/{submitted['id']}/change-requests", "sales", json=body)
    assert r.status_code == 409 and r.json()["code"] == "change.edit_directly"
    order = approved(api)
    r = api.post(f"/api/v1/orders/{order['id']}/change-requests", "sales", json={**body, "customer_confirmation": ""})
    assert r.status_code == 422 and "customer_confirmation" in r.json()["fields"]
    r = api.post(f"/api/v1/orders/{order['id']}/change-requests", "pmc", json=body)
    assert r.status_code == 403
    r = api.post(f"/api/v1/orders/{order['id']}/change-requests", "sales",
                 json={"reason": "无", "customer_confirmation": "无", "requested_date": order["requested_date"]})
    assert r.status_code == 422 and r.json()["code"] == "change.nothing_changes"
    r = api.patch(f"/api/v1/orders/{order['id']}", "sales", json={"version": order["version"], "requested_date": "2026-12-08"})
    assert r.status_code == 409 and r.json()["code"] == "order.change_requires_request"
    r = api.post(f"/api/v1/orders/{order['id']}/change-requests", "sales", json=body)
    assert r.status_code == 201
    cr = r.json()
    assert (cr["kinds"], cr["roles"], cr["status"]) == (["date"], ["pmc"], "pending")
    again = api.post(f"/api/v1/orders/{order['id']}/change-requests", "sales", json=body)
    assert again.status_code == 409 and again.json()["code"] == "change.pending_exists"


def test_h2_h3_an_approved_change_makes_a_new_revision_keeps_the_old_and_asks_pmc_to_replan(api, ctx):
    order = approved(api)
    run = api.post("/api/v1/planning/runs", "pmc", json={"kind": "full", "time_limit": 0.5}).json()
    assert api.post(f"/api/v1/planning/runs/{run['id']}/accept", "pmc").status_code == 200
    cr = api.post(f"/api/v1/orders/{order['id']}/change-requests", "sales", json={
        "reason": "客户追加 50 片", "customer_confirmation": "客户采购张经理 11-24 邮件确认",
        "lines": [{"product": "SCB-200", "quantity": 350}]}).json()
    assert cr["kinds"] == ["quantity"] and cr["roles"] == ["finance", "pmc"]
    assert [i["change_id"] for i in api.get("/api/v1/approvals/pending", "finance").json()["items"]] == [cr["id"]]
    r = api.post(f"/api/v1/change-requests/{cr['id']}/signatures", "pmc", json={"suggested_date": "2026-12-03"})
    assert r.status_code == 200 and r.json()["status"] == "pending"
    assert api.get(f"/api/v1/orders/{order['id']}", "sales").json()["revision"] == 1
    r = api.post(f"/api/v1/change-requests/{cr['id']}/signatures", "finance",
                 json={"opinion": "agree_with_conditions", "comment": "追加部分预付 30%"})
    assert r.status_code == 200, r.text
    done = r.json()
    assert (done["status"], done["new_revision"], done["replan_required"]) == ("approved", 2, True)
    now = api.get(f"/api/v1/orders/{order['id']}", "sales").json()
    assert now["revision"] == 2 and now["lines"][0]["quantity"] == 350 and now["promised_date"] == "2026-12-03"
    versions = api.get(f"/api/v1/orders/{order['id']}/versions", "sales").json()
    assert [(v["revision"], v["snapshot"]["lines"][0]["quantity"]) for v in versions] == [(1, 300), (2, 350)]
    with ctx.uow() as uow:
        pmc = uow.users.by_username("pmc")
        notices = [n for n in uow.notices.for_recipient(pmc.id) if n.kind == "change.approved"]
    assert notices and notices[0].needs_ack and "重新排产" in notices[0].subject
    letters = api.get(f"/api/v1/orders/{order['id']}/confirmations", "sales").json()
    assert [lt["revision"] for lt in letters] == [2, 1]
    r = api.post(f"/api/v1/orders/{order['id']}/confirmations/{letters[1]['id']}/send", "sales")
    assert r.status_code == 409 and r.json()["code"] == "confirmation.outdated"


def test_h2_one_department_disagreeing_rejects_the_change_and_the_order_stays(api):
    order = approved(api)
    cr = api.post(f"/api/v1/orders/{order['id']}/change-requests", "sales", json={
        "reason": "提前交货", "customer_confirmation": "电话确认", "requested_date": "2026-11-26"}).json()
    r = api.post(f"/api/v1/change-requests/{cr['id']}/signatures", "pmc", json={"opinion": "disagree"})
    assert r.status_code == 422  # a disagreement says why
    r = api.post(f"/api/v1/change-requests/{cr['id']}/signatures", "pmc",
                 json={"opinion": "disagree", "comment": "SMT 线已排满，无法提前"})
    assert r.status_code == 200 and r.json()["status"] == "rejected"
    assert api.get(f"/api/v1/orders/{order['id']}", "sales").json()["requested_date"] == order["requested_date"]
    r = api.post(f"/api/v1/change-requests/{cr['id']}/signatures", "pmc", json={})
    assert r.status_code == 409 and r.json()["code"] == "change.not_pending"


def test_b7_the_requester_cannot_approve_their_own_change_request(api):
    order = approved(api)
    r = api.post("/api/v1/delegations", "admin", json={  # another role: admin's exception (issue 21)
        "deputy": "sales", "principal": "pmc", "role_exception": True, "starts_at": "2026-11-24T09:10:00",
        "ends_at": "2026-11-26T18:00:00", "reason": "休假"})
    assert r.status_code == 201, r.text
    cr = api.post(f"/api/v1/orders/{order['id']}/change-requests", "sales", json={
        "reason": "推迟", "customer_confirmation": "邮件", "requested_date": "2026-12-09"}).json()
    r = api.post(f"/api/v1/change-requests/{cr['id']}/signatures", "sales", json={"on_behalf_of": "pmc"})
    assert r.status_code == 403 and r.json()["code"] == "change.self_approval"
    r = api.post(f"/api/v1/change-requests/{cr['id']}/signatures", "engineering", json={})
    assert r.status_code == 403 and r.json()["code"] == "approval.not_an_approver"
    r = api.post(f"/api/v1/change-requests/{cr['id']}/withdraw", "pmc")
    assert r.status_code == 403
    assert api.post(f"/api/v1/change-requests/{cr['id']}/withdraw", "sales").json()["status"] == "withdrawn"


def test_b5_admin_edits_a_chain_through_the_api(api):
    chains = api.get("/api/v1/approval-chains", "pmc").json()
    urgent = next(c for c in chains if c["code"] == "urgent")
    assert [(s["role"], s["phase"], s["min_amount"]) for s in urgent["steps"]] == [
        ("finance", "review", "200000.00"), ("pmc", "review", None), ("management", "approve", None)]
    body = {"name": urgent["name"], "rank": 10, "urgent_only": True, "version": urgent["version"],
            "steps": [{"stage": 1, "role": "pmc", "name": "生产可行性分析", "phase": "review", "deadline_hours": 2},
                      {"stage": 1, "role": "finance", "name": "预算审核", "phase": "review", "min_amount": "100000"},
                      {"stage": 2, "role": "management", "name": "最终审批", "phase": "approve", "required": 1}]}
    assert api.client.put("/api/v1/approval-chains/urgent", headers=api.as_("pmc"), json=body).status_code == 403
    bad = {**body, "steps": [{**body["steps"][0], "role": "sales"}, body["steps"][2]]}
    r = api.client.put("/api/v1/approval-chains/urgent", headers=api.as_("admin"), json=bad)
    assert r.status_code == 422 and r.json()["fields"] == {"steps.0.role": "role_not_allowed_in_phase"}
    r = api.client.put("/api/v1/approval-chains/urgent", headers=api.as_("admin"), json=body)
    assert r.status_code == 200 and r.json()["steps"][0]["min_amount"] == "100000.00"  # finance
    r = api.client.put("/api/v1/approval-chains/urgent", headers=api.as_("admin"), json=body)
    assert r.status_code == 409 and r.json()["code"] == "stale_version"
    oid = new_order(api)["id"]  # ¥135,000: finance now reviews it too
    assert sign(api, oid, "pmc").json()["order"]["status"] == "submitted"
    assert sign(api, oid, "finance").json()["order"]["status"] == "reviewed"


def test_b5_b7_a_reviewer_who_signed_and_then_presses_approve_is_refused_by_the_table_not_the_chain(api):
    """The transition table's refusal comes first: pmc may never approve, whether or not pmc has
    already signed the review step (found by the lifecycle state machine test)."""
    oid = new_order(api)["id"]
    assert sign(api, oid, "pmc").status_code == 200
    r = api.post(f"/api/v1/orders/{oid}/actions/approve", "pmc", json={})
    assert r.status_code == 403 and r.json()["code"] != "approval.already_signed", r.text
    assert api.get(f"/api/v1/orders/{oid}", "sales").json()["status"] == "reviewed"
