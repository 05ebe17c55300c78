"""Two planners accepting at the same moment leave exactly one plan in force (C7)."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from jidan.domain import errors
from jidan.services import planning

pytestmark = pytest.mark.xdist_group("db")


def test_c7_two_plans_accepted_at_once_leave_exactly_one_plan_in_force(ctx, actors):
    pmc = actors["pmc"]
    base = planning.propose_full(ctx, pmc, time_limit=0)
    planning.accept(ctx, pmc, base["id"])
    runs = [planning.propose_full(ctx, pmc, time_limit=0) for _ in range(2)]
    barrier = threading.Barrier(2)

    def accept(run):
        barrier.wait()
        try:
            return planning.accept(ctx, pmc, run["id"])["status"]
        except errors.Conflict as exc:
            return exc.code

    with ThreadPoolExecutor(2) as pool:
        results = list(pool.map(accept, runs))
    assert results == ["accepted", "accepted"]  # one after the other: the later one supersedes
    statuses = [planning.get_run(ctx, pmc, r["id"])["status"] for r in (base, *runs)]
    assert statuses.count("accepted") == 1 and statuses[0] == "superseded", statuses
