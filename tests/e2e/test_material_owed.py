"""Material a released order is still owed (欠料, C6, C7): release issues what stock has and owes
the rest; stock that comes in goes to it first; only the routing step that consumes a material
waits for it, so a supplier's delay moves that step and what follows, not the work before it."""
from __future__ import annotations

import pytest

from tests.e2e.test_materials_api import approved_order, full_plan, purchase, stock

pytestmark = pytest.mark.xdist_group("db")


def connectors(api) -> dict:
    return next(s for s in api.get("/api/v1/materials/stock", "pmc").json() if s["material"] == "M-CONN")


def audit_of(api, entity: str) -> list[tuple[str, dict | None, dict]]:
    with api.client.app.state.ctx.uow() as uow:
        return [(e["action"], e["old"], e["new"]) for e in uow.audit.all() if e["entity"] == entity]


def scb300(api, step: int | None = 20) -> None:
    """SCB-300: SMT, then assembly, which takes in the connectors (its BOM names step 20)."""
    r = api.post("/api/v1/products", "admin", json={
        "code": "SCB-300", "name": "伺服控制板 300", "unit_price": "500", "standard_lead_days": 12,
        "routing": [{"seq": 10, "work_center": "SMT2", "name": "SMT 贴片", "minutes_per_unit": "0.6",
                     "setup_minutes": 30},
                    {"seq": 20, "work_center": "ASM1", "name": "插件装配", "minutes_per_unit": "1.2"}],
        "bom": [{"component": "M-CONN", "quantity_per": "2", "step": step}]})
    assert r.status_code == 201, r.text
    assert r.json()["bom"] == [{"component": "M-CONN", "quantity_per": "2", "step": step}]


def steps(api, run_id: int, number: str) -> dict[str, tuple[str, str]]:
    """Each step of the order's line 1: (first start, last end) in the run's plan."""
    out: dict[str, tuple[str, str]] = {}
    for a in api.get(f"/api/v1/planning/runs/{run_id}?schedule=true", "pmc").json()["assignments"]:
        if a["job"] == f"{number}/1":
            seq = a["operation"].split("-")[-1].split(".")[0]
            first, last = out.get(seq, (a["start_at"], a["end_at"]))
            out[seq] = (min(first, a["start_at"]), max(last, a["end_at"]))
    return out


def test_c6_release_issues_what_stock_has_and_owes_the_rest_to_the_order(api):
    stock(api, 150)
    po = purchase(api, 1000, "2026-11-26")
    oid = approved_order(api, "OW-1", qty=100)  # 200 connectors
    full_plan(api)
    assert api.act(oid, "release", "pmc").status_code == 200
    assert (connectors(api)["on_hand"], connectors(api)["owed"]) == (0, 50)
    assert audit_of(api, "material_shortage") == [
        ("create", None, {"order": api.get(f"/api/v1/orders/{oid}", "pmc").json()["number"], "line_no": 1,
                          "material": "M-CONN", "quantity": 50})]

    r = api.post(f"/api/v1/purchase-orders/{po['id']}/receive", "warehouse", json={"version": po["version"]})
    assert r.status_code == 200, r.text
    assert (connectors(api)["on_hand"], connectors(api)["owed"]) == (950, 0)
    assert audit_of(api, "material_shortage")[-1] == ("issue", {"quantity": 50}, {"quantity": 0})


def test_c6_stock_that_comes_in_is_owed_to_nobody_once_the_order_is_cancelled(api):
    stock(api, 0)
    purchase(api, 1000, "2026-11-26")
    oid = approved_order(api, "OW-2", qty=100)
    full_plan(api)
    assert api.act(oid, "release", "pmc").status_code == 200
    assert connectors(api)["owed"] == 200
    r = api.act(oid, "cancel", "management", reason="客户取消")
    assert r.status_code == 200, r.text
    assert connectors(api)["owed"] == 0
    stock(api, 300)
    assert connectors(api)["on_hand"] == 300


def test_c6_c7_only_the_step_that_consumes_a_late_material_waits_for_it(api):
    scb300(api)
    stock(api, 0)
    po = purchase(api, 1000, "2026-11-25")
    oid = approved_order(api, "OW-3", product="SCB-300", qty=100)
    number = api.get(f"/api/v1/orders/{oid}", "pmc").json()["number"]
    base = full_plan(api)
    planned = steps(api, base["id"], number)
    assert planned["10"][0] < "2026-11-25T00:00"  # SMT needs no connector: it runs on Day 1
    assert planned["20"][0] >= "2026-11-25T08:00"  # assembly waits for the connectors
    assert api.act(oid, "release", "pmc").status_code == 200
    assert connectors(api)["owed"] == 200

    r = api.post("/api/v1/material-delay-requests", "supplier", json={
        "purchase_order_id": po["id"], "new_date": "2026-11-27", "reason": "模具检修"})
    assert r.status_code == 201, r.text
    r = api.post(f"/api/v1/material-delay-requests/{r.json()['id']}/decision", "pmc", json={"decision": "approve"})
    assert r.status_code == 200, r.text
    decided = r.json()
    assert decided["affected_orders"] == [number]
    run = api.get(f"/api/v1/planning/runs/{decided['repair_run_id']}", "pmc").json()
    assert run["summary"]["disturbance"]["steps"] == [f"{number}/1-20"]
    repaired = steps(api, run["id"], number)
    assert repaired["10"] == planned["10"]  # SMT stays where it was
    assert repaired["20"][0] >= "2026-11-27T08:00"


def test_c6_a_bom_step_the_routing_does_not_have_is_a_field_level_422(api):
    r = api.post("/api/v1/products", "admin", json={
        "code": "SCB-301", "name": "x", "unit_price": "1", "standard_lead_days": 5,
        "routing": [{"seq": 10, "work_center": "SMT2", "name": "SMT", "minutes_per_unit": "0.6"}],
        "bom": [{"component": "M-CONN", "quantity_per": "2", "step": 20}]})
    assert r.status_code == 422 and r.json()["fields"] == {"bom.0.step": "unknown_step"}, r.text
    assert api.get("/api/v1/products/SCB-301", "pmc").status_code == 404
