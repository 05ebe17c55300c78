"""Delay incidents and the order emergency plan through the API (I2, I3, I4, I5)."""
from __future__ import annotations

import pytest

from jidan.services.orders import lifecycle

from jidan.services.notices import timers
from jidan.services.audit import verify
from tests.fulfilment_support import new_order

pytestmark = pytest.mark.xdist_group("db")


def incident_body(oid: int, **over) -> dict:
    body = {"type": "logistics_delay", "order_id": oid, "cause": "carrier_route", "carrier": "德邦物流",
            "description": "承运商改走绕行线路，预计晚到 1 天；客户来电催问。"}
    body.update(over)
    return body


def notices(ctx, user_id: int, kind: str) -> list[dict]:
    with ctx.uow() as uow:
        return [n for n in uow.notices.for_recipient(user_id) if n.kind == kind]


def organise(api) -> None:
    """The admin names the emergency organisation (I5): GM heads the leadership group."""
    for username, group, duty in (("management", "leadership", "组长（总经理）"), ("pmc", "leadership", "生产部负责人"),
                                  ("warehouse", "team", "仓储部"), ("customer_service", "team", "客服部")):
        r = api.post("/api/v1/emergency-organisation/members", "admin",
                     json={"username": username, "group": group, "duty": duty})
        assert r.status_code == 201, r.text


def test_i2_i3_i5_a_delay_incident_is_solved_followed_compensated_and_closed(api, ctx, actors, clock):
    organise(api)
    oid = new_order(ctx, actors)
    r = api.post("/api/v1/incidents", "customer_service", json=incident_body(oid))
    assert r.status_code == 201, r.text
    incident = r.json()
    assert incident["number"].startswith("INC-") and incident["status"] == "open"
    assert (incident["lead_role"], incident["support_role"]) == ("logistics", "customer_service")  # I4
    assert incident["customer"]["name"] == "华东精密" and incident["product"] == "SCB-200"
    assert incident["gaps"] == {"solution": "required", "customer_informed": "required"}
    # The lead department and the emergency organisation hear of it at once (I5).
    for user in ("logistics", "management", "pmc", "warehouse"):
        assert len(notices(ctx, actors[user].user_id, "incident")) == 1, user
    assert notices(ctx, actors["customer_service"].user_id, "incident") == []  # who reported it knows

    iid = incident["id"]
    r = api.client.put(f"/api/v1/incidents/{iid}/solution", headers=api.as_("logistics"), json={
        "solution": "改派顺丰次日达，重新规划路线", "owner": "logistics", "due_at": "2026-11-25T12:00:00",
        "version": incident["version"]})
    assert r.status_code == 200, r.text
    assert r.json()["solution_owner_name"] == "logistics"
    r = api.post(f"/api/v1/incidents/{iid}/follow-ups", "warehouse", json={"note": "已重新出库 2 箱交顺丰"})
    assert r.status_code == 201
    r = api.post(f"/api/v1/incidents/{iid}/customer-informed", "customer_service",
                 json={"how": "email", "note": "致歉：因承运商线路问题晚到一天，已改派次日达。"})
    assert r.status_code == 200 and r.json()["customer_informed_how"] == "email"
    with ctx.uow() as uow:
        assert [m.target for m in uow.outbox.list() if m.kind == "incident_notice"] == ["buyer@c001.example.com"]

    r = api.post(f"/api/v1/incidents/{iid}/compensation", "customer_service",
                 json={"kind": "coupon", "amount": "500.00", "note": "下单折扣券"})
    assert r.status_code == 200 and r.json()["compensation_status"] == "proposed"
    assert len(notices(ctx, actors["management"].user_id, "compensation")) == 1
    r = api.post(f"/api/v1/incidents/{iid}/close", "logistics")
    assert r.status_code == 422 and r.json()["fields"] == {"compensation": "undecided"}
    r = api.post(f"/api/v1/incidents/{iid}/compensation/decision", "management", json={"approve": True})
    assert r.json()["compensation_status"] == "approved" and r.json()["compensation_amount"] == "500.00"

    clock.advance(hours=2)
    r = api.post(f"/api/v1/incidents/{iid}/close", "logistics")
    assert r.status_code == 200 and r.json()["status"] == "closed" and r.json()["gaps"] == {}
    done = api.get(f"/api/v1/incidents/{iid}", "sales").json()
    assert [f["by"] for f in done["followups"]] == ["warehouse", "customer_service"]
    assert api.post(f"/api/v1/incidents/{iid}/follow-ups", "logistics", json={"note": "x"}).status_code == 409
    clock.advance(days=1)
    timers.fire_due(ctx)  # closed in time: the deadline timer was cancelled
    assert notices(ctx, actors["logistics"].user_id, "incident_overdue") == []
    api.tokens.clear()
    assert [i["id"] for i in api.get("/api/v1/incidents?status=closed", "sales").json()] == [iid]
    assert verify(ctx)[1] == []


@pytest.mark.parametrize("kind,lead,support", [
    ("order_error", "customer_service", "sales"), ("logistics_delay", "logistics", "customer_service"),
    ("customer_complaint", "customer_service", "sales"), ("after_sales", "customer_service", "sales")])
def test_i4_each_case_of_the_emergency_plan_has_its_lead_and_supporting_department(kind, lead, support):
    from jidan.domain.fulfilment import INCIDENT_TYPES
    assert (INCIDENT_TYPES[kind].lead.value, INCIDENT_TYPES[kind].support.value) == (lead, support)


def test_i4_only_the_cases_departments_work_on_an_incident(api, ctx, actors):
    oid = new_order(ctx, actors)
    incident = api.post("/api/v1/incidents", "sales", json=incident_body(
        oid, type="customer_complaint", cause=None, description="客户投诉标签贴错")).json()
    iid = incident["id"]
    assert (incident["lead_role"], incident["support_role"]) == ("customer_service", "sales")
    solution = {"solution": "补发正确标签", "owner": "customer_service", "due_at": "2026-11-26T12:00:00"}
    assert api.client.put(f"/api/v1/incidents/{iid}/solution", headers=api.as_("logistics"),
                          json=solution).status_code == 403  # not this case's department
    assert api.client.put(f"/api/v1/incidents/{iid}/solution", headers=api.as_("sales"),
                          json=solution).status_code == 200
    assert api.post("/api/v1/incidents", "warehouse", json=incident_body(oid)).status_code == 403
    assert api.get(f"/api/v1/incidents/{iid}", "supplier").status_code == 404
    api.post(f"/api/v1/incidents/{iid}/customer-informed", "customer_service", json={"how": "phone", "note": "已致电"})
    r = api.post(f"/api/v1/incidents/{iid}/close", "sales")  # the supporting department does not close
    assert r.status_code == 403
    assert api.post(f"/api/v1/incidents/{iid}/close", "customer_service").json()["status"] == "closed"


def test_i3_a_warehouse_clerk_cannot_decide_compensation_and_nobody_approves_their_own(api, ctx, actors):
    oid = new_order(ctx, actors)
    iid = api.post("/api/v1/incidents", "management", json=incident_body(oid)).json()["id"]
    r = api.post(f"/api/v1/incidents/{iid}/compensation", "management", json={"kind": "refund", "amount": "300"})
    assert r.status_code == 200
    for user in ("warehouse", "customer_service", "logistics", "sales"):
        r = api.post(f"/api/v1/incidents/{iid}/compensation/decision", user, json={"approve": True})
        assert r.status_code == 403 and r.json()["code"] == "auth.role_not_allowed", user
    r = api.post(f"/api/v1/incidents/{iid}/compensation/decision", "management", json={"approve": True})
    assert r.status_code == 403 and r.json()["code"] == "auth.self_approval"
    again = api.post(f"/api/v1/incidents/{iid}/compensation", "logistics", json={"kind": "gift", "amount": "50"})
    assert again.status_code == 409 and again.json()["code"] == "incident.compensation_exists"
    assert api.get(f"/api/v1/incidents/{iid}", "sales").json()["compensation_status"] == "proposed"


def test_i2_a_solution_past_its_deadline_escalates_to_the_owner_lead_and_leadership(api, ctx, actors, clock):
    organise(api)
    oid = new_order(ctx, actors)
    iid = api.post("/api/v1/incidents", "customer_service", json=incident_body(oid)).json()["id"]
    api.client.put(f"/api/v1/incidents/{iid}/solution", headers=api.as_("logistics"), json={
        "solution": "改派", "owner": "customer_service", "due_at": "2026-11-24T17:00:00"})
    clock.advance(hours=7, minutes=49)
    timers.fire_due(ctx)
    assert notices(ctx, actors["customer_service"].user_id, "incident_overdue") == []
    clock.advance(minutes=2)
    timers.fire_due(ctx)
    for user in ("customer_service", "logistics", "management", "pmc"):
        assert len(notices(ctx, actors[user].user_id, "incident_overdue")) == 1, user
    assert notices(ctx, actors["warehouse"].user_id, "incident_overdue") == []  # the team, not leadership


BAD_INCIDENTS = [
    ({"type": "alien"}, {"type": "unknown_type"}),
    ({"cause": None}, {"cause": "required"}),
    ({"cause": "weather"}, {"cause": "unknown_cause"}),
    ({"order_id": 99999}, {"order_id": "unknown_order"}),
    ({"description": " "}, {"description": "required"}),
    ({"product": "P002"}, {"product": "not_in_order"}),
    ({"description": "x" * 2001}, {"description": "string_too_long"}),
    ({"order_id": 0}, {"order_id": "greater_than_equal"}),
    ({"colour": "red"}, {"colour": "extra_forbidden"}),
]


def test_i2_bad_incident_input_gets_a_field_level_422_and_writes_nothing(api, ctx, actors):
    oid = new_order(ctx, actors)
    before = verify(ctx)[0]
    for change, fields in BAD_INCIDENTS:
        r = api.post("/api/v1/incidents", "customer_service", json=incident_body(oid, **change))
        assert r.status_code == 422 and r.json()["fields"] == fields, (change, r.text)
    assert api.get("/api/v1/incidents", "customer_service").json() == []
    assert verify(ctx)[0] == before


def test_i2_i3_bad_input_on_the_incident_forms_gets_field_level_422s(api, ctx, actors):
    oid = new_order(ctx, actors)
    iid = api.post("/api/v1/incidents", "customer_service", json=incident_body(oid)).json()["id"]
    before = verify(ctx)[0]
    put = api.client.put
    cases = [
        (put, "solution", "logistics", {"solution": "", "owner": "nobody", "due_at": "2026-11-01T00:00:00"},
         {"solution": "required", "owner": "unknown_user", "due_at": "in_past"}),
        (api.post, "follow-ups", "logistics", {"note": "  "}, {"note": "required"}),
        (api.post, "customer-informed", "logistics", {"how": "pigeon", "note": ""},
         {"how": "unknown_channel", "note": "required"}),
        (api.post, "compensation", "logistics", {"kind": "cash", "amount": "0"},
         {"kind": "unknown_kind", "amount": "must_be_positive"}),
        (api.post, "compensation", "logistics", {"kind": "gift"}, {"amount": "required"}),
        (api.post, "close", "logistics", {}, {"solution": "required", "customer_informed": "required"}),
    ]
    for call, path, user, body, fields in cases:
        url = f"/api/v1/incidents/{iid}/{path}"
        r = call(url, headers=api.as_(user), json=body) if call is put else call(url, user, json=body)
        assert r.status_code == 422 and r.json()["fields"] == fields, (path, r.text)
    assert verify(ctx)[0] == before


def test_i5_the_admin_keeps_the_emergency_organisation(api, ctx, actors):
    organise(api)
    org = api.get("/api/v1/emergency-organisation", "sales").json()
    assert [m["username"] for m in org["leadership"]] == ["management", "pmc"]
    assert [m["username"] for m in org["team"]] == ["warehouse", "customer_service"]
    assert api.post("/api/v1/emergency-organisation/members", "management",
                    json={"username": "sales", "group": "team", "duty": "销售部"}).status_code == 403
    bad = [({"username": "quality", "group": "team", "duty": "质检"}, {"username": "not_team_role"}),
           ({"username": "ghost", "group": "team", "duty": "x"}, {"username": "unknown_user"}),
           ({"username": "sales", "group": "club", "duty": ""}, {"group": "unknown_group", "duty": "required"})]
    for body, fields in bad:
        r = api.post("/api/v1/emergency-organisation/members", "admin", json=body)
        assert r.status_code == 422 and r.json()["fields"] == fields, body
    dup = api.post("/api/v1/emergency-organisation/members", "admin",
                   json={"username": "pmc", "group": "leadership", "duty": "x"})
    assert dup.status_code == 409 and dup.json()["fields"] == {"username": "duplicate"}
    member = org["team"][0]
    r = api.client.delete(f"/api/v1/emergency-organisation/members/{member['id']}?version={member['version']}",
                          headers=api.as_("admin"))
    assert r.status_code == 204
    assert [m["username"] for m in api.get("/api/v1/emergency-organisation", "admin").json()["team"]] == ["customer_service"]


def test_i2_an_incident_can_be_opened_on_any_order_the_role_may_see(api, ctx, actors):
    oid = new_order(ctx, actors)
    lifecycle.act(ctx, actors["pmc"], oid, "reject", "做不了")
    r = api.post("/api/v1/incidents", "sales", json=incident_body(oid, type="order_error", cause=None,
                                                                   carrier=None, description="订单数量录错"))
    assert r.status_code == 201 and r.json()["carrier"] is None
