"""Process exceptions through the API: report to pmc, re-plan, management's measure, sales, customer (E4, E5)."""
from __future__ import annotations

import pytest

from tests.e2e.execution_support import released, tasks

pytestmark = pytest.mark.xdist_group("db")


def _report(api, oid, user="manufacturing", **body):
    payload = {"kind": "quality", "description": "焊点虚焊，需返修", "estimated_delay_minutes": 120, **body}
    return api.post(f"/api/v1/orders/{oid}/exceptions", user, json=payload)


def _notices(ctx, user_id, kind):
    with ctx.uow() as uow:
        return [n for n in uow.notices.for_recipient(user_id) if n.kind == kind]


def test_e4_e5_equipment_failure_sets_the_work_center_down_and_the_repair_closes_its_window(api, ctx, actors):
    oid = released(api)
    smt = min((t for t in tasks(api, oid) if t["step_seq"] == 10), key=lambda t: t["planned_start"])
    window = {"down_from": smt["planned_start"], "down_until": "2026-11-26T08:00"}
    r = _report(api, oid, kind="equipment_failure", description="SMT 回流焊炉故障", task_id=smt["id"], **window)
    assert r.status_code == 201, r.text
    ex = r.json()
    assert (ex["status"], ex["work_center"], ex["operation"]) == ("reported", smt["work_center"], smt["operation"])
    assert ex["number"].startswith("EX-") and ex["urgent"] is True and ex["reported_by"] == "manufacturing"
    notice = _notices(ctx, actors["pmc"].user_id, "exception")
    assert len(notice) == 1 and notice[0].needs_ack and notice[0].ref == f"exception:{ex['id']}"
    board = api.get(f"/api/v1/workcenters/{smt['work_center']}", "manufacturing").json()
    assert [d["exception_id"] for d in board["down"]] == [ex["id"]]
    # pmc re-plans in one step and sees the effect on this order before accepting.
    r = api.post(f"/api/v1/exceptions/{ex['id']}/replan", "pmc", json={"time_limit": 0.2})
    assert r.status_code == 200, r.text
    impact = r.json()["impact"]
    assert impact["run_id"] and impact["predicted_completion"] and impact["due"] and "slipped" in impact
    run = api.get(f"/api/v1/planning/runs/{impact['run_id']}?schedule=true", "pmc").json()
    assert run["kind"] == "repair" and run["status"] == "proposed"
    on_down = [a for a in run["assignments"] if a["resource"] == smt["work_center"]
               and a["start_at"] < window["down_until"] and a["end_at"] > window["down_from"]]
    assert on_down == []
    assert api.post(f"/api/v1/planning/runs/{run['id']}/accept", "pmc").status_code == 200
    moved = next(t for t in tasks(api, oid) if t["id"] == smt["id"])
    assert moved["work_center"] != smt["work_center"] or moved["planned_start"] >= window["down_until"]
    assert [e.action for e in _events(ctx, ex["id"])] == ["report", "replan"]


def _events(ctx, exception_id):
    with ctx.uow() as uow:
        return uow.audit.for_entity("process_exception", exception_id)


def test_e4_threatened_due_date_goes_to_management_and_the_approved_report_to_sales_and_customer(api, ctx, actors):
    oid = released(api)
    ex = _report(api, oid, estimated_delay_minutes=600).json()
    r = api.post(f"/api/v1/exceptions/{ex['id']}/apply", "pmc", json={
        "application": "返修需 10 小时，交期受影响，申请加班或延期", "requested_measure": "new_date"})
    assert r.status_code == 200 and r.json()["status"] == "applied" and r.json()["applied_by"] == "pmc"
    assert len(_notices(ctx, actors["management"].user_id, "exception_application")) == 1
    r = api.post(f"/api/v1/exceptions/{ex['id']}/approve", "management",
                 json={"measure": "new_date", "new_date": "2026-12-03", "note": "同意延期两天"})
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["measure"], r.json()["new_date"]) == ("approved", "new_date", "2026-12-03")
    assert api.get(f"/api/v1/orders/{oid}", "sales").json()["promised_date"] == "2026-12-03"
    told = _notices(ctx, actors["sales"].user_id, "exception_approved")
    assert len(told) == 1 and "2026-12-03" in told[0].body
    r = api.post(f"/api/v1/exceptions/{ex['id']}/inform-customer", "sales", json={"message": "给您带来不便，敬请谅解"})
    assert r.status_code == 200 and r.json()["status"] == "informed"
    with ctx.uow() as uow:
        mail = uow.outbox.get(r.json()["outbox_id"])
    assert mail.target == "buyer@c001.example.com" and "2026-12-03" in mail.body
    assert api.post(f"/api/v1/exceptions/{ex['id']}/close", "pmc").json()["status"] == "closed"
    assert [e.action for e in _events(ctx, ex["id"])] == ["report", "apply", "approve", "inform_customer", "close"]
    order_events = api.get(f"/api/v1/orders/{oid}/events", "pmc").json()
    assert order_events[-1]["action"] == "edit" and order_events[-1]["new"] == {"promised_date": "2026-12-03"}


def test_e4_operator_and_warehouse_cannot_approve_an_exception_nor_anyone_their_own(api):
    oid = released(api)
    ex = _report(api, oid).json()
    r = api.post(f"/api/v1/exceptions/{ex['id']}/approve", "management", json={"measure": "overtime"})
    assert (r.status_code, r.json()["code"]) == (409, "exception.invalid_transition")
    api.post(f"/api/v1/exceptions/{ex['id']}/apply", "pmc", json={"application": "申请加班"})
    for user in ("manufacturing", "warehouse", "pmc", "sales"):
        r = api.post(f"/api/v1/exceptions/{ex['id']}/approve", user, json={"measure": "overtime"})
        assert (r.status_code, r.json()["code"]) == (403, "auth.role_not_allowed"), user
    for user in ("manufacturing", "warehouse"):
        assert api.post(f"/api/v1/exceptions/{ex['id']}/reject", user, json={"note": "x"}).status_code == 403
    assert _report(api, oid, user="warehouse").status_code == 403
    assert api.get(f"/api/v1/exceptions/{ex['id']}", "supplier").status_code == 404
    r = api.post(f"/api/v1/exceptions/{ex['id']}/reject", "management", json={"note": "先内部消化"})
    assert r.json()["status"] == "rejected"


def test_e4_bad_input_on_the_exception_forms_gets_field_level_422_and_writes_nothing(api):
    oid = released(api)
    cases = [
        ({"kind": "fire"}, {"kind"}),
        ({"description": ""}, {"description"}),
        ({"estimated_delay_minutes": -5}, {"estimated_delay_minutes"}),
        ({"task_id": 999999}, {"task_id"}),
        ({"kind": "equipment_failure"}, {"work_center"}),
        ({"kind": "equipment_failure", "work_center": "SMT1", "estimated_delay_minutes": 0}, {"down_until"}),
        ({"kind": "equipment_failure", "work_center": "SMT1", "down_from": "2026-11-25T10:00",
          "down_until": "2026-11-25T09:00"}, {"down_until"}),
        ({"kind": "equipment_failure", "work_center": "NOPE"}, {"work_center"}),
        ({"down_from": "2026-11-25T10:00"}, {"down_from"}),
        ({"bogus": True}, {"bogus"}),
    ]
    for body, fields in cases:
        r = _report(api, oid, **body)
        assert r.status_code == 422, (body, r.text)
        assert set(r.json()["fields"]) == fields, (body, r.json())
    assert api.get(f"/api/v1/orders/{oid}/exceptions", "pmc").json() == []
    ex = _report(api, oid).json()
    for path, user, body, fields in [
        ("apply", "pmc", {"application": ""}, {"application"}),
        ("apply", "pmc", {"application": "x", "requested_measure": "pray"}, {"requested_measure"}),
    ]:
        r = api.post(f"/api/v1/exceptions/{ex['id']}/{path}", user, json=body)
        assert r.status_code == 422 and set(r.json()["fields"]) == fields, (path, body, r.text)
    api.post(f"/api/v1/exceptions/{ex['id']}/apply", "pmc", json={"application": "申请延期"})
    for path, body, fields in [("approve", {}, {"measure"}),
                               ("approve", {"measure": "new_date"}, {"new_date"}),
                               ("approve", {"measure": "new_date", "new_date": "2020-01-01"}, {"new_date"}),
                               ("approve", {"measure": "overtime", "new_date": "2026-12-20"}, {"new_date"}),
                               ("reject", {"note": ""}, {"note"})]:
        r = api.post(f"/api/v1/exceptions/{ex['id']}/{path}", "management", json=body)
        assert r.status_code == 422 and set(r.json()["fields"]) == fields, (path, body, r.text)
    assert api.get(f"/api/v1/exceptions/{ex['id']}", "pmc").json()["status"] == "applied"
    r = api.post(f"/api/v1/exceptions/{ex['id']}/approve", "management", json={"measure": "overtime", "version": 1})
    assert (r.status_code, r.json()["code"]) == (409, "stale_version")
    assert api.get("/api/v1/exceptions/999999", "pmc").status_code == 404


def test_e5_only_an_equipment_failure_is_re_planned_around_a_window(api):
    oid = released(api)
    ex = _report(api, oid, kind="staffing", description="两名操作员病假").json()
    r = api.post(f"/api/v1/exceptions/{ex['id']}/replan", "pmc")
    assert (r.status_code, r.json()["code"]) == (409, "exception.nothing_to_replan")
    assert api.post(f"/api/v1/exceptions/{ex['id']}/replan", "manufacturing").status_code == 403
    assert [e["id"] for e in api.get("/api/v1/exceptions", "management").json()] == [ex["id"]]
