"""The order services' rules on a fake unit of work (A1–A4, B7, D1, F2, G3): intake validation,
urgency on entry, idempotent entry, editing, and the lifecycle guards with their facts."""
from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, strategies as st

from jidan.domain import errors
from jidan.domain.model import Actor
from jidan.domain.order import Order, OrderFacts, OrderLine
from jidan.domain.roles import Role
from jidan.domain.states import OrderState, leaving
from jidan.services.hooks import Taker
from jidan.services.orders import intake, lifecycle, views
from jidan.services.orders.intake import NewLine, NewOrder, OrderEdit
from tests.unit.fakes import FakeUnitOfWork, fake_context, plant_fakes

S = OrderState
DUE_SOON = date(2026, 12, 1)  # 5 working days after DAY1: inside SCB-200's 7-day lead time
DUE_LATER = date(2027, 3, 1)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return plant_fakes()


@pytest.fixture
def ctx(uow):
    return fake_context(uow)


def actor(uow, name: str) -> Actor:
    user = uow.users.by_username(name)
    return Actor(user.id, name, user.role)


def enter(ctx, uow, customer="C001", po="PO-1", due=DUE_SOON, lines=(NewLine("SCB-200", 3),), **kw) -> dict:
    return intake.create_order(ctx, actor(uow, "sales"), NewOrder(customer, po, due, lines, **kw))


# ---------------------------------------------------------------- intake (A1)

def test_a1_an_order_names_each_bad_field_and_adds_nothing(ctx, uow):
    with pytest.raises(errors.ValidationFailed) as caught:
        enter(ctx, uow, lines=(NewLine("NOPE", 1), NewLine("CU-1", 0), NewLine("SCB-200", 1, Decimal(-1))))
    assert caught.value.fields == {"lines.0.product": "unknown_product", "lines.1.product": "unknown_product",
                                   "lines.1.quantity": "must_be_positive",
                                   "lines.2.unit_price": "must_not_be_negative"}
    for bad, field in ((dict(customer="C999"), "customer"), (dict(due=date(2026, 11, 1)), "requested_date"),
                       (dict(channel="pigeon"), "channel"), (dict(lines=()), "lines")):
        with pytest.raises(errors.ValidationFailed) as caught:
            enter(ctx, uow, **bad)
        assert list(caught.value.fields) == [field]
    assert uow.orders.rows == {} and uow.audit.events == []


def test_a1_a_customer_po_is_entered_once(ctx, uow):
    enter(ctx, uow)
    with pytest.raises(errors.Duplicate) as caught:
        enter(ctx, uow, lines=(NewLine("SCB-200", 9),))
    assert caught.value.code == "order.duplicate_customer_po" and len(uow.orders.rows) == 1


def test_a1_entry_numbers_the_order_prices_its_lines_and_audits_it(ctx, uow):
    view = enter(ctx, uow, lines=(NewLine("SCB-200", 3), NewLine("SCB-200", 2, Decimal("400"))))
    assert view["number"] == "SO-2611-00001" and view["amount"] == "2150.00"
    assert [e.action for e in uow.audit.for_entity("order", view["id"])] == ["create"]
    assert view["allowed_actions"] == ["cancel"]  # the requester neither reviews nor rejects


# ---------------------------------------------------------------- urgency on entry (A3, A4)

def test_a3_a4_a_key_customer_due_inside_the_lead_time_is_entered_urgent_and_ranked_key(ctx, uow):
    view = enter(ctx, uow)
    assert (view["urgent"], view["urgent_reasons"], view["priority"]) == (True, ["lead_time", "key_customer"], "key")


def test_a3_a4_a_calm_order_is_normal_and_a_written_reason_makes_it_urgent(ctx, uow):
    calm = enter(ctx, uow, customer="C002", po="N-1", due=DUE_LATER)
    assert (calm["urgent"], calm["priority"]) == (False, "normal")
    asked = enter(ctx, uow, customer="C002", po="N-2", due=DUE_LATER, urgent_reason="客户产线停线")
    assert (asked["urgent"], asked["urgent_reasons"], asked["priority"]) == (True, ["manual"], "urgent")


def test_a3_an_edit_that_moves_the_date_assesses_the_urgency_again(ctx, uow):
    view = enter(ctx, uow, customer="C002", po="N-1", due=DUE_LATER)
    edited = intake.edit_order(ctx, actor(uow, "sales"), view["id"], OrderEdit(view["version"], DUE_SOON))
    assert (edited["urgent"], edited["urgent_reasons"]) == (True, ["lead_time"])


# ---------------------------------------------------------------- idempotency (A2)

def test_a2_a_retry_with_the_same_key_returns_the_first_order_and_enters_no_second(ctx, uow):
    cmd = NewOrder("C001", "PO-1", DUE_SOON, (NewLine("SCB-200", 3),))
    first = intake.create_order(ctx, actor(uow, "sales"), cmd, "key-1")
    again = intake.create_order(ctx, actor(uow, "sales"), cmd, "key-1")
    assert again == first and len(uow.orders.rows) == 1


def test_a2_the_same_key_for_another_request_is_refused(ctx, uow):
    cmd = NewOrder("C001", "PO-1", DUE_SOON, (NewLine("SCB-200", 3),))
    intake.create_order(ctx, actor(uow, "sales"), cmd, "key-1")
    with pytest.raises(errors.ValidationFailed) as caught:
        intake.create_order(ctx, actor(uow, "sales"), NewOrder("C001", "PO-2", DUE_SOON, cmd.lines), "key-1")
    assert caught.value.code == "idempotency.key_reused" and len(uow.orders.rows) == 1


# ---------------------------------------------------------------- editing (B7)

def test_b7_only_the_requester_edits_and_never_after_approval(ctx, uow):
    view = enter(ctx, uow)
    with pytest.raises(errors.Forbidden) as caught:
        intake.edit_order(ctx, actor(uow, "sales2"), view["id"], OrderEdit(view["version"], special_requirements="x"))
    assert caught.value.code == "order.not_requester"
    with pytest.raises(errors.StaleVersion):
        intake.edit_order(ctx, actor(uow, "sales"), view["id"], OrderEdit(view["version"] + 1))
    uow.orders.get(view["id"]).status = S.APPROVED
    with pytest.raises(errors.Conflict) as caught:
        intake.edit_order(ctx, actor(uow, "sales"), view["id"], OrderEdit(view["version"], special_requirements="x"))
    assert caught.value.code == "order.change_requires_request"
    assert [e.action for e in uow.audit.events] == ["create"]


# ---------------------------------------------------------------- guards and their facts (B1, D1, F2, G3)

def at(ctx, uow, state: OrderState) -> int:
    view = enter(ctx, uow, po=f"PO-{state}")
    uow.orders.get(view["id"]).status = state
    return view["id"]


def test_d1_release_is_offered_and_done_only_for_an_order_in_the_accepted_plan(ctx, uow):
    planned, pmc = at(ctx, uow, S.PLANNED), actor(uow, "pmc")
    accepted: set[int] = set()
    ctx.hooks.facts["in_accepted_plan"] = lambda uow_, order: order.id in accepted
    assert "release" not in views.get_order(ctx, pmc, planned)["allowed_actions"]
    with pytest.raises(errors.Conflict) as caught:
        lifecycle.act(ctx, pmc, planned, "release")
    assert (caught.value.code, caught.value.detail) == (
        "order.not_in_accepted_plan", "the order is not in the accepted plan; plan it first")
    accepted.add(planned)
    assert "release" in views.get_order(ctx, pmc, planned)["allowed_actions"]
    assert lifecycle.act(ctx, pmc, planned, "release")["status"] == "released"
    assert [e.action for e in uow.audit.for_entity("order", planned)] == ["create", "release"]


def test_g3_ship_is_never_offered_on_the_order_and_refused_until_its_shipment_left(ctx, uow):
    received = at(ctx, uow, S.RECEIVED)
    for name in ("logistics", "sales"):
        assert "ship" not in views.get_order(ctx, actor(uow, name), received)["allowed_actions"]
        with pytest.raises(errors.InvalidTransition) as caught:
            lifecycle.act(ctx, actor(uow, name), received, "ship")
        assert caught.value.code == "order.ship_via_shipment" and "dispatch" in caught.value.detail
    ctx.hooks.facts["shipment_dispatched"] = lambda uow_, order: True
    assert lifecycle.act(ctx, actor(uow, "logistics"), received, "ship")["status"] == "shipped"


def test_b1_an_action_another_area_takes_is_offered_only_when_that_area_would_take_it(ctx, uow):
    submitted = at(ctx, uow, S.SUBMITTED)
    taken = []
    ctx.hooks.taken_by["review"] = Taker(lambda *args: taken.append(args[3]) or {"status": "reviewed"},
                                         lambda uow_, ctx_, order, who, action: who.role == Role.PMC)
    assert "review" in views.get_order(ctx, actor(uow, "pmc"), submitted)["allowed_actions"]
    ctx.hooks.taken_by["review"] = Taker(ctx.hooks.taken_by["review"].take, lambda *args: False)
    assert "review" not in views.get_order(ctx, actor(uow, "pmc"), submitted)["allowed_actions"]
    assert lifecycle.act(ctx, actor(uow, "pmc"), submitted, "review") == {"status": "reviewed"}
    assert taken == ["review"] and uow.orders.get(submitted).status == S.SUBMITTED


def test_f2_refusals_keep_their_codes_and_a_refused_action_changes_nothing(ctx, uow):
    inspected = at(ctx, uow, S.INSPECTED)
    with pytest.raises(errors.Conflict) as caught:
        lifecycle.act(ctx, actor(uow, "warehouse"), inspected, "receive")
    assert (caught.value.code, caught.value.detail) == (
        "quality.final_inspection_required", "the final inspection has not passed the order's goods yet")
    assert uow.orders.get(inspected).status == S.INSPECTED
    assert [e.action for e in uow.audit.for_entity("order", inspected)] == ["create"]


REQUESTER = 1
#: What each guard asks, written again from the requirements so the table is checked, not echoed.
EXPECTED = {
    "check_not_requester": lambda requester, role, facts: not requester,  # B7
    "check_is_requester": lambda requester, role, facts: requester,
    # issue 21: sales cancels only their own orders; management any
    "check_requester_or_manager": lambda requester, role, facts: requester or role == Role.MANAGEMENT,
    "check_in_accepted_plan": lambda requester, role, facts: facts.in_accepted_plan,  # D1
    "check_final_inspection_passed": lambda requester, role, facts: facts.final_inspection_passed,  # F2
    "check_shipment_dispatched": lambda requester, role, facts: facts.shipment_dispatched,  # G3, G4
}


def bare_order(state: OrderState) -> Order:
    order = Order(number="SO-1", customer_id=1, customer_po="PO", order_date=date(2026, 11, 24),
                  requested_date=DUE_SOON, lines=[OrderLine(1, 1, 10, Decimal("5"))],
                  created_by=REQUESTER, status=state)
    order.held_from = S.PLANNED.value if state == S.ON_HOLD else None
    return order


@given(state=st.sampled_from(OrderState), role=st.sampled_from(Role), requester=st.booleans(),
       facts=st.builds(OrderFacts, st.booleans(), st.booleans(), st.booleans()))
def test_b1_d1_f2_g3_an_action_is_offered_exactly_when_its_row_allows_it_and_then_it_fires(
        state, role, requester, facts):
    order = bare_order(state)
    who = Actor(REQUESTER if requester else 2, role.value, role)
    offered = order.allowed_actions(who, facts)
    for rule in leaving(state):
        expected = role in rule.roles and all(EXPECTED[g](requester, role, facts) for g in rule.guards)
        assert (rule.action in offered) is expected, rule
        attempt = bare_order(state)
        if expected:
            assert attempt.apply(rule.action, who, "理由", facts)[1] == attempt.status
        else:
            with pytest.raises(errors.JidanError):
                attempt.apply(rule.action, who, "理由", facts)
            assert attempt.status == state


def test_g3_without_facts_the_order_checks_only_its_own_rules():
    """A service asks this before the work an outside fact depends on (a shipment's dispatch)."""
    order = bare_order(S.RECEIVED)
    logistics = Actor(2, "logistics", Role.LOGISTICS)
    assert order.check("ship", logistics).action == "ship"
    with pytest.raises(errors.InvalidTransition):
        order.check("ship", logistics, facts=OrderFacts())
    assert order.allowed_actions(logistics) == []


# ---------------------------------------------------------------- one set of rules (A2, issue 21)

def test_a2_the_order_rules_name_every_bad_field_at_once(ctx, uow):
    from datetime import timedelta
    far = ctx.now().date() + timedelta(days=ctx.max_days_ahead + 1)
    with pytest.raises(errors.ValidationFailed) as caught:
        enter(ctx, uow, po="P\r\n" + "x" * 10, due=far, special_requirements="a\x00b",
              lines=(NewLine("SCB\x00", 1), NewLine("SCB-200", 10**12, Decimal("0.001")),
                     NewLine("SCB-200", 1, Decimal("1E+20"))))
    assert caught.value.fields == {
        "customer_po": "control_characters", "special_requirements": "control_characters",
        "requested_date": "too_far_ahead", "lines.0.product": "unknown_product",
        "lines.1.quantity": "too_large", "lines.1.unit_price": "too_many_decimals",
        "lines.2.unit_price": "too_large"}
    assert uow.orders.rows == {} and uow.audit.events == []


def test_a2_texts_keep_line_breaks_only_where_they_are_free_text():
    from jidan.domain.order import line_errors, order_errors
    assert order_errors("C001", "PO-1", "第一行\r\n第二行\t完", None) == {}
    assert order_errors("C 1", "PO\t1", None, "x" * 501) == {
        "customer": "unknown_customer", "customer_po": "control_characters", "urgent_reason": "too_long"}
    assert line_errors("SCB-200", 3, Decimal("12.50")) == {}
    assert line_errors("SCB-200", 0, Decimal("-1")) == {"quantity": "must_be_positive",
                                                        "unit_price": "must_not_be_negative"}
    assert line_errors("SCB-200", 1, Decimal("1.000")) == {}


class Step:
    def __init__(self, center: str, setup: int, per_unit: str):
        self.work_center_code, self.setup_minutes, self.minutes_per_unit = center, setup, Decimal(per_unit)


@given(st.integers(1, 4), st.integers(0, 500), st.integers(1, 100_000))
def test_a2_the_plant_makes_what_its_centres_of_each_kind_hold_in_the_horizon(smt_centres, setup, minutes):
    from jidan.domain.horizon import most_units
    centres = [f"SMT{i}" for i in range(1, smt_centres + 1)] + ["ASM1"]
    routing = [Step("SMT2", setup, "0.5"), Step("SMT1", 0, "0.25"), Step("ASM1", 0, "2")]
    most = most_units(routing, centres, minutes)
    assert most == max(0, min((smt_centres * minutes - setup) * 4 // 3, minutes // 2))
    assert most_units([], centres, minutes) is None


def test_a2_working_minutes_count_the_shifts_of_working_days_only():
    from jidan.domain.calendar import WorkCalendar
    from jidan.domain.horizon import working_minutes
    holiday = date(2026, 11, 25)
    calendar = WorkCalendar(holidays=frozenset({holiday}))
    # Tue 24 … Mon 30 November 2026: Tue, Thu, Fri, Mon work (Wed a holiday, the weekend rests)
    assert working_minutes(calendar, date(2026, 11, 24), 7, ((480, 720), (780, 1020))) == 4 * 480
