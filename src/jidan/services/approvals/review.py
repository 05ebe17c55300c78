"""Review and approval of orders (B1–B7): the review record and the signed acts on it.

The chains it follows are configured in ``approval_chains``, deputies in ``delegations``; an
approval makes the confirmation letter (确认函) of ``confirmations``.

How the chain meets the lifecycle (docs/workflow.md): ``review``, ``approve`` and ``reject`` are
signed opinions. Each signature lands on the signer's step of the order's review record
(紧急订单评审记录表); when the review-phase steps are satisfied the order moves submitted →
reviewed, when the approve-phase steps are, reviewed → approved. A disagreement rejects at once
and goes back to sales with the reason and planning's alternatives (B6); management may push a
rejected, must-take order through with an instruction that assigns resources.

Signers of one order are serialised by a lock on the order row, so N-of-M steps count exactly.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from jidan import i18n
from jidan.domain import errors
from jidan.domain.approval import (
    APPROVER_ROLES, INSTRUCTION_LEVERS, PHASE_ACTION, PHASE_MEANING, PHASE_OF_STATE, PHASE_ROLES, Meaning,
    Opinion, Phase, counts, open_stage, open_steps, step_done,
)
from jidan.domain.delivery import next_level
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.roles import ORDER_ENTRY, Role
from jidan.domain.states import OrderState
from jidan.services import audit, auth
from jidan.services.approvals import chains as approval_chains
from jidan.services.notices import notify
from jidan.services.orders import lifecycle
from jidan.services.orders import views
from jidan.services import planning
from jidan.services.notices import timers
from jidan.services.approvals.letters import letter_view, make_letter
from jidan.services.context import Context
from jidan.services.approvals.delegations import add_delegation, deputies, principals, signer_of
from jidan.services.names import display_name, urgent_mark
from jidan.services.permissions import load_order, require_order_access, require_role
from jidan.services.ports import OrderFilter

S = OrderState
#: The timer that chases a step (or change-request review) past its deadline.
STEP_DUE = "approval.step_due"
#: The step key of management's decision to take a rejected order anyway (B6).
PUSH_THROUGH = "push_through"
#: Who may convene the review (组织评审会议, 紧急订单处理规范 3.1.2) before anyone signs.
CONVENERS = ORDER_ENTRY | {Role.PMC, Role.MANAGEMENT}


@dataclass(frozen=True)
class Proof:
    """How a signer proves it is them: the password again, or the session of a fresh login."""

    password: str | None = None
    session_token: str | None = None


@dataclass(frozen=True)
class Decision:
    """What the signer says: the opinion on the review record and, for management, the decision."""

    opinion: Opinion = Opinion.AGREE
    comment: str | None = None
    suggested_date: date | None = None
    #: Final approval: the date confirmed to the customer (default: the latest suggested date).
    committed_date: date | None = None
    #: Pushing a rejected order through: the resources management assigns (B6, C5).
    levers: tuple[str, ...] = ()
    #: Username of the approver a deputy signs for.
    on_behalf_of: str | None = None

    def check(self) -> None:
        fields = {}
        comment = (self.comment or "").strip()
        if self.opinion != Opinion.AGREE and not comment:
            fields["comment"] = "required"
        if len(comment) > 1000:
            fields["comment"] = "too_long"
        if any(lever not in INSTRUCTION_LEVERS for lever in self.levers):
            fields["levers"] = "unknown_lever"
        if fields:
            raise errors.ValidationFailed("the opinion is not complete", fields=fields)


def _settings(ctx):
    return notify.settings_of(ctx)


# ----------------------------------------------------------------------------- proof
def login_time(ctx: Context, actor: Actor, proof: Proof | None) -> datetime | None:
    """When the signer's session began, from its token (read before the signing transaction)."""
    if proof is None or not proof.session_token or proof.password is not None:
        return None
    owner, session = auth.session_user(ctx, proof.session_token)
    if owner.user_id != actor.user_id:
        raise errors.Forbidden("the session is not the signer's", code="approval.signature_required")
    return session["created_at"]


def signing_method(uow, ctx: Context, actor: Actor, proof: Proof | None,
                    session_started: datetime | None) -> str:
    """Checks the signer's proof; returns how they signed (password | fresh_login | console).

    Without a proof, the signer's newest login counts. Every API and web request carries a login
    session, so a signer with none at all is code in the server process (console, demo loader).
    """
    now = ctx.now()
    fresh = timedelta(minutes=_settings(ctx).approval_fresh_login_minutes)
    if proof is not None and proof.password is not None:
        user = uow.users.get(actor.user_id)
        if not ctx.hasher.verify(proof.password, user.password_hash):
            raise errors.ValidationFailed("the password is wrong", code="approval.wrong_password",
                                          fields={"password": "wrong_password"})
        return "password"
    if proof is not None and proof.session_token:
        newest = session_started
    else:
        has_login, newest = uow.reviews.latest_login(actor.user_id)
        if not has_login:
            return "console"
    if newest is not None and now - newest <= fresh:
        return "fresh_login"
    raise errors.ValidationFailed("signing needs your password again (your login is not fresh)",
                                  code="approval.signature_required", fields={"password": "required"})


# ----------------------------------------------------------------------------- review record
def _subject(review: dict) -> str:
    return f"review:{review['id']}"


def _current_review(uow, order: Order) -> dict | None:
    """The latest review round of the order's current revision."""
    rounds = [r for r in uow.reviews.for_order(order.id) if r["revision"] == order.revision]
    return rounds[-1] if rounds else None


def review_started(uow, order: Order) -> bool:
    """Whether anyone has opened a review of this revision (an edit then makes a new revision)."""
    return _current_review(uow, order) is not None


def supersede(uow, ctx: Context, actor: Actor, order: Order) -> None:
    """The order's content changed: open reviews of older revisions stop counting."""
    for review in uow.reviews.for_order(order.id):
        if review["status"] == "open" and review["revision"] != order.revision:
            _close(uow, ctx, review, "superseded")
            audit.record(uow, ctx, actor, "order_review", review["id"], "supersede",
                         {"revision": review["revision"]}, {"revision": order.revision})


def _close(uow, ctx: Context, review: dict, status: str, **values) -> dict:
    for step in review["steps"]:
        timers.cancel(uow, STEP_DUE, f"{_subject(review)}:{step['key']}")
    uow.reviews.update(review["id"], review["version"], status=status, closed_at=ctx.now(), **values)
    return uow.reviews.get(review["id"])


def _needs_review(uow, order: Order) -> bool:
    if order.status not in PHASE_OF_STATE:
        return False
    review = _current_review(uow, order)
    return review is None or review["status"] != "open"


def _feasibility(ctx: Context, actor: Actor, order_id: int) -> dict | None:
    """Planning's answer (CTP date, shortages, levers), asked before the review's transaction."""
    with ctx.uow() as uow:
        if not _needs_review(uow, load_order(uow, actor, order_id)):
            return None
    try:
        answer = planning.promise(ctx, actor, order_id,
                                  time_limit=_settings(ctx).approval_feasibility_seconds)
    except errors.JidanError as exc:
        return {"error": exc.code, "detail": exc.detail}
    return audit.plain(answer)


def _open_review(uow, ctx: Context, actor: Actor, order: Order, feasibility: dict | None) -> dict:
    chain = approval_chains.chain_for(uow, order)
    if chain is None:
        raise errors.Conflict("no approval chain applies to this order; ask admin to configure one",
                              code="approval.no_chain")
    steps = approval_chains.frozen_steps(chain, order)
    review_id = uow.reviews.add(order_id=order.id, revision=order.revision, chain_code=chain.code,
                                chain_name=chain.name, steps=steps, due={}, status="open",
                                feasibility=feasibility, started_by=actor.user_id, started_at=ctx.now())
    audit.record(uow, ctx, actor, "order_review", review_id, "open", None,
                 {"order": order.number, "revision": order.revision, "chain": chain.code,
                  "steps": [s["key"] for s in steps]})
    review = uow.reviews.get(review_id)
    return _open_next_stage(uow, ctx, actor, order, review, {})


def _open_next_stage(uow, ctx: Context, actor: Actor, order: Order, review: dict, tally: dict) -> dict:
    """Starts the deadlines of the steps now open and tells their approvers (and deputies)."""
    phase = PHASE_OF_STATE.get(OrderState(order.status))
    if phase is None:
        return review
    due = dict(review["due"])
    now = ctx.now()
    opened = [s for s in open_steps(review["steps"], tally, phase) if s["key"] not in due]
    for step in opened:
        at = notify.ack_deadline(uow, ctx, now, step["deadline_hours"]) if step["deadline_hours"] else None
        due[step["key"]] = at.isoformat() if at else None
        if at is not None:
            timers.schedule(uow, now, kind=STEP_DUE, ref=f"{_subject(review)}:{step['key']}", due_at=at,
                            payload={"subject": _subject(review), "step": step["key"]})
        notify.notify(uow, now, kind="approval.requested", order_id=order.id, ref=_subject(review),
                      roles=[Role(step["role"])], users=deputies(uow, step["role"], now), exclude=actor,
                      ctx=ctx, subject=f"{urgent_mark(order)}请{step['name']}：订单 {order.number}",
                      body=f"{order.customer.name} · ¥{order.amount:,.2f} · 要求交期 {order.requested_date}"
                           + (f" · 截止 {at:%Y-%m-%d %H:%M}" if at else ""))
    if not opened:
        return review
    uow.reviews.update(review["id"], review["version"], due=due)
    return uow.reviews.get(review["id"])


def open_review(ctx: Context, actor: Actor, order_id: int) -> dict:
    """Sales (or pmc, management) convenes the review: the record opens with planning's answer."""
    require_role(actor, CONVENERS)
    feasibility = _feasibility(ctx, actor, order_id)
    with ctx.uow() as uow:
        uow.reviews.lock_order(order_id)
        order = load_order(uow, actor, order_id)
        if order.status not in PHASE_OF_STATE:
            raise errors.InvalidTransition(f"an order that is {order.status} is not under review")
        if _needs_review(uow, order):
            _open_review(uow, ctx, actor, order, feasibility)
        uow.commit()
    return review_record(ctx, actor, order_id)


# ----------------------------------------------------------------------------- signing
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
    return review_record(ctx, actor, order_id)


def _sign(ctx: Context, actor: Actor, order_id: int, decision: Decision, proof: Proof | None,
          expected_version: int | None, action: str | None = None) -> None:
    require_order_access(actor)
    decision.check()
    session_started = login_time(ctx, actor, proof)
    may_sign = decision.on_behalf_of or any(actor.role in roles for roles in PHASE_ROLES.values())
    feasibility = _feasibility(ctx, actor, order_id) if may_sign else None
    with ctx.uow() as uow:
        uow.reviews.lock_order(order_id)
        order = load_order(uow, actor, order_id)
        lifecycle.check_version(order, expected_version)
        signer, principal = signer_of(uow, ctx, actor, decision.on_behalf_of)
        if principal is not None and principal == order.created_by:
            raise errors.SelfApproval("nobody approves their own order, nor through a deputy")
        if order.status == S.REJECTED and decision.opinion != Opinion.DISAGREE and action in (None, "approve"):
            _push_through(uow, ctx, signer, principal, order, decision, proof, session_started)
        else:
            _sign_step(uow, ctx, signer, principal, order, decision, proof, session_started,
                       feasibility, action)
        uow.commit()


def _find_step(review: dict, sigs: list[dict], tally: dict, role: Role, counted: int,
               phase: Phase | None, disagree: bool) -> dict:
    """The step this signer signs now, or the error that says why there is none."""
    mine = [s for s in review["steps"] if s["role"] == role.value]
    if not mine:
        raise errors.Forbidden(f"the chain has no step for {role}", code="approval.not_an_approver")
    signed = {s["step_key"] for s in sigs if s["counted_user_id"] == counted}
    waiting = [s for s in mine if not step_done(s, tally) and s["key"] not in signed]
    if disagree:  # before the final approval a reviewer may still take their agreement back
        candidates = waiting or mine
    else:
        stage = open_stage(review["steps"], tally, phase) if phase else None
        candidates = [s for s in waiting if s["phase"] == phase and s["stage"] == stage]
    if candidates:
        return candidates[0]
    if any(s["key"] in signed for s in mine) and not waiting:
        raise errors.Conflict("you have already signed this step", code="approval.already_signed")
    if waiting:
        raise errors.Conflict("your step waits for the steps before it", code="approval.step_not_open")
    raise errors.Conflict("this step already has all the approvals it needs", code="approval.step_complete")


def _sign_step(uow, ctx, signer: Actor, principal: int | None, order: Order, decision: Decision,
               proof, session_started, feasibility, action: str | None) -> None:
    phase = PHASE_OF_STATE.get(OrderState(order.status))
    if phase is None:
        raise errors.InvalidTransition(f"an order that is {order.status} is not under review")
    disagree = decision.opinion == Opinion.DISAGREE
    if action in PHASE_ACTION.values() and PHASE_ACTION[phase] != action:
        raise errors.InvalidTransition(f"action {action!r} is not allowed when the order is {order.status}")
    lifecycle_action = "reject" if disagree else PHASE_ACTION[phase]
    review = _current_review(uow, order)
    if review is None or review["status"] != "open":
        review = _open_review(uow, ctx, signer, order, feasibility)
    sigs = uow.reviews.signatures([_subject(review)])
    tally = counts(sigs, order.revision)
    counted = principal or signer.user_id
    try:
        step = _find_step(review, sigs, tally, signer.role, counted, phase, disagree)
    except errors.JidanError as exc:
        if exc.code in ("approval.not_an_approver", "approval.step_not_open"):
            order.check(lifecycle_action, signer, decision.comment)  # the table's refusal comes first
        raise
    order.check(lifecycle_action, signer, decision.comment)  # the table's rules: role, not the requester
    method = signing_method(uow, ctx, signer, proof, session_started)
    meaning = Meaning.REJECTED if disagree else PHASE_MEANING[Phase(step["phase"])]
    retracts = any(s["step_key"] == step["key"] and s["counted_user_id"] == counted for s in sigs)
    record_signature(uow, ctx, signer, principal, order, _subject(review),
                     f"{step['key']}:rejected" if retracts else step["key"], meaning,
                     decision, method, review_id=review["id"])
    if disagree:
        _reject(uow, ctx, signer, order, review, decision)
        return
    tally[step["key"]] = tally.get(step["key"], 0) + 1
    if step_done(step, tally):
        timers.cancel(uow, STEP_DUE, f"{_subject(review)}:{step['key']}")
    if open_stage(review["steps"], tally, phase) is not None:
        _open_next_stage(uow, ctx, signer, order, review, tally)
        return
    if phase == Phase.APPROVE:
        order.promised_date = _committed_date(order, sigs, decision)
    lifecycle.transition(uow, ctx, signer, order, PHASE_ACTION[phase], decision.comment)
    if phase == Phase.REVIEW:
        _open_next_stage(uow, ctx, signer, order, review, tally)
        return
    _approved(uow, ctx, signer, order, review, decision, "approved")


def record_signature(uow, ctx, signer: Actor, principal: int | None, order: Order, subject: str,
                      step_key: str, meaning: Meaning, decision: Decision, method: str,
                      review_id: int | None = None, change_id: int | None = None,
                      revision: int | None = None) -> None:
    values = {"subject": subject, "order_id": order.id, "revision": revision or order.revision,
              "step_key": step_key, "role": signer.role.value, "user_id": signer.user_id,
              "on_behalf_of": principal, "counted_user_id": principal or signer.user_id,
              "meaning": meaning.value, "opinion": decision.opinion.value,
              "comment": (decision.comment or "").strip() or None,
              "suggested_date": decision.suggested_date, "method": method, "signed_at": ctx.now()}
    uow.reviews.add_signature(**values)
    entity, entity_id = ("order_review", review_id) if review_id else ("change_request", change_id)
    audit.record(uow, ctx, signer, entity, entity_id, "sign", None,
                 {k: v for k, v in values.items() if k not in ("subject", "signed_at")}, decision.comment)


def _lever(name: str | None) -> str:
    return i18n.t(f"ui.wf.lever.{name}", default=name or "")


def _alternatives(review: dict) -> list[dict]:
    """Planning's levers from the review's feasibility answer (B2, B6)."""
    return list(((review.get("feasibility") or {}).get("levers")) or [])


def _reject(uow, ctx, signer: Actor, order: Order, review: dict, decision: Decision) -> None:
    """Back to sales at once, with the reason and the alternatives (B6)."""
    lifecycle.transition(uow, ctx, signer, order, "reject", decision.comment)
    _close(uow, ctx, review, "rejected", decision="rejected", decision_note=decision.comment)
    levers = _alternatives(review)
    lines = [f"驳回原因：{decision.comment}"]
    if decision.suggested_date:
        lines.append(f"建议交期：{decision.suggested_date}")
    if levers:
        lines.append("可选方案：" + "；".join(f"{_lever(lv.get('lever'))} → {(lv.get('completion') or '').replace('T', ' ')}"
                                         for lv in levers))
    notify.notify(uow, ctx.now(), kind="approval.rejected", order_id=order.id, ref=_subject(review),
                  users=[order.created_by], critical=order.urgent, exclude=signer, ctx=ctx,
                  subject=f"{urgent_mark(order)}订单 {order.number} 被{signer.display_name or signer.username}驳回",
                  body="\n".join(lines))


def _committed_date(order: Order, sigs: list[dict], decision: Decision) -> date:
    if decision.committed_date:
        return decision.committed_date
    suggested = [s["suggested_date"] for s in sigs
                 if s["suggested_date"] and s["meaning"] != Meaning.REJECTED and s["revision"] == order.revision]
    return max(suggested) if suggested else (order.promised_date or order.requested_date)


def _approved(uow, ctx, signer: Actor, order: Order, review: dict, decision: Decision, how: str,
              instruction: dict | None = None) -> None:
    """The order is approved: the review closes with the committed date, the letter is made, and
    sales (to send it) and pmc (to plan) are told."""
    committed = order.promised_date
    _close(uow, ctx, review, "approved", decision=how, decision_note=(decision.comment or "").strip() or None,
           committed_date=committed, instruction=instruction)
    letter = make_letter(uow, ctx, signer, order, committed)
    now = ctx.now()
    notify.notify(uow, now, kind="approval.approved", order_id=order.id, ref=f"letter:{letter}",
                  users=[order.created_by], exclude=signer, ctx=ctx,
                  subject=f"{urgent_mark(order)}订单 {order.number} 已批准，承诺交期 {committed}；请发送确认函",
                  body=decision.comment or "")
    resources = ""
    if instruction:
        resources = "总经办指示：" + "、".join(map(_lever, instruction["levers"])) + f"；{instruction['note']}"
    notify.notify(uow, now, kind="approval.approved", order_id=order.id, roles=[Role.PMC], exclude=signer,
                  ctx=ctx, needs_ack=bool(instruction),
                  subject=f"{urgent_mark(order)}订单 {order.number} 已批准，请排产（交期 {committed}）", body=resources)


def _push_through(uow, ctx, signer: Actor, principal: int | None, order: Order, decision: Decision,
                  proof, session_started) -> None:
    """Management takes a must-take order anyway, assigning the resources it needs (B6)."""
    note = (decision.comment or "").strip()
    order.check("approve", signer, note)  # the table wants the instruction as the reason
    review = _current_review(uow, order)
    if review is None:
        raise errors.Conflict("the order has no review record to decide on", code="approval.no_review")
    approvers = {s["role"] for s in review["steps"] if s["phase"] == Phase.APPROVE}
    if signer.role.value not in approvers:
        raise errors.Forbidden("only the chain's final approvers push an order through",
                               code="approval.not_an_approver")
    method = signing_method(uow, ctx, signer, proof, session_started)
    sigs = uow.reviews.signatures([_subject(review)])
    # Its own key: it overrides the chain rather than counting on a step (a rejecting manager
    # may still decide to take the order).
    record_signature(uow, ctx, signer, principal, order, _subject(review), PUSH_THROUGH, Meaning.APPROVED,
                     decision, method, review_id=review["id"])
    order.promised_date = _committed_date(order, sigs, decision)
    lifecycle.transition(uow, ctx, signer, order, "approve", note)
    instruction = {"levers": list(decision.levers), "note": note, "by": signer.user_id}
    _approved(uow, ctx, signer, order, uow.reviews.get(review["id"]), decision, "pushed_through", instruction)


# ----------------------------------------------------------------------------- views
def sig_view(uow, sig: dict, names: dict) -> dict:
    return {"id": sig["id"], "step": sig["step_key"], "role": sig["role"],
            "user": display_name(uow, sig["user_id"], names), "user_id": sig["user_id"],
            "on_behalf_of": display_name(uow, sig["on_behalf_of"], names), "meaning": sig["meaning"],
            "opinion": sig["opinion"], "comment": sig["comment"],
            "suggested_date": sig["suggested_date"].isoformat() if sig["suggested_date"] else None,
            "method": sig["method"], "revision": sig["revision"],
            "signed_at": sig["signed_at"].isoformat(timespec="seconds")}


def _review_view(uow, review: dict, order: Order, names: dict, now: datetime) -> dict:
    sigs = uow.reviews.signatures([_subject(review)])
    tally = counts(sigs, review["revision"])
    phase = PHASE_OF_STATE.get(OrderState(order.status)) if review["status"] == "open" else None
    stage = open_stage(review["steps"], tally, phase) if phase else None
    steps = []
    for step in review["steps"]:
        due = review["due"].get(step["key"])
        done = step_done(step, tally)
        steps.append({**step, "count": tally.get(step["key"], 0), "done": done,
                      "open": phase is not None and step["phase"] == phase and step["stage"] == stage and not done,
                      "due_at": due, "overdue": bool(due and not done and review["status"] == "open"
                                                     and datetime.fromisoformat(due) < now),
                      "signatures": [sig_view(uow, s, names) for s in sigs
                                     if s["step_key"].split(":")[0] == step["key"]]})
    return {"id": review["id"], "revision": review["revision"], "chain_code": review["chain_code"],
            "chain_name": review["chain_name"], "status": review["status"], "steps": steps,
            "stages": sorted({s["stage"] for s in review["steps"]}),
            "feasibility": review["feasibility"], "decision": review["decision"],
            "decision_note": review["decision_note"], "instruction": review["instruction"],
            "committed_date": review["committed_date"].isoformat() if review["committed_date"] else None,
            "started_by": display_name(uow, review["started_by"], names),
            "started_at": review["started_at"].isoformat(timespec="seconds"),
            "closed_at": review["closed_at"].isoformat(timespec="seconds") if review["closed_at"] else None,
            "signatures": [sig_view(uow, s, names) for s in sigs], "version": review["version"]}


def _can(uow, ctx, actor: Actor, order: Order, review: dict | None) -> dict:
    """What this actor may do on the panel now (the forms the page shows)."""
    roles = {Role(actor.role): None, **{role: pid for pid, role in principals(uow, actor, ctx.now()).items()}}
    names: dict = {}
    under_review = order.status in PHASE_OF_STATE
    waiting = review is None or review["status"] != "open"
    can = {"open": under_review and waiting and actor.role in CONVENERS, "sign": [], "disagree": [],
           "push_through": [], "deputy_for": [display_name(uow, pid, names) for pid in roles.values() if pid]}
    if actor.user_id == order.created_by:
        return can
    if under_review and waiting:
        chain = approval_chains.chain_for(uow, order)
        review = {"id": 0, "steps": approval_chains.frozen_steps(chain, order)} if chain else None
    if review is None or not (under_review or order.status == S.REJECTED):
        return can
    sigs = uow.reviews.signatures([_subject(review)]) if review["id"] else []
    tally = counts(sigs, order.revision)
    phase = PHASE_OF_STATE.get(OrderState(order.status))
    for role, principal in roles.items():
        who = display_name(uow, principal, names)
        if principal == order.created_by:
            continue
        if order.status == S.REJECTED:
            if role in PHASE_ROLES[Phase.APPROVE] and any(
                    s["phase"] == Phase.APPROVE and s["role"] == role.value for s in review["steps"]):
                can["push_through"].append({"on_behalf_of": who})
            continue
        for disagree, key in ((False, "sign"), (True, "disagree")):
            try:
                step = _find_step(review, sigs, tally, Role(role), principal or actor.user_id, phase, disagree)
            except errors.JidanError:
                continue
            can[key].append({"step": step["key"], "name": step["name"], "phase": step["phase"],
                             "on_behalf_of": who})
    return can


def may_sign(uow, ctx: Context, order: Order, actor: Actor, action: str) -> bool:
    """Whether the order button ``action`` (review, approve, reject) would be signed now in the
    actor's own name, as ``_sign`` decides: the chain has an open step for them (B1–B7). The
    lifecycle offers a signed action only when this says so (services/wiring.py)."""
    review, role = _current_review(uow, order), Role(actor.role)
    if order.status == S.REJECTED:
        return action == "approve" and review is not None and any(
            s["phase"] == Phase.APPROVE and s["role"] == role.value for s in review["steps"])
    phase = PHASE_OF_STATE.get(OrderState(order.status))
    if phase is None or action not in (PHASE_ACTION[phase], "reject"):
        return False
    if review is None or review["status"] != "open":
        chain = approval_chains.chain_for(uow, order)
        if chain is None:
            return False
        review, sigs = {"steps": approval_chains.frozen_steps(chain, order)}, []
    else:
        sigs = uow.reviews.signatures([_subject(review)])
    try:
        _find_step(review, sigs, counts(sigs, order.revision), role, actor.user_id, phase,
                   action == "reject")
    except errors.JidanError:
        return False
    return True


def review_record(ctx: Context, actor: Actor, order_id: int) -> dict:
    """The order's review record: chain progress, every opinion, planning's answer, the decision."""
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        names: dict = {}
        now = ctx.now()
        rounds = uow.reviews.for_order(order.id)
        current = _current_review(uow, order)
        preview = None
        if current is None and order.status in PHASE_OF_STATE:
            chain = approval_chains.chain_for(uow, order)
            preview = {"chain_code": chain.code, "chain_name": chain.name,
                       "steps": approval_chains.frozen_steps(chain, order)} if chain else None
        return {
            "order": views.current_view(uow, ctx, order, actor),
            "review": _review_view(uow, current, order, names, now) if current else None,
            "preview": preview,
            "history": [_review_view(uow, r, order, names, now) for r in rounds
                        if r["id"] != (current or {}).get("id")],
            "letters": [letter_view(r, names, uow) for r in uow.letters.for_order(order.id)],
            "can": _can(uow, ctx, actor, order, current),
        }


def pending(ctx: Context, actor: Actor) -> dict:
    """What waits for this actor's signature: review steps and change requests, most pressing first."""
    require_order_access(actor)
    with ctx.uow() as uow:
        now = ctx.now()
        roles = {Role(actor.role): None, **{role: pid for pid, role in principals(uow, actor, now).items()}}
        roles = {r: p for r, p in roles.items() if r in APPROVER_ROLES}
        names: dict = {}
        items = []
        if roles:
            items += _pending_reviews(uow, actor, roles, names)
            from jidan.services.approvals import changes
            items += changes.pending_changes(uow, actor, roles, names)
        items.sort(key=lambda i: (not i["urgent"], i["priority_rank"], i["due_at"] or "9999", i["order_id"]))
        return {"items": items, "count": len(items)}


def _pending_reviews(uow, actor: Actor, roles: dict, names: dict) -> list[dict]:
    found = []
    for state in PHASE_OF_STATE:
        found += uow.orders.list(OrderFilter(status=state.value, limit=100_000))[0]
    reviews = uow.reviews.open_for([o.id for o in found])
    sigs = uow.reviews.signatures([_subject(r) for r in reviews.values()])
    chains = approval_chains.rules(uow)
    items = []
    for order in found:
        if order.created_by == actor.user_id:
            continue
        review = reviews.get(order.id)
        if review is not None and review["revision"] == order.revision:
            steps, due = review["steps"], review["due"]
            mine = [s for s in sigs if s["subject"] == _subject(review)]
        else:
            chain = approval_chains.chain_for(uow, order, chains)
            steps, due, mine = (approval_chains.frozen_steps(chain, order) if chain else []), {}, []
        tally = counts(mine, order.revision)
        for step in open_steps(steps, tally, PHASE_OF_STATE[OrderState(order.status)]):
            for role, principal in roles.items():
                counted = principal or actor.user_id
                if step["role"] != role.value or principal == order.created_by:
                    continue
                if any(s["step_key"] == step["key"] and s["counted_user_id"] == counted for s in mine):
                    continue
                items.append({"kind": "review", "order_id": order.id, "number": order.number,
                              "customer": order.customer.name, "urgent": order.urgent,
                              "priority": order.priority, "priority_rank": order.priority_rank,
                              "status": str(order.status), "amount": f"{order.amount:.2f}",
                              "requested_date": order.requested_date.isoformat(),
                              "step": step["key"], "step_name": step["name"], "required": step["required"],
                              "count": tally.get(step["key"], 0), "due_at": due.get(step["key"]),
                              "on_behalf_of": display_name(uow, principal, names), "review_open": review is not None,
                              "change_id": None})
    return items


# ----------------------------------------------------------------------------- deadlines
def on_step_due(uow, ctx, timer: dict) -> None:
    """A step passed its deadline unsigned: remind its approvers and tell the next level (N1, E6)."""
    subject, step_key = timer["payload"]["subject"], timer["payload"]["step"]
    kind, _, row_id = subject.partition(":")
    if kind == "change":
        from jidan.services.approvals import changes
        changes.on_review_due(uow, ctx, int(row_id), step_key)
        return
    review = uow.reviews.get(int(row_id))
    if review is None or review["status"] != "open":
        return
    step = next((s for s in review["steps"] if s["key"] == step_key), None)
    sigs = uow.reviews.signatures([subject])
    if step is None or step_done(step, counts(sigs, review["revision"])):
        return
    order = uow.orders.get(review["order_id"])
    overdue(uow, ctx, order, subject, step["role"], step["name"], review["due"].get(step_key))


def overdue(uow, ctx, order: Order, subject: str, role: str, what: str, due: str | None) -> None:
    """Reminds the role and escalates along the configured ladder (the approver's superiors)."""
    rules = notify.policy(ctx)
    above = next_level(rules.ladder, {role}, rules.top)
    notify.notify(uow, ctx.now(), kind="approval.overdue", order_id=order.id, ref=subject,
                  roles=[Role(role), *(Role(r) for r in above if r in Role._value2member_map_)],
                  users=deputies(uow, role, ctx.now()), needs_ack=True, ctx=ctx,
                  subject=f"{urgent_mark(order)}{what}已超时：订单 {order.number}",
                  body=f"截止 {(due or '')[:16].replace('T', ' ')}，{role} 尚未签署")


def after_cancel(uow, ctx, actor: Actor, order: Order, reason: str | None) -> None:
    """A cancelled order's open review stops, and its deadlines with it."""
    for review in uow.reviews.for_order(order.id):
        if review["status"] == "open":
            _close(uow, ctx, review, "cancelled", decision_note=reason)


# ----------------------------------------------------------------------------- demo
def demo(ctx: Context, golden: dict) -> None:
    """The demo's review state: the golden order's review convened by sales with planning's
    answer attached (scenario step 4), a deputy named for next week, and a pending date change."""
    from jidan.services.approvals import changes

    def actor(username: str) -> Actor:
        with ctx.uow() as uow:
            user = uow.users.by_username(username)
            return Actor(user.id, user.username, Role(user.role), user.display_name)

    open_review(ctx, actor("sales"), golden["id"])
    start = datetime.combine(ctx.now().date() + timedelta(days=7), datetime.min.time()).replace(hour=8)
    add_delegation(ctx, actor("management"), "production_manager", start, start + timedelta(days=5),
                   "出差期间由生产经理代为最终审批")
    sales2 = actor("sales2")
    with ctx.uow() as uow:
        approved = uow.orders.list(OrderFilter(status=S.PLANNED.value, limit=100))[0]
        mine = next((o for o in approved if o.created_by == sales2.user_id), None)
        target = (mine.id, mine.requested_date) if mine else None
    if target:
        changes.request_change(ctx, sales2, target[0], changes.ChangeInput(
            "客户产线调整，要求推迟一周交货", "客户采购部电话确认，邮件已存档",
            requested_date=target[1] + timedelta(days=7)))
