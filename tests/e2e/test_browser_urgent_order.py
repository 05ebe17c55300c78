"""The urgent order in a real browser: sales enters it, PMC reviews, management approves (A1–A3, B4, B5)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.e2e.browser import ARTIFACTS, DEMO_PASSWORD, browser_login, browser_logout, home_of

pytestmark = pytest.mark.browser

PRODUCT = "SCB-200"  # the demo's servo control board, standard lead time 12 days


def _press(page, action: str) -> None:
    page.click(f"button[data-action='{action}']")
    page.wait_for_url(f"**/orders/*?done={action}")


def test_a3_sales_creates_urgent_order_and_management_approves_in_browser(web_page, demo_ctx):
    page = web_page
    due = (demo_ctx.now().date() + timedelta(days=2)).isoformat()

    browser_login(page, "sales")
    page.wait_for_url(f"**{home_of('sales')}")  # sales lands on what waits on it (issue 24)
    page.click("nav >> text=新建订单")
    page.select_option("select[name=customer]", "C002")
    page.fill("input[name=customer_po]", "WEB-A3-0001")
    page.fill("input[name=requested_date]", due)
    page.fill("textarea[name=special_requirements]", "客户来电：两天内交货")
    page.locator("select[name=product]").first.select_option(PRODUCT)
    page.locator("input[name=quantity]").first.fill("50")
    page.click("text=提交订单")

    page.wait_for_url("**/orders/*")
    badge = page.locator("h1 [data-testid=urgent-badge]")
    assert badge.inner_text() == "急" and badge.is_visible()
    assert page.locator("h1 .mono").inner_text().startswith("SO-")
    assert "要求交期短于标准交期" in page.locator(".reasons").inner_text()
    assert page.locator(".pills [data-testid=status]").inner_text() == "已提交"
    assert page.locator(".actions-card button[data-action]").all_inner_texts() == ["取消订单"]  # not her own review (B7)
    page.locator("#workflow-panel [data-testid=workflow-panel]").wait_for()  # htmx loaded the review panel
    assert page.locator("#workflow-panel [data-testid=sign-form]").count() == 0
    assert page.locator("#workflow-panel button[data-action=open-review]").is_visible()  # sales convenes it
    order_url = page.url
    number = page.locator("h1 .mono").inner_text()

    ARTIFACTS.mkdir(exist_ok=True)
    page.goto("/orders?q=WEB-A3-0001")
    row = page.locator(f"tr[data-order='{number}']")
    assert row.locator("[data-testid=urgent-badge]").inner_text() == "急"
    assert "加急" in row.inner_text() and PRODUCT in row.inner_text()
    page.screenshot(path=str(ARTIFACTS / "order-list.png"), full_page=True)

    browser_logout(page)
    browser_login(page, "pmc")
    page.goto(order_url)
    assert page.locator("button[data-action=approve]").count() == 0
    # PMC signs its step of the review record in the panel htmx loads: with conditions, password. [B1, B4, B7]
    form = page.locator("#workflow-panel [data-testid=sign-form]")
    form.locator("input[value=agree_with_conditions]").check()
    form.locator("textarea[name=comment]").fill("SMT 线 2 加班两晚")
    form.locator("input[name=password]").fill(DEMO_PASSWORD)
    form.locator("button[data-action=sign]").click()
    page.wait_for_url("**/review?done=signed")
    assert page.locator("[data-step='1.pmc'] [data-opinion=agree_with_conditions]").is_visible()
    assert "密码签署" in page.locator("[data-step='1.pmc']").inner_text()
    page.goto(order_url)
    assert page.locator(".pills [data-testid=status]").inner_text() == "已评审"

    browser_logout(page)
    browser_login(page, "management")
    page.goto(order_url)
    _press(page, "approve")
    assert page.locator(".pills [data-testid=status]").inner_text() == "已批准"
    assert page.locator(".alert-ok").inner_text() == "操作成功：批准"
    timeline = page.locator(".timeline li")
    assert [timeline.nth(i).get_attribute("data-action") for i in range(timeline.count())] == [
        "create", "review", "approve"]
    assert "PMC 计划员 陈" in timeline.nth(1).inner_text() and "已提交 → 已评审" in timeline.nth(1).inner_text()
    assert page.locator(".progress .current").inner_text() == "已批准"
    page.locator("#workflow-panel [data-testid=review-decision]").wait_for()
    assert "最终审批通过" in page.locator("#workflow-panel [data-testid=review-decision]").inner_text()
    page.screenshot(path=str(ARTIFACTS / "order-page.png"), full_page=True)
    page.click("#workflow-panel [data-testid=print-review]")  # 紧急订单评审记录表, printable [M5]
    assert page.locator("h1").inner_text() == "紧急订单评审记录表"
    assert page.locator("[data-testid=urgent-mark]").inner_text() == "急单"
    page.screenshot(path=str(ARTIFACTS / "review-record.png"), full_page=True)


def test_english_switch_shows_english_labels_and_is_remembered_in_browser(web_page):
    page = web_page
    browser_login(page, "sales")
    page.wait_for_url(f"**{home_of('sales')}")  # sales lands on what waits on it (issue 24)
    page.goto("/orders")
    nav = page.locator("nav").inner_text().split()
    assert nav[:2] == ["订单", "新建订单"] and "审批" in nav and "API" not in nav  # the API link: admin, pmc, purchasing

    page.click("a.lang")
    assert page.locator("h1").inner_text() == "Orders"
    assert "New order" in page.locator("nav").inner_text()
    assert page.locator("form[action='/logout'] button").inner_text() == "Log out"
    assert "All states" in page.locator("#f-status").inner_text()

    page.goto("/orders/new")  # the choice is kept in the jidan_lang cookie
    assert page.locator("h1").inner_text() == "New order"
    assert page.locator("button.btn-lg").inner_text() == "Submit order"
    page.click("a.lang")
    assert page.locator("h1").inner_text() == "新建订单"


def test_wrong_password_shows_the_translated_error_in_browser(web_page):
    page = web_page
    page.goto("/login")
    page.fill("input[name=username]", "sales")
    page.fill("input[name=password]", "wrong")
    with page.expect_response(lambda r: r.url.endswith("/login") and r.request.method == "POST") as answer:
        page.click("form[action='/login'] button[type=submit]")
    assert answer.value.status == 401
    assert page.locator(".alert-error").inner_text() == "用户名或密码错误"
    assert page.locator("input[name=username]").input_value() == "sales"


def test_a3_urgent_only_filter_updates_the_table_in_place_in_browser(web_page):
    page = web_page
    browser_login(page, "pmc")
    page.wait_for_url("**/pmc")  # pmc's home (issue 22); the list is one click away
    page.goto("/orders")
    page.evaluate("window.notReloaded = true")
    all_rows = page.locator("table.orders tbody tr").count()
    with page.expect_response(lambda r: "/orders/table?" in r.url and "urgent=1" in r.url):
        page.check("#f-urgent")
    page.wait_for_url("**/orders?urgent=1")
    rows = page.locator("table.orders tbody tr")
    assert 0 < rows.count() < all_rows
    assert rows.count() == page.locator("table.orders tbody tr.is-urgent [data-testid=urgent-badge]").count()
    assert page.evaluate("window.notReloaded") is True  # htmx swapped the table, the page stayed
