"""The floor's pages without a browser: tablet board, order panel, printable forms, form errors (D1, E1–E4, F1)."""
from __future__ import annotations

import re

import pytest

from tests.e2e.execution_support import INSPECTED_PRODUCT, released, report, tasks
from tests.support import web_session

pytestmark = pytest.mark.xdist_group("db")




def test_e1_the_tablet_board_lists_the_urgent_task_first_and_starts_and_finishes_it_in_one_tap(api, ctx):
    oid = released(api)
    first = min(tasks(api, oid), key=lambda t: t["planned_start"])
    floor, csrf = web_session(ctx, "manufacturing")
    centers = floor.get("/workcenters")
    assert centers.status_code == 200 and f'href="/workcenters/{first["work_center"]}"' in centers.text
    assert 'data-testid="nav-workcenters"' in centers.text
    board = floor.get(f"/workcenters/{first['work_center']}")
    assert board.status_code == 200 and 'data-testid="urgent-badge"' in board.text and "开工" in board.text
    assert 'hx-trigger="every 60s"' in board.text
    path = f"/workcenters/{first['work_center']}/tasks/{first['id']}"
    assert floor.post(f"{path}/start", data={"version": first["version"]}).status_code == 403  # no CSRF token
    r = floor.post(f"{path}/start", data={"csrf_token": csrf, "version": first["version"]}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith(f"/workcenters/{first['work_center']}?done=start")
    bad = floor.post(f"{path}/finish", data={"csrf_token": csrf, "good_qty": "many", "scrap_qty": "0"})
    assert bad.status_code == 422 and 'class="field-error"' in bad.text and "请输入整数" in bad.text
    over = floor.post(f"{path}/finish", data={"csrf_token": csrf, "good_qty": str(first["quantity"] + 1)})
    assert over.status_code == 422 and "超过任务数量" in over.text
    done = floor.post(f"{path}/finish", data={"csrf_token": csrf, "good_qty": str(first["quantity"]),
                                              "scrap_qty": "0", "hours": ""})
    assert done.status_code == 200 and "已记录：完工" in done.text
    assert next(t for t in tasks(api, oid) if t["id"] == first["id"])["status"] == "done"
    again = floor.post(f"{path}/start", data={"csrf_token": csrf})
    assert again.status_code == 409 and "任务已完工" in again.text
    assert floor.get("/workcenters/NOPE").status_code == 404


def test_d1_e2_the_order_panel_and_the_printable_production_notice(api, ctx):
    oid = released(api)
    office, _ = web_session(ctx, "pmc")
    order_page = office.get(f"/orders/{oid}")
    assert f'hx-get="/orders/{oid}/execution"' in order_page.text
    panel = office.get(f"/orders/{oid}/execution", headers={"HX-Request": "true"})
    assert panel.status_code == 200 and panel.text.lstrip().startswith("<section") and 'role="progressbar"' in panel.text
    full = office.get(f"/orders/{oid}/execution")
    assert "<html" in full.text and 'data-testid="ops-done"' in full.text and "0 / " in full.text
    notice = office.get(f"/orders/{oid}/production-notice")
    assert notice.status_code == 200 and "紧急订单生产通知单" in notice.text
    assert 'data-testid="urgent-mark"' in notice.text and "/static/print.css" in notice.text
    assert notice.text.count('data-testid="production-notice"') == 2  # one sheet per work group
    english = office.get(f"/orders/{oid}/production-notice?lang=en")
    assert "Urgent order production notice" in english.text
    css = office.get("/static/print.css").text
    assert "@media print" in css and ".urgent-mark" in css


def test_e3_sales_sends_the_progress_update_from_the_panel(api, ctx):
    oid = released(api)
    sales, csrf = web_session(ctx, "sales")
    assert "向客户发送进度" in sales.get(f"/orders/{oid}/execution").text
    r = sales.post(f"/orders/{oid}/progress-update", data={"csrf_token": csrf, "note": "x" * 1001})
    assert r.status_code == 422 and "内容过长" in r.text
    r = sales.post(f"/orders/{oid}/progress-update", data={"csrf_token": csrf, "note": "按计划进行"},
                   follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("?done=progress_update")


def test_e4_the_exception_report_form_its_field_errors_its_print_and_who_decides(api, ctx):
    oid = released(api)
    t = tasks(api, oid)[0]
    report(api, t["id"], "start")
    floor, csrf = web_session(ctx, "manufacturing")
    form = floor.get(f"/orders/{oid}/exceptions/new?task_id={t['id']}")
    assert form.status_code == 200 and "紧急订单制程异常申报单" in form.text
    r = floor.post(f"/orders/{oid}/exceptions/new", data={"csrf_token": csrf, "kind": "", "description": "",
                                                          "estimated_delay_minutes": "x"})
    assert r.status_code == 422
    assert len(re.findall(r'class="field-error"', r.text)) == 3
    r = floor.post(f"/orders/{oid}/exceptions/new", data={
        "csrf_token": csrf, "kind": "equipment_failure", "description": "回流焊炉故障", "task_id": str(t["id"]),
        "estimated_delay_minutes": "240", "down_from": "2026-11-24T10:00", "down_until": "2026-11-24T09:00"})
    assert r.status_code == 422 and "结束时间须晚于开始时间" in r.text
    r = floor.post(f"/orders/{oid}/exceptions/new", data={
        "csrf_token": csrf, "kind": "equipment_failure", "description": "回流焊炉故障", "task_id": str(t["id"]),
        "estimated_delay_minutes": "240", "down_from": "2026-11-24T10:00", "down_until": ""}, follow_redirects=False)
    assert r.status_code == 303
    ex_id = int(re.search(r"/exceptions/(\d+)", r.headers["location"]).group(1))
    printed = floor.get(f"/exceptions/{ex_id}/print")
    assert "紧急订单制程异常申报单" in printed.text and 'data-testid="urgent-mark"' in printed.text
    assert "☑ 设备故障" in printed.text and "回流焊炉故障" in printed.text
    pmc, pmc_csrf = web_session(ctx, "pmc")
    assert "书面申请总经办批示" in pmc.get(f"/exceptions/{ex_id}").text
    r = pmc.post(f"/exceptions/{ex_id}/actions/apply", data={"csrf_token": pmc_csrf, "application": ""})
    assert r.status_code == 422 and "必填" in r.text
    r = pmc.post(f"/exceptions/{ex_id}/actions/apply", data={"csrf_token": pmc_csrf, "application": "申请加班",
                                                             "requested_measure": "overtime"}, follow_redirects=False)
    assert r.status_code == 303
    store, store_csrf = web_session(ctx, "warehouse")
    r = store.post(f"/exceptions/{ex_id}/actions/approve", data={"csrf_token": store_csrf, "measure": "overtime"})
    assert r.status_code == 403
    gm, gm_csrf = web_session(ctx, "management")
    r = gm.post(f"/exceptions/{ex_id}/actions/approve", data={"csrf_token": gm_csrf, "measure": ""})
    assert r.status_code == 422 and "必填" in r.text
    r = gm.post(f"/exceptions/{ex_id}/actions/approve", data={"csrf_token": gm_csrf, "measure": "overtime"},
                follow_redirects=False)
    assert r.status_code == 303
    assert "已批示" in gm.get(f"/exceptions/{ex_id}").text
    assert f'href="/exceptions/{ex_id}"' in gm.get("/exceptions").text


def test_f1_the_inspection_form_shows_field_errors(api, ctx):
    assert api.post("/api/v1/products", "admin", json=INSPECTED_PRODUCT).status_code == 201
    oid = released(api, "ICB-W", lines=[{"product": "ICB-100", "quantity": 50}])
    report(api, tasks(api, oid)[0]["id"], "start")
    inspector, csrf = web_session(ctx, "quality")
    assert "录入检验结果" in inspector.get(f"/orders/{oid}/inspections/new").text
    r = inspector.post(f"/orders/{oid}/inspections/new", data={
        "csrf_token": csrf, "stage": "final", "passed_qty": "", "failed_qty": "0",
        "defect_code": ["短路", ""], "defect_count": ["0", ""]})
    assert r.status_code == 422 and r.text.count('class="field-error"') == 2
    r = inspector.post(f"/orders/{oid}/inspections/new", data={"csrf_token": csrf, "stage": "final", "passed_qty": "50"})
    assert r.status_code == 409 and "订单还有未完工的工序" in r.text
