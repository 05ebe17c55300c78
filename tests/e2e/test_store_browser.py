"""The store's and the supplier's part of the urgent replenishment in a real browser (K1, K3):
each logs in, lands on its own home and does the step that waits on it."""
from __future__ import annotations

import pytest

from tests.e2e.browser import browser_login, browser_logout

pytestmark = pytest.mark.browser


def test_k1_the_receiving_supervisor_raises_and_the_store_manager_approves_from_his_home(web_page):
    page = web_page
    browser_login(page, "store_receiving")
    page.wait_for_url("**/store")
    page.click("[data-testid=new-requisition]")
    page.select_option("select[name='lines.0.item']", "SNS-300")
    page.fill("input[name='lines.0.quantity']", "30")
    page.fill("input[name='lines.0.store_stock']", "2")
    page.fill("textarea[name=note]", "团购订单，浏览器测试")
    page.click("text=提交店长审批")
    page.wait_for_url("**/store/requisitions/*")
    assert page.locator("[data-testid=requisition-status]").inner_text() == "待店长审批"
    number = page.locator("h1 .mono").inner_text()
    browser_logout(page)

    browser_login(page, "store")
    page.wait_for_url("**/store")
    waiting = page.locator("[data-testid=waiting]")
    assert number in waiting.inner_text()
    waiting.locator(f"a:text('{number}')").click()
    page.wait_for_url("**/store/requisitions/*")
    assert "●" in page.locator("[data-testid=steps]").inner_text()
    page.click("[data-testid=form-approve] button")
    page.wait_for_url("**/store/requisitions/*")
    assert page.locator("[data-testid=requisition-status]").inner_text() == "待总部答复"
    page.click("[data-testid=doc-requisition]")
    assert page.locator("[data-testid=print-title]").inner_text() == "紧急请配单"


def test_k3_the_supplier_sees_its_own_requisition_at_home_and_delivers_it(web_page):
    page = web_page
    browser_login(page, "supplier")
    page.wait_for_url("**/supplier")
    waiting = page.locator("[data-testid=waiting]")
    row = waiting.locator("tbody tr").first
    assert "待供应商送货" in row.inner_text()
    row.locator("a").first.click()
    page.wait_for_url("**/store/requisitions/*")
    page.click("[data-testid=form-deliver] button")
    page.wait_for_url("**/store/requisitions/*")
    assert page.locator("[data-testid=requisition-status]").inner_text() == "待门店验收签收"
    assert page.locator("[data-testid=doc-delivery_note]").is_visible()
    url = page.url
    browser_logout(page)

    browser_login(page, "pcb_supplier")  # another supplier: not its requisition
    page.wait_for_url("**/supplier")
    assert page.locator("[data-testid=waiting]").count() == 0
    answer = page.goto(url)
    assert answer.status == 404
