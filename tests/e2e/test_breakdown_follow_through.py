"""A breakdown played through (issue 20 §1; E4, E5, C7, M4): the first task starts, its work
center fails, pmc's one-step re-plan is accepted, and the plan, the floor and the record follow.
Runs on SQLite and on PostgreSQL (the ``database_url`` fixture)."""
from __future__ import annotations

from datetime import datetime

import pytest

from tests.e2e.execution_support import released, report, tasks
from tests.support import web_session

pytestmark = pytest.mark.xdist_group("db")


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_e5_c7_m4_a_breakdown_moves_the_unfinished_quantity_to_another_line_and_the_record_blames_the_breakdown(
        api, ctx, clock):
    oid = released(api)
    first = min((t for t in tasks(api, oid) if t["step_seq"] == 10), key=lambda t: t["planned_start"])
    failed = first["work_center"]
    clock.current = _at(first["planned_start"])
    assert report(api, first["id"], "start").status_code == 200
    clock.advance(minutes=60)

    r = api.post(f"/api/v1/orders/{oid}/exceptions", "manufacturing", json={
        "kind": "equipment_failure", "description": "回流焊炉故障", "estimated_delay_minutes": 240,
        "task_id": first["id"]})
    assert r.status_code == 201, r.text
    ex = r.json()
    down_from, down_until = _at(ex["down_from"]), _at(ex["down_until"])
    assert report(api, first["id"], "pause").status_code == 200
    # Nobody goes on on a machine that is down.
    r = report(api, first["id"], "resume")
    assert (r.status_code, r.json()["code"]) == (409, "task.work_center_down")

    r = api.post(f"/api/v1/exceptions/{ex['id']}/replan", "pmc", json={"time_limit": 0.5})
    assert r.status_code == 200, r.text
    run_id = r.json()["impact"]["run_id"]
    run = api.get(f"/api/v1/planning/runs/{run_id}?schedule=true", "pmc").json()
    assert "slipped" in run["impact"] and "moved" in run["summary"]
    now = clock.current.isoformat(timespec="minutes")
    started = {first["operation"]}
    for a in run["assignments"]:
        assert a["operation"] in started or a["start_at"] >= now, a  # nothing unstarted in the past
        if a["resource"] == failed:
            assert a["end_at"] <= ex["down_from"] or a["start_at"] >= ex["down_until"], a  # nor in the window
    part = next(a for a in run["assignments"] if a["operation"] == first["operation"] + "~2")
    assert part["resource"] != failed
    assert run["summary"]["disturbance"]["continued_elsewhere"] == [part["operation"]]

    assert api.post(f"/api/v1/planning/runs/{run_id}/accept", "pmc").status_code == 200
    after = {t["operation"]: t for t in tasks(api, oid)}
    done, rest = after[first["operation"]], after[first["operation"] + "~2"]
    assert done["status"] == "done" and done["work_center"] == failed and done["worked_minutes"] == 60
    assert rest["status"] == "planned" and rest["work_center"] == part["resource"] != failed
    assert done["quantity"] + rest["quantity"] == first["quantity"] and rest["quantity"] > 0
    assert rest["hours"] > 0 and _at(rest["planned_start"]) >= clock.current
    # The floor follows: the new line's screen has the rest, the failed one shows it as moved.
    new_board = api.get(f"/api/v1/workcenters/{rest['work_center']}", "manufacturing").json()
    assert rest["id"] in [t["id"] for t in new_board["tasks"]]
    old_board = api.get(f"/api/v1/workcenters/{failed}", "manufacturing").json()
    assert {"operation": first["operation"], "task_id": done["id"], "name": done["name"],
            "to": rest["work_center"]} in old_board["moved"]
    screen, _ = web_session(ctx, "manufacturing")
    page = screen.get(f"/workcenters/{failed}")
    assert page.status_code == 200 and 'data-testid="moved"' in page.text and rest["work_center"] in page.text

    # The floor works the rest of the order as planned now.
    for t in sorted(tasks(api, oid), key=lambda t: t["planned_start"]):
        if t["status"] == "done":
            continue
        clock.current = max(clock.current, _at(t["planned_start"]))
        api.tokens.clear()  # days pass; log in again
        assert report(api, t["id"], "start").status_code == 200, t
        clock.current = max(clock.current, _at(t["planned_end"]))
        assert report(api, t["id"], "finish").status_code == 200
    api.tokens.clear()
    record = api.get(f"/api/v1/orders/{oid}/record", "pmc").json()
    ops = {(o["work_center"], o["quantity"]) for o in record["operations"]}
    assert (failed, done["quantity"]) in ops and (rest["work_center"], rest["quantity"]) in ops
    late = [s for s in record["lateness"] if s["late_minutes"] > 0]
    assert late, record["lateness"]
    for step in late:
        assert set(step["charged_to"]) == {"breakdown"}, step  # not the groups that ran the steps
    assert all(d["department"] == "breakdown" for d in record["deadlines"]
               if d["what"] == "operation" and d["state"] == "missed")
    assert down_from < down_until
