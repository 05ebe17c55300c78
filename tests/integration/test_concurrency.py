"""Concurrent writers never silently overwrite each other (optimistic locking)."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from jidan.domain import errors
from jidan.services.orders import intake, lifecycle, views
from jidan.services.orders.intake import NewLine, NewOrder, OrderEdit
from tests.support import DAY1

pytestmark = pytest.mark.xdist_group("db")


def new_order(ctx, actors, po="PO-1"):
    return intake.create_order(ctx, actors["sales"], NewOrder(
        "C001", po, DAY1.date().replace(day=30), (NewLine("SCB-200", 10),)))


def test_m1_sixteen_threads_editing_one_order_lose_no_update(ctx, actors):
    order = new_order(ctx, actors)
    barrier = threading.Barrier(16)

    def edit(i: int):
        barrier.wait()
        try:
            intake.edit_order(ctx, actors["sales"], order["id"],
                              OrderEdit(order["version"], special_requirements=f"writer {i}"))
            return i
        except errors.StaleVersion:
            return None

    with ThreadPoolExecutor(16) as pool:
        results = list(pool.map(edit, range(16)))
    winners = [r for r in results if r is not None]
    assert len(winners) == 1, results
    final = views.get_order(ctx, actors["sales"], order["id"])
    assert final["special_requirements"] == f"writer {winners[0]}"
    assert final["version"] == order["version"] + 1
    edits = [e for e in views.order_events(ctx, actors["sales"], order["id"]) if e["action"] == "edit"]
    assert len(edits) == 1


def test_b5_two_managers_approving_at_once_exactly_one_wins(ctx, actors):
    from jidan.services.auth import add_user
    from jidan.domain.model import Actor
    from jidan.domain.roles import Role
    second = add_user(ctx, None, "gm2", "gm2", "management", "secret")
    managers = [actors["management"], Actor(second["id"], "gm2", Role.MANAGEMENT)]
    order = new_order(ctx, actors)
    reviewed = lifecycle.act(ctx, actors["pmc"], order["id"], "review")
    barrier = threading.Barrier(2)

    def approve(actor):
        barrier.wait()
        try:
            return lifecycle.act(ctx, actor, order["id"], "approve", expected_version=reviewed["version"])["status"]
        except errors.Conflict as exc:
            return exc.code

    with ThreadPoolExecutor(2) as pool:
        results = sorted(pool.map(approve, managers))
    assert results[0] == "approved" and results[1] in {"stale_version", "order.invalid_transition"}
    events = views.order_events(ctx, actors["sales"], order["id"])
    assert [e["action"] for e in events].count("approve") == 1


def test_m1_concurrent_writers_keep_one_unbroken_audit_chain(ctx, actors):
    from jidan.services.audit import verify

    def create(i):
        return new_order(ctx, actors, po=f"PO-C{i}")["id"]

    with ThreadPoolExecutor(8) as pool:
        ids = list(pool.map(create, range(24)))
    assert len(set(ids)) == 24
    count, problems = verify(ctx)
    assert problems == []
