"""Decisions change capacity (B6, C5, E4; issue 20 §2): management's instruction, an approved
exception measure and pmc's choice on the what-if panel each record the capacity the lever names
and propose the run that uses it; the accepted plan has it, the order's record keeps it."""
from __future__ import annotations

from datetime import datetime

import pytest

from jidan.services.planning.plant import PlantModel
from tests.conftest import urgent_order_payload
from tests.e2e.execution_support import released, tasks
from tests.e2e.test_planning_api import accepted_full_plan, approved_order
from tests.support import web_session

pytestmark = pytest.mark.xdist_group("db")


def _busy_plant(api) -> None:
    for i in range(4):
        approved_order(api, f"N-{i}", qty=300, date="2026-11-27")
    accepted_full_plan(api)


def _open_on(ctx, origin: str, work_center: str, start: str, end: str) -> bool:
    """Whether the plan's model of the plant has ``work_center`` open over the window."""
    with ctx.uow() as uow:
        model = PlantModel(uow, ctx, datetime.fromisoformat(origin))
        s, e = (int((datetime.fromisoformat(t) - model.origin).total_seconds() // 60) for t in (start, end))
        closed = next(r for r in model.resources if r.id == work_center).unavailable
        return not any(cs < e and s < ce for cs, ce in closed)


def _schedule(api, run_id: int) -> list[dict]:
    return api.get(f"/api/v1/planning/runs/{run_id}?schedule=true", "pmc").json()["assignments"]


def test_b6_c5_overtime_management_instructs_becomes_capacity_in_the_plan_pmc_accepts(api, ctx):
    _busy_plant(api)
    oid = api.post("/api/v1/orders", "sales", json=urgent_order_payload()).json()["id"]
    review = api.post(f"/api/v1/orders/{oid}/review", "sales").json()["review"]
    offered = {lv["lever"]: lv for lv in review["feasibility"]["levers"]}
    overtime = offered["overtime"]
    # The lever is an action in the factory's terms, with the date it brings and what it costs.
    [window, *_] = overtime["action"]["windows"]
    assert overtime["action"]["work_center"] and window["day"] and window["hours"] > 0
    assert overtime["cost"]["overtime_hours"] == sum(w["hours"] for w in overtime["action"]["windows"])
    assert overtime["completion"] and "加班" in overtime["description"] and "小时" in overtime["description"]
    assert api.post(f"/api/v1/orders/{oid}/review/signatures", "pmc",
                    json={"opinion": "disagree", "comment": "不挪动其他订单做不出"}).status_code == 200
    r = api.post(f"/api/v1/orders/{oid}/review/signatures", "management",
                 json={"comment": "必接：优先插单并加班", "levers": ["priority_insertion", "overtime"]})
    assert r.status_code == 200, r.text
    instruction = r.json()["review"]["instruction"]
    assert instruction["capacity"] and instruction["planning_run_id"]

    # The overtime is on the work center's calendar, for the order, from management's decision.
    kept = api.get(f"/api/v1/planning/orders/{oid}/capacity", "pmc").json()
    assert kept["overtime_hours"] == overtime["cost"]["overtime_hours"]
    assert {(c["kind"], c["source"], c["work_center"], c["start"], c["end"]) for c in kept["changes"]} == {
        ("overtime", "approval", overtime["action"]["work_center"], w["start"], w["end"])
        for w in overtime["action"]["windows"]}

    # pmc sees the run proposed with it (the order inserted) and accepts it: the plan in force has
    # the work center open over the overtime window.
    run = api.get(f"/api/v1/planning/runs/{instruction['planning_run_id']}", "pmc").json()
    assert (run["kind"], run["status"], run["urgent_order_id"]) == ("insert", "proposed", oid)
    [pmc_notice] = [n for n in api.get("/api/v1/inbox", "pmc").json()["items"]
                    if n["kind"] == "approval.approved" and n["needs_ack"]]
    assert f"#{run['id']}" in pmc_notice["body"]
    accepted = api.post(f"/api/v1/planning/runs/{run['id']}/accept", "pmc").json()
    assert accepted["status"] == "accepted"
    assert api.get(f"/api/v1/orders/{oid}", "pmc").json()["status"] == "planned"
    assert _open_on(ctx, accepted["origin"], overtime["action"]["work_center"], window["start"], window["end"])
    used = [a for a in _schedule(api, run["id"]) if a["resource"] == overtime["action"]["work_center"]
            and a["start_at"] < window["end"] and a["end_at"] > window["start"]]
    assert used, "the accepted plan works in the overtime window"


def test_b6_an_instruction_naming_capacity_planning_did_not_offer_is_refused(api):
    # Two lines: planning offers levers for one line at a time, so none here.
    oid = api.post("/api/v1/orders", "sales", json=urgent_order_payload(lines=[
        {"product": "SCB-200", "quantity": 300}, {"product": "P002", "quantity": 10}])).json()["id"]
    review = api.post(f"/api/v1/orders/{oid}/review", "sales").json()["review"]
    assert review["feasibility"]["levers"] == []
    api.post(f"/api/v1/orders/{oid}/review/signatures", "pmc", json={"opinion": "disagree", "comment": "做不出"})
    r = api.post(f"/api/v1/orders/{oid}/review/signatures", "management",
                 json={"comment": "必接", "levers": ["priority_insertion", "overtime"]})
    assert r.status_code == 422 and r.json()["fields"] == {"levers": "lever_not_offered"}, r.text
    assert api.get(f"/api/v1/orders/{oid}", "pmc").json()["status"] == "rejected"
    assert api.get(f"/api/v1/planning/orders/{oid}/capacity", "pmc").json()["changes"] == []


def _applied_exception(api, oid) -> dict:
    smt = min((t for t in tasks(api, oid) if t["step_seq"] == 10), key=lambda t: t["planned_start"])
    ex = api.post(f"/api/v1/orders/{oid}/exceptions", "manufacturing", json={
        "kind": "equipment_failure", "description": "回流焊炉故障", "estimated_delay_minutes": 180,
        "task_id": smt["id"], "down_from": smt["planned_start"], "down_until": "2026-11-26T08:00"}).json()
    r = api.post(f"/api/v1/exceptions/{ex['id']}/apply", "pmc", json={
        "application": "交期受威胁，申请加班", "requested_measure": "overtime"})
    assert r.status_code == 200, r.text
    return r.json()


def test_e4_overtime_management_approves_on_an_exception_is_a_window_and_a_re_plan_for_pmc(api, ctx):
    oid = released(api)
    ex = _applied_exception(api, oid)
    bad = api.post(f"/api/v1/exceptions/{ex['id']}/approve", "management",
                   json={"measure": "overtime", "work_center": "NOPE1", "days": ["2026-11-24"]})
    assert bad.status_code == 422 and bad.json()["fields"] == {"work_center": "unknown_work_center"}
    assert api.post(f"/api/v1/exceptions/{ex['id']}/approve", "management",
                    json={"measure": "overtime", "hours": 9}).status_code == 422
    other = "SMT2" if ex["work_center"] == "SMT1" else "SMT1"  # the line that still works
    r = api.post(f"/api/v1/exceptions/{ex['id']}/approve", "management", json={
        "measure": "overtime", "work_center": other, "days": ["2026-11-24", "2026-11-25"], "hours": 2.5,
        "note": "同意另一条 SMT 线加班两晚"})
    assert r.status_code == 200, r.text
    decided = r.json()
    assert decided["status"] == "approved" and decided["capacity_run_id"]
    assert [(c["work_center"], c["day"], c["start"], c["end"], c["hours"]) for c in decided["capacity"]] == [
        (other, "2026-11-24", "2026-11-24T22:00", "2026-11-25T00:30", 2.5),
        (other, "2026-11-25", "2026-11-25T22:00", "2026-11-26T00:30", 2.5)]
    run = api.get(f"/api/v1/planning/runs/{decided['capacity_run_id']}", "pmc").json()
    assert (run["kind"], run["status"], run["summary"]["disturbance"]["kind"]) == ("repair", "proposed", "capacity")
    accepted = api.post(f"/api/v1/planning/runs/{run['id']}/accept", "pmc").json()
    assert accepted["status"] == "accepted"
    assert _open_on(ctx, accepted["origin"], other, "2026-11-24T22:00", "2026-11-25T00:30")
    # Kept per order, for the record and the figures.
    record = api.get(f"/api/v1/orders/{oid}/record", "pmc")
    assert record.status_code == 200, record.text
    assert record.json()["capacity"]["overtime_hours"] == 5.0
    assert record.json()["capacity"]["overtime_by_work_center"] == {other: 5.0}
    pmc, _ = web_session(ctx, "pmc")
    assert f"{other} 5.0 h" in pmc.get(f"/orders/{oid}/record").text
    with ctx.uow() as uow:
        assert [e.action for e in uow.audit.for_entity("capacity_change", decided["capacity"][0]["id"])] == ["add"]


def test_e4_outside_processing_management_approves_hands_the_step_to_a_supplier_in_the_plan(api):
    oid = released(api)
    ex = _applied_exception(api, oid)
    r = api.post(f"/api/v1/exceptions/{ex['id']}/approve", "management", json={
        "measure": "outside_processing", "step_seq": 20, "lead_time_days": 1, "note": "装配外协"})
    assert r.status_code == 200, r.text
    [change] = r.json()["capacity"]
    number = api.get(f"/api/v1/orders/{oid}", "pmc").json()["number"]
    assert (change["kind"], change["step"], change["lead_time_days"]) == ("outside_processing", f"{number}/1-20", 1)
    ops = [a for a in _schedule(api, r.json()["capacity_run_id"]) if a["job"] == f"{number}/1"]
    [outside] = [a for a in ops if a["resource"] == f"OUT:{number}/1-20"]
    assert outside["end"] - outside["start"] == 1440
    assert not [a for a in ops if a["operation"].startswith(f"{number}/1-20.") or a["operation"] == f"{number}/1-20"]
    bad = api.post(f"/api/v1/exceptions/{ex['id']}/approve", "management",
                   json={"measure": "outside_processing", "step_seq": 99})
    assert bad.status_code in (409, 422)


def test_c5_pmc_chooses_a_lever_on_the_what_if_panel_and_gets_the_run_that_uses_it(api):
    _busy_plant(api)
    oid = approved_order(api, "W-1", product="SCB-200", qty=300, date="2026-11-27", customer="C001")
    assert api.post("/api/v1/planning/levers", "sales", json={"order_id": oid, "lever": "overtime"}).status_code == 403
    assert api.post("/api/v1/planning/levers", "pmc", json={"order_id": 999999, "lever": "overtime"}).status_code == 404
    draft = api.post("/api/v1/orders", "sales", json=urgent_order_payload(customer_po="W-D")).json()["id"]
    r = api.post("/api/v1/planning/levers", "pmc", json={"order_id": draft, "lever": "partial_delivery"})
    assert r.status_code == 409 and r.json()["code"] == "planning.not_plannable", r.text
    r = api.post("/api/v1/planning/levers", "pmc", json={"order_id": oid, "lever": "insertion"})
    assert r.status_code == 422 and "lever" in r.json()["fields"]
    r = api.post("/api/v1/planning/levers", "pmc", json={"order_id": oid, "lever": "partial_delivery"})
    assert r.status_code == 201, r.text
    chosen = r.json()
    [split] = chosen["changes"]
    assert split["kind"] == "partial_delivery" and split["first_quantity"] + 0 < 300
    assert split["first_date"] <= split["rest_date"] and split["source"] == "what_if"
    assert chosen["run"]["status"] == "proposed" and chosen["run"]["urgent_order_id"] == oid
    r = api.post("/api/v1/planning/levers", "pmc", json={
        "order_id": oid, "lever": "overtime", "work_center": "ASM1", "days": ["2026-11-24"], "hours": 2})
    assert r.status_code == 201, r.text
    assert [(c["work_center"], c["hours"]) for c in r.json()["changes"]] == [("ASM1", 2.0)]
    capacity = api.get(f"/api/v1/planning/orders/{oid}/capacity", "pmc").json()
    assert capacity["overtime_hours"] == 2.0 and len(capacity["split_deliveries"]) == 1
    assert api.get(f"/api/v1/planning/orders/{oid}/capacity", "supplier").status_code == 404


def test_c5_the_order_page_shows_each_lever_with_its_date_and_cost_and_pmc_takes_one(api, ctx):
    _busy_plant(api)
    oid = approved_order(api, "W-2", product="SCB-200", qty=300, date="2026-11-27", customer="C001")
    sales, _ = web_session(ctx, "sales")
    page = sales.get(f"/planning/orders/{oid}/panel").text
    assert 'data-testid="order-levers"' in page and "加班工时" in page and "choose-overtime" not in page
    pmc, csrf = web_session(ctx, "pmc")
    panel = pmc.get(f"/planning/orders/{oid}/panel").text
    assert 'data-action="choose-partial_delivery"' in panel
    assert pmc.post(f"/planning/orders/{oid}/levers", data={"lever": "partial_delivery"}).status_code == 403
    r = pmc.post(f"/planning/orders/{oid}/levers", data={"csrf_token": csrf, "lever": "insertion"})
    assert r.status_code == 422 and "该方案当前不可用" in r.text
    r = pmc.post(f"/planning/orders/{oid}/levers", data={"csrf_token": csrf, "lever": "partial_delivery"},
                 follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/planning/runs/"), r.text
    assert api.get(f"/api/v1/planning/orders/{oid}/capacity", "pmc").json()["split_deliveries"]


def test_e4_overtime_on_a_line_that_is_down_stays_closed_while_it_is_down(api, ctx):
    oid = released(api)
    ex = _applied_exception(api, oid)
    r = api.post(f"/api/v1/exceptions/{ex['id']}/approve", "management", json={
        "measure": "overtime", "work_center": ex["work_center"], "days": ["2026-11-25"], "hours": 2})
    assert r.status_code == 200, r.text
    origin = api.get(f"/api/v1/planning/runs/{r.json()['capacity_run_id']}", "pmc").json()["origin"]
    assert not _open_on(ctx, origin, ex["work_center"], "2026-11-25T22:00", "2026-11-26T00:00")
