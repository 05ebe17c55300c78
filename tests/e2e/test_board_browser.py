"""The planning board in chromium (issue 24): labels on bars, the focal order's chain highlighted
and the rest toned down, the load chart with its bottleneck, details on click (and tap)."""
from __future__ import annotations

import pytest

from tests.e2e.browser import browser_login

pytestmark = pytest.mark.browser


def test_c2_c4_the_board_labels_bars_highlights_an_order_draws_the_load_and_opens_details_on_click(web_page):
    page = web_page
    browser_login(page, "pmc")
    page.wait_for_load_state()
    page.goto("/planning")
    bar = page.locator(".gantt-bar").first
    order, start = bar.get_attribute("data-order"), bar.get_attribute("data-start")[:10]
    page.goto(f"/planning?zoom=day&start={start}&focus={order}")
    assert page.locator(".gantt-bar-text").count() > 0, "some bar carries its label"
    label_box = page.locator(".gantt-bar-text").first.bounding_box()
    own_box = page.locator(".gantt-bar-text").first.locator("xpath=..").locator("rect").first.bounding_box()
    assert label_box["x"] + label_box["width"] <= own_box["x"] + own_box["width"] + 1, "the label fits its bar"
    focal = page.locator(f'.gantt-bar.focal[data-order="{order}"]')
    assert focal.count() >= 1 and page.locator(".gantt-bar.dim").count() == (
        page.locator(".gantt-bar").count() - page.locator(".gantt-bar.focal").count())
    assert float(page.locator(".gantt-bar.dim").first.evaluate("e => getComputedStyle(e).opacity")) < 0.5 \
        if page.locator(".gantt-bar.dim").count() else True
    load = page.get_by_test_id("load-chart")
    assert load.is_visible() and load.get_attribute("data-bottleneck")
    assert page.locator(".load-row.bottleneck").count() == 1 and "▲" in page.locator(".load-row.bottleneck").text_content()
    detail = page.get_by_test_id("bar-detail")
    assert not detail.is_visible()
    focal.first.click()
    assert detail.is_visible() and order in detail.locator("h3").text_content()
    assert detail.locator('[data-field="link"]').get_attribute("href").startswith("/orders/")
    page.keyboard.press("Escape")
    assert not detail.is_visible()
    focal.first.dispatch_event("click")  # a tap is a click without a hover before it
    assert detail.is_visible()


def test_c7_the_what_if_form_suggests_orders_as_pmc_types_and_picks_work_centers_by_name(web_page):
    page = web_page
    browser_login(page, "pmc")
    page.wait_for_load_state()
    page.goto("/planning")
    box = page.get_by_test_id("whatif-order")
    box.click()
    box.type("SO", delay=30)
    options = page.locator("#whatif-orders option")
    options.first.wait_for(state="attached")
    assert 1 <= options.count() <= 20 and all("SO" in v for v in options.evaluate_all("os => os.map(o => o.value)"))
    centers = page.get_by_test_id("whatif-work-center").locator("option")
    assert centers.count() > 1 and " · " in centers.nth(1).inner_text()
