"""In the browser (J1, issue 23): management declares an emergency from the emergency organisation
page, signed by its fresh login, and another role sees the banner on its own pages."""
from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.e2e.browser import browser_login

pytestmark = pytest.mark.browser


def test_j1_management_declares_and_the_banner_shows_on_pmcs_pages(web_page, chromium, live_server, demo_ctx):
    page = web_page
    browser_login(page, "management")
    page.wait_for_load_state()
    page.goto("/emergency-organisation")
    form = page.locator("[data-testid=emergency-declare]")
    form.locator("select[name=cause]").select_option("system_failure")
    form.locator("select[name=scope]").select_option("company")
    end = (demo_ctx.now() + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M")
    form.locator("input[name=expected_end_at]").fill(end)
    form.locator("textarea[name=description]").fill("ERP 服务器宕机，手工接单。")
    form.locator("button[type=submit]").click()
    page.wait_for_url("**/emergency-organisation*")
    assert page.locator("[data-testid=emergency-current]").is_visible()
    assert page.locator("[data-testid=emergency-banner]").get_attribute("data-status") == "in_force"

    other = chromium.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 1280, "height": 900})
    try:
        pmc = other.new_page()
        pmc.set_default_timeout(5000)
        browser_login(pmc, "pmc")
        pmc.wait_for_load_state()
        pmc.goto("/planning")
        banner = pmc.locator("[data-testid=emergency-banner]")
        assert banner.is_visible() and "系统故障" in banner.inner_text()
        assert datetime.fromisoformat(end).strftime("%Y-%m-%d %H:%M") in banner.inner_text()
    finally:
        other.close()
