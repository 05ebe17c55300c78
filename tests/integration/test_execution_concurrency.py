"""Operators tapping at once never double a report or the order's start (E1, M1)."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from jidan.domain import errors
from jidan.services.execution import reports as execution
from tests.e2e.execution_support import released, tasks

pytestmark = pytest.mark.xdist_group("db")


def _race(ctx, actor, task_ids: list[int]) -> list[str]:
    barrier = threading.Barrier(len(task_ids))

    def start(task_id: int) -> str:
        barrier.wait()
        try:
            return execution.report(ctx, actor, task_id, execution.Report("start"))["status"]
        except errors.Conflict as exc:
            return exc.code

    with ThreadPoolExecutor(len(task_ids)) as pool:
        return list(pool.map(start, task_ids))


def test_e1_eight_taps_on_one_task_start_it_once(api, ctx, actors):
    oid = released(api)
    task = tasks(api, oid)[0]
    results = _race(ctx, actors["manufacturing"], [task["id"]] * 8)
    assert results.count("running") == 1, results
    assert set(results) - {"running"} <= {"task.already_running", "stale_version"}
    with ctx.uow() as uow:
        assert [r["action"] for r in uow.tasks.reports(task["id"])] == ["start"]
        assert [e.action for e in uow.audit.for_entity("task", task["id"])] == ["start"]
        started = [e for e in uow.audit.for_entity("order", oid) if e.action == "start_production"]
    assert len(started) == 1


def test_e1_two_operations_starting_together_start_the_order_once(api, ctx, actors):
    oid = released(api)
    ids = [t["id"] for t in tasks(api, oid)[:2]]
    results = _race(ctx, actors["manufacturing"], ids)
    assert "running" in results and set(results) <= {"running", "stale_version"}, results
    with ctx.uow() as uow:
        assert uow.orders.get(oid).status == "in_production"
        started = [e for e in uow.audit.for_entity("order", oid) if e.action == "start_production"]
    assert len(started) == 1
