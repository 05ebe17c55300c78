"""The order lifecycle table (A–G, B7): every (state, action, role) pair, allowed or refused."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from jidan.domain import errors
from jidan.domain.model import Actor
from jidan.domain.order import Order, OrderLine
from jidan.domain.roles import Role
from jidan.domain.states import ACTIONS, MAIN_PATH, PREVIOUS, TRANSITIONS, OrderState

REQUESTER = 1


def make_order(status: OrderState, held_from: OrderState | None = None) -> Order:
    order = Order(number="SO-1", customer_id=1, customer_po="PO", order_date=date(2026, 11, 24),
                  requested_date=date(2026, 12, 1), lines=[OrderLine(1, 1, 10, Decimal("5"))],
                  created_by=REQUESTER, status=status)
    order.held_from = held_from.value if held_from else None
    return order


def actor_for(role: Role, requester: bool) -> Actor:
    return Actor(REQUESTER if requester else 2, role.value, role)


def expected_ok(state: OrderState, action: str, role: Role, requester: bool) -> bool:
    rule = TRANSITIONS.get((state, action))
    if rule is None or role not in rule.roles:
        return False
    if "check_not_requester" in rule.guards and requester:
        return False
    if "check_is_requester" in rule.guards and not requester:
        return False
    if "check_requester_or_manager" in rule.guards and not requester and role != Role.MANAGEMENT:
        return False
    return True


CASES = [(s, a, r, q) for s in OrderState for a in ACTIONS for r in Role for q in (True, False)]


@pytest.mark.parametrize("state,action,role,requester", CASES,
                         ids=[f"{s}-{a}-{r}-{'req' if q else 'other'}" for s, a, r, q in CASES])
def test_b7_every_state_action_role_is_allowed_exactly_as_the_table_says(state, action, role, requester):
    order = make_order(state, held_from=OrderState.PLANNED if state == OrderState.ON_HOLD else None)
    actor = actor_for(role, requester)
    if expected_ok(state, action, role, requester):
        old, new = order.apply(action, actor, reason="because")
        rule = TRANSITIONS[(state, action)]
        assert old == state
        assert new == (OrderState.PLANNED if rule.target == PREVIOUS else rule.target)
        assert order.status == new
        return
    rule = TRANSITIONS.get((state, action))
    expected = errors.InvalidTransition if rule is None else errors.Forbidden
    with pytest.raises(expected):
        order.apply(action, actor, reason="because")
    assert order.status == state, "a refused action must change nothing"


def test_b7_requester_cannot_approve_own_order():
    order = make_order(OrderState.REVIEWED)
    with pytest.raises(errors.SelfApproval) as caught:
        order.apply("approve", Actor(REQUESTER, "boss", Role.MANAGEMENT))
    assert caught.value.code == "auth.self_approval"


@pytest.mark.parametrize("action", ["reject", "hold", "cancel"])
def test_b6_refusing_holding_or_cancelling_needs_a_reason(action):
    state = {"reject": OrderState.SUBMITTED, "hold": OrderState.PLANNED, "cancel": OrderState.PLANNED}[action]
    order = make_order(state)
    with pytest.raises(errors.ValidationFailed) as caught:
        order.apply(action, Actor(2, "m", Role.MANAGEMENT), reason="  ")
    assert caught.value.fields == {"reason": "required"}
    assert order.status == state


def test_e5_resume_returns_an_order_to_the_state_it_was_held_from():
    order = make_order(OrderState.IN_PRODUCTION)
    pmc = Actor(2, "pmc", Role.PMC)
    order.apply("hold", pmc, reason="line down")
    assert (order.status, order.held_from) == (OrderState.ON_HOLD, "in_production")
    order.apply("resume", pmc)
    assert (order.status, order.held_from) == (OrderState.IN_PRODUCTION, None)


def test_g5_main_path_is_reachable_by_one_action_each_step():
    for here, there in zip(MAIN_PATH, MAIN_PATH[1:]):
        assert any(t.target == there for (s, _), t in TRANSITIONS.items() if s == here), (here, there)


def test_b7_allowed_actions_lists_only_what_the_actor_may_fire():
    order = make_order(OrderState.REVIEWED)
    assert order.allowed_actions(Actor(2, "m", Role.MANAGEMENT)) == ["approve", "reject", "cancel"]
    assert order.allowed_actions(Actor(REQUESTER, "m", Role.MANAGEMENT)) == ["cancel"]
    assert order.allowed_actions(Actor(3, "cs", Role.CUSTOMER_SERVICE)) == []


def test_b6_management_pushes_a_rejected_order_through_only_with_its_instruction():
    order = make_order(OrderState.REJECTED)
    boss = Actor(2, "boss", Role.MANAGEMENT)
    with pytest.raises(errors.ValidationFailed):
        order.apply("approve", boss)
    with pytest.raises(errors.SelfApproval):
        order.apply("approve", Actor(REQUESTER, "boss", Role.MANAGEMENT), reason="必接")
    with pytest.raises(errors.Forbidden):
        order.apply("approve", Actor(3, "pmc", Role.PMC), reason="必接")
    assert order.apply("approve", boss, reason="必接：加班两晚") == (OrderState.REJECTED, OrderState.APPROVED)
