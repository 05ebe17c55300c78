"""Every demo user of the roles with a home of their own logs in and lands on it: what waits on it,
no error page, no request to another host; the floor's board on a touch tablet (issue 24)."""
from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from jidan.services.demo.factory import USERS
from jidan.web.homes import HOMES
from tests.e2e.browser import ARTIFACTS, browser_login, home_of

pytestmark = pytest.mark.browser
#: The roles whose homes this part of issue 24 built (pmc, management, store, supplier: elsewhere).
ROLES = {"sales", "customer_service", "finance", "manufacturing", "quality", "warehouse", "logistics",
         "purchasing", "engineering", "admin"}
DEMO_USERS = [u for u, _, r in USERS if str(r) in ROLES]


@pytest.fixture
def watched(chromium, live_server):
    """A page that records every request it makes, on a 1366×900 screen."""
    context = chromium.new_context(base_url=live_server, locale="zh-CN", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(8000)
    hosts: list[str] = []
    page.on("request", lambda r: hosts.append(urlsplit(r.url).netloc) if r.url.startswith("http") else None)
    yield page, hosts, urlsplit(live_server).netloc
    context.close()


@pytest.mark.parametrize("username", DEMO_USERS)
def test_every_demo_user_lands_on_its_home_with_no_error_and_nothing_from_another_host(watched, username):
    page, hosts, here = watched
    assert set(ROLES) <= set(HOMES)
    browser_login(page, username)
    page.wait_for_url(f"**{home_of(username)}")
    page.wait_for_load_state("networkidle")
    assert page.locator("[data-error-code]").count() == 0 and page.locator("h1").count() >= 1
    assert page.locator("h1").first.inner_text() != "出错了"
    assert set(hosts) == {here}, hosts
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"home-{username}.png"))


def test_the_api_documentation_renders_from_this_host_only(watched):
    page, hosts, here = watched
    browser_login(page, "admin")
    page.wait_for_url(f"**{home_of('admin')}")
    page.click("[data-testid=nav-api-docs]")
    page.locator(".swagger-ui .opblock").first.wait_for(timeout=30000)  # the document is built on first use
    page.goto("/redoc")
    page.locator(".menu-content").first.wait_for(timeout=30000)
    assert set(hosts) == {here}, sorted(set(hosts))


def test_the_floor_tablet_starts_a_task_sees_its_timer_run_and_taps_its_details_open(chromium, live_server):
    context = chromium.new_context(base_url=live_server, locale="zh-CN", has_touch=True, is_mobile=True,
                                   viewport={"width": 1024, "height": 768})
    page = context.new_page()
    page.set_default_timeout(8000)
    try:
        browser_login(page, "manufacturing")
        page.wait_for_url("**/workcenters")
        boards = [a.get_attribute("href") for a in page.locator("a[href^='/workcenters/']").all()]
        for href in boards:
            page.goto(href)
            if page.locator("[data-testid=task] button[data-action=start]").count():
                break
        else:
            pytest.fail("no board has a task to start")
        page.locator("[data-testid=task] button[data-action=start]").first.tap()
        page.wait_for_url("**?done=start*")
        running = page.locator("[data-testid=task]", has=page.locator("[data-testid=timer]")).first
        clock = running.locator("[data-clock]")
        first = clock.inner_text()
        page.wait_for_timeout(1500)
        assert clock.inner_text() != first  # it counts on
        details = running.locator("[data-testid=task-details]")
        details.locator("summary").tap()
        assert details.get_attribute("open") is not None
        assert "本工序物料" in details.inner_text() and "图纸与技术资料" in details.inner_text()
        page.screenshot(path=str(ARTIFACTS / "board-tablet.png"), full_page=True)
    finally:
        context.close()
