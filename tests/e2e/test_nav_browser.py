"""The top bar on a tablet and a desktop: one line for every role, the areas under 更多, without script."""
from __future__ import annotations

import pytest

from tests.e2e.browser import DEMO_PASSWORD, browser_login, home_of

pytestmark = pytest.mark.browser
WIDTHS = (768, 1280)
#: user → a page of its area that sits under 更多, by its link text.
AREA_LINK = {"pmc": "生产计划", "manufacturing": "工作中心", "admin": "应急组织", "management": "订单应急"}
#: What must stand on the bar's one line.
ONE_LINE = "header.topbar > .brand, .nav > a, .nav > details, header.topbar .user > *"
CENTRES = """selector => [...document.querySelectorAll(selector)].filter(e => e.offsetParent)
             .map(e => e.getBoundingClientRect()).map(r => Math.round(r.top + r.height / 2))"""


@pytest.fixture
def bare_page(chromium, live_server, request):
    """A page with JavaScript off: the menu must work as plain HTML."""
    width = request.node.callspec.params["width"]
    context = chromium.new_context(base_url=live_server, locale="zh-CN", java_script_enabled=False,
                                   viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(5000)
    yield page
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("user", sorted(AREA_LINK))
def test_e1_the_top_bar_keeps_to_one_line_and_opens_更多_without_script(bare_page, user, width):
    page = bare_page
    browser_login(page, user, DEMO_PASSWORD)
    page.wait_for_url(f"**{home_of(user)}")
    centres = page.evaluate(CENTRES, ONE_LINE)
    assert page.evaluate("document.querySelector('header.topbar').offsetHeight") < 70
    assert max(centres) - min(centres) <= 4, centres
    menu_link = page.locator(".nav-more .nav-menu a", has_text=AREA_LINK[user])
    assert not menu_link.is_visible()
    page.click(".nav-more > summary")
    assert menu_link.is_visible()
    menu_link.click()
    page.wait_for_load_state()
    assert page.locator(".nav-more .nav-menu a[aria-current=page]").count() == 1
