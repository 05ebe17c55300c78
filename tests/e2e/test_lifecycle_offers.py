"""What the API offers is what succeeds (A–G, B1–B7, D1, F2, G3, G4): orders walk the lifecycle
and, at each state, every action ``allowed_actions`` offers anyone is done at once, each on an
order of its own, and answers 200.
"""
from __future__ import annotations

import pytest

from jidan.domain.roles import Role
from jidan.domain.states import MAIN_PATH, TRANSITIONS, OrderState, leaving
from jidan.services.orders import intake, lifecycle
from jidan.services.orders.intake import NewLine, NewOrder
from jidan.services.planning import runs as planning
from tests.support import DAY1, USERNAMES

pytestmark = pytest.mark.xdist_group("db")

S = OrderState


def role_of(user: str) -> Role:
    return Role("sales" if user == "sales2" else user)


def at_most_offered(state: OrderState) -> int:
    """How many (user, action) pairs the table lets anyone try from ``state``: a pool's size."""
    return sum(1 for t in leaving(state) for u in USERNAMES if role_of(u) in t.roles)


def offered(api, oid: int) -> list[tuple[str, str]]:
    pairs = []
    for user in USERNAMES:
        r = api.get(f"/api/v1/orders/{oid}", user)
        if r.status_code == 200:  # suppliers and stores do not see orders
            pairs += [(user, a) for a in r.json()["allowed_actions"]]
    return pairs


def do_every_offer(api, pool: list[int], state: OrderState) -> list[int]:
    """Does each action offered on the pool's first order, each on its own order of the pool;
    returns the orders left untouched."""
    pairs = offered(api, pool[0])
    assert len(pool) > len(pairs), (state, pairs)
    for (user, action), oid in zip(pairs, pool):
        order = api.get(f"/api/v1/orders/{oid}", user).json()
        assert order["status"] == state and action in order["allowed_actions"], (state, user, action)
        reason = "客户要求" if TRANSITIONS[(state, action)].reason_required else None
        r = api.act(oid, action, user, reason=reason, version=order["version"])
        assert r.status_code == 200, (state, user, action, r.text)
    # Every row leaving the state is offered to someone, but ship: it goes with its shipment.
    assert {a for _, a in pairs} == {t.action for t in leaving(state) if not t.via}, state
    return pool[len(pairs):]


def advance(ctx, actors, api, pool: list[int], state: OrderState) -> None:
    """Moves the whole pool one step along the main path, as each role does it."""
    if state == S.APPROVED:
        run = planning.propose_full(ctx, actors["pmc"], time_limit=1)
        planning.accept(ctx, actors["pmc"], run["id"])
        return
    for oid in pool:
        if state == S.RECEIVED:
            shipment = api.post(f"/api/v1/orders/{oid}/shipment", "logistics", json={
                "packages": 1, "weight_kg": "5.00", "transport_mode": "air", "carrier": "顺丰航空",
                "tracking_no": f"SF{oid:08d}", "expected_arrival": "2026-12-01T15:00:00"}).json()
            r = api.post(f"/api/v1/shipments/{shipment['id']}/dispatch", "logistics",
                         json={"version": shipment["version"]})
            assert r.status_code == 200, r.text
            continue
        action, user = {S.DRAFT: ("submit", "sales"), S.SUBMITTED: ("review", "pmc"),
                        S.REVIEWED: ("approve", "management"), S.PLANNED: ("release", "pmc"),
                        S.RELEASED: ("start_production", "manufacturing"),
                        S.IN_PRODUCTION: ("inspect", "quality"), S.INSPECTED: ("receive", "warehouse"),
                        S.SHIPPED: ("confirm_delivery", "logistics"), S.DELIVERED: ("close", "sales")}[state]
        lifecycle.act(ctx, actors[user], oid, action)


def new_orders(ctx, actors, count: int, *, draft: bool = False) -> list[int]:
    return [intake.create_order(ctx, actors["sales"], NewOrder(
        "C001", f"OFFER-{'D' if draft else 'S'}{i}", DAY1.date().replace(day=30),
        (NewLine("SCB-200", 3),), draft=draft))["id"] for i in range(count)]


def test_b1_every_action_allowed_actions_offers_at_each_state_succeeds_when_done(api, ctx, actors):
    branches = {S.REJECTED: (S.SUBMITTED, "reject", "pmc"), S.ON_HOLD: (S.RELEASED, "hold", "pmc")}
    size = 1 + sum(at_most_offered(s) for s in [*MAIN_PATH, *branches])
    pool = new_orders(ctx, actors, size)
    drafts = new_orders(ctx, actors, at_most_offered(S.DRAFT) + 1, draft=True)
    do_every_offer(api, drafts, S.DRAFT)

    for state in MAIN_PATH:
        for branch, (source, action, user) in branches.items():
            if source == state:  # a pool of its own for the side state, from here
                side, pool = pool[:at_most_offered(branch) + 1], pool[at_most_offered(branch) + 1:]
                for oid in side:
                    lifecycle.act(ctx, actors[user], oid, action, reason="客户要求")
                do_every_offer(api, side, branch)
        pool = do_every_offer(api, pool, state)
        if state != S.CLOSED:
            advance(ctx, actors, api, pool, state)
    assert pool and all(api.get(f"/api/v1/orders/{oid}", "sales").json()["status"] == "closed" for oid in pool)
