"""The planning and material pages without a browser: the Gantt's bars and 急 marks, a what-if
with its impact and Accept, the order page's panel, purchase orders and the delay request form,
in Chinese and English (C2–C7, C6, M5)."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from tests.conftest import urgent_order_payload
from tests.e2e.test_materials_api import approved_order, full_plan, purchase, stock
from tests.support import web_session

pytestmark = pytest.mark.xdist_group("db")


class Bars(HTMLParser):
    """The Gantt's bars (<g class="gantt-bar …">) with their attributes and the text inside."""

    def __init__(self):
        super().__init__()
        self.bars: list[dict] = []
        self._open: dict | None = None
        self._depth = 0

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "g" and "gantt-bar" in (attrs.get("class") or ""):
            self._open, self._depth = {**attrs, "text": ""}, 1
            self.bars.append(self._open)
        elif self._open is not None and tag == "g":
            self._depth += 1

    def handle_endtag(self, tag):
        if self._open is not None and tag == "g":
            self._depth -= 1
            if self._depth == 0:
                self._open = None

    def handle_data(self, data):
        if self._open is not None:
            self._open["text"] += data


def bars(html: str) -> list[dict]:
    parser = Bars()
    parser.feed(html)
    return parser.bars




@pytest.fixture
def planned(api, ctx):
    """Three normal orders and the urgent one (300 × SCB-200 for 华东精密), planned and accepted."""
    normal = [approved_order(api, f"G-{i}", product="P002", qty=40) for i in range(3)]
    urgent = api.post("/api/v1/orders", "sales", json=urgent_order_payload()).json()
    api.act(urgent["id"], "review", "pmc")
    api.act(urgent["id"], "approve", "management")
    run = full_plan(api)
    schedule = api.get(f"/api/v1/planning/runs/{run['id']}?schedule=true", "pmc").json()["assignments"]
    return {"run": run, "urgent": urgent, "normal": normal, "schedule": schedule}


def test_c2_the_gantt_draws_every_operation_of_the_accepted_plan_and_marks_the_urgent_order(ctx, planned):
    client, _ = web_session(ctx, "manufacturing")
    r = client.get("/planning?start=2026-11-24&zoom=week")
    assert r.status_code == 200 and "生产计划甘特图" in r.text
    drawn = bars(r.text)
    assert sorted(b["data-operation"] for b in drawn) == sorted(a["operation"] for a in planned["schedule"])
    urgent = planned["urgent"]["number"]
    for bar in drawn:
        is_urgent = bar["data-order"] == urgent
        assert ("urgent" in bar["class"].split()) == is_urgent
        assert ("急" in bar["text"]) == is_urgent, bar
        assert bar["data-order"] in bar["text"] and "→" in bar["text"]  # the hover title
    # wide enough bars of the urgent order also carry the visible 急 tag besides the title's
    assert any(b["text"].count("急") == 2 for b in drawn if b["data-order"] == urgent)
    assert 'class="gantt-closed"' in r.text  # nights are shaded
    assert 'data-testid="nav-planning"' in r.text


def test_c2_the_gantt_filters_by_order_and_work_center_and_zooms_to_a_day(ctx, planned):
    client, _ = web_session(ctx, "pmc")
    urgent = planned["urgent"]["number"]
    only = bars(client.get(f"/planning?order={urgent}&start=2026-11-24").text)
    assert only and {b["data-order"] for b in only} == {urgent}
    smt = bars(client.get("/planning?wc=SMT&start=2026-11-24").text)
    assert smt and {b["data-resource"] for b in smt} <= {"SMT1", "SMT2"}
    day = bars(client.get("/planning?zoom=day&start=2026-11-24").text)
    assert 0 < len(day) <= len(planned["schedule"])
    assert all(a["start_at"] < "2026-11-25" for a in planned["schedule"] if a["operation"] in
               {b["data-operation"] for b in day})
    later = bars(client.get("/planning?zoom=day&start=2027-03-01").text)
    assert later == []
    for odd in ("start=9999-12-31", "start=yesterday&zoom=year", "order=%26x%3D1&wc=%3Cb%3E"):
        assert client.get(f"/planning?{odd}").status_code == 200, odd


def test_c2_the_gantt_speaks_english_and_chinese(ctx, planned):
    client, _ = web_session(ctx, "sales")
    en = client.get("/planning?lang=en&start=2026-11-24")
    assert "Production plan (Gantt)" in en.text and "Orders that slip" not in en.text
    assert "Closed time" in en.text and "生产计划甘特图" not in en.text
    zh = client.get("/planning?lang=zh&start=2026-11-24")
    assert "生产计划甘特图" in zh.text and "非工作时间" in zh.text
    assert len(bars(en.text)) == len(bars(zh.text)) == len(planned["schedule"])


def test_c4_c7_a_what_if_shows_moved_operations_and_who_slips_and_pmc_accepts_it_on_the_page(api, ctx, planned):
    late = api.post("/api/v1/orders", "sales", json=urgent_order_payload(
        customer_po="HD-2026-0043", lines=[{"product": "SCB-200", "quantity": 200}])).json()
    api.act(late["id"], "review", "pmc")
    api.act(late["id"], "approve", "management")
    pmc, csrf = web_session(ctx, "pmc")
    r = pmc.post("/planning/runs", data={"csrf_token": csrf, "kind": "insert", "order": late["number"],
                                         "time_limit": "0"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = pmc.get(r.headers["location"] + "?start=2026-11-24")
    run_id = int(r.headers["location"].rsplit("/", 1)[1])
    run = api.get(f"/api/v1/planning/runs/{run_id}", "pmc").json()
    moved = {m["operation"] for m in run["impact"]["moved"]}
    assert moved, "the insertion moves some operations"
    drawn = bars(page.text)
    assert {b["data-operation"] for b in drawn if "moved" in b["class"].split()} == moved
    assert 'data-action="accept"' in page.text and "急单插单" in page.text
    for m in run["impact"]["moved"]:
        assert m["operation"] in page.text
    for s in run["impact"]["slipped"]:
        assert s["job"] in page.text

    sales, _ = web_session(ctx, "sales")
    seen = sales.get(f"/planning/runs/{run_id}")
    assert seen.status_code == 200 and 'data-action="accept"' not in seen.text
    assert pmc.post(f"/planning/runs/{run_id}/accept", data={"version": run["version"]}).status_code == 403
    r = pmc.post(f"/planning/runs/{run_id}/accept", data={"csrf_token": csrf, "version": run["version"]},
                 follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/planning?done=accepted"
    assert api.get(f"/api/v1/planning/runs/{run_id}", "pmc").json()["status"] == "accepted"
    again = pmc.post(f"/planning/runs/{run_id}/accept", data={"csrf_token": csrf, "version": run["version"] + 1})
    assert again.status_code == 409


def test_c7_the_what_if_form_names_each_bad_field_with_422(ctx, planned):
    pmc, csrf = web_session(ctx, "pmc")
    r = pmc.post("/planning/runs", data={"csrf_token": csrf, "kind": "machine_down", "work_center": "SMT1",
                                         "down_from": "yesterday", "time_limit": "99"})
    assert r.status_code == 422
    errors = dict(re.findall(r'<p class="field-error" id="err-([^"]+)">([^<]+)</p>', r.text))
    assert errors == {"down_from": "日期格式不正确", "down_until": "必填", "time_limit": "请输入数字"}
    r = pmc.post("/planning/runs", data={"csrf_token": csrf, "kind": "insert", "order": "SO-NOPE"})
    assert r.status_code == 422 and "未知订单" in r.text
    sales, sales_csrf = web_session(ctx, "sales")
    assert sales.post("/planning/runs", data={"csrf_token": sales_csrf, "kind": "full"}).status_code == 403


def test_a5_c6_the_order_page_shows_the_plan_and_the_promise_with_its_materials(api, ctx, planned):
    stock(api, 700)  # the planned urgent order takes 600; a new one gets 100 and waits for the rest
    po = purchase(api, 1000, "2026-11-26")
    sales, _ = web_session(ctx, "sales")
    order_page = sales.get(f"/orders/{planned['urgent']['id']}")
    assert f'hx-get="/planning/orders/{planned["urgent"]["id"]}/panel"' in order_page.text
    panel = sales.get(f"/planning/orders/{planned['urgent']['id']}/panel", headers={"hx-request": "true"})
    assert panel.status_code == 200 and "<html" not in panel.text
    assert 'data-testid="gantt-link"' in panel.text and f"/planning?order={planned['urgent']['number']}" in panel.text
    first = min(a["start_at"] for a in planned["schedule"] if a["job"].startswith(planned["urgent"]["number"]))
    assert first.replace("T", " ") in panel.text

    fresh = api.post("/api/v1/orders", "sales", json=urgent_order_payload(customer_po="HD-2026-0044")).json()
    page = sales.get(f"/planning/orders/{fresh['id']}/panel?lang=en")
    assert page.status_code == 200 and "<html" in page.text and "Plan and promise" in page.text
    assert re.search(r'data-testid="material-ready">2026-11-26 08:00', page.text)
    assert po["number"] in page.text and "Waits for material" in page.text
    supplier, _ = web_session(ctx, "supplier")
    assert supplier.get(f"/planning/orders/{fresh['id']}/panel").status_code == 403


def test_c6_purchasing_places_a_purchase_order_and_the_form_names_bad_fields(ctx, api):
    purchasing, csrf = web_session(ctx, "purchasing")
    page = purchasing.get("/purchase-orders")
    assert page.status_code == 200 and "新建采购订单" in page.text
    r = purchasing.post("/purchase-orders", data={"csrf_token": csrf, "material": "M-CONN", "supplier": "supplier",
                                                  "quantity": "lots", "due_date": "2026-11-01"})
    assert r.status_code == 422
    errors = dict(re.findall(r'<p class="field-error" id="err-([^"]+)">([^<]+)</p>', r.text))
    assert errors == {"quantity": "请输入数字"}
    r = purchasing.post("/purchase-orders", data={"csrf_token": csrf, "material": "M-CONN", "supplier": "supplier",
                                                  "quantity": "800", "due_date": "2026-11-01"})
    assert r.status_code == 422 and 'id="err-due_date">日期不能早于今天' in r.text
    r = purchasing.post("/purchase-orders", data={"csrf_token": csrf, "material": "M-CONN", "supplier": "supplier",
                                                  "quantity": "800", "due_date": "2026-11-27"}, follow_redirects=False)
    assert r.status_code == 303
    assert "PO-00001" in purchasing.get(r.headers["location"]).text
    assert len(api.get("/api/v1/purchase-orders", "pmc").json()) == 1
    en = purchasing.get("/materials?lang=en")
    assert en.status_code == 200 and "Material stock" in en.text and "M-CONN" in en.text


def test_c6_m5_supplier_requests_a_delay_pmc_approves_on_the_page_and_the_form_prints_with_ji_dan(api, ctx, planned):
    stock(api, 0)
    po = purchase(api, 1000, "2026-11-25")
    full_plan(api)  # now the connectors count: the urgent order waits for them
    supplier, s_csrf = web_session(ctx, "supplier")
    listing = supplier.get("/purchase-orders")
    assert "我的采购订单" in listing.text and po["number"] in listing.text
    bad = supplier.post(f"/purchase-orders/{po['id']}/delay", data={"csrf_token": s_csrf, "new_date": "2026-11-24",
                                                                     "reason": ""})
    assert bad.status_code == 422
    assert dict(re.findall(r'id="err-([^"]+)">([^<]+)</p>', bad.text)) == {"reason": "必填"}
    bad = supplier.post(f"/purchase-orders/{po['id']}/delay", data={"csrf_token": s_csrf, "new_date": "2026-11-24",
                                                                     "reason": "缺料"})
    assert bad.status_code == 422 and "新交期必须晚于原交期" in bad.text
    r = supplier.post(f"/purchase-orders/{po['id']}/delay", data={"csrf_token": s_csrf, "new_date": "2026-11-27",
                                                                   "reason": "模具维修"}, follow_redirects=False)
    assert r.status_code == 303
    request_url = r.headers["location"].split("?")[0]

    pmc, p_csrf = web_session(ctx, "pmc")
    listing = pmc.get("/material-delay-requests")
    assert 'data-action="approve"' in listing.text and "待审批" in listing.text
    r = pmc.post(f"{request_url}/decision", data={"csrf_token": p_csrf, "decision": "approve", "note": "同意"},
                 follow_redirects=False)
    assert r.status_code == 303
    detail = pmc.get(request_url)
    assert "已批准" in detail.text and 'data-testid="repair-run"' in detail.text
    assert planned["urgent"]["number"] in detail.text

    printed = pmc.get(f"{request_url}/print")
    assert printed.status_code == 200 and "<h1>材料交期延迟申请单</h1>" in printed.text
    assert 'data-testid="urgent-mark">急单</div>' in printed.text and "/static/print.css" in printed.text
    assert "@media print" in pmc.get("/static/print.css").text
    for field in ("材料编码", "采购订单号", "原交期", "新交期", "延迟原因", "PMC 审批意见", "☑ 批准", "模具维修"):
        assert field in printed.text, field
    assert "Material delivery delay request" in pmc.get(f"{request_url}/print?lang=en").text

    seen = supplier.get(request_url)
    assert seen.status_code == 200 and planned["urgent"]["number"] not in seen.text
    assert 'data-action="approve"' not in seen.text
    assert supplier.get("/planning").status_code == 403 and supplier.get("/materials").status_code == 403


def test_c4_a_run_whose_insertion_traded_its_cap_says_so_on_the_page_in_chinese_and_english(ctx, planned):
    with ctx.uow() as uow:  # a stored insertion that had to trade the cap (the planner's side: test_planning_insert_promises)
        run = uow.planning_runs.get(planned["run"]["id"])
        run_id = uow.planning_runs.add(
            kind="insert", status="proposed", origin=run.origin, objective=run.objective, urgent_order_id=None,
            order_ids=run.order_ids, schedule=run.schedule, impact=run.impact,
            summary={**run.summary, "traded": "newly_late_cap"}, created_by=run.created_by, created_at=run.created_at)
        uow.commit()
    pmc, _ = web_session(ctx, "pmc")
    zh, en = pmc.get(f"/planning/runs/{run_id}?lang=zh"), pmc.get(f"/planning/runs/{run_id}?lang=en")
    assert "新增延误的订单超过了上限" in zh.text and 'data-testid="traded"' in zh.text
    assert "More orders become late than the cap allows" in en.text
    assert 'data-testid="traded"' not in pmc.get(f"/planning/runs/{planned['run']['id']}").text
