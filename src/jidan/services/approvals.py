"""Review and approval of orders (B1–B7, A6): chains, the review record, signed acts, delegation.

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
    APPROVER_ROLES, INSTRUCTION_LEVERS, PHASE_ACTION, PHASE_MEANING, PHASE_OF_STATE, ChainRule,
    PHASE_ROLES, Conditions, Delegation, Meaning, OrderFacts, Opinion, Phase, StepRule,
    check_chain, check_delegation, choose_chain, counts, open_stage, open_steps, step_done,
)
from jidan.domain.delivery import next_level
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.roles import ORDER_ENTRY, Role
from jidan.domain.states import OrderState
from jidan.services import audit, auth, notify, orders, planning, timers
from jidan.services.context import Context
from jidan.services.permissions import load_order, require_order_access, require_role

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


def _facts(order: Order) -> OrderFacts:
    return OrderFacts(order.amount, order.urgent, order.customer.key)


def urgent_mark(order) -> str:
    """The 急 mark on everything an urgent order touches (A3)."""
    return "【急】" if order.urgent else ""


def display_name(uow, user_id: int | None, cache: dict) -> str | None:
    if user_id is None:
        return None
    if user_id not in cache:
        user = uow.users.get(user_id)
        cache[user_id] = user.display_name if user else str(user_id)
    return cache[user_id]


# ----------------------------------------------------------------------------- chains
def _conditions(row: dict) -> Conditions:
    return Conditions(row["min_amount"], row["urgent_only"], row["key_customer_only"])


def chain_rule(row: dict) -> ChainRule:
    steps = tuple(StepRule(s["stage"], Role(s["role"]), s["name"], Phase(s["phase"]), s["required"],
                           _conditions(s), float(s["deadline_hours"]) if s["deadline_hours"] is not None
                           else None) for s in row["steps"])
    return ChainRule(row["code"], row["name"], steps, row["rank"], _conditions(row), row["active"])


def _chain_view(row: dict) -> dict:
    def money(value):
        return f"{value:.2f}" if value is not None else None
    return {"code": row["code"], "name": row["name"], "rank": row["rank"],
            "min_amount": money(row["min_amount"]), "urgent_only": row["urgent_only"],
            "key_customer_only": row["key_customer_only"], "active": row["active"],
            "version": row["version"],
            "updated_at": row["updated_at"].isoformat() if row["updated_at"] else None,
            "steps": [{"stage": s["stage"], "role": s["role"], "name": s["name"], "phase": s["phase"],
                       "required": s["required"], "min_amount": money(s["min_amount"]),
                       "urgent_only": s["urgent_only"], "key_customer_only": s["key_customer_only"],
                       "deadline_hours": float(s["deadline_hours"]) if s["deadline_hours"] is not None
                       else None} for s in row["steps"]]}


def list_chains(ctx: Context, actor: Actor) -> list[dict]:
    require_order_access(actor)
    with ctx.uow() as uow:
        return [_chain_view(row) for row in uow.chains.all()]


def save_chain(ctx: Context, actor: Actor, chain: ChainRule, version: int | None) -> dict:
    """Admin creates (``version`` None) or replaces a chain; ongoing reviews keep their frozen steps."""
    require_role(actor, {Role.ADMIN})
    check_chain(chain)
    with ctx.uow() as uow:
        rows = uow.chains.all()
        current = next((r for r in rows if r["code"] == chain.code), None)
        others = [chain_rule(r) for r in rows if r["code"] != chain.code]
        if not any(c.active and c.conditions.always for c in [*others, chain]):
            raise errors.ValidationFailed("one active chain must apply to every order",
                                          code="approval.no_default_chain",
                                          fields={"active": "no_default_chain"})
        values = {"name": chain.name.strip(), "rank": chain.rank,
                  "min_amount": chain.conditions.min_amount, "urgent_only": chain.conditions.urgent_only,
                  "key_customer_only": chain.conditions.key_customer_only, "active": chain.active,
                  "updated_at": ctx.now(), "updated_by": actor.user_id}
        if current is None:
            if version is not None:
                raise errors.NotFound(f"chain {chain.code} not found", code="approval.chain_not_found")
            chain_id = uow.chains.add(code=chain.code, **values)
        else:
            if version is None:
                raise errors.Duplicate(f"chain {chain.code} exists", code="approval.chain_exists",
                                       fields={"code": "duplicate"})
            if version != current["version"]:
                raise errors.StaleVersion("the chain changed since you read it", current_version=current["version"])
            chain_id = current["id"]
            uow.chains.update(chain_id, version, **values)
        uow.chains.replace_steps(chain_id, [
            {"stage": s.stage, "role": s.role.value, "name": s.name.strip(), "phase": s.phase.value,
             "required": s.required, "min_amount": s.conditions.min_amount,
             "urgent_only": s.conditions.urgent_only, "key_customer_only": s.conditions.key_customer_only,
             "deadline_hours": s.deadline_hours} for s in chain.steps])
        saved = next(r for r in uow.chains.all() if r["id"] == chain_id)
        view = _chain_view(saved)
        audit.record(uow, ctx, actor, "approval_chain", chain.code, "save",
                     _chain_view(current) if current else None, view)
        uow.commit()
        return view


# ----------------------------------------------------------------------------- delegation
def _delegation_view(uow, row: dict, names: dict) -> dict:
    return {"id": row["id"], "principal": display_name(uow, row["principal_id"], names),
            "principal_id": row["principal_id"], "deputy": display_name(uow, row["deputy_id"], names),
            "deputy_id": row["deputy_id"], "starts_at": row["starts_at"].isoformat(),
            "ends_at": row["ends_at"].isoformat(), "reason": row["reason"],
            "revoked_at": row["revoked_at"].isoformat() if row["revoked_at"] else None,
            "version": row["version"]}


def add_delegation(ctx: Context, actor: Actor, deputy: str, starts_at: datetime, ends_at: datetime,
                   reason: str | None = None, principal: str | None = None) -> dict:
    """An approver names a deputy for a period (admin may do it for anyone)."""
    with ctx.uow() as uow:
        if principal and principal != actor.username:
            require_role(actor, {Role.ADMIN})
            boss = uow.users.by_username(principal)
            if boss is None:
                raise errors.ValidationFailed("unknown user", fields={"principal": "unknown_user"})
        else:
            boss = uow.users.get(actor.user_id)
        if boss.role not in APPROVER_ROLES:
            raise errors.Forbidden("only approvers name deputies", code="approval.not_an_approver")
        stand_in = uow.users.by_username(deputy)
        if stand_in is None or not stand_in.active:
            raise errors.ValidationFailed("unknown user", fields={"deputy": "unknown_user"})
        check_delegation(boss.id, stand_in.id, starts_at, ends_at, ctx.now())
        row_id = uow.delegations.add(principal_id=boss.id, deputy_id=stand_in.id, starts_at=starts_at,
                                     ends_at=ends_at, reason=reason, created_by=actor.user_id,
                                     created_at=ctx.now())
        view = _delegation_view(uow, uow.delegations.get(row_id), {})
        audit.record(uow, ctx, actor, "delegation", row_id, "create", None, view, reason)
        notify.notify(uow, ctx.now(), kind="approval.delegated", users=[stand_in.id], ctx=ctx,
                      subject=f"{boss.display_name} 请您代为审批 {starts_at:%m-%d %H:%M} 至 {ends_at:%m-%d %H:%M}",
                      body=reason or "")
        uow.commit()
        return view


def revoke_delegation(ctx: Context, actor: Actor, delegation_id: int, version: int | None = None) -> dict:
    with ctx.uow() as uow:
        row = uow.delegations.get(delegation_id)
        if row is None or (actor.role != Role.ADMIN and actor.user_id != row["principal_id"]):
            raise errors.NotFound("delegation not found", code="approval.delegation_not_found")
        if row["revoked_at"] is not None:
            raise errors.Conflict("the delegation is already revoked", code="approval.delegation_revoked")
        uow.delegations.update(delegation_id, version or row["version"], revoked_at=ctx.now())
        view = _delegation_view(uow, uow.delegations.get(delegation_id), {})
        audit.record(uow, ctx, actor, "delegation", delegation_id, "revoke", None, {"revoked_at": view["revoked_at"]})
        uow.commit()
        return view


def list_delegations(ctx: Context, actor: Actor) -> list[dict]:
    """Mine (as approver or deputy); admin sees all."""
    with ctx.uow() as uow:
        rows = uow.delegations.list(None if actor.role == Role.ADMIN else actor.user_id)
        names: dict = {}
        return [_delegation_view(uow, r, names) for r in rows]


def principals(uow, actor: Actor, now: datetime) -> dict[int, Role]:
    """Approvers this actor stands in for now: principal id → role."""
    out = {}
    for row in uow.delegations.list(actor.user_id, active_at=now):
        delegation = Delegation(row["principal_id"], row["deputy_id"], row["starts_at"], row["ends_at"],
                                row["revoked_at"])
        if delegation.deputy_id == actor.user_id and delegation.active(now):
            boss = uow.users.get(delegation.principal_id)
            if boss is not None and boss.active:
                out[boss.id] = Role(boss.role)
    return out


def signer_of(uow, ctx, actor: Actor, on_behalf_of: str | None) -> tuple[Actor, int | None]:
    """Who signs, in which role: the actor, or the actor as deputy of an approver."""
    if not on_behalf_of or on_behalf_of == actor.username:
        return Actor(actor.user_id, actor.username, Role(actor.role), actor.display_name), None
    boss = uow.users.by_username(on_behalf_of)
    if boss is None or boss.id not in principals(uow, actor, ctx.now()):
        raise errors.Forbidden(f"you are not {on_behalf_of}'s deputy now", code="approval.not_deputy")
    return Actor(actor.user_id, actor.username, Role(boss.role), actor.display_name), boss.id


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
    chain = choose_chain([chain_rule(r) for r in uow.chains.all()], _facts(order))
    if chain is None:
        raise errors.Conflict("no approval chain applies to this order; ask admin to configure one",
                              code="approval.no_chain")
    steps = [s.snapshot() for s in chain.steps_for(_facts(order))]
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


def deputies(uow, role: str, now: datetime) -> list[int]:
    """Deputies of the role's approvers who stand in now: they are told too."""
    ids = set(uow.users.active_ids_with_roles([role]))
    return [d["deputy_id"] for d in uow.delegations.list(active_at=now) if d["principal_id"] in ids]


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
    return orders.get_order(ctx, actor, order_id)


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
        orders.check_version(order, expected_version)
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
    orders.transition(uow, ctx, signer, order, PHASE_ACTION[phase], decision.comment)
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
    orders.transition(uow, ctx, signer, order, "reject", decision.comment)
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
    orders.transition(uow, ctx, signer, order, "approve", note)
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
        chain = choose_chain([chain_rule(r) for r in uow.chains.all()], _facts(order))
        review = {"id": 0, "steps": [s.snapshot() for s in chain.steps_for(_facts(order))]} if chain else None
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
            chain = choose_chain([chain_rule(r) for r in uow.chains.all()], _facts(order))
            preview = {"chain_code": chain.code, "chain_name": chain.name,
                       "steps": [s.snapshot() for s in chain.steps_for(_facts(order))]} if chain else None
        return {
            "order": orders.order_view(order, actor),
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
            from jidan.services import changes
            items += changes.pending_changes(uow, actor, roles, names)
        items.sort(key=lambda i: (not i["urgent"], i["priority_rank"], i["due_at"] or "9999", i["order_id"]))
        return {"items": items, "count": len(items)}


def _pending_reviews(uow, actor: Actor, roles: dict, names: dict) -> list[dict]:
    from jidan.adapters.db.repositories import OrderFilter
    found = []
    for state in PHASE_OF_STATE:
        found += uow.orders.list(OrderFilter(status=state.value, limit=100_000))[0]
    reviews = uow.reviews.open_for([o.id for o in found])
    sigs = uow.reviews.signatures([_subject(r) for r in reviews.values()])
    chains = [chain_rule(r) for r in uow.chains.all()]
    items = []
    for order in found:
        if order.created_by == actor.user_id:
            continue
        review = reviews.get(order.id)
        if review is not None and review["revision"] == order.revision:
            steps, due = review["steps"], review["due"]
            mine = [s for s in sigs if s["subject"] == _subject(review)]
        else:
            chain = choose_chain(chains, _facts(order))
            steps, due, mine = ([s.snapshot() for s in chain.steps_for(_facts(order))] if chain else []), {}, []
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
        from jidan.services import changes
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


# ----------------------------------------------------------------------------- 确认函 (A6)
def letter_view(row: dict, names: dict, uow) -> dict:
    return {"id": row["id"], "order_id": row["order_id"], "revision": row["revision"],
            "committed_date": row["committed_date"].isoformat(), "recipient": row["recipient"],
            "subject": row["subject"], "body": row["body"],
            "created_at": row["created_at"].isoformat(timespec="seconds"),
            "created_by": display_name(uow, row["created_by"], names),
            "sent_to": row["sent_to"], "sent_by": display_name(uow, row["sent_by"], names),
            "sent_at": row["sent_at"].isoformat(timespec="seconds") if row["sent_at"] else None,
            "outbox_id": row["outbox_id"], "version": row["version"]}


def make_letter(uow, ctx, actor: Actor, order: Order, committed: date) -> int:
    """The confirmation letter (确认函) from the order as approved now: kept, sent by sales."""
    company = _settings(ctx).company_name
    seller = uow.users.get(order.created_by)
    lines = "\n".join(f"  {ln.line_no}. {ln.product.code} {ln.product.name} × {ln.quantity} {ln.product.unit}，"
                      f"单价 ¥{ln.unit_price:,.2f}，金额 ¥{ln.amount:,.2f}" for ln in order.lines)
    body = (f"{order.customer.name}：\n\n"
            f"感谢贵司订单（客户订单号 {order.customer_po}）。经我司评审，确认如下：\n\n"
            f"订单号：{order.number}（第 {order.revision} 版）\n"
            f"产品明细：\n{lines}\n"
            f"订单金额：¥{order.amount:,.2f}\n"
            f"要求交期：{order.requested_date}\n"
            f"承诺交货日期：{committed}\n"
            + (f"特殊要求：{order.special_requirements}\n" if order.special_requirements else "")
            + f"\n如有疑问，请联系我司销售 {seller.display_name if seller else ''}"
            + (f"（{seller.email}）" if seller and seller.email else "") + "。\n\n"
            f"{company} 销售部\n{ctx.now():%Y-%m-%d}\n")
    subject = f"{urgent_mark(order)}确认函 Order confirmation {order.number}（交期 {committed}）"
    letter_id = uow.letters.add(order_id=order.id, revision=order.revision, committed_date=committed,
                                recipient=order.customer.email, subject=subject[:200], body=body,
                                created_by=actor.user_id, created_at=ctx.now())
    audit.record(uow, ctx, actor, "confirmation_letter", letter_id, "create", None,
                 {"order": order.number, "revision": order.revision, "committed_date": committed})
    return letter_id


def letters(ctx: Context, actor: Actor, order_id: int) -> list[dict]:
    with ctx.uow() as uow:
        load_order(uow, actor, order_id)
        names: dict = {}
        return [letter_view(r, names, uow) for r in uow.letters.for_order(order_id)]


def letter(ctx: Context, actor: Actor, order_id: int, letter_id: int) -> tuple[dict, dict]:
    """One letter with its order (for the printable page)."""
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        row = uow.letters.get(letter_id)
        if row is None or row["order_id"] != order.id:
            raise errors.NotFound("letter not found", code="confirmation.not_found")
        return letter_view(row, {}, uow), orders.order_view(order)


def send_letter(ctx: Context, actor: Actor, order_id: int, letter_id: int,
                to: list[str] | None = None, version: int | None = None) -> dict:
    """Sales sends the letter to the customer by e-mail (A6); each sending is recorded."""
    require_role(actor, ORDER_ENTRY)
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        row = uow.letters.get(letter_id)
        if row is None or row["order_id"] != order.id:
            raise errors.NotFound("letter not found", code="confirmation.not_found")
        if version is not None and version != row["version"]:
            raise errors.StaleVersion("the letter changed since you read it", current_version=row["version"])
        if row["revision"] != order.revision:
            raise errors.Conflict("the order has changed since this letter; send the newest one",
                                  code="confirmation.outdated")
        recipients = [a.strip() for a in (to or [row["recipient"] or ""]) if a and a.strip()]
        outbox_id = notify.send_email(uow, ctx.now(), to=recipients, subject=row["subject"], body=row["body"],
                                      kind="confirmation", order_id=order.id, ref=f"letter:{letter_id}")
        uow.letters.update(letter_id, row["version"], sent_to=", ".join(recipients), sent_by=actor.user_id,
                           sent_at=ctx.now(), outbox_id=outbox_id)
        audit.record(uow, ctx, actor, "confirmation_letter", letter_id, "send",
                     {"sent_to": row["sent_to"]}, {"sent_to": ", ".join(recipients), "outbox_id": outbox_id})
        view = letter_view(uow.letters.get(letter_id), {}, uow)
        uow.commit()
        return view



# ----------------------------------------------------------------------------- demo
def demo(ctx: Context, golden: dict) -> None:
    """The demo's review state: the golden order's review convened by sales with planning's
    answer attached (scenario step 4), a deputy named for next week, and a pending date change."""
    from jidan.adapters.db.repositories import OrderFilter
    from jidan.services import changes

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
