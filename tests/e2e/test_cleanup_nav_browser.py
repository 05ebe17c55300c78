"""The top bar on a tablet and a desktop: one line for every role, the areas under 更多 (E1, without script)."""
from __future__ import annotations

import pytest

from tests.e2e.browser_conftest import (  # noqa: F401  (fixtures are found by name)
    ARTIFACTS,
    browser_login,
    chromium,
    demo_ctx,
    live_server,
)

pytestmark = pytest.mark.browser

#: role → a page of its area that sits under 更多, by its link text.
AREA_LINK = {"pmc": "生产计划", "manufacturing": "工作中心", "admin": "应急组织", "management": "订单应急"}
#: What must stand on the bar's one line.
ONE_LINE = "header.topbar > .brand, .nav > a, .nav > details, header.topbar .user > *"


@pytest.mark.parametrize("width", [768, 1280])
@pytest.mark.parametrize("role", sorted(AREA_LINK))
def test_e1_the_top_bar_keeps_to_one_line_and_opens_更多_without_script(chromium, live_server, role, width):
    context = chromium.new_context(base_url=live_server, locale="zh-CN", java_script_enabled=False,
                                   viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(5000)
    try:
        browser_login(page, role)
        page.wait_for_url("**/orders")
        bar = page.locator("header.topbar").bounding_box()
        tops = page.evaluate("""selector => [...document.querySelectorAll(selector)]
                                .filter(e => e.offsetParent).map(e => e.getBoundingClientRect())
                                .map(r => Math.round(r.top + r.height / 2))""", ONE_LINE)
        assert bar["height"] < 70 and max(tops) - min(tops) <= 4, (bar, tops)
        menu_link = page.locator(".nav-more .nav-menu a", has_text=AREA_LINK[role])
        assert not menu_link.is_visible()
        page.click(".nav-more > summary")
        assert menu_link.is_visible()
        ARTIFACTS.mkdir(exist_ok=True)
        page.screenshot(path=str(ARTIFACTS / f"nav-{role}-{width}.png"))
        menu_link.click()
        page.wait_for_load_state()
        assert page.locator(".nav-more .nav-menu a[aria-current=page]").count() == 1
    finally:
        context.close()
