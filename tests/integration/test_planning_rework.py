"""Rework and replacement work is part of planning's own problem (F1, F2): every later run, full,
insertion or repair, plans it with the rest, and accepting a plan moves its tasks."""
from __future__ import annotations

from dataclasses import asdict
from datetime import timedelta
from itertools import pairwise

import pytest

from jidan.services import planning
from tests.e2e.execution_support import INSPECTED_PRODUCT, approved, released, report, tasks

pytestmark = pytest.mark.xdist_group("db")


@pytest.fixture
def rework(api):
    """100 boards released; ICT fails 6 to rework from SMT; pmc has not accepted the rework proposal."""
    assert api.post("/api/v1/products", "admin", json=INSPECTED_PRODUCT).status_code == 201
    oid = released(api, "ICB-1", lines=[{"product": "ICB-100", "quantity": 100}])
    for t in [t for t in tasks(api, oid) if t["step_seq"] == 10]:
        assert report(api, t["id"], "start").status_code == 200
        assert report(api, t["id"], "finish").status_code == 200
    ict = next(t for t in tasks(api, oid) if t["step_seq"] == 20)
    assert report(api, ict["id"], "start").status_code == 200
    r = api.post(f"/api/v1/orders/{oid}/inspections", "quality", json={
        "stage": "in_process", "task_id": ict["id"], "passed_qty": 94, "failed_qty": 6, "disposition": "rework"})
    assert r.status_code == 201, r.text
    return {"order_id": oid, "proposal": r.json()["planning_run_id"]}


def _rework_rows(ctx, order_id) -> list[dict]:
    with ctx.uow() as uow:
        return [asdict(t) for t in uow.tasks.for_order(order_id) if t.kind == "rework"]


def _schedule(api, run_id) -> list[dict]:
    r = api.get(f"/api/v1/planning/runs/{run_id}?schedule=true", "pmc")
    assert r.status_code == 200, r.text
    return r.json()["assignments"]


def _no_overlaps(assignments) -> None:
    by_resource: dict[str, list[tuple]] = {}
    for a in assignments:
        by_resource.setdefault(a["resource"], []).append((a["start"], a["end"], a["operation"]))
    for resource, spans in by_resource.items():
        spans.sort()
        for (_, end, op), (start, _, nxt) in pairwise(spans):
            assert end <= start, f"{op} and {nxt} overlap on {resource}"


def _propose(api, **body) -> dict:
    r = api.post("/api/v1/planning/runs", "pmc", json={"time_limit": 0.2, **body})
    assert r.status_code == 201, r.text
    return r.json()


def test_f1_a_full_re_plan_plans_open_rework_and_accepting_it_gives_the_rework_tasks_its_times(api, ctx, actors, clock,
                                                                                              rework):
    before = {t["operation"]: t for t in _rework_rows(ctx, rework["order_id"])}
    assert {t["step_seq"] for t in before.values()} == {10, 20}
    clock.advance(days=1)  # the next morning: the proposal's times for the rework have passed
    api.tokens.clear()  # log in again
    run = _propose(api, kind="full")
    placed = {a["operation"]: a for a in _schedule(api, run["id"])}
    assert set(before) <= set(placed)
    assert api.post(f"/api/v1/planning/runs/{run['id']}/accept", "pmc").status_code == 200

    after = _rework_rows(ctx, rework["order_id"])
    for t in after:
        a = placed[t["operation"]]
        assert t["planned_start"].isoformat(timespec="minutes") == a["start_at"]
        assert t["planned_end"].isoformat(timespec="minutes") == a["end_at"]
        assert (t["work_center_code"], t["planned_minutes"]) == (a["resource"], a["end"] - a["start"])
        assert t["planned_start"] >= clock.now() - timedelta(minutes=1)
        assert t["version"] == before[t["operation"]]["version"] + 1
    smt, ict = sorted(after, key=lambda t: t["step_seq"])
    assert smt["planned_end"] <= ict["planned_start"]  # the rework runs its steps in order
    _no_overlaps(_schedule(api, run["id"]))
    gantt = {op["operation"]: op for op in planning.chart(ctx, actors["pmc"])["operations"]}
    assert [gantt[t["operation"]]["name"] for t in (smt, ict)] == ["返工 SMT 贴片", "返工 ICT 在线测试"]
    assert all(gantt[t["operation"]]["urgent"] for t in (smt, ict))
    with ctx.uow() as uow:
        moved = [e for e in uow.audit.all() if e["entity"] == "production_task" and e["action"] == "replan"]
    assert {e["entity_id"] for e in moved} >= {str(t["id"]) for t in after}


def test_f1_insertion_and_repair_runs_keep_the_rework_in_the_plan(api, ctx, rework):
    assert api.post(f"/api/v1/planning/runs/{rework['proposal']}/accept", "pmc").status_code == 200
    operations = {t["operation"] for t in _rework_rows(ctx, rework["order_id"])}
    urgent = approved(api, "HD-2", lines=[{"product": "ICB-100", "quantity": 50}])
    inserted = _propose(api, kind="insert", order_id=urgent)
    assert operations <= {a["operation"] for a in _schedule(api, inserted["id"])}
    _no_overlaps(_schedule(api, inserted["id"]))
    smt = next(t for t in _rework_rows(ctx, rework["order_id"]) if t["step_seq"] == 10)
    repaired = _propose(api, kind="repair", disturbance="machine_down", work_center=smt["work_center_code"],
                        down_from=smt["planned_start"].isoformat(), down_until=(smt["planned_end"] + timedelta(hours=2)).isoformat())
    schedule = _schedule(api, repaired["id"])
    assert operations <= {a["operation"] for a in schedule}
    _no_overlaps(schedule)
    moved = next(a for a in schedule if a["operation"] == smt["operation"])
    assert moved["resource"] != smt["work_center_code"] or moved["start_at"] >= (
        smt["planned_end"] + timedelta(hours=2)).isoformat(timespec="minutes")


def test_f1_finished_rework_leaves_planning_s_problem(api, ctx, rework):
    assert api.post(f"/api/v1/planning/runs/{rework['proposal']}/accept", "pmc").status_code == 200
    for t in _rework_rows(ctx, rework["order_id"]):
        assert report(api, t["id"], "start").status_code == 200
        assert report(api, t["id"], "finish").status_code == 200
    run = _propose(api, kind="full")
    planned = {a["operation"] for a in _schedule(api, run["id"])}
    assert not planned & {t["operation"] for t in _rework_rows(ctx, rework["order_id"])}


def test_f1_c3_a_running_rework_task_keeps_its_work_center_goes_on_first_there_and_later_runs_leave_it(
        api, ctx, clock, rework):
    assert api.post(f"/api/v1/planning/runs/{rework['proposal']}/accept", "pmc").status_code == 200
    smt = next(t for t in _rework_rows(ctx, rework["order_id"]) if t["step_seq"] == 10)
    assert smt["planned_minutes"] > 5
    assert report(api, smt["id"], "start").status_code == 200
    clock.advance(minutes=5)
    full = _propose(api, kind="full")
    placed = {a["operation"]: a for a in _schedule(api, full["id"])}
    mine = placed[smt["operation"]]
    assert mine["resource"] == smt["work_center_code"]
    assert mine["end"] - mine["start"] == smt["planned_minutes"] - 5  # what is left of it
    assert min(a["start"] for a in placed.values() if a["resource"] == mine["resource"]) == mine["start"]
    assert api.post(f"/api/v1/planning/runs/{full['id']}/accept", "pmc").status_code == 200

    other = next(a["resource"] for a in placed.values() if a["resource"] != mine["resource"])
    start = clock.now().replace(second=0, microsecond=0)
    repaired = _propose(api, kind="repair", disturbance="machine_down", work_center=other,
                        down_from=start.isoformat(), down_until=(start + timedelta(hours=3)).isoformat())
    kept = next(a for a in _schedule(api, repaired["id"]) if a["operation"] == smt["operation"])
    assert (kept["resource"], kept["start"], kept["end"]) == (mine["resource"], mine["start"], mine["end"])
