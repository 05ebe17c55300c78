"""Signing the order's review (B3–B6): agree, reject, approve, push a rejected order through.

Each signature lands on the signer's step of the review record (``review``); when a phase's
steps are satisfied the order moves on. A disagreement rejects at once and goes back to sales
with the reason and planning's alternatives (B6); management may push a rejected, must-take order
through with an instruction that assigns resources. Signers of one order are serialised by a lock
on the order row, so N-of-M steps count exactly.
"""
from __future__ import annotations

from datetime import date, datetime

from jidan.domain import errors
from jidan.domain.approval import (
    PHASE_ACTION, PHASE_MEANING, PHASE_OF_STATE, PHASE_ROLES, Meaning, Opinion, Phase, ReviewRecord, Signature, counts,
    open_stage, step_done,
)
from jidan.domain.capacity import KIND_OF_LEVER, CapacitySource
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.roles import Role
from jidan.domain.states import OrderState
from jidan.services.approvals import review as reviews
from jidan.services.approvals.deadlines import STEP_DUE
from jidan.services.approvals.delegations import signer_of
from jidan.services.approvals.letters import make_letter
from jidan.services.approvals.signatures import Decision, Proof, login_time, record_signature, signing_method
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.names import urgent_mark
from jidan.services.notices import notify, timers
from jidan.services.orders import lifecycle, views
from jidan.services.permissions import load_order, require_order_access
from jidan.services.planning.decisions import add_capacity

S = OrderState
#: The step key of management's decision to take a rejected order anyway (B6).
PUSH_THROUGH = "push_through"


def act(ctx: Context, actor: Actor, order_id: int, action: str, reason: str | None,
        expected_version: int | None, proof: Proof | None) -> dict:
    """The lifecycle buttons review / approve / reject as signed opinions; returns the order."""
    opinion = Opinion.DISAGREE if action == "reject" else Opinion.AGREE
    _sign(ctx, actor, order_id, Decision(opinion, reason), proof, expected_version, action)
    return views.get_order(ctx, actor, order_id)


def sign(ctx: Context, actor: Actor, order_id: int, decision: Decision, proof: Proof | None = None,
         expected_version: int | None = None) -> dict:
    """Signs the actor's step of the order's review; returns the review record."""
    _sign(ctx, actor, order_id, decision, proof, expected_version)
    return reviews.review_record(ctx, actor, order_id)


def _sign(ctx: Context, actor: Actor, order_id: int, decision: Decision, proof: Proof | None,
          expected_version: int | None, action: str | None = None) -> None:
    require_order_access(actor)
    decision.check()
    session_started = login_time(ctx, actor, proof)
    may_sign = decision.on_behalf_of or any(actor.role in roles for roles in PHASE_ROLES.values())
    answer = reviews.feasibility(ctx, actor, order_id) if may_sign else None
    propose = None
    with ctx.uow() as uow:
        uow.reviews.lock_order(order_id)
        order = load_order(uow, actor, order_id)
        lifecycle.check_version(order, expected_version)
        signer, principal = signer_of(uow, ctx, actor, decision.on_behalf_of)
        if principal is not None and principal == order.created_by:
            raise errors.SelfApproval("nobody approves their own order, nor through a deputy")
        if order.status == S.REJECTED and decision.opinion != Opinion.DISAGREE and action in (None, "approve"):
            propose = _push_through(uow, ctx, signer, principal, order, decision, proof, session_started)
        else:
            _sign_step(uow, ctx, signer, principal, order, decision, proof, session_started, answer, action)
        uow.commit()
    if propose is not None:  # the capacity's run is solved once the decision is committed (issue 21)
        propose()


def _sign_step(uow, ctx, signer: Actor, principal: int | None, order: Order, decision: Decision,
               proof: Proof | None, session_started: datetime | None, answer: dict | None,
               action: str | None) -> None:
    phase = PHASE_OF_STATE.get(OrderState(order.status))
    if phase is None:
        raise errors.InvalidTransition(f"an order that is {order.status} is not under review")
    disagree = decision.opinion == Opinion.DISAGREE
    if action in PHASE_ACTION.values() and PHASE_ACTION[phase] != action:
        raise errors.InvalidTransition(f"action {action!r} is not allowed when the order is {order.status}")
    lifecycle_action = "reject" if disagree else PHASE_ACTION[phase]
    review = reviews.current_review(uow, order)
    if review is None or review.status != "open":
        review = reviews.start_review(uow, ctx, signer, order, answer)
    subject = review.subject
    sigs = uow.reviews.signatures([subject])
    tally = counts(sigs, order.revision)
    counted = principal or signer.user_id
    try:
        step = reviews.step_to_sign(review.steps, sigs, tally, signer.role, counted, phase, disagree,
                                    signer.user_id)
    except errors.JidanError as exc:
        if exc.code in ("approval.not_an_approver", "approval.step_not_open", "approval.already_signed"):
            order.check(lifecycle_action, signer, decision.comment)  # the table's refusal comes first
        raise
    order.check(lifecycle_action, signer, decision.comment)  # the table's rules: role, not the requester
    method = signing_method(uow, ctx, signer, proof, session_started)
    meaning = Meaning.REJECTED if disagree else PHASE_MEANING[Phase(step["phase"])]
    retracts = any(s.step_key == step["key"] and s.counted_user_id == counted for s in sigs)
    record_signature(uow, ctx, signer, principal, order, subject,
                     f"{step['key']}:rejected" if retracts else step["key"], meaning,
                     decision, method, review_id=review.id)
    if disagree:
        _reject(uow, ctx, signer, order, review, decision)
        return
    tally[step["key"]] = tally.get(step["key"], 0) + 1
    if step_done(step, tally):
        timers.cancel(uow, STEP_DUE, f"{subject}:{step['key']}")
    if open_stage(review.steps, tally, phase) is not None:
        reviews.open_next_stage(uow, ctx, signer, order, review, tally)
        return
    if phase == Phase.APPROVE:
        order.promised_date = _committed_date(order, sigs, decision)
    lifecycle.transition(uow, ctx, signer, order, PHASE_ACTION[phase], decision.comment)
    if phase == Phase.REVIEW:
        reviews.open_next_stage(uow, ctx, signer, order, review, tally)
        return
    _approved(uow, ctx, signer, order, review, decision, "approved")


def _lever(ctx: Context, name: str | None) -> str:
    return ctx.messages.text(f"ui.wf.lever.{name}") if name else ""


def _alternatives(review: ReviewRecord) -> list[dict]:
    """Planning's levers from the review's feasibility answer (B2, B6)."""
    return list(((review.feasibility or {}).get("levers")) or [])


def _instructed(review: ReviewRecord, levers: tuple[str, ...]) -> list[dict]:
    """The offered levers management's instruction names, with the action each takes (B6, C5);
    a lever that adds capacity must be one planning offered, so that its action is known."""
    offered = {lv.get("lever"): lv for lv in _alternatives(review)}
    missing = [name for name in levers if name in KIND_OF_LEVER and name not in offered]
    if missing:
        raise errors.ValidationFailed("planning offers no such lever for this order",
                                      fields={"levers": "lever_not_offered"})
    return [offered[name] for name in levers if name in KIND_OF_LEVER]


def _reject(uow, ctx, signer: Actor, order: Order, review: ReviewRecord, decision: Decision) -> None:
    """Back to sales at once, with the reason and the alternatives (B6)."""
    text = ctx.messages.text
    lifecycle.transition(uow, ctx, signer, order, "reject", decision.comment)
    reviews.close_review(uow, ctx, review, "rejected", decision="rejected", decision_note=decision.comment)
    levers = _alternatives(review)
    lines = [text("ui.appr.rejected.reason", reason=decision.comment)]
    if decision.suggested_date:
        lines.append(text("ui.appr.rejected.suggested", date=decision.suggested_date))
    if levers:
        options = [text("ui.appr.rejected.option", lever=_lever(ctx, lv.get("lever")),
                        completion=(lv.get("completion") or "").replace("T", " ")) for lv in levers]
        lines.append(text("ui.appr.rejected.alternatives", options=text("ui.appr.sep.clause").join(options)))
    notify.notify(uow, ctx.now(), kind="approval.rejected", order_id=order.id, ref=review.subject,
                  users=[order.created_by], critical=order.urgent, exclude=signer, ctx=ctx,
                  subject=text("ui.appr.rejected.subject", urgent=urgent_mark(ctx, order), number=order.number,
                               who=signer.display_name or signer.username),
                  body="\n".join(lines))


def _committed_date(order: Order, sigs: list[Signature], decision: Decision) -> date:
    if decision.committed_date:
        return decision.committed_date
    suggested = [s.suggested_date for s in sigs
                 if s.suggested_date and s.meaning != Meaning.REJECTED and s.revision == order.revision]
    return max(suggested) if suggested else (order.promised_date or order.requested_date)


def _approved(uow, ctx, signer: Actor, order: Order, review: ReviewRecord, decision: Decision, how: str,
              instruction: dict | None = None, tell_pmc: bool = True) -> None:
    """The order is approved: the review closes with the committed date, the letter is made, and
    sales (to send it) and pmc (to plan, unless ``tell_pmc`` is False: told with the run) are told."""
    text = ctx.messages.text
    committed = order.promised_date
    reviews.close_review(uow, ctx, review, "approved", decision=how,
                         decision_note=(decision.comment or "").strip() or None,
                         committed_date=committed, instruction=instruction)
    letter = make_letter(uow, ctx, signer, order, committed)
    now = ctx.now()
    notify.notify(uow, now, kind="approval.approved", order_id=order.id, ref=f"letter:{letter}",
                  users=[order.created_by], exclude=signer, ctx=ctx,
                  subject=text("ui.appr.approved.sales_subject", urgent=urgent_mark(ctx, order), number=order.number,
                               committed=committed),
                  body=decision.comment or "")
    if tell_pmc:
        _tell_pmc(uow, ctx, signer, order, instruction)


def _tell_pmc(uow, ctx, signer: Actor, order: Order, instruction: dict | None) -> None:
    """pmc hears of the approval, with management's instruction and the run proposed for it."""
    text = ctx.messages.text
    committed = order.promised_date
    resources = ""
    if instruction:
        levers = text("ui.appr.sep.list").join(_lever(ctx, lever) for lever in instruction["levers"])
        resources = text("ui.appr.approved.instruction", levers=levers, note=instruction["note"])
        if instruction.get("planning_run_id"):
            resources += "\n" + text("ui.appr.approved.capacity_run", run=instruction["planning_run_id"])
    notify.notify(uow, ctx.now(), kind="approval.approved", order_id=order.id, roles=[Role.PMC], exclude=signer,
                  ctx=ctx, needs_ack=bool(instruction),
                  subject=text("ui.appr.approved.pmc_subject", urgent=urgent_mark(ctx, order), number=order.number,
                               committed=committed),
                  body=resources)


def _push_through(uow, ctx, signer: Actor, principal: int | None, order: Order, decision: Decision,
                  proof: Proof | None, session_started: datetime | None):
    """Management takes a must-take order anyway, assigning the resources it needs (B6); the
    proposal of the run that uses them, to make once this is committed (None: no run)."""
    note = (decision.comment or "").strip()
    order.check("approve", signer, note)  # the table wants the instruction as the reason
    review = reviews.current_review(uow, order)
    if review is None:
        raise errors.Conflict("the order has no review record to decide on", code="approval.no_review")
    approvers = {s["role"] for s in review.steps if s["phase"] == Phase.APPROVE}
    if signer.role.value not in approvers:
        raise errors.Forbidden("only the chain's final approvers push an order through",
                               code="approval.not_an_approver")
    method = signing_method(uow, ctx, signer, proof, session_started)
    subject = review.subject
    sigs = uow.reviews.signatures([subject])
    # Its own key: it overrides the chain rather than counting on a step (a rejecting manager
    # may still decide to take the order).
    record_signature(uow, ctx, signer, principal, order, subject, PUSH_THROUGH, Meaning.APPROVED,
                     decision, method, review_id=review.id)
    order.promised_date = _committed_date(order, sigs, decision)
    lifecycle.transition(uow, ctx, signer, order, "approve", note)
    added, propose = add_capacity(uow, ctx, signer, order, _instructed(review, decision.levers),
                                  CapacitySource.APPROVAL, review.id, note)
    instruction = {"levers": list(decision.levers), "note": note, "by": signer.user_id, "capacity": added,
                   "planning_run_id": None}
    _approved(uow, ctx, signer, order, uow.reviews.get(review.id), decision, "pushed_through", instruction,
              tell_pmc=propose is None)
    if propose is None:
        return None
    review_id, order_id = review.id, order.id

    def proposed(uow, run_id: int) -> None:  # the instruction names its run, and pmc hears of both
        closed = uow.reviews.get(review_id)
        told = closed.instruction | {"planning_run_id": run_id}
        uow.reviews.update(review_id, closed.version, instruction=told)
        audit.record(uow, ctx, signer, "order_review", review_id, "capacity_run", None, {"planning_run_id": run_id})
        _tell_pmc(uow, ctx, signer, uow.orders.get(order_id), told)
    return lambda: propose(proposed)
