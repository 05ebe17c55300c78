"""The emergency state through the API with the settable clock (J1–J4, issue 23 §1): declared and
signed by management, a re-plan under the emergency rule for pmc, the customers and suppliers
told with acknowledgement and escalation, lifted with a review whose improvements are tracked,
and drills that leave the real data byte for byte as they were."""
from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from jidan.adapters.db import tables as t
from jidan.services.notices import timers
from tests.conftest import urgent_order_payload
from tests.support import DAY1, PASSWORD

pytestmark = pytest.mark.xdist_group("db")


def approved_order(api, po, product="SCB-200", qty=120, date="2026-12-04", customer="C002"):
    r = api.post("/api/v1/orders", "sales", json=urgent_order_payload(
        customer=customer, customer_po=po, requested_date=date, lines=[{"product": product, "quantity": qty}]))
    assert r.status_code == 201, r.text
    oid = r.json()["id"]
    api.act(oid, "review", "pmc")
    assert api.act(oid, "approve", "management").status_code == 200
    return oid


def plant_with_plan(api):
    """Four approved orders in an accepted plan (one of a key customer), and an open purchase
    order of their material from the supplier."""
    oids = [approved_order(api, f"E-{i}", date=f"2026-11-2{i + 5}") for i in range(3)]
    oids.append(approved_order(api, "E-KEY", customer="C001", date="2026-11-27"))
    run = api.post("/api/v1/planning/runs", "pmc", json={"kind": "full", "time_limit": 0.5}).json()
    assert api.post(f"/api/v1/planning/runs/{run['id']}/accept", "pmc").status_code == 200
    r = api.post("/api/v1/purchase-orders", "purchasing", json={
        "material": "M-CONN", "quantity": 2000, "due_date": "2026-11-26", "supplier": "supplier"})
    assert r.status_code == 201, r.text
    return oids


def declaration(**over):
    body = {"cause": "system_failure", "scope": "work_centers", "targets": ["SMT1", "SMT2"],
            "starts_at": DAY1.isoformat(), "expected_end_at": (DAY1 + timedelta(days=2)).isoformat(),
            "description": "SMT 线控制系统故障，预计两天修复。", "password": PASSWORD}
    body.update(over)
    return body


def notices_of(api, user, kind):
    r = api.get("/api/v1/inbox", user)
    assert r.status_code == 200, r.text
    return [n for n in r.json()["items"] if n["kind"] == kind]


def test_j1_j4_declare_replan_tell_escalate_lift_and_review(api, ctx, clock):
    plant_with_plan(api)
    # J1: only management declares, signed; bad input is 422 by field
    assert api.post("/api/v1/emergency", "pmc", json=declaration()).status_code == 403
    bad = api.post("/api/v1/emergency", "management", json=declaration(
        cause="meteor", targets=["NOPE"], expected_end_at=DAY1.isoformat()))
    assert bad.status_code == 422 and {"cause", "expected_end_at"} <= set(bad.json()["fields"]), bad.text
    wrong = api.post("/api/v1/emergency", "management", json=declaration(password="not-the-password"))
    assert wrong.status_code == 422 and wrong.json()["fields"] == {"password": "wrong_password"}

    r = api.post("/api/v1/emergency", "management", json=declaration())
    assert r.status_code == 201, r.text
    em = r.json()
    assert em["status"] == "in_force" and em["declare_method"] == "password"
    assert em["priority_rule"] == ["key", "urgent", "due"]
    again = api.post("/api/v1/emergency", "management", json=declaration())
    assert again.status_code == 409 and again.json()["code"] == "emergency.already_active"

    # J2: pmc has the re-plan at once; it shows the orders that move and the ship dates to change
    run_id = em["planning_run_id"]
    assert run_id and em["affected"]["run_id"] == run_id
    run = api.get(f"/api/v1/planning/runs/{run_id}", "pmc").json()
    assert run["status"] == "proposed" and run["summary"]["disturbance"]["kind"] == "emergency"
    moved = em["affected"]["orders"]
    assert moved, em["affected"]
    assert any(o["new_ship_date"] for o in moved)
    assert {o["cause"] for o in moved} == {"closed"}
    assert notices_of(api, "pmc", "emergency.replan")

    # J3: customers by e-mail and through the owner; suppliers of the material; all acknowledged
    customers = {c["code"] for c in em["affected"]["customers"]}
    assert customers == {o["customer_code"] for o in moved}
    with ctx.uow() as uow:
        mails = [row for row in uow.session.execute(select(t.outbox).where(t.outbox.c.kind == "emergency.customer"))]
    assert ("C001" in customers) == any(m.target == "buyer@c001.example.com" for m in mails)
    owner_notices = notices_of(api, "sales", "emergency.customer")
    assert len(owner_notices) == len(moved) and all(n["needs_ack"] for n in owner_notices)
    assert [s["name"] for s in em["affected"]["suppliers"]] == ["supplier"]
    supplier = notices_of(api, "supplier", "emergency.supplier")
    assert len(supplier) == 1 and supplier[0]["needs_ack"]
    assert api.post(f"/api/v1/inbox/{supplier[0]['id']}/ack", "supplier").status_code == 200

    # unacknowledged, the owner's notices go up the ladder (sales > pmc) once the deadline passes
    clock.advance(hours=30)
    timers.fire_due(ctx)
    api.tokens.clear()  # the sessions expired meanwhile
    escalated = notices_of(api, "pmc", "escalation")
    assert escalated and all(n["escalation_level"] == 1 for n in escalated)

    # pmc accepts the re-plan like any other
    assert api.post(f"/api/v1/planning/runs/{run_id}/accept", "pmc").status_code == 200

    # J4: lifting, signed, freezes the review; improvements become tracked actions
    lift = {"what_happened": "SMT2 控制器烧毁，更换后恢复。", "causes": "备件不足", "costs": "加班 12 小时，空运 ¥3,000",
            "improvements": [{"department": "pmc", "text": "关键设备备件清单", "owner": "pmc",
                              "due": "2026-12-20"},
                             {"department": "sales", "text": "紧急联系客户名单", "owner": "sales",
                              "due": "2026-12-18"}],
            "password": PASSWORD}
    bad = api.post(f"/api/v1/emergency/{em['id']}/lift", "management",
                   json=lift | {"improvements": [{"department": "moon", "text": "", "owner": "nobody",
                                                   "due": "2020-01-01"}]})
    assert bad.status_code == 422
    assert set(bad.json()["fields"]) == {"improvements.0.department", "improvements.0.text",
                                         "improvements.0.owner", "improvements.0.due"}
    done = api.post(f"/api/v1/emergency/{em['id']}/lift", "management", json=lift)
    assert done.status_code == 200, done.text
    assert done.json()["status"] == "lifted"
    report = api.get(f"/api/v1/emergency/{em['id']}/review", "sales").json()
    rv = report["review"]
    assert rv["what_happened"].startswith("SMT2") and rv["costs"]
    assert [o["order"] for o in rv["orders"]] == [o["order"] for o in moved]
    assert all(o["told"] and o["escalations"] >= 1 for o in rv["orders"])
    assert rv["suppliers"][0]["acknowledged"] is True
    assert sorted(a["department"] for a in report["actions"]) == ["pmc", "sales"]
    assert api.get("/api/v1/emergency", "sales").json()["current"] is None
    again = api.post(f"/api/v1/emergency/{em['id']}/lift", "management", json=lift)
    assert again.status_code == 409


def test_j1_an_emergency_declared_ahead_takes_effect_at_its_start_by_its_timer(api, ctx, clock):
    start = DAY1 + timedelta(hours=3)
    r = api.post("/api/v1/emergency", "management", json=declaration(
        scope="company", targets=[], starts_at=start.isoformat(), cause="epidemic"))
    assert r.status_code == 201, r.text
    em = r.json()
    assert em["status"] == "declared" and em["affected"] == {"replan_error": "planning.no_plan"}
    clock.advance(hours=3)
    timers.fire_due(ctx)
    assert api.get(f"/api/v1/emergency/{em['id']}", "pmc").json()["status"] == "in_force"
    assert notices_of(api, "pmc", "emergency.in_force")


def _real_data(ctx) -> dict:
    """What a drill must not touch: orders, lines, plans, the audit chain and head, the outbox,
    notices and timers, row by row."""
    with ctx.uow() as uow:
        return {table.name: [tuple(r) for r in uow.session.execute(select(table).order_by(*table.primary_key))]
                for table in (t.orders, t.order_lines, t.planning_runs, t.audit_events, t.audit_head, t.outbox,
                              t.notices, t.timers, t.emergency_states, t.production_tasks)}


def test_j4_a_drill_runs_on_a_copy_tells_only_its_participants_and_leaves_real_data_unchanged(api, ctx, clock):
    plant_with_plan(api)
    before = _real_data(ctx)
    r = api.post("/api/v1/emergency-drills", "management",
                 json=declaration(participants=["pmc", "sales"]) | {"cause": "natural_disaster"})
    assert r.status_code == 201, r.text
    drill = r.json()
    assert drill["emergency"]["status"] == "in_force" and drill["emergency"]["drill"] is True
    assert drill["emergency"]["affected"]["orders"]
    told = {n["recipient"] for n in drill["notices"]}
    assert told and told <= {"pmc", "sales", "management"}
    # time moves in the drill only, and the owner's unacknowledged notices escalate there
    moved = api.post(f"/api/v1/emergency-drills/{drill['id']}/advance", "management", json={"hours": 30}).json()
    assert moved["offset_minutes"] == 1800
    assert any(n["kind"] == "escalation" and n["recipient"] == "pmc" for n in moved["notices"])
    first = next(n for n in moved["notices"] if n["recipient"] == "pmc" and n["needs_ack"])
    acked = api.post(f"/api/v1/emergency-drills/{drill['id']}/notices/{first['id']}/acknowledge", "pmc").json()
    assert next(n for n in acked["notices"] if n["id"] == first["id"])["acknowledged_at"]
    lifted = api.post(f"/api/v1/emergency-drills/{drill['id']}/lift", "management", json={
        "what_happened": "演练：地震后 SMT 线停工两天。", "password": PASSWORD,
        "improvements": [{"department": "pmc", "text": "演练改进", "owner": "pmc", "due": "2026-12-20"}]}).json()
    assert lifted["emergency"]["status"] == "lifted" and lifted["emergency"]["review"]["orders"]
    assert [d["id"] for d in api.get("/api/v1/emergency-drills", "management").json()] == [drill["id"]]
    # the real clock, inbox and data saw nothing
    assert clock.now() == DAY1
    assert not notices_of(api, "pmc", "emergency.replan")
    assert api.get("/api/v1/emergency", "pmc").json()["history"] == []
    assert _real_data(ctx) == before
    end = f"/api/v1/emergency-drills/{drill['id']}"
    assert api.client.delete(end, headers=api.as_("sales")).status_code == 403
    assert api.client.delete(end, headers=api.as_("management")).status_code == 204
    assert api.get(f"/api/v1/emergency-drills/{drill['id']}", "management").status_code == 404
    assert _real_data(ctx) == before


def test_j1_j4_pages_declare_show_the_banner_everywhere_lift_print_and_drill(api, ctx, clock):
    from tests.support import web_session

    plant_with_plan(api)
    boss, csrf = web_session(ctx, "management")
    page = boss.get("/emergency-organisation")
    assert page.status_code == 200 and 'data-testid="emergency-declare"' in page.text
    form = {"csrf_token": csrf, "cause": "natural_disaster", "scope": "customers", "targets": "C002",
            "starts_at": "2026-11-24T09:10", "expected_end_at": "2026-11-26T17:00", "description": "台风",
            "password": PASSWORD}
    bad = boss.post("/emergency/declare", data=form | {"expected_end_at": "2026-11-20T08:00", "targets": "ZZZ"})
    assert bad.status_code == 422 and 'id="err-expected_end_at"' in bad.text
    assert boss.post("/emergency/declare", data=form, follow_redirects=False).status_code == 303
    sales, _ = web_session(ctx, "sales")
    orders = sales.get("/orders").text
    assert 'data-testid="emergency-banner"' in orders and "台风" not in orders and "自然灾害" in orders
    current = api.get("/api/v1/emergency", "management").json()["current"]
    causes = {(o["customer_code"], o["cause"]) for o in current["affected"]["orders"]}
    assert ("C002", "held") in causes and causes <= {("C002", "held"), ("C001", "priority")}
    lift = {"csrf_token": csrf, "version": str(current["version"]), "what_happened": "台风过境，停工两天",
            "costs": "—", "improvements": "pmc|台风预案|pmc|2026-12-20\nsales|客户通知模板|sales|2026-12-21",
            "password": PASSWORD}
    r = boss.post(f"/emergency/{current['id']}/lift", data=lift, follow_redirects=False)
    assert r.status_code == 303, r.text
    printed = boss.get(r.headers["location"])
    assert printed.status_code == 200 and "紧急状态总结报告" in printed.text and "台风预案" in printed.text
    assert 'data-testid="emergency-banner"' not in sales.get("/orders").text

    started = boss.post("/emergency-drills", data=form | {"participants": "pmc"}, follow_redirects=False)
    assert started.status_code == 303, started.text
    drill_url = started.headers["location"]
    assert 'data-testid="drill"' in boss.get(drill_url).text
    assert 'data-testid="emergency-banner"' not in sales.get("/orders").text  # a drill is no emergency
    moved = boss.post(drill_url, data={"csrf_token": csrf, "action": "advance", "hours": "24"})
    assert moved.status_code == 200 and "2026-11-25 09:10" in moved.text
    assert boss.post(drill_url, data={"csrf_token": csrf, "action": "end"}, follow_redirects=False).status_code == 303
    assert boss.get(drill_url).status_code == 404
