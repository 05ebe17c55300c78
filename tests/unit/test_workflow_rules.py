"""Approval chains, N-of-M counting, delegation and change classification as plain data (B1–B7, H2)."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from types import SimpleNamespace

import pytest

from jidan.domain import errors
from jidan.domain.approval import (
    CHANGE_REVIEWERS, ChainRule, Conditions, Delegation, OrderContent, OrderFacts, Phase, StepRule,
    change_kinds, change_reviewers, check_chain, check_delegation, choose_chain, counts, open_stage,
    open_steps,
)
from jidan.domain.roles import Role

BIG = Decimal("250000")


def urgent_chain(**over) -> ChainRule:
    steps = (StepRule(1, Role.PMC, "生产可行性分析", Phase.REVIEW, deadline_hours=2),
             StepRule(1, Role.FINANCE, "预算审核", Phase.REVIEW, conditions=Conditions(min_amount=Decimal("200000"))),
             StepRule(2, Role.MANAGEMENT, "最终审批", Phase.APPROVE))
    return ChainRule(**{"code": "urgent", "name": "急单", "steps": steps, "rank": 10,
                        "conditions": Conditions(urgent_only=True), **over})


def test_b3_finance_reviews_only_orders_at_or_above_the_threshold():
    chain = urgent_chain()
    small = [s.role for s in chain.steps_for(OrderFacts(Decimal("199999.99"), True, True))]
    large = [s.role for s in chain.steps_for(OrderFacts(Decimal("200000"), True, False))]
    assert small == [Role.PMC, Role.MANAGEMENT]
    assert large == [Role.FINANCE, Role.PMC, Role.MANAGEMENT]


def test_b5_the_first_active_chain_by_rank_whose_conditions_hold_applies():
    standard = ChainRule("standard", "普通", urgent_chain().steps, rank=100)
    key_only = ChainRule("key", "重点客户", urgent_chain().steps, rank=5,
                         conditions=Conditions(key_customer_only=True), active=False)
    chains = [standard, urgent_chain(), key_only]
    assert choose_chain(chains, OrderFacts(BIG, True, True)).code == "urgent"  # key chain inactive
    assert choose_chain(chains, OrderFacts(BIG, False, True)).code == "standard"
    assert choose_chain([urgent_chain()], OrderFacts(BIG, False, False)) is None


@pytest.mark.parametrize("steps,field,code", [
    ((StepRule(1, Role.SALES, "x", Phase.REVIEW), StepRule(2, Role.MANAGEMENT, "y", Phase.APPROVE)),
     "steps.0.role", "role_not_allowed_in_phase"),
    ((StepRule(1, Role.PMC, "x", Phase.REVIEW), StepRule(1, Role.PMC, "x2", Phase.REVIEW),
      StepRule(2, Role.MANAGEMENT, "y", Phase.APPROVE)), "steps.1.role", "duplicate_step"),
    ((StepRule(1, Role.PMC, "x", Phase.REVIEW, required=0), StepRule(2, Role.MANAGEMENT, "y", Phase.APPROVE)),
     "steps.0.required", "out_of_range"),
    ((StepRule(1, Role.PMC, "x", Phase.REVIEW, deadline_hours=0), StepRule(2, Role.MANAGEMENT, "y", Phase.APPROVE)),
     "steps.0.deadline_hours", "out_of_range"),
    ((StepRule(1, Role.PMC, "x", Phase.REVIEW),), "steps.approve", "needs_unconditional_step"),
    ((StepRule(2, Role.PMC, "x", Phase.REVIEW), StepRule(1, Role.MANAGEMENT, "y", Phase.APPROVE)),
     "steps.order", "review_before_approve"),
    ((StepRule(1, Role.PMC, "x", Phase.REVIEW, conditions=Conditions(urgent_only=True)),
      StepRule(2, Role.MANAGEMENT, "y", Phase.APPROVE)), "steps.review", "needs_unconditional_step"),
])
def test_b5_a_chain_that_breaks_a_rule_is_refused_with_the_field_named(steps, field, code):
    with pytest.raises(errors.ValidationFailed) as caught:
        check_chain(urgent_chain(steps=steps))
    assert caught.value.fields.get(field) == code


def test_b5_the_seeded_kind_of_chain_is_valid():
    check_chain(urgent_chain())


def sig(key: str, revision: int = 1, meaning: str = "reviewed") -> SimpleNamespace:
    """The fields of a ``Signature`` that counting reads."""
    return SimpleNamespace(step_key=key, revision=revision, meaning=meaning)


def test_b5_n_of_m_step_opens_the_next_stage_only_when_it_has_its_approvals():
    steps = [s.snapshot() for s in (StepRule(1, Role.PMC, "a", Phase.REVIEW, required=2),
                                    StepRule(2, Role.MANAGEMENT, "b", Phase.APPROVE))]
    one = counts([sig("1.pmc")], 1)
    assert open_stage(steps, one, Phase.REVIEW) == 1
    assert [s["key"] for s in open_steps(steps, one, Phase.REVIEW)] == ["1.pmc"]
    two = counts([sig("1.pmc"), sig("1.pmc")], 1)
    assert open_stage(steps, two, Phase.REVIEW) is None
    assert open_stage(steps, two, Phase.APPROVE) == 2


def test_b7_a_signature_on_an_old_revision_or_a_rejection_never_counts():
    assert counts([sig("1.pmc", revision=1), sig("1.pmc", revision=2), sig("1.pmc", meaning="rejected")], 2) == {
        "1.pmc": 1}


def test_b7_a_delegation_is_active_only_inside_its_period_and_until_revoked():
    start = datetime(2026, 11, 24, 8)
    d = Delegation(1, 2, start, start + timedelta(days=2))
    assert not d.active(start - timedelta(minutes=1))
    assert d.active(start) and d.active(start + timedelta(days=1))
    assert not d.active(start + timedelta(days=2))
    assert not Delegation(1, 2, start, start + timedelta(days=2), revoked_at=start).active(start + timedelta(hours=1))


@pytest.mark.parametrize("principal,deputy,days,field,code", [
    (1, 1, 1, "deputy", "deputy_is_principal"),
    (1, 2, -1, "ends_at", "before_start"),
    (1, 2, 200, "ends_at", "too_long"),
])
def test_b7_a_delegation_that_makes_no_sense_is_refused(principal, deputy, days, field, code):
    now = datetime(2026, 11, 24, 9)
    with pytest.raises(errors.ValidationFailed) as caught:
        check_delegation(principal, deputy, now, now + timedelta(days=days), now)
    assert caught.value.fields[field] == code


def content(day=1, lines=(("SCB-200", 300, "450"),), specs=None) -> OrderContent:
    return OrderContent(date(2026, 12, day), tuple((p, q, Decimal(u)) for p, q, u in lines), specs)


@pytest.mark.parametrize("proposed,kinds,roles", [
    (content(day=8), ["date"], [Role.PMC]),
    (content(lines=(("SCB-200", 350, "450"),)), ["quantity"], [Role.FINANCE, Role.PMC]),
    (content(lines=(("SCB-200", 300, "430"),)), ["price"], [Role.FINANCE]),
    (content(lines=(("SCB-200", 300, "450"), ("P002", 10, "80"))), ["lines"], [Role.ENGINEERING, Role.FINANCE, Role.PMC]),
    (content(specs="三防漆加厚"), ["specs"], [Role.ENGINEERING, Role.PMC]),
    (content(day=8, specs="x"), ["date", "specs"], [Role.ENGINEERING, Role.PMC]),
    (content(), [], []),
])
def test_h2_a_change_is_reviewed_by_the_departments_it_affects(proposed, kinds, roles):
    assert change_kinds(content(), proposed) == kinds
    assert change_reviewers(kinds) == roles


def test_h2_every_change_kind_names_its_reviewers():
    assert all(CHANGE_REVIEWERS[k] for k in ("date", "quantity", "price", "lines", "specs"))
