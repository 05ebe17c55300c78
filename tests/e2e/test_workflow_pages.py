"""The review, approval and change-request pages without a browser (A6, B1–B7, H1–H3, M5)."""
from __future__ import annotations

import re
from datetime import date

import pytest

from jidan.services import auth
from jidan.services.approvals import chains as approval_chains


from jidan.services.approvals import letters as confirmations

from jidan.services.orders import intake, views
from jidan.services.approvals import signing
from jidan.services.approvals.signatures import Decision
from jidan.services.orders.intake import NewLine, NewOrder
from tests.support import PASSWORD, web_session

pytestmark = pytest.mark.xdist_group("db")




def golden(ctx, actors, po="HD-2026-0042") -> int:
    return intake.create_order(ctx, actors["sales"], NewOrder(
        "C001", po, date(2026, 12, 1), (NewLine("SCB-200", 300),)))["id"]


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_b1_the_order_page_loads_the_review_panel_and_works_without_javascript(ctx, actors):
    oid = golden(ctx, actors)
    sales, csrf = web_session(ctx, "sales")
    page = sales.get(f"/orders/{oid}").text
    assert f'hx-get="/orders/{oid}/workflow"' in page and f'href="/orders/{oid}/review"' in page
    panel = sales.get(f"/orders/{oid}/workflow").text
    assert 'data-testid="review-not-started"' in panel and "生产可行性分析" in panel and "<html" not in panel
    r = sales.post(f"/orders/{oid}/review/open", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/orders/{oid}/review?done=opened"
    page = sales.get(r.headers["location"]).text
    assert "评审已发起" in page and 'data-testid="feasibility"' in page and "不影响其他订单最早完工" in page
    assert 'data-testid="sign-form"' not in page  # sales does not sign their own order


def test_b7_signing_in_the_page_needs_the_token_and_a_right_password(ctx, actors, clock):
    oid = golden(ctx, actors)
    pmc, csrf = web_session(ctx, "pmc")
    assert 'data-testid="sign-form"' in pmc.get(f"/orders/{oid}/review").text
    form = {"opinion": "agree_with_conditions", "comment": "SMT2 加班两晚", "suggested_date": "2026-12-02"}
    assert pmc.post(f"/orders/{oid}/review/sign", data=form).status_code == 403  # no CSRF token
    clock.advance(minutes=30)  # the login is no longer fresh
    r = pmc.post(f"/orders/{oid}/review/sign", data={**form, "csrf_token": csrf})
    assert r.status_code == 422 and 'data-error-code="approval.signature_required"' in r.text
    assert "签署需要重新输入密码" in r.text and "SMT2 加班两晚" in r.text  # what was typed stays
    r = pmc.post(f"/orders/{oid}/review/sign", data={**form, "csrf_token": csrf, "password": "wrong"})
    assert r.status_code == 422 and "密码错误" in r.text
    r = pmc.post(f"/orders/{oid}/review/sign", data={**form, "csrf_token": csrf, "password": PASSWORD},
                 follow_redirects=False)
    assert r.status_code == 303
    page = text_of(pmc.get(f"/orders/{oid}/review").text)
    assert "有条件同意 pmc" in page and "密码签署" in page and "建议交期 2026-12-02" in page
    assert views.get_order(ctx, actors["sales"], oid)["status"] == "reviewed"


def test_m5_the_printable_review_record_carries_the_form_title_the_opinions_and_急单(ctx, actors):
    oid = golden(ctx, actors)
    signing.sign(ctx, actors["pmc"], oid, Decision(comment="可以做"))
    signing.sign(ctx, actors["management"], oid, Decision(comment="批准"))
    sales, _ = web_session(ctx, "sales")
    html = sales.get(f"/orders/{oid}/review/print").text
    assert "<h1>紧急订单评审记录表</h1>" in html
    assert re.search(r'<div class="urgent-mark"[^>]*>急单</div>', html)
    assert "@media print" in sales.get("/static/print.css").text
    opinions = text_of(re.search(r'data-testid="print-opinions">(.*?)</table>', html, re.S).group(1))
    assert "PMC" in opinions and "同意" in opinions and "可以做" in opinions and "批准" in opinions
    assert "最终审批通过" in text_of(html)
    [letter] = confirmations.letters(ctx, actors["sales"], oid)
    printed = sales.get(f"/orders/{oid}/letters/{letter['id']}").text
    assert "确 认 函" in printed and "承诺交货日期：2026-12-01" in printed


def test_a6_sales_sends_the_letter_from_the_panel(ctx, actors):
    oid = golden(ctx, actors)
    signing.sign(ctx, actors["pmc"], oid, Decision())
    signing.sign(ctx, actors["management"], oid, Decision())
    sales, csrf = web_session(ctx, "sales")
    panel = sales.get(f"/orders/{oid}/workflow").text
    letter_id = re.search(rf'action="/orders/{oid}/letters/(\d+)/send"', panel).group(1)
    r = sales.post(f"/orders/{oid}/letters/{letter_id}/send", data={"csrf_token": csrf, "to": "bad address"})
    assert r.status_code == 422 and "邮件地址有误" in r.text
    r = sales.post(f"/orders/{oid}/letters/{letter_id}/send", data={"csrf_token": csrf, "to": "buyer@c001.example.com"},
                   follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("done=sent")
    assert 'data-testid="letter-sent"' in sales.get(f"/orders/{oid}/workflow").text


def test_b1_the_approvals_page_lists_what_waits_for_me_with_the_urgent_badge(ctx, actors):
    oid = golden(ctx, actors)
    pmc, _ = web_session(ctx, "pmc")
    page = pmc.get("/approvals").text
    row = re.search(r'<tr class="is-urgent" data-order="[^"]+" data-kind="review">.*?</tr>', page, re.S).group(0)
    assert 'data-testid="urgent-badge">急</span>' in row and f"/orders/{oid}/review" in row
    assert 'data-testid="nav-approvals"' in page
    assert "没有等待您审批的事项" in web_session(ctx, "quality")[0].get("/approvals").text


def test_h1_h3_sales_requests_a_change_in_a_form_and_pmc_approves_it_in_the_page(ctx, actors):
    oid = golden(ctx, actors)
    signing.sign(ctx, actors["pmc"], oid, Decision())
    signing.sign(ctx, actors["management"], oid, Decision())
    sales, csrf = web_session(ctx, "sales")
    form = sales.get(f"/orders/{oid}/changes/new").text
    assert 'value="2026-12-01"' in form and "SCB-200" in form
    data = {"csrf_token": csrf, "requested_date": "2026-12-08", "special_requirements": "", "reason": "",
            "customer_confirmation": "", "product": ["SCB-200", ""], "quantity": ["300", ""], "unit_price": ["450.00", ""]}
    r = sales.post(f"/orders/{oid}/changes/new", data=data)
    assert r.status_code == 422 and 'id="err-reason"' in r.text and 'value="2026-12-08"' in r.text
    data.update(reason="客户产线推迟", customer_confirmation="张经理 11-24 电话确认")
    r = sales.post(f"/orders/{oid}/changes/new", data=data, follow_redirects=False)
    assert r.status_code == 303
    change_url = r.headers["location"]
    page = sales.get(change_url).text
    assert "待评审" in page and 'data-testid="sign-form"' not in page and 'data-action="withdraw"' in page
    assert re.search(r'<td class="changed">2026-12-08</td>', page)
    pmc, pmc_csrf = web_session(ctx, "pmc")
    r = pmc.post(change_url + "/sign", data={"csrf_token": pmc_csrf, "opinion": "agree", "password": PASSWORD},
                 follow_redirects=False)
    assert r.status_code == 303
    page = pmc.get(change_url).text
    assert "已批准" in page and "已生效：订单第 2 版" in page
    printed = pmc.get(change_url + "/print").text
    assert "<h1>变更申请表</h1>" in printed and "急单" in printed and "张经理 11-24 电话确认" in printed
    assert views.get_order(ctx, actors["sales"], oid)["requested_date"] == "2026-12-08"


def test_b5_admin_edits_a_chain_in_the_page_and_others_only_read_it(ctx, actors):
    pmc, pmc_csrf = web_session(ctx, "pmc")
    page = pmc.get("/workflow/chains").text
    assert "紧急订单评审" in page and 'data-action="save-chain"' not in page
    admin, csrf = web_session(ctx, "admin")
    page = admin.get("/workflow/chains").text
    version = re.search(r'data-chain="urgent">.*?name="version" value="(\d+)"', page, re.S).group(1)
    data = {"csrf_token": csrf, "version": version, "name": "紧急订单评审", "rank": "10", "chain_min_amount": "",
            "chain_urgent_only": "on", "active": "on",
            "stage": ["1", "1", "2", ""], "role": ["pmc", "finance", "management", ""],
            "step_name": ["生产可行性分析", "预算审核", "最终审批", ""], "phase": ["review", "review", "approve", "review"],
            "required": ["2", "1", "1", "1"], "step_min_amount": ["", "100000", "", ""],
            "deadline_hours": ["2", "4", "4", ""]}
    assert pmc.post("/workflow/chains/urgent", data={**data, "csrf_token": pmc_csrf}).status_code == 403
    bad = {**data, "role": ["sales", "finance", "management", ""]}
    r = admin.post("/workflow/chains/urgent", data=bad)
    assert r.status_code == 422 and "该部门不能参与此类审批" in r.text
    r = admin.post("/workflow/chains/urgent", data=data, follow_redirects=False)
    assert r.status_code == 303
    urgent = next(c for c in approval_chains.list_chains(ctx, actors["admin"]) if c["code"] == "urgent")
    assert [(s["role"], s["required"], s["min_amount"]) for s in urgent["steps"]] == [
        ("finance", 1, "100000.00"), ("pmc", 2, None), ("management", 1, None)]


def test_b7_an_approver_names_a_deputy_in_the_page(ctx, actors):
    boss, csrf = web_session(ctx, "management")
    r = boss.post("/workflow/delegations", data={"csrf_token": csrf, "deputy": "management", "starts_at": "2026-11-24T10:00",
                                                  "ends_at": "2026-11-27T18:00"})
    assert r.status_code == 422 and "不能指定自己为代理人" in r.text
    r = boss.post("/workflow/delegations", data={"csrf_token": csrf, "deputy": "manufacturing",
                                                  "starts_at": "2026-11-24T10:00", "ends_at": "2026-11-27T18:00",
                                                  "reason": "出差"})
    assert r.status_code == 422 and "代理人须与被代理人同一部门角色" in r.text  # issue 21: SoD
    auth.add_user(ctx, None, "gm2", "gm2", "management", PASSWORD)
    r = boss.post("/workflow/delegations", data={"csrf_token": csrf, "deputy": "gm2",
                                                  "starts_at": "2026-11-24T10:00", "ends_at": "2026-11-27T18:00",
                                                  "reason": "出差"}, follow_redirects=False)
    assert r.status_code == 303
    listed = text_of(boss.get("/workflow/delegations").text)
    assert "management gm2 2026-11-24 10:00 – 2026-11-27 18:00 出差" in listed


def test_the_review_page_speaks_english_with_lang_en(ctx, actors):
    oid = golden(ctx, actors)
    pmc, _ = web_session(ctx, "pmc")
    page = text_of(pmc.get(f"/orders/{oid}/review?lang=en").text)
    assert "Review record" in page and "Waiting for my approval" not in page
    assert "Password (signature)" in page and "Agree with conditions" in page
