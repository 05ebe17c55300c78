"""Release to the floor and execution through the API (D1–D3, E1–E3)."""
from __future__ import annotations

import pytest

from jidan.services.notices import timers
from tests.e2e.execution_support import approved, plan_all, plan_operations, released, report, tasks

pytestmark = pytest.mark.xdist_group("db")


def _notices(ctx, username_id: int, kind: str) -> list[dict]:
    with ctx.uow() as uow:
        return [n for n in uow.notices.for_recipient(username_id) if n.kind == kind]


def test_d1_release_creates_a_task_for_every_planned_operation_with_flag_times_and_hours(api):
    oid = approved(api, "HD-1")
    run = plan_all(api)
    assert api.act(oid, "release", "pmc").status_code == 200
    planned = {a["operation"]: a for a in plan_operations(api, oid, run["id"])}
    got = {t["operation"]: t for t in tasks(api, oid)}
    assert planned and set(got) == set(planned)
    for op, a in planned.items():
        t = got[op]
        assert t["urgent"] is True and t["status"] == "planned" and t["kind"] == "production"
        assert (t["work_center"], t["planned_start"], t["planned_end"]) == (a["resource"], a["start_at"], a["end_at"])
        assert t["planned_minutes"] == a["end"] - a["start"] and t["hours"] == round(t["planned_minutes"] / 60, 2)
    # Lots of one operation share its quantity; every operation's lots add up to the line's 300.
    by_step: dict[int, int] = {}
    for t in got.values():
        by_step[t["step_seq"]] = by_step.get(t["step_seq"], 0) + t["quantity"]
    assert by_step == {10: 300, 20: 300}
    assert [t["name"] for t in sorted(got.values(), key=lambda t: (t["step_seq"], t["lot"]))][0] == "SMT 贴片"


def test_d2_d3_production_notices_go_to_each_group_leader_to_acknowledge_and_to_the_owner(api, ctx, actors):
    assert api.client.put("/api/v1/workgroups/SMT/leader", headers=api.as_("pmc"),
                          json={"username": "manufacturing"}).status_code == 200
    oid = approved(api, "HD-2")
    plan_all(api)
    assert api.client.put(f"/api/v1/orders/{oid}/owner", headers=api.as_("pmc"),
                          json={"username": "sales2"}).status_code == 200
    assert api.act(oid, "release", "pmc").status_code == 200
    leader = _notices(ctx, actors["manufacturing"].user_id, "release")
    # SMT has its leader; ASM has none named, so every manufacturing user hears of it: two notices.
    assert sorted(n.ref for n in leader) == [f"production_notice:{oid}:ASM", f"production_notice:{oid}:SMT"]
    assert all(n.needs_ack and n.ack_due_at and n.critical and "急单" in n.subject for n in leader)
    assert len(_notices(ctx, actors["sales2"].user_id, "release")) == 2  # the owner (专人负责)
    notice = api.get(f"/api/v1/orders/{oid}/production-notice", "manufacturing").json()
    assert notice["urgent"] and {g["department"] for g in notice["groups"]} == {"SMT", "ASM"}
    assert notice["issued_by"] == "pmc" and all(g["tasks"] for g in notice["groups"])
    assert {g["department"] for g in notice["notices"]} == {"SMT", "ASM"}
    events = api.get(f"/api/v1/orders/{oid}/events", "pmc").json()
    assert events[-1]["action"] == "release"


def test_d2_group_leader_input_and_role_are_checked(api):
    put = lambda user, dept, body: api.client.put(f"/api/v1/workgroups/{dept}/leader", headers=api.as_(user), json=body)
    assert put("sales", "SMT", {"username": "manufacturing"}).status_code == 403
    r = put("pmc", "NOPE", {"username": "manufacturing"})
    assert r.status_code == 422 and r.json()["fields"] == {"department": "unknown_department"}
    r = put("pmc", "SMT", {"username": "quality"})
    assert r.status_code == 422 and r.json()["fields"] == {"username": "not_manufacturing"}
    r = put("pmc", "SMT", {"username": "manufacturing", "extra": 1})
    assert r.status_code == 422 and "extra" in r.json()["fields"]
    assert api.get("/api/v1/workgroups", "manufacturing").json()[0]["username"] is None


def test_e1_operator_reports_a_task_and_the_first_start_moves_the_order_to_production(api, clock):
    oid = released(api)
    first = min(tasks(api, oid), key=lambda t: t["planned_start"])
    assert api.get(f"/api/v1/orders/{oid}", "pmc").json()["status"] == "released"
    r = report(api, first["id"], "start")
    assert r.status_code == 200 and r.json()["status"] == "running" and r.json()["actions"] == ["pause", "finish"]
    assert api.get(f"/api/v1/orders/{oid}", "pmc").json()["status"] == "in_production"
    clock.advance(minutes=30)
    assert report(api, first["id"], "pause").json()["worked_minutes"] == 30
    clock.advance(minutes=60)
    assert report(api, first["id"], "resume").json()["status"] == "running"
    clock.advance(minutes=15)
    done = report(api, first["id"], "finish", good_qty=first["quantity"] - 2, scrap_qty=2).json()
    assert done["status"] == "done" and done["worked_minutes"] == 45
    assert (done["good_qty"], done["scrap_qty"]) == (first["quantity"] - 2, 2)
    events = api.get(f"/api/v1/orders/{oid}/events", "pmc").json()
    assert [e["action"] for e in events][-2:] == ["release", "start_production"]
    assert events[-1]["actor"] == "manufacturing"
    progress = api.get(f"/api/v1/orders/{oid}/progress", "sales").json()
    assert progress["done"] == 1 and progress["total"] == len(tasks(api, oid)) and progress["remaining_minutes"] > 0


def test_e1_reports_out_of_sequence_are_refused_with_stable_codes(api):
    oid = released(api)
    t = tasks(api, oid)[0]["id"]
    expect = [("finish", "task.not_started"), ("pause", "task.not_started"), ("resume", "task.not_started")]
    for action, code in expect:
        r = report(api, t, action)
        assert (r.status_code, r.json()["code"]) == (409, code), action
    r = report(api, t, "start", version=99)
    assert (r.status_code, r.json()["code"], r.json()["current_version"]) == (409, "stale_version", 1)
    assert report(api, t, "start", version=1).status_code == 200
    for action, code in [("start", "task.already_running"), ("resume", "task.already_running")]:
        r = report(api, t, action)
        assert (r.status_code, r.json()["code"]) == (409, code), action
    assert report(api, t, "pause").status_code == 200
    r = report(api, t, "finish")
    assert (r.status_code, r.json()["code"]) == (409, "task.paused")
    assert report(api, t, "resume").status_code == 200
    assert report(api, t, "finish").status_code == 200
    r = report(api, t, "start")
    assert (r.status_code, r.json()["code"]) == (409, "task.already_done")


def test_e1_bad_report_input_gets_field_level_422_and_writes_nothing(api):
    oid = released(api)
    t = tasks(api, oid)[0]
    cases = [("start", {"good_qty": 5}, {"good_qty": "only_on_finish"}),
             ("finish", {"good_qty": -1}, None),
             ("finish", {"hours": "0"}, None),
             ("finish", {"bogus": 1}, None)]
    assert report(api, t["id"], "start").status_code == 200
    for action, body, fields in cases[1:]:
        r = report(api, t["id"], action, **body)
        assert r.status_code == 422, (body, r.text)
        assert set(r.json()["fields"]) == set(body), body
    r = report(api, t["id"], "finish", good_qty=t["quantity"], scrap_qty=1)
    assert r.status_code == 422 and r.json()["fields"] == {"good_qty": "exceeds_quantity"}
    r = report(api, t["id"], "finish", good_qty=0, scrap_qty=0)
    assert r.status_code == 422 and r.json()["fields"] == {"good_qty": "must_be_positive"}
    r = report(api, t["id"], "pause", good_qty=3)
    assert r.status_code == 422 and r.json()["fields"] == cases[0][2]
    assert api.post(f"/api/v1/tasks/{t['id']}/actions/explode", "manufacturing").status_code == 422
    assert tasks(api, oid)[0]["status"] == "running"  # nothing of the bad reports was written
    assert api.post("/api/v1/tasks/999999/actions/start", "manufacturing").status_code == 404


def test_e1_only_operators_report_work(api):
    oid = released(api)
    t = tasks(api, oid)[0]["id"]
    for user in ("pmc", "quality", "warehouse", "sales"):
        r = report(api, t, "start", user=user)
        assert (r.status_code, r.json()["code"]) == (403, "auth.role_not_allowed"), user
    assert api.get(f"/api/v1/orders/{oid}/progress", "supplier").status_code == 404


def test_e2_late_forecast_alerts_pmc_and_the_owner_once_per_crossing(api, ctx, actors, clock):
    oid = approved(api, "HD-3", requested_date="2026-11-26")
    plan_all(api)
    api.client.put(f"/api/v1/orders/{oid}/owner", headers=api.as_("pmc"), json={"username": "sales2"})
    api.act(oid, "release", "pmc")
    on_time = api.get(f"/api/v1/orders/{oid}/progress", "pmc").json()
    assert on_time["late"] is False and on_time["predicted_completion"] <= on_time["due"]
    # Nobody starts until the due day's afternoon: the forecast passes the due time before it is missed.
    clock.advance(days=2, hours=4)
    api.tokens.clear()
    first = min(tasks(api, oid), key=lambda t: t["planned_start"])
    assert report(api, first["id"], "start").status_code == 200
    late = api.get(f"/api/v1/orders/{oid}/progress", "pmc").json()
    assert late["late"] is True and late["predicted_completion"] > late["due"] and late["lateness_minutes"] > 0
    assert clock.now().isoformat() < late["due"]
    clock.advance(minutes=20)
    assert report(api, first["id"], "pause").status_code == 200
    assert report(api, first["id"], "resume").status_code == 200
    clock.advance(hours=2)
    timers.fire_due(ctx)  # the hourly re-check does not repeat the alert either
    for who in ("pmc", "sales2"):
        alerts = _notices(ctx, actors[who].user_id, "progress_alert")
        assert len(alerts) == 1 and alerts[0].order_id == oid and "急单" in alerts[0].subject, who
    assert api.get("/api/v1/audit/verify", "management").json()["ok"] is True


def test_e2_the_hourly_check_alerts_even_when_nobody_reports(api, ctx, actors, clock):
    oid = approved(api, "HD-4", requested_date="2026-11-26")
    plan_all(api)
    api.act(oid, "release", "pmc")
    clock.advance(days=2, hours=4)
    assert timers.fire_due(ctx) >= 1
    alerts = _notices(ctx, actors["pmc"].user_id, "progress_alert")
    assert [a.order_id for a in alerts] == [oid]


def test_e1_work_center_screen_lists_todays_tasks_urgent_first(api):
    normal = approved(api, "N-1", customer="C002", requested_date="2026-12-18",
                      lines=[{"product": "P002", "quantity": 100}])
    urgent = approved(api, "HD-5")
    plan_all(api)
    for oid in (normal, urgent):
        assert api.act(oid, "release", "pmc").status_code == 200
    centers = api.get("/api/v1/workcenters", "manufacturing").json()
    assert {c["code"] for c in centers} == {"SMT1", "SMT2", "ASM1"}
    busy = max(centers, key=lambda c: c["open"])
    board = api.get(f"/api/v1/workcenters/{busy['code']}", "manufacturing").json()
    flags = [t["urgent"] for t in board["tasks"]]
    assert board["tasks"] and flags == sorted(flags, reverse=True)
    assert all(t["work_center"] == busy["code"] for t in board["tasks"])
    assert api.get("/api/v1/workcenters/NOPE", "manufacturing").status_code == 404


def test_e3_sales_sends_the_customer_a_progress_update_by_email(api, ctx):
    oid = released(api)
    r = api.post(f"/api/v1/orders/{oid}/progress-update", "sales", json={"note": "SMT 已开工"})
    assert r.status_code == 201, r.text
    sent = r.json()
    assert sent["to"] == "buyer@c001.example.com" and sent["stage"] == "released"
    with ctx.uow() as uow:
        mail = uow.outbox.get(sent["outbox_id"])
    assert mail.target == "buyer@c001.example.com" and mail.channel == "email"
    assert "SMT 已开工" in mail.body and "急单" in mail.subject
    assert api.post(f"/api/v1/orders/{oid}/progress-update", "manufacturing").status_code == 403
    assert api.post(f"/api/v1/orders/{oid}/progress-update", "sales", json={"note": "x" * 1001}).status_code == 422
    other = released(api, "N-2", customer="C002", requested_date="2026-12-18")
    r = api.post(f"/api/v1/orders/{other}/progress-update", "sales")
    assert (r.status_code, r.json()["code"]) == (409, "customer.no_email")
