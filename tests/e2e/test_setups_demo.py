"""The demo plant's families and changeovers reach every plan (issue 25 §3, C2, C3)."""
from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from jidan.http.app import create_app
from jidan.planning.result import Schedule
from jidan.planning.validate import violations
from jidan.services.demo.factory import PASSWORD
from jidan.services.planning.plant import PlantModel, plannable

pytestmark = pytest.mark.xdist_group("db")


def _token(client, username: str) -> dict:
    r = client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
    return {"Authorization": f"Bearer {r.json()['access_token']}"}


def test_c3_a_plan_built_from_the_demo_data_has_families_on_operations_and_setups_on_resources(demo_ctx):
    with demo_ctx.uow() as uow:
        run = uow.planning_runs.accepted()
        model = PlantModel(uow, demo_ctx, run.origin)
        problem = model.problem(plannable(uow))
    resources = problem.resource_by_id
    for code in ("SMT1", "SMT4", "PNT2", "ICT3", "FCT1"):
        assert resources[code].setups, code
        assert all(a != b and 0 < m <= 90 for a, b, m in resources[code].setups)
    assert resources["SMT2"].setup("PWR", "SCB") == 60 and resources["SMT2"].setup("SCB", "SCB") == 0
    assert resources["PNT1"].setup("HSG", "CTL") == 25
    assert not resources["CNC1"].setups and not resources["PKG1"].setups
    ops = [op for job in problem.jobs for op in job.operations]
    assert ops and all(op.family for op in ops)
    by_job = {job.id: job for job in problem.jobs}
    with demo_ctx.uow() as uow:
        for order in plannable(uow):
            for line in order.lines:
                job = by_job.get(f"{order.number}/{line.line_no}")
                if job is not None:
                    assert {op.family for op in job.operations} == {line.product.code.split("-")[0]}


def test_c3_the_demo_matrices_are_read_through_the_api_with_the_products_families(demo_ctx):
    with TestClient(create_app(demo_ctx)) as client:
        matrix = client.get("/api/v1/work-centers/SMT1/setups", headers=_token(client, "manufacturing")).json()
        assert set(matrix["families"]) == {"SCB", "PWR", "CTL", "SNS"}  # the housings never go on SMT
        assert {(s["from_family"], s["to_family"]) for s in matrix["setups"]} == {
            (a, b) for a in ("SCB", "PWR", "CTL", "SNS") for b in ("SCB", "PWR", "CTL", "SNS") if a != b}
        product = client.get("/api/v1/products/SCB-200", headers=_token(client, "pmc")).json()
        assert product["family"] == "SCB"


def test_c3_a_plan_of_the_demo_plant_through_the_api_keeps_every_changeover(demo_ctx):
    """Needs the planner to honour set-ups (issue 25 §3, Task A): the validator then checks that
    each operation starts no earlier than its changeover from the one before it allows."""
    with TestClient(create_app(demo_ctx)) as client:
        r = client.post("/api/v1/planning/runs", headers=_token(client, "pmc"), json={"kind": "full", "time_limit": 1})
        assert r.status_code in (200, 201), r.text
        run_id = r.json()["id"]
    with demo_ctx.uow() as uow:
        run = uow.planning_runs.get(run_id)
        problem = PlantModel(uow, demo_ctx, run.origin).problem(plannable(uow, run.order_ids))
    assert any(r.setups for r in problem.resources)
    assert violations(problem, Schedule.from_dict(run.schedule).assignments) == []
