"""Hypothesis drives random actions by random roles through the services (A–G, M1).

Invariants after every step: the state follows the table (no skipped state), exactly one audit
event per change and none for a refused action, and the hash chain verifies.
"""
from __future__ import annotations

import pytest
from hypothesis import HealthCheck, settings, strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from jidan.domain import errors
from jidan.domain.states import ACTIONS, PREVIOUS, TRANSITIONS, OrderState
from jidan.services.orders import intake, lifecycle, views
from jidan.services.audit import verify
from jidan.services.orders.intake import NewLine, NewOrder
from tests.conftest import make_ctx
from tests.support import DAY1, USERNAMES, seed

pytestmark = pytest.mark.xdist_group("db")


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    ctx = make_ctx(f"sqlite:///{tmp_path_factory.mktemp('prop') / 'p.db'}")
    return ctx, seed(ctx)


def test_m1_random_action_sequences_keep_the_lifecycle_invariants(world):
    ctx, actors = world

    class Lifecycle(RuleBasedStateMachine):
        @initialize()
        def new_order(self):
            Lifecycle.n = getattr(Lifecycle, "n", 0) + 1
            view = intake.create_order(ctx, actors["sales"], NewOrder(
                "C001", f"PO-H{Lifecycle.n}", DAY1.date().replace(day=30), (NewLine("SCB-200", 3),)))
            self.id, self.state, self.held_from = view["id"], OrderState(view["status"]), None
            self.events = 1

        @rule(action=st.sampled_from(ACTIONS), user=st.sampled_from(USERNAMES),
              reason=st.sampled_from([None, "因为客户要求"]))
        def fire(self, action, user, reason):
            rule_ = TRANSITIONS.get((self.state, action))
            try:
                view = lifecycle.act(ctx, actors[user], self.id, action, reason)
            except errors.JidanError as exc:
                assert isinstance(exc, (errors.InvalidTransition, errors.Forbidden, errors.ValidationFailed,
                                        errors.NotFound)) or exc.code == "order.not_in_accepted_plan"
                return
            assert rule_ is not None, f"{action} fired from {self.state}"
            expected = OrderState(self.held_from) if rule_.target == PREVIOUS else rule_.target
            assert view["status"] == expected
            self.held_from = self.state.value if expected == OrderState.ON_HOLD else None
            self.state = OrderState(view["status"])
            self.events += 1

        @rule(pick=st.integers(0, 100))
        def advance(self, pick):
            """Mostly a right person for a possible action, so deep states are reached too."""
            possible = [(a, r) for (s, a), r in TRANSITIONS.items() if s == self.state]
            if not possible:
                return
            action, rule_ = possible[pick % len(possible)]
            role = sorted(rule_.roles)[pick % len(rule_.roles)]
            own = {"check_is_requester", "check_requester_or_manager"} & set(rule_.guards)
            user = "sales" if own else (
                "sales2" if role == "sales" else role.value)
            self.fire(action, user, "理由")

        @invariant()
        def one_event_per_change_and_chain_intact(self):
            events = views.order_events(ctx, actors["management"], self.id)
            assert len(events) == self.events
            if events[1:]:
                assert events[-1]["new"]["status"] == self.state.value

        def teardown(self):
            assert verify(ctx)[1] == []

    Lifecycle.TestCase.settings = settings(max_examples=25, stateful_step_count=25, deadline=None,
                                           suppress_health_check=[HealthCheck.too_slow])
    Lifecycle.TestCase().runTest()
