"""Steps the execution tests share: an order taken through review, plan and release by the API."""
from __future__ import annotations

from tests.conftest import urgent_order_payload

#: A product whose routing has an in-process inspection point (ICT on ASM1), for F1 tests.
INSPECTED_PRODUCT = {
    "code": "ICB-100", "name": "带 ICT 的控制板", "unit_price": "120", "standard_lead_days": 10,
    "routing": [{"seq": 10, "work_center": "SMT1", "name": "SMT 贴片", "minutes_per_unit": "0.2", "setup_minutes": 10},
                {"seq": 20, "work_center": "ASM1", "name": "ICT 在线测试", "minutes_per_unit": "0.1",
                 "inspection": True},
                {"seq": 30, "work_center": "ASM1", "name": "包装", "minutes_per_unit": "0.1"}],
}


def approved(api, po: str, **over) -> int:
    """An order reviewed by pmc and approved by management; the key customer's unless told."""
    order = api.post("/api/v1/orders", over.pop("by", "sales"), json=urgent_order_payload(customer_po=po, **over))
    assert order.status_code == 201, order.text
    oid = order.json()["id"]
    assert api.act(oid, "review", "pmc").status_code == 200
    assert api.act(oid, "approve", "management").status_code == 200
    return oid


def plan_all(api) -> dict:
    """pmc plans all approved work and accepts the plan."""
    run = api.post("/api/v1/planning/runs", "pmc", json={"kind": "full", "time_limit": 0.2}).json()
    accepted = api.post(f"/api/v1/planning/runs/{run['id']}/accept", "pmc")
    assert accepted.status_code == 200, accepted.text
    return accepted.json()


def released(api, po: str = "HD-2026-0042", **over) -> int:
    """An order approved, planned, accepted and released to the floor."""
    oid = approved(api, po, **over)
    plan_all(api)
    r = api.act(oid, "release", "pmc")
    assert r.status_code == 200, r.text
    return oid


def plan_operations(api, oid: int, run_id: int) -> list[dict]:
    """A planning run's operations of one order."""
    number = api.get(f"/api/v1/orders/{oid}", "pmc").json()["number"]
    ops = api.get(f"/api/v1/planning/runs/{run_id}?schedule=true", "pmc").json()["assignments"]
    return [a for a in ops if a["job"].startswith(number + "/")]


def tasks(api, oid: int, user: str = "pmc") -> list[dict]:
    r = api.get(f"/api/v1/orders/{oid}/progress", user)
    assert r.status_code == 200, r.text
    return r.json()["tasks"]


def report(api, task_id: int, action: str, user: str = "manufacturing", **body):
    return api.post(f"/api/v1/tasks/{task_id}/actions/{action}", user, json=body or None)


def finish_all(api, oid: int, kinds=("production", "rework", "replacement")) -> None:
    """The floor starts and finishes every open task of the order, full quantity good."""
    for t in tasks(api, oid):
        if t["kind"] not in kinds or t["status"] == "done":
            continue
        if t["status"] == "planned":
            assert report(api, t["id"], "start").status_code == 200
        assert report(api, t["id"], "finish").status_code == 200
