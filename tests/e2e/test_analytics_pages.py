"""Management's dashboard and the figures page (issue 22, M3, M4): what they show, in both
languages, to whom; and, in chromium, the charts drawn from the vendored ECharts beside their tables."""
from __future__ import annotations

import re

import pytest

from tests.analytics_support import NOW, hand_made
from tests.e2e.browser import ARTIFACTS, browser_login
from tests.support import web_session


@pytest.fixture
def plant(ctx, actors, clock):
    clock.current = NOW
    return hand_made(ctx, actors)


def test_m3_management_lands_on_its_dashboard_with_every_panel_and_the_orders_linked(ctx, plant):
    client, _ = web_session(ctx, "management")
    assert client.get("/", follow_redirects=False).headers["location"] == "/dashboard"
    html = client.get("/dashboard").text
    for testid in ("at-risk", "chart-trend", "table-trend", "chart-cost", "table-cost", "chart-causes",
                   "table-causes", "chart-departments", "table-departments"):
        assert f'data-testid="{testid}"' in html, testid
    assert "/static/vendor/echarts/echarts.min.js" in html and "cdn" not in html.lower()
    assert re.search(rf'<a href="/orders/{plant["O3"]}"[^>]*>O3</a>', html)  # behind the urgent share
    risk = html.split('data-testid="at-risk"')[1].split("</section>")[0]
    assert "O3" in risk and "已过交期" in risk and "O1" not in risk  # O3 is past 02-10 and not delivered


def test_m3_the_dashboard_shows_an_urgent_order_at_risk_this_week_and_why(ctx, actors, plant, clock):
    clock.current = NOW.replace(month=2, day=9)  # O3 is due 02-10 and still only approved
    client, _ = web_session(ctx, "management")
    html = client.get("/dashboard?lang=en").text
    risk = html.split('data-testid="at-risk"')[1].split("</section>")[0]
    assert "O3" in risk and "Not yet on the floor" in risk and "O1" not in risk


def test_m3_the_figures_page_in_english_with_filters_and_export_links(ctx, plant):
    client, _ = web_session(ctx, "pmc")
    html = client.get("/analytics?start=2026-01-01&end=2026-03-31&urgent=true&lang=en").text
    assert "On-time delivery" in html and "Missed deadlines per department" in html
    assert 'href="/api/v1/analytics/figures.xlsx?start=2026-01-01&amp;end=2026-03-31&amp;urgent=true&amp;lang=en"' in html
    on_time = html.split('data-testid="table-on-time"')[1].split("</table>")[0]
    assert ">O1</a>" in on_time and ">O3</a>" in on_time and ">O2</a>" not in on_time


def test_m3_the_pages_refuse_other_roles_and_bad_filters_in_words(ctx, plant):
    client, _ = web_session(ctx, "sales")
    assert client.get("/dashboard").status_code == 403
    assert client.get("/analytics").status_code == 403
    client, _ = web_session(ctx, "management")
    r = client.get("/analytics?start=2026-03-01&end=2026-01-01")
    assert r.status_code == 422 and "期间不正确" in r.text
    assert client.get("/analytics?customer_id=abc").status_code == 422


@pytest.mark.browser
def test_m3_management_opens_the_dashboard_in_chromium_and_sees_a_chart_and_its_table(web_page):
    page = web_page
    browser_login(page, "management")
    page.wait_for_url("**/dashboard")
    page.locator("[data-chart=trend] canvas").wait_for()
    assert page.locator("[data-chart=trend] canvas").is_visible()
    assert page.locator("[data-chart=causes] canvas").count() == 1
    assert page.locator("[data-testid=table-trend] tbody tr").count() >= 12
    assert page.locator("[data-testid=table-cost]").is_visible()
    page.screenshot(path=str(ARTIFACTS / "dashboard.png"), full_page=True)
    page.click("a.lang")
    page.locator("[data-chart=trend] canvas").wait_for()
    assert page.locator("h1").inner_text() == "Management dashboard"
