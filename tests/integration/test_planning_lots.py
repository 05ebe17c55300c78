"""A large order is planned as a few lots that run over several shifts (issue 25 §2; B2, C1, D1):
its plan holds at most `SHIFT_LOTS` operations a step whatever the quantity, and its floor tasks
carry the lots' working minutes, not the nights their spans cross."""
from __future__ import annotations

import time
from datetime import datetime

import pytest

from jidan.services.planning.plant import SHIFT_LOTS
from tests.e2e.execution_support import approved, plan_all, tasks
from tests.integration.test_planning_bounds import stored_quantity

pytestmark = pytest.mark.xdist_group("db")

QUANTITY = 2_000  # SCB-200: 1,230 SMT minutes (6 shifts: lots of a shift) and 2,400 assembly minutes (10 shifts)


def test_b2_c1_d1_issue25_a_large_order_is_eight_lots_a_step_and_its_tasks_hold_their_working_minutes(api, ctx):
    oid = approved(api, "BIG-LOTS-1")
    stored_quantity(ctx, oid, QUANTITY)  # as an approved change of quantity leaves it
    started = time.monotonic()
    plan_all(api)
    assert time.monotonic() - started < 30
    assert api.act(oid, "release", "pmc").status_code == 200
    check_lots(api, oid)
    run = plan_all(api)  # accepting a new plan moves the tasks: their minutes stay the lots' work
    check_lots(api, oid)
    lots = [a for a in api.get(f"/api/v1/planning/runs/{run['id']}?schedule=true", "pmc").json()["assignments"]
            if a["operation"].split(".")[0].endswith("/1-20") and a["job"].startswith(number(api, oid))]
    assert len(lots) == SHIFT_LOTS and sum(a["minutes"] for a in lots) == 2_400  # the API says the lots' work


def number(api, oid: int) -> str:
    return api.get(f"/api/v1/orders/{oid}", "pmc").json()["number"]


def check_lots(api, oid: int) -> None:
    production = [t for t in tasks(api, oid) if t["kind"] == "production"]
    by_step: dict[int, list[dict]] = {}
    for t in production:
        by_step.setdefault(t["step_seq"], []).append(t)
    smt, assembly = by_step[10], by_step[20]
    assert (len(smt), len(assembly)) == (6, SHIFT_LOTS)
    for step, minutes in ((smt, 1_230), (assembly, 2_400)):
        assert sum(t["quantity"] for t in step) == QUANTITY
        assert sum(t["hours"] * 60 for t in step) == pytest.approx(minutes, abs=len(step))  # hours: 0.01
    for t in smt:  # a lot of a shift runs within it
        assert span(t) == pytest.approx(t["hours"] * 60, abs=1)
    assert any(span(t) > t["hours"] * 60 + 60 for t in assembly)  # 300-minute lots: some go on after a break


def span(task: dict) -> float:
    return (datetime.fromisoformat(task["planned_end"]) - datetime.fromisoformat(task["planned_start"])).total_seconds() / 60
