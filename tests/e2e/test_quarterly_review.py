"""The quarterly process review (每季度流程评审, issue 22): figures against the previous quarter,
top causes, and each department's improvements as tracked actions."""
from __future__ import annotations

import re
from datetime import date, datetime

import pytest

from jidan.domain import errors
from jidan.services.improvements import quarterly
from tests.fulfilment_support import released
from tests.support import web_session

pytestmark = pytest.mark.xdist_group("db")


def test_m3_a_quarter_has_its_bounds_its_predecessor_and_its_source_id():
    assert quarterly.parse_quarter("2026-Q4") == (2026, 4)
    assert quarterly.bounds(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarterly.bounds(2027, 1) == (date(2027, 1, 1), date(2027, 3, 31))
    assert quarterly.previous(2027, 1) == (2026, 4) and quarterly.previous(2026, 3) == (2026, 2)
    assert quarterly.source_id(2026, 4) == 20264
    assert quarterly.quarter_of(date(2026, 11, 24)) == (2026, 4)
    for bad in ("2026-Q5", "2026Q4", "26-Q1", "1999-Q1", ""):
        with pytest.raises(errors.ValidationFailed):
            quarterly.parse_quarter(bad)


def test_m3_the_review_compares_the_quarter_with_the_previous_one(ctx, actors, clock):
    released(ctx, actors)  # entered 2026-11-24, due 2026-12-01
    clock.current = datetime(2026, 12, 10, 9, 0)  # the order is late now
    data = quarterly.review(ctx, actors["management"], 2026, 4)
    assert data["quarter"] == "2026-Q4" and data["previous"] == "2026-Q3"
    rows = {r["key"]: r for r in data["comparison"]}
    assert rows["orders"]["this"] == 1 and rows["orders"]["previous"] == 0
    assert rows["orders"]["delta"] == 1 and rows["orders"]["better"] is None
    assert rows["on_time_requested"]["this"] == 0.0 and rows["on_time_requested"]["previous"] is None
    assert rows["on_time_requested"]["delta"] is None
    assert rows["urgent_share"]["this"] == 1.0
    assert rows["missed_deadlines"]["this"] >= 1 and rows["missed_deadlines"]["better"] is False
    assert data["figures"]["period"] == {"start": "2026-10-01", "end": "2026-12-31"}
    assert data["previous_figures"]["orders"] == 0
    with pytest.raises(errors.Forbidden):
        quarterly.review(ctx, actors["sales"], 2026, 4)


def test_m3_m4_the_printable_report_with_charts_tables_and_each_departments_improvements(ctx, actors, clock):
    released(ctx, actors)
    client, csrf = web_session(ctx, "management")
    assert client.get("/reviews/quarterly", follow_redirects=False).headers["location"] == "/reviews/quarterly/2026-Q4"
    page = client.get("/reviews/quarterly/2026-Q4")
    assert page.status_code == 200, page.text
    text = page.text
    assert "<title>每季度流程评审 2026-Q4</title>" in text and "/static/print.css" in text
    for name in ("on_time", "causes", "departments", "capacity"):
        assert f'data-chart="{name}"' in text
    assert '/static/vendor/echarts/echarts.min.js' in text and 'id="chart-data"' in text
    assert 'data-testid="table-comparison"' in text and "2026-Q3" in text
    assert 'data-testid="add-quality"' in text and 'data-testid="add-pmc"' in text

    # quality's improvement, entered in its form; a bad one comes back with its field marked
    owner = actors["quality"].user_id
    bad = client.post("/reviews/quarterly/2026-Q4/actions", data={
        "csrf_token": csrf, "department": "quality", "text": "首件检验", "owner_id": str(owner), "due": "2026-01-05"})
    assert bad.status_code == 422 and "日期不能早于今天" in bad.text
    done = client.post("/reviews/quarterly/2026-Q4/actions", data={
        "csrf_token": csrf, "department": "quality", "text": "首件检验增加贴片偏移检查",
        "owner_id": str(owner), "due": "2026-12-18"}, follow_redirects=False)
    assert done.status_code == 303 and done.headers["location"].endswith("#dept-quality")
    page = client.get("/reviews/quarterly/2026-Q4").text
    row = re.search(r'<tr data-action="(\d+)">.*?</tr>', page, re.S)
    assert row and "首件检验增加贴片偏移检查" in row.group(0) and "进行中" in row.group(0) and "2026-12-18" in row.group(0)
    assert "Quarterly process review" in client.get("/reviews/quarterly/2026-Q4?lang=en").text

    # the owner completes it from the report; another department sees only its own form
    quality, qcsrf = web_session(ctx, "quality")
    mine = quality.get("/reviews/quarterly/2026-Q4").text
    assert 'data-testid="table-comparison"' not in mine and 'data-testid="add-quality"' in mine
    assert 'data-testid="add-pmc"' not in mine
    action_id = row.group(1)
    r = quality.post(f"/reviews/quarterly/2026-Q4/actions/{action_id}/complete",
                     data={"csrf_token": qcsrf, "version": "1", "note": "已加入检验表"}, follow_redirects=False)
    assert r.status_code == 303
    assert "已完成" in quality.get("/reviews/quarterly/2026-Q4").text
    stale = quality.post(f"/reviews/quarterly/2026-Q4/actions/{action_id}/complete",
                         data={"csrf_token": qcsrf, "version": "1", "note": "again"})
    assert stale.status_code == 409
    sales, scsrf = web_session(ctx, "sales")
    assert sales.post("/reviews/quarterly/2026-Q4/actions", data={
        "csrf_token": scsrf, "department": "quality", "text": "x", "owner_id": str(owner),
        "due": "2026-12-18"}).status_code == 403
    assert client.get("/reviews/quarterly/2026-Q9").status_code == 422


@pytest.mark.browser
def test_m3_management_opens_the_quarterly_review_in_chromium_with_its_charts(web_page, demo_ctx):
    from tests.e2e.browser import browser_login

    page = web_page
    page.set_default_timeout(20000)  # two quarters of figures on a busy test machine
    browser_login(page, "management")
    page.wait_for_url("**/dashboard")
    year, n = quarterly.quarter_of(demo_ctx.now().date())
    page.goto("/reviews/quarterly")
    page.wait_for_url(f"**/reviews/quarterly/{year}-Q{n}")
    assert page.title() == f"每季度流程评审 {year}-Q{n}"
    for name in ("on_time", "causes", "departments", "capacity"):
        page.wait_for_selector(f"[data-testid=chart-{name}] canvas", timeout=20000)
    assert page.locator("[data-testid=table-comparison] tbody tr").count() == len(quarterly.COMPARED)
    assert page.locator("[data-testid=rev-improvements] form.rev-form").count() >= 10
    page.emulate_media(media="print")
    assert not page.locator("form.rev-form").first.is_visible()  # the forms stay off the paper
