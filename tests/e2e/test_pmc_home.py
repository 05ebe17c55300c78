"""pmc's home (issue 22, M3, C2): orders to review and plan, urgent and oldest first; the load per
work center for the next two weeks from the plan in force, the bottleneck marked."""
from __future__ import annotations

from datetime import date

import pytest

from jidan.domain import errors
from jidan.services import planning
from jidan.services.orders import intake, lifecycle
from jidan.services.orders.intake import NewLine, NewOrder
from jidan.services.planning import workload
from tests.support import web_session

pytestmark = pytest.mark.xdist_group("db")


def order(ctx, actors, customer, product, qty, due, clock, minutes=10):
    clock.advance(minutes=minutes)
    po = f"PO-{clock.current:%H%M}"
    return intake.create_order(ctx, actors["sales"], NewOrder(customer, po, due, (NewLine(product, qty),)))["id"]


def test_m3_pmc_sees_orders_to_review_and_plan_urgent_then_oldest_first(ctx, actors, clock):
    calm_old = order(ctx, actors, "C002", "P002", 20, date(2027, 3, 1), clock)
    urgent_new = order(ctx, actors, "C001", "SCB-200", 300, date(2026, 12, 1), clock)
    approved = order(ctx, actors, "C002", "P002", 10, date(2027, 3, 2), clock)
    lifecycle.act(ctx, actors["pmc"], approved, "review")
    lifecycle.act(ctx, actors["management"], approved, "approve")
    reviewed_only = order(ctx, actors, "C002", "P002", 5, date(2027, 3, 3), clock)
    lifecycle.act(ctx, actors["pmc"], reviewed_only, "review")  # waits on management, not pmc

    waiting = workload.waiting_orders(ctx, actors["pmc"])
    assert [o["id"] for o in waiting] == [urgent_new, calm_old, approved]
    assert [o["to_do"] for o in waiting] == ["review", "review", "plan"]
    with pytest.raises(errors.Forbidden):
        workload.waiting_orders(ctx, actors["sales"])


def test_m3_c2_the_load_for_two_weeks_comes_from_the_plan_in_force_with_the_bottleneck(ctx, actors, clock):
    oid = order(ctx, actors, "C001", "SCB-200", 300, date(2026, 12, 1), clock)
    empty = workload.load_ahead(ctx, actors["pmc"])
    assert empty["run_id"] is None and empty["bottleneck"] is None and len(empty["days"]) == 14
    lifecycle.act(ctx, actors["pmc"], oid, "review")
    lifecycle.act(ctx, actors["management"], oid, "approve")
    run = planning.propose_full(ctx, actors["pmc"], time_limit=0.2)
    planning.accept(ctx, actors["pmc"], run["id"])

    load = workload.load_ahead(ctx, actors["pmc"])
    assert load["run_id"] == run["id"] and load["days"][0] == "2026-11-24" and len(load["week_starts"]) == 2
    rows = {r["work_center"]: r for r in load["work_centers"]}
    assert set(rows) == {"SMT1", "SMT2", "ASM1"}
    # 300 × 1.2 min of assembly and 300 × 0.6 min of SMT (+ set-up) are booked, in working hours only
    assert sum(rows["ASM1"]["booked"]) == 360
    assert sum(rows["SMT1"]["booked"]) + sum(rows["SMT2"]["booked"]) == 210
    # Tuesday from the plan's origin (after 09:10) to 22:00 less the breaks; Wednesday all three shifts; Saturday closed
    assert 600 < rows["ASM1"]["open"][0] < 660 and rows["ASM1"]["open"][1] == 720 and rows["ASM1"]["open"][4] == 0
    assert load["bottleneck"] == "ASM1" and load["week_bottlenecks"] == ["ASM1", None]
    assert rows["ASM1"]["utilisation"] == round(360 / sum(rows["ASM1"]["open"]), 3)


def test_m3_pmc_lands_on_its_home_with_the_load_chart_and_its_table(ctx, actors, clock):
    oid = order(ctx, actors, "C001", "SCB-200", 300, date(2026, 12, 1), clock)
    client, _ = web_session(ctx, "pmc")
    assert client.get("/", follow_redirects=False).headers["location"] == "/pmc"
    page = client.get("/pmc")
    assert page.status_code == 200
    assert f'href="/orders/{oid}"' in page.text and "生产可行性评审" in page.text
    assert 'data-chart="load"' in page.text and 'data-testid="table-load"' in page.text
    assert '/static/vendor/echarts/echarts.min.js' in page.text
    assert "Orders to review and plan" in client.get("/pmc?lang=en").text
    sales, _ = web_session(ctx, "sales")
    assert sales.get("/pmc").status_code == 403


@pytest.mark.browser
def test_m3_pmc_logs_in_and_lands_on_its_home_in_chromium(web_page):
    from tests.e2e.browser import browser_login

    page = web_page
    browser_login(page, "pmc")
    page.wait_for_url("**/pmc")
    assert page.locator("[data-testid=pmc-waiting] h2").inner_text().startswith("待评审、待排产的订单")
    rows = page.locator("[data-testid=table-load] tbody tr")
    assert rows.count() >= 1
    assert page.locator("[data-testid=table-load] tbody tr[data-bottleneck=true]").count() == 1
    page.wait_for_selector("[data-testid=chart-load] canvas", timeout=20000)  # drawn by the vendored ECharts
    first = page.locator("[data-testid=pmc-waiting] tbody tr a").first  # the demo has orders waiting
    href = first.get_attribute("href")
    first.click()
    page.wait_for_url(f"**{href}")
