"""Twenty approvers sign one N-of-M step at the same moment: exactly N count (B5, B7)."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest

from jidan.domain import errors
from jidan.domain.approval import ChainRule, Conditions, Phase, StepRule
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.services import auth
from jidan.services.approvals import chains as approval_chains
from jidan.services.approvals import review as approvals
from jidan.services.orders import intake, views
from jidan.services.approvals import signing
from jidan.services.approvals.signatures import Decision
from jidan.services.audit import verify
from jidan.services.orders.intake import NewLine, NewOrder
from tests.support import PASSWORD

pytestmark = pytest.mark.xdist_group("db")
SIGNERS, NEEDED = 20, 3


def test_b5_twenty_approvers_at_once_on_a_three_of_m_step_exactly_three_count(ctx, actors):
    current = next(c for c in approval_chains.list_chains(ctx, actors["admin"]) if c["code"] == "urgent")
    approval_chains.save_chain(ctx, actors["admin"], ChainRule("urgent", current["name"], (
        StepRule(1, Role.PMC, "生产可行性分析（三人会签）", Phase.REVIEW, NEEDED),
        StepRule(2, Role.MANAGEMENT, "最终审批", Phase.APPROVE)), 10, Conditions(urgent_only=True)),
        current["version"])
    planners = [Actor(auth.add_user(ctx, None, f"pmc{i:02d}", f"计划员 {i}", "pmc", PASSWORD)["id"], f"pmc{i:02d}",
                      Role.PMC) for i in range(SIGNERS)]
    oid = intake.create_order(ctx, actors["sales"], NewOrder(
        "C001", "HD-N-OF-M", date(2026, 12, 1), (NewLine("SCB-200", 300),)))["id"]
    approvals.open_review(ctx, actors["sales"], oid)  # planning's answer first, so the race is only the signing
    barrier = threading.Barrier(SIGNERS)

    def sign(actor):
        barrier.wait()
        try:
            signing.sign(ctx, actor, oid, Decision(comment=f"{actor.username} 同意"))
            return "signed"
        except errors.JidanError as exc:
            return exc.code

    with ThreadPoolExecutor(SIGNERS) as pool:
        results = list(pool.map(sign, planners))
    assert results.count("signed") == NEEDED, results
    assert set(results) == {"signed", "approval.step_complete"}
    record = approvals.review_record(ctx, actors["sales"], oid)
    step = record["review"]["steps"][0]
    assert (step["count"], step["done"]) == (NEEDED, True)
    assert len(record["review"]["signatures"]) == NEEDED
    assert record["order"]["status"] == "reviewed"
    reviews = [e for e in views.order_events(ctx, actors["sales"], oid) if e["action"] == "review"]
    assert len(reviews) == 1
    assert verify(ctx)[1] == []
