"""Quality through the API: inspection points, rework and scrap re-planned, final inspection gates receipt (F1, F2)."""
from __future__ import annotations

import pytest

from jidan.domain.states import OrderState
from tests.e2e.execution_support import INSPECTED_PRODUCT, finish_all, released, report, tasks

pytestmark = pytest.mark.xdist_group("db")


@pytest.fixture
def oid(api):
    """100 control boards with an ICT inspection point, released to the floor."""
    assert api.post("/api/v1/products", "admin", json=INSPECTED_PRODUCT).status_code == 201
    return released(api, "ICB-1", lines=[{"product": "ICB-100", "quantity": 100}])


def _inspect(api, oid, user="quality", **body):
    return api.post(f"/api/v1/orders/{oid}/inspections", user, json=body)


def _run_to_ict(api, oid) -> dict:
    """SMT done; the ICT test (the inspection point) running."""
    smt = [t for t in tasks(api, oid) if t["step_seq"] == 10]
    for t in smt:
        assert report(api, t["id"], "start").status_code == 200
        assert report(api, t["id"], "finish").status_code == 200
    ict = next(t for t in tasks(api, oid) if t["step_seq"] == 20)
    assert ict["inspection"] is True
    assert report(api, ict["id"], "start").status_code == 200
    return ict


def _notices(ctx, user_id, kind):
    with ctx.uow() as uow:
        return [n for n in uow.notices.for_recipient(user_id) if n.kind == kind]


def test_f1_failed_inspection_sends_the_quantity_to_rework_tasks_and_a_re_plan_proposal(api, ctx, actors, oid):
    ict = _run_to_ict(api, oid)
    r = _inspect(api, oid, stage="in_process", task_id=ict["id"], passed_qty=94, failed_qty=6,
                 defects=[{"code": "开路", "count": 4}, {"code": "短路", "count": 2}], disposition="rework",
                 note="ICT 6 片不良")
    assert r.status_code == 201, r.text
    got = r.json()
    assert (got["result"], got["disposition"], got["rework_from_seq"]) == ("fail", "rework", 10)
    assert got["inspector"] == "quality" and got["planning_run_id"] and len(got["rework_tasks"]) >= 2
    rework = [t for t in tasks(api, oid) if t["kind"] == "rework"]
    assert {t["step_seq"] for t in rework} == {10, 20}
    assert all(t["quantity"] == 6 and t["source"] == f"inspection:{got['id']}" and t["urgent"] for t in rework)
    run = api.get(f"/api/v1/planning/runs/{got['planning_run_id']}?schedule=true", "pmc").json()
    assert run["status"] == "proposed" and run["summary"]["disturbance"]["kind"] == "rework"
    placed = {a["operation"]: a for a in run["assignments"]}
    assert all(t["operation"] in placed and placed[t["operation"]]["start_at"] == t["planned_start"] for t in rework)
    assert len(_notices(ctx, actors["pmc"].user_id, "inspection_failed")) == 1
    assert {n.ref for n in _notices(ctx, actors["manufacturing"].user_id, "rework")} == {
        f"production_notice:{oid}:SMT", f"production_notice:{oid}:ASM"}
    assert api.post(f"/api/v1/planning/runs/{run['id']}/accept", "pmc").status_code == 200
    # The rework runs on the floor like any task, and the order's progress counts it.
    assert report(api, ict["id"], "finish", good_qty=94, scrap_qty=0).status_code == 200
    progress = api.get(f"/api/v1/orders/{oid}/progress", "pmc").json()
    assert progress["total"] == len(tasks(api, oid)) and progress["done"] < progress["total"]


def test_f2_scrapped_quantity_is_made_again_from_the_first_step(api, oid):
    ict = _run_to_ict(api, oid)
    r = _inspect(api, oid, stage="in_process", task_id=ict["id"], passed_qty=97, failed_qty=3, disposition="scrap")
    assert r.status_code == 201, r.text
    made = [t for t in tasks(api, oid) if t["kind"] == "replacement"]
    assert {t["step_seq"] for t in made} == {10, 20} and all(t["quantity"] == 3 for t in made)
    assert r.json()["rework_from_seq"] is None


def test_f2_final_inspection_passes_the_order_and_receipt_follows(api, oid):
    first = tasks(api, oid)[0]
    report(api, first["id"], "start")
    r = _inspect(api, oid, stage="final", passed_qty=100)
    assert (r.status_code, r.json()["code"]) == (409, "inspection.operations_open")
    finish_all(api, oid)
    r = api.act(oid, "receive", "warehouse")
    assert (r.status_code, r.json()["code"]) == (409, "order.invalid_transition")  # not inspected yet
    assert _inspect(api, oid, stage="final", passed_qty=55, failed_qty=5, disposition="rework").status_code == 201
    assert api.get(f"/api/v1/orders/{oid}", "pmc").json()["status"] == "in_production"
    finish_all(api, oid)  # the rework of the five boards
    r = _inspect(api, oid, stage="final", passed_qty=46)
    assert r.status_code == 422 and r.json()["fields"] == {"passed_qty": "exceeds_quantity"}
    assert _inspect(api, oid, stage="final", passed_qty=45).status_code == 201
    order = api.get(f"/api/v1/orders/{oid}", "pmc").json()
    assert order["status"] == "inspected"
    events = api.get(f"/api/v1/orders/{oid}/events", "pmc").json()
    assert (events[-1]["action"], events[-1]["actor"]) == ("inspect", "quality")
    summary = api.get(f"/api/v1/orders/{oid}/inspections", "warehouse").json()
    assert summary["final_passed"] is True and [f["passed"] for f in summary["final"]] == [100]
    r = api.act(oid, "receive", "manufacturing")
    assert r.status_code == 403  # an operator does not receive goods
    r = api.act(oid, "receive", "warehouse")
    assert r.json().get("code") != "quality.final_inspection_required"


def test_f2_receipt_is_refused_until_the_final_inspection_passed(api, ctx, oid):
    report(api, tasks(api, oid)[0]["id"], "start")
    # An order marked inspected without a passed final inspection (as recorded before this check).
    with ctx.uow() as uow:
        order = uow.orders.get(oid)
        order.status = OrderState.INSPECTED
        uow.commit()
    r = api.act(oid, "receive", "warehouse")
    assert (r.status_code, r.json()["code"]) == (409, "quality.final_inspection_required")
    assert api.act(oid, "receive", "manufacturing").status_code == 403
    assert api.get(f"/api/v1/orders/{oid}", "pmc").json()["status"] == "inspected"


def test_f2_inspect_from_the_order_page_records_the_final_inspection(api, oid):
    finish_all(api, oid)
    assert api.act(oid, "inspect", "quality").json()["status"] == "inspected"
    summary = api.get(f"/api/v1/orders/{oid}/inspections", "pmc").json()
    assert summary["final_passed"] is True
    final = [i for i in summary["inspections"] if i["stage"] == "final"]
    assert len(final) == 1 and (final[0]["passed_qty"], final[0]["inspector"]) == (100, "quality")


def test_f1_bad_input_on_the_inspection_form_gets_field_level_422_and_writes_nothing(api, oid):
    ict = _run_to_ict(api, oid)
    smt = next(t for t in tasks(api, oid) if t["step_seq"] == 10)
    cases = [
        ({"stage": "halfway", "passed_qty": 1}, {"stage"}),
        ({"stage": "in_process", "task_id": ict["id"], "passed_qty": -1}, {"passed_qty"}),
        ({"stage": "in_process", "task_id": ict["id"], "passed_qty": 0}, {"passed_qty"}),
        ({"stage": "in_process", "task_id": ict["id"], "passed_qty": 90, "failed_qty": 2}, {"disposition"}),
        ({"stage": "in_process", "task_id": ict["id"], "passed_qty": 90, "disposition": "rework"}, {"disposition"}),
        ({"stage": "in_process", "passed_qty": 90}, {"task_id"}),
        ({"stage": "in_process", "task_id": smt["id"], "passed_qty": 90}, {"task_id"}),
        ({"stage": "in_process", "task_id": 999999, "passed_qty": 90}, {"task_id"}),
        ({"stage": "in_process", "task_id": ict["id"], "passed_qty": 101}, {"passed_qty"}),
        ({"stage": "in_process", "task_id": ict["id"], "passed_qty": 90, "failed_qty": 2, "disposition": "rework",
          "rework_from_seq": 30}, {"rework_from_seq"}),
        ({"stage": "in_process", "task_id": ict["id"], "passed_qty": 90, "failed_qty": 2, "disposition": "melt"},
         {"disposition"}),
        ({"stage": "in_process", "task_id": ict["id"], "passed_qty": 90, "defects": [{"code": "x", "count": 0}]},
         {"defects.0.count"}),
        ({"stage": "final", "task_id": ict["id"], "passed_qty": 1}, {"task_id"}),
        ({"stage": "final", "line_no": 9, "passed_qty": 1}, {"line_no"}),
    ]
    for body, fields in cases:
        r = _inspect(api, oid, **body)
        assert r.status_code == 422, (body, r.text)
        assert set(r.json()["fields"]) == fields, (body, r.json())
    for user in ("manufacturing", "pmc", "warehouse"):
        r = _inspect(api, oid, user=user, stage="in_process", task_id=ict["id"], passed_qty=1)
        assert (r.status_code, r.json()["code"]) == (403, "auth.role_not_allowed"), user
    assert api.get(f"/api/v1/orders/{oid}/inspections", "quality").json()["inspections"] == []
    assert all(t["kind"] == "production" for t in tasks(api, oid))
