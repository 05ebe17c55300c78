"""Review and approval through the services on SQLite and PostgreSQL (B1–B7, A6, N1)."""
from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from jidan.domain import errors
from jidan.domain.approval import ChainRule, Conditions, Opinion, Phase, StepRule
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.services import auth
from jidan.services.approvals import chains as approval_chains
from jidan.services.approvals import review as approvals
from jidan.services.approvals import letters as confirmations
from jidan.services.approvals import delegations
from jidan.services.orders import intake, lifecycle, views
from jidan.services.notices import timers
from jidan.services.approvals import signing
from jidan.services.approvals.signatures import Decision, Proof
from jidan.services.orders.intake import NewLine, NewOrder, OrderEdit
from tests.support import DAY1, PASSWORD

pytestmark = pytest.mark.xdist_group("db")


def golden(ctx, actors, po="HD-2026-0042", qty=300) -> int:
    """The scenario's order: key customer, 300 × SCB-200 (¥135,000) due in 5 working days: urgent."""
    return intake.create_order(ctx, actors["sales"], NewOrder(
        "C001", po, date(2026, 12, 1), (NewLine("SCB-200", qty),)))["id"]


def calm(ctx, actors, po="N-1") -> int:
    return intake.create_order(ctx, actors["sales2"], NewOrder(
        "C002", po, date(2027, 3, 1), (NewLine("P002", 20),)))["id"]


def configure(ctx, actors, code="urgent", **step_over) -> None:
    """Admin changes a seeded chain: finance reviews from ¥100,000 (the scenario's threshold)."""
    current = next(c for c in approval_chains.list_chains(ctx, actors["admin"]) if c["code"] == code)
    finance = step_over.pop("finance_from", Decimal("100000"))
    pmc_needs = step_over.pop("pmc_needs", 1)
    steps = (StepRule(1, Role.PMC, "生产可行性分析", Phase.REVIEW, pmc_needs, deadline_hours=2),
             StepRule(1, Role.FINANCE, "预算审核", Phase.REVIEW, conditions=Conditions(min_amount=finance),
                      deadline_hours=4),
             StepRule(2, Role.MANAGEMENT, "最终审批", Phase.APPROVE, deadline_hours=4))
    approval_chains.save_chain(ctx, actors["admin"], ChainRule(
        code, current["name"], steps, current["rank"], Conditions(urgent_only=code == "urgent")), current["version"])


def sign(ctx, actor, oid, opinion=Opinion.AGREE, comment=None, proof=None, **kw) -> dict:
    return signing.sign(ctx, actor, oid, Decision(opinion, comment, **kw), proof)


def status(ctx, actors, oid) -> str:
    return views.get_order(ctx, actors["sales"], oid)["status"]


def test_b3_b4_b5_finance_and_pmc_review_in_parallel_then_management_approves(ctx, actors):
    configure(ctx, actors)
    oid = golden(ctx, actors)
    record = sign(ctx, actors["finance"], oid, comment="预算内")
    assert record["review"]["chain_code"] == "urgent" and status(ctx, actors, oid) == "submitted"
    assert [s["key"] for s in record["review"]["steps"] if s["open"]] == ["1.pmc"]
    with pytest.raises(errors.InvalidTransition):  # the order is not reviewed yet
        lifecycle.act(ctx, actors["management"], oid, "approve")
    record = sign(ctx, actors["pmc"], oid, Opinion.AGREE_WITH_CONDITIONS, "SMT2 加班两晚",
                  suggested_date=date(2026, 12, 2))
    assert status(ctx, actors, oid) == "reviewed"
    assert [s["key"] for s in record["review"]["steps"] if s["open"]] == ["2.management"]
    record = sign(ctx, actors["management"], oid, comment="同意")
    order = views.get_order(ctx, actors["sales"], oid)
    assert order["status"] == "approved" and order["promised_date"] == "2026-12-02"  # the latest suggested date
    review = record["review"]
    assert (review["status"], review["decision"], review["committed_date"]) == ("approved", "approved", "2026-12-02")
    opinions = [(g["role"], g["opinion"], g["meaning"], g["revision"]) for g in review["signatures"]]
    assert opinions == [("finance", "agree", "reviewed", 1), ("pmc", "agree_with_conditions", "reviewed", 1),
                        ("management", "agree", "approved", 1)]
    events = [e["action"] for e in views.order_events(ctx, actors["sales"], oid)]
    assert events == ["create", "review", "approve"]  # one order event per transition, signatures apart


def test_b2_the_review_record_opens_with_planning_feasibility_attached(ctx, actors):
    oid = golden(ctx, actors)
    record = approvals.open_review(ctx, actors["sales"], oid)
    feasibility = record["review"]["feasibility"]
    assert feasibility["without_moving"]["completion"] and feasibility["with_insertion"]["completion"]
    levers = {lv["lever"] for lv in feasibility["levers"]}
    assert "overtime" in levers
    # A later date only when it is later than the date asked for (issue 20 §2).
    assert ("later_date" in levers) == (not feasibility["without_moving"]["on_time"])
    assert record["review"]["started_by"] == "sales"
    with pytest.raises(errors.Forbidden):  # quality does not convene reviews
        approvals.open_review(ctx, actors["quality"], oid)


def test_b5_an_n_of_m_step_needs_that_many_different_approvers(ctx, actors):
    configure(ctx, actors, pmc_needs=2, finance_from=Decimal("1000000"))
    second = auth.add_user(ctx, None, "pmc2", "计划员 二", "pmc", PASSWORD)
    pmc2 = Actor(second["id"], "pmc2", Role.PMC)
    oid = golden(ctx, actors)
    sign(ctx, actors["pmc"], oid)
    with pytest.raises(errors.Conflict) as caught:
        sign(ctx, actors["pmc"], oid)
    assert caught.value.code == "approval.already_signed"
    assert status(ctx, actors, oid) == "submitted"
    record = sign(ctx, pmc2, oid)
    assert status(ctx, actors, oid) == "reviewed"
    assert [s["count"] for s in record["review"]["steps"] if s["key"] == "1.pmc"] == [2]


def test_b7_an_approval_of_an_old_revision_does_not_count_for_the_new_one(ctx, actors):
    configure(ctx, actors)
    oid = golden(ctx, actors)
    sign(ctx, actors["pmc"], oid)
    before = views.get_order(ctx, actors["sales"], oid)
    edited = intake.edit_order(ctx, actors["sales"], oid, OrderEdit(before["version"], special_requirements="加三防漆"))
    assert edited["revision"] == 2
    sign(ctx, actors["finance"], oid)
    assert status(ctx, actors, oid) == "submitted"  # pmc signed revision 1 only
    record = approvals.review_record(ctx, actors["sales"], oid)
    assert [h["status"] for h in record["history"]] == ["superseded"]
    assert [(g["role"], g["revision"]) for g in record["review"]["signatures"]] == [("finance", 2)]
    sign(ctx, actors["pmc"], oid)
    assert status(ctx, actors, oid) == "reviewed"


def test_b7_a_reviewed_order_is_not_edited_behind_the_final_approver(ctx, actors):
    oid = golden(ctx, actors)
    sign(ctx, actors["pmc"], oid)
    view = views.get_order(ctx, actors["sales"], oid)
    with pytest.raises(errors.Conflict) as caught:
        intake.edit_order(ctx, actors["sales"], oid, OrderEdit(view["version"], special_requirements="x"))
    assert caught.value.code == "order.edit_after_review"


def test_b7_signing_needs_the_password_unless_the_login_is_fresh(ctx, actors, clock):
    oid = golden(ctx, actors)
    token = auth.login(ctx, "pmc", PASSWORD)["token"]
    clock.advance(minutes=16)
    with pytest.raises(errors.ValidationFailed) as caught:  # the login is 16 minutes old
        sign(ctx, actors["pmc"], oid, proof=Proof(session_token=token))
    assert caught.value.code == "approval.signature_required" and caught.value.fields == {"password": "required"}
    with pytest.raises(errors.ValidationFailed):  # the order buttons: the session's own login counts
        lifecycle.act(ctx, actors["pmc"], oid, "review", proof=Proof(session_token=token))
    with pytest.raises(errors.ValidationFailed) as caught:
        sign(ctx, actors["pmc"], oid, proof=Proof(password="wrong"))
    assert caught.value.fields == {"password": "wrong_password"}
    assert approvals.review_record(ctx, actors["pmc"], oid)["review"] is None  # refused acts write nothing
    record = sign(ctx, actors["pmc"], oid, proof=Proof(password=PASSWORD))
    [signed] = record["review"]["signatures"]
    assert (signed["user"], signed["method"], signed["meaning"], signed["revision"]) == ("pmc", "password", "reviewed", 1)
    assert signed["signed_at"] == (DAY1 + timedelta(minutes=16)).isoformat()
    fresh = auth.login(ctx, "management", PASSWORD)["token"]
    clock.advance(minutes=5)
    record = sign(ctx, actors["management"], oid, proof=Proof(session_token=fresh))
    assert record["review"]["signatures"][-1]["method"] == "fresh_login"


def test_b7_nobody_approves_their_own_order_not_even_as_a_deputy(ctx, actors):
    oid = golden(ctx, actors)
    # Another role stands in only by admin's exception (issue 21); even then not for their own order.
    delegations.add_delegation(ctx, actors["admin"], "sales", DAY1, DAY1 + timedelta(days=3), "休假",
                               principal="pmc", role_exception=True)
    with pytest.raises(errors.SelfApproval):
        sign(ctx, actors["sales"], oid, on_behalf_of="pmc")
    with pytest.raises(errors.Forbidden):  # a role the chain does not name
        sign(ctx, actors["customer_service"], oid)


def test_b7_a_deputy_signs_for_the_approver_during_the_period_only(ctx, actors, clock):
    oid = golden(ctx, actors)
    sign(ctx, actors["pmc"], oid)
    deputy = actors["manufacturing"]
    delegations.add_delegation(ctx, actors["admin"], "manufacturing", DAY1 + timedelta(hours=1),
                               DAY1 + timedelta(days=2), "出差", principal="management", role_exception=True)
    with pytest.raises(errors.Forbidden) as caught:  # not yet
        sign(ctx, deputy, oid, on_behalf_of="management")
    assert caught.value.code == "approval.not_deputy"
    assert [i["on_behalf_of"] for i in approvals.pending(ctx, deputy)["items"]] == []
    clock.advance(hours=2)
    assert [i["on_behalf_of"] for i in approvals.pending(ctx, deputy)["items"]] == ["management"]
    record = sign(ctx, deputy, oid, on_behalf_of="management", comment="代赵总批准")
    signed = record["review"]["signatures"][-1]
    assert (signed["user"], signed["on_behalf_of"], signed["role"]) == ("manufacturing", "management", "management")
    assert status(ctx, actors, oid) == "approved"
    approve = views.order_events(ctx, actors["sales"], oid)[-1]
    assert (approve["actor"], approve["role"]) == ("manufacturing", "management")


def test_b6_production_rejection_goes_back_to_sales_at_once_with_the_alternatives(ctx, actors):
    oid = golden(ctx, actors)
    with pytest.raises(errors.ValidationFailed) as caught:
        sign(ctx, actors["pmc"], oid, Opinion.DISAGREE)
    assert caught.value.fields == {"comment": "required"}
    sign(ctx, actors["pmc"], oid, Opinion.DISAGREE, "5 天内不挪动其他订单做不出", suggested_date=date(2026, 12, 4))
    assert status(ctx, actors, oid) == "rejected"
    with ctx.uow() as uow:
        [notice] = [n for n in uow.notices.for_recipient(actors["sales"].user_id) if n.kind == "approval.rejected"]
    assert "5 天内不挪动其他订单做不出" in notice.body and "可选方案" in notice.body
    assert "加班" in notice.body and notice.critical  # urgent: past quiet hours too
    events = views.order_events(ctx, actors["sales"], oid)
    assert events[-1]["action"] == "reject" and events[-1]["reason"].startswith("5 天内")


def test_b6_management_pushes_a_must_take_order_through_with_an_instruction(ctx, actors):
    oid = golden(ctx, actors)
    sign(ctx, actors["pmc"], oid, Opinion.DISAGREE, "SMT 线满负荷")
    with pytest.raises(errors.ValidationFailed):  # the instruction is the reason: required
        sign(ctx, actors["management"], oid)
    with pytest.raises(errors.Forbidden):
        sign(ctx, actors["pmc"], oid, comment="我也要批")
    record = sign(ctx, actors["management"], oid, comment="大客户必接：优先插单，SMT2 加班两晚",
                  levers=("priority_insertion", "overtime"), committed_date=date(2026, 12, 2))
    review = record["review"]
    assert status(ctx, actors, oid) == "approved"
    assert review["decision"] == "pushed_through" and review["committed_date"] == "2026-12-02"
    assert review["instruction"]["levers"] == ["priority_insertion", "overtime"]
    with ctx.uow() as uow:
        [notice] = [n for n in uow.notices.for_recipient(actors["pmc"].user_id) if n.kind == "approval.approved"]
    assert notice.needs_ack and "加班" in notice.body
    assert [e["action"] for e in views.order_events(ctx, actors["sales"], oid)][-2:] == ["reject", "approve"]


def test_b1_an_overdue_step_reminds_its_approvers_and_escalates_on_the_working_calendar(ctx, actors, clock):
    oid = golden(ctx, actors)
    record = approvals.open_review(ctx, actors["sales"], oid)
    assert record["review"]["steps"][0]["due_at"] == "2026-11-24T11:10:00"  # 2 working hours
    clock.advance(hours=1)
    assert timers.fire_due(ctx) == 0
    clock.advance(hours=1, minutes=1)
    assert timers.fire_due(ctx) == 1
    with ctx.uow() as uow:
        overdue = {n.recipient_id for n in uow.notices.for_order(oid) if n.kind == "approval.overdue"}
    assert overdue >= {actors["pmc"].user_id, actors["management"].user_id}
    assert approvals.review_record(ctx, actors["pmc"], oid)["review"]["steps"][0]["overdue"]


def test_n1_a_step_deadline_set_on_friday_evening_runs_into_monday(ctx, actors, clock):
    clock.current = DAY1.replace(day=27, hour=21, minute=0)  # Friday 21:00; the working day ends at 22:00
    oid = golden(ctx, actors, po="FRI-1")
    record = approvals.open_review(ctx, actors["sales"], oid)
    assert record["review"]["steps"][0]["due_at"] == "2026-11-30T09:00:00"


def test_b1_signing_on_time_cancels_the_step_deadline(ctx, actors, clock):
    oid = golden(ctx, actors)
    sign(ctx, actors["pmc"], oid)
    clock.advance(hours=3)
    timers.fire_due(ctx)
    with ctx.uow() as uow:
        kinds = [n.kind for n in uow.notices.for_order(oid)]
    assert "approval.overdue" not in kinds


def test_a6_approval_makes_the_confirmation_letter_from_the_approved_revision(ctx, actors):
    oid = golden(ctx, actors)
    sign(ctx, actors["pmc"], oid)
    sign(ctx, actors["management"], oid, committed_date=date(2026, 12, 1))
    [letter] = confirmations.letters(ctx, actors["sales"], oid)
    assert letter["revision"] == 1 and letter["committed_date"] == "2026-12-01"
    assert letter["recipient"] == "buyer@c001.example.com" and letter["sent_at"] is None
    assert "承诺交货日期：2026-12-01" in letter["body"] and "SCB-200" in letter["body"]
    assert "华东精密" in letter["body"] and "【急】确认函" in letter["subject"]
    with pytest.raises(errors.Forbidden):  # sales sends it
        confirmations.send_letter(ctx, actors["pmc"], oid, letter["id"])
    sent = confirmations.send_letter(ctx, actors["sales"], oid, letter["id"])
    assert sent["sent_to"] == "buyer@c001.example.com" and sent["outbox_id"]
    with ctx.uow() as uow:
        row = uow.outbox.get(sent["outbox_id"])
    assert (row.channel, row.target, row.kind) == ("email", "buyer@c001.example.com", "confirmation")
    assert row.body == letter["body"] and row.order_id == oid


def test_b1_cancelling_an_order_under_review_stops_its_review_and_deadlines(ctx, actors, clock):
    oid = golden(ctx, actors)
    approvals.open_review(ctx, actors["sales"], oid)
    lifecycle.act(ctx, actors["sales"], oid, "cancel", reason="客户取消")
    assert approvals.review_record(ctx, actors["sales"], oid)["review"]["status"] == "cancelled"
    clock.advance(days=2)
    assert timers.fire_due(ctx) == 0


def test_b5_admin_edits_chains_and_reviews_in_progress_keep_their_frozen_steps(ctx, actors):
    oid = golden(ctx, actors)
    approvals.open_review(ctx, actors["sales"], oid)
    configure(ctx, actors, finance_from=Decimal("1000"))
    keys = [s["key"] for s in approvals.review_record(ctx, actors["pmc"], oid)["review"]["steps"]]
    assert keys == ["1.pmc", "2.management"]  # opened before the change
    later = golden(ctx, actors, po="HD-2")
    preview = approvals.review_record(ctx, actors["pmc"], later)["preview"]
    assert [s["key"] for s in preview["steps"]] == ["1.finance", "1.pmc", "2.management"]
    with pytest.raises(errors.Forbidden):
        configure_as(ctx, actors["pmc"])
    with pytest.raises(errors.StaleVersion):
        approval_chains.save_chain(ctx, actors["admin"], ChainRule("urgent", "x", (
            StepRule(1, Role.PMC, "a", Phase.REVIEW), StepRule(2, Role.MANAGEMENT, "b", Phase.APPROVE))), 1)


def configure_as(ctx, actor):
    approval_chains.save_chain(ctx, actor, ChainRule("urgent", "x", (
        StepRule(1, Role.PMC, "a", Phase.REVIEW), StepRule(2, Role.MANAGEMENT, "b", Phase.APPROVE))), 1)


def test_b5_one_active_chain_must_apply_to_every_order(ctx, actors):
    standard = next(c for c in approval_chains.list_chains(ctx, actors["admin"]) if c["code"] == "standard")
    with pytest.raises(errors.ValidationFailed) as caught:
        approval_chains.save_chain(ctx, actors["admin"], ChainRule("standard", "x", (
            StepRule(1, Role.PMC, "a", Phase.REVIEW), StepRule(2, Role.MANAGEMENT, "b", Phase.APPROVE)),
            active=False), standard["version"])
    assert caught.value.code == "approval.no_default_chain"


def test_b1_what_waits_for_me_lists_open_steps_urgent_first(ctx, actors):
    configure(ctx, actors)
    calm_id = calm(ctx, actors)
    urgent_id = golden(ctx, actors)
    items = approvals.pending(ctx, actors["pmc"])["items"]
    assert [i["order_id"] for i in items] == [urgent_id, calm_id]
    assert [i["order_id"] for i in approvals.pending(ctx, actors["finance"])["items"]] == [urgent_id]
    assert approvals.pending(ctx, actors["management"])["items"] == []  # stage 2 not open yet
    sign(ctx, actors["pmc"], urgent_id)
    assert [i["order_id"] for i in approvals.pending(ctx, actors["pmc"])["items"]] == [calm_id]
    assert approvals.pending(ctx, actors["sales"])["items"] == []


def test_b6_a_reviewer_may_take_the_agreement_back_before_the_final_approval(ctx, actors):
    oid = golden(ctx, actors)
    sign(ctx, actors["pmc"], oid)
    assert status(ctx, actors, oid) == "reviewed"
    with pytest.raises(errors.InvalidTransition):  # the review button does not push a rejected order through
        lifecycle.act(ctx, actors["pmc"], oid, "review")
    record = sign(ctx, actors["pmc"], oid, Opinion.DISAGREE, "SMT2 回流焊故障，无法保证交期")
    assert status(ctx, actors, oid) == "rejected"
    step = next(s for s in record["review"]["steps"] if s["key"] == "1.pmc")
    assert [g["meaning"] for g in step["signatures"]] == ["reviewed", "rejected"]
    with pytest.raises(errors.InvalidTransition):
        lifecycle.act(ctx, actors["management"], oid, "review", reason="必接")
