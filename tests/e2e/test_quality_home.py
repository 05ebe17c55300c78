"""Quality's home: the inspection points started or finished and not yet inspected, and the final
inspections of orders whose production finished, urgent and oldest first, each with its form
(F1, F2, issue 24)."""
from __future__ import annotations

import pytest

from jidan.services.execution import quality_home
from jidan.web.homes import HOMES
from tests.e2e.execution_support import INSPECTED_PRODUCT, finish_all, released, report, tasks
from tests.support import web_session

pytestmark = pytest.mark.xdist_group("db")


def _inspect(api, oid, **body):
    return api.post(f"/api/v1/orders/{oid}/inspections", "quality", json=body)


def test_f1_quality_lands_on_its_home_listing_the_started_inspection_point_with_a_link_to_its_form(api, ctx):
    assert HOMES["quality"] == "/quality"
    assert api.post("/api/v1/products", "admin", json=INSPECTED_PRODUCT).status_code == 201
    oid = released(api, "ICB-Q1", lines=[{"product": "ICB-100", "quantity": 100}])
    quality, _ = web_session(ctx, "quality")
    home = quality.get("/", follow_redirects=False)
    assert home.headers["location"].endswith("/quality")
    ict = next(t for t in tasks(api, oid) if t["step_seq"] == 20)
    assert f"task_id={ict['id']}" not in quality.get("/quality").text  # not started: nothing to inspect yet
    for t in tasks(api, oid):
        if t["step_seq"] == 10:
            assert report(api, t["id"], "start").status_code == 200
            assert report(api, t["id"], "finish").status_code == 200
    assert report(api, ict["id"], "start").status_code == 200
    page = quality.get("/quality")
    assert page.status_code == 200 and "待检验" in page.text and "工序检验" in page.text
    form = f'/orders/{oid}/inspections/new?stage=in_process&amp;task_id={ict["id"]}'
    assert form in page.text and "ICT 在线测试" in page.text
    assert quality.get(form.replace("&amp;", "&")).status_code == 200
    assert _inspect(api, oid, stage="in_process", task_id=ict["id"], passed_qty=100, failed_qty=0).status_code == 201
    assert f"task_id={ict['id']}" not in quality.get("/quality").text  # inspected: off the list


def test_f2_an_order_whose_production_finished_waits_for_its_final_inspection_until_it_passes(api, ctx):
    oid = released(api, "FIN-Q1")
    quality, _ = web_session(ctx, "quality")
    final = f"/orders/{oid}/inspections/new?stage=final"
    assert final not in quality.get("/quality").text
    finish_all(api, oid)
    page = quality.get("/quality")
    assert final in page.text and "全部工序已完工" in page.text
    quantity = sum(ln["quantity"] for ln in api.get(f"/api/v1/orders/{oid}", "pmc").json()["lines"])
    assert _inspect(api, oid, stage="final", passed_qty=quantity).status_code == 201
    assert final not in quality.get("/quality").text


def test_urgent_inspections_come_before_others_and_the_oldest_first_among_equals(api, ctx, clock, actors):
    first, second = released(api, "ORD-Q1"), released(api, "ORD-Q2")
    for oid in (second, first):
        finish_all(api, oid)
        clock.advance(minutes=30)
    items = quality_home.waiting(ctx, actors["quality"])["rows"]
    ours = [i["order_id"] for i in items if i["order_id"] in (first, second)]
    assert ours == [second, first]  # both urgent: the one finished first waits longest
    assert [i["urgent"] for i in items] == sorted((i["urgent"] for i in items), reverse=True)


def test_only_quality_opens_its_home(ctx, actors):
    sales, _ = web_session(ctx, "sales")
    assert sales.get("/quality").status_code == 403
