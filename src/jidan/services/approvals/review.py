"""The order's review record (紧急订单评审记录表, B1–B7): opening it, its stages, its view, and
what waits for each approver.

The chains it follows are configured in ``chains``, deputies in ``delegations``; the signed acts
on it are in ``signing``. How the chain meets the lifecycle (docs/workflow.md): ``review``,
``approve`` and ``reject`` are signed opinions. Each signature lands on the signer's step of the
record; when the review-phase steps are satisfied the order moves submitted → reviewed, when the
approve-phase steps are, reviewed → approved.
"""
from __future__ import annotations

from datetime import datetime

from jidan.domain import errors
from jidan.domain.approval import (
    APPROVER_ROLES, PHASE_ACTION, PHASE_OF_STATE, PHASE_ROLES, Phase, ReviewRecord, Signature, counts, open_stage, open_steps,
    step_done,
)
from jidan.domain.delivery import Timer
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.roles import ORDER_ENTRY, Role
from jidan.domain.states import OrderState
from jidan.services import audit
from jidan.services.approvals import chains as approval_chains
from jidan.services.approvals import changes
from jidan.services.approvals.deadlines import STEP_DUE, overdue
from jidan.services.approvals.delegations import deputies, principals
from jidan.services.approvals.letters import letter_view
from jidan.services.approvals.signatures import sig_view
from jidan.services.context import Context
from jidan.services.names import display_name, urgent_mark
from jidan.services.notices import notify, timers

from jidan.services.orders import views
from jidan.services.permissions import load_order, require_order_access, require_role
from jidan.services.planning import promises

S = OrderState
#: Who may convene the review (组织评审会议, 紧急订单处理规范 3.1.2) before anyone signs.
CONVENERS = ORDER_ENTRY | {Role.PMC, Role.MANAGEMENT}


def current_review(uow, order: Order) -> ReviewRecord | None:
    """The latest review round of the order's current revision."""
    rounds = [r for r in uow.reviews.for_order(order.id) if r.revision == order.revision]
    return rounds[-1] if rounds else None


def review_started(uow, order: Order) -> bool:
    """Whether anyone has opened a review of this revision (an edit then makes a new revision)."""
    return current_review(uow, order) is not None


def supersede(uow, ctx: Context, actor: Actor, order: Order) -> None:
    """The order's content changed: open reviews of older revisions stop counting."""
    for review in uow.reviews.for_order(order.id):
        if review.status == "open" and review.revision != order.revision:
            close_review(uow, ctx, review, "superseded")
            audit.record(uow, ctx, actor, "order_review", review.id, "supersede",
                         {"revision": review.revision}, {"revision": order.revision})


def close_review(uow, ctx: Context, review: ReviewRecord, status: str, **values) -> ReviewRecord:
    """Closes the round with its outcome; its step deadlines stop."""
    for step in review.steps:
        timers.cancel(uow, STEP_DUE, f"{review.subject}:{step['key']}")
    uow.reviews.update(review.id, review.version, status=status, closed_at=ctx.now(), **values)
    return uow.reviews.get(review.id)


def _needs_review(uow, order: Order) -> bool:
    if order.status not in PHASE_OF_STATE:
        return False
    review = current_review(uow, order)
    return review is None or review.status != "open"


def feasibility(ctx: Context, actor: Actor, order_id: int) -> dict | None:
    """Planning's answer (CTP date, shortages, levers), asked before the review's transaction."""
    with ctx.uow() as uow:
        if not _needs_review(uow, load_order(uow, actor, order_id)):
            return None
    try:
        answer = promises.promise(ctx, actor, order_id, time_limit=ctx.approval_feasibility_seconds)
    except errors.JidanError as exc:
        return {"error": exc.code, "detail": exc.detail}
    return audit.plain(answer)


def start_review(uow, ctx: Context, actor: Actor, order: Order, answer: dict | None) -> ReviewRecord:
    """A new round on the chain that applies now, its first stage open, planning's answer kept."""
    chain = approval_chains.chain_for(uow, order)
    if chain is None:
        raise errors.Conflict("no approval chain applies to this order; ask admin to configure one",
                              code="approval.no_chain")
    steps = approval_chains.frozen_steps(chain, order)
    review_id = uow.reviews.add(order_id=order.id, revision=order.revision, chain_code=chain.code,
                                chain_name=chain.name, steps=steps, due={}, status="open",
                                feasibility=answer, started_by=actor.user_id, started_at=ctx.now())
    audit.record(uow, ctx, actor, "order_review", review_id, "open", None,
                 {"order": order.number, "revision": order.revision, "chain": chain.code,
                  "steps": [s["key"] for s in steps]})
    review = uow.reviews.get(review_id)
    return open_next_stage(uow, ctx, actor, order, review, {})


def open_next_stage(uow, ctx: Context, actor: Actor, order: Order, review: ReviewRecord,
                    tally: dict) -> ReviewRecord:
    """Starts the deadlines of the steps now open and tells their approvers (and deputies)."""
    phase = PHASE_OF_STATE.get(OrderState(order.status))
    if phase is None:
        return review
    due = dict(review.due)
    now = ctx.now()
    opened = [s for s in open_steps(review.steps, tally, phase) if s["key"] not in due]
    for step in opened:
        at = notify.ack_deadline(uow, ctx, now, step["deadline_hours"]) if step["deadline_hours"] else None
        due[step["key"]] = at.isoformat() if at else None
        if at is not None:
            timers.schedule(uow, now, kind=STEP_DUE, ref=f"{review.subject}:{step['key']}", due_at=at,
                            payload={"subject": review.subject, "step": step["key"]})
        body = ctx.messages.text("ui.appr.requested.body", customer=order.customer.name, amount=order.amount,
                                 requested=order.requested_date)
        notify.notify(uow, now, kind="approval.requested", order_id=order.id, ref=review.subject,
                      roles=[Role(step["role"])], users=deputies(uow, step["role"], now), exclude=actor,
                      ctx=ctx, subject=ctx.messages.text("ui.appr.requested.subject", urgent=urgent_mark(ctx, order),
                                                         step=step["name"], number=order.number),
                      body=body + (ctx.messages.text("ui.appr.requested.due", at=at) if at else ""))
    if not opened:
        return review
    uow.reviews.update(review.id, review.version, due=due)
    return uow.reviews.get(review.id)


def open_review(ctx: Context, actor: Actor, order_id: int) -> dict:
    """Sales (or pmc, management) convenes the review: the record opens with planning's answer."""
    require_role(actor, CONVENERS)
    answer = feasibility(ctx, actor, order_id)
    with ctx.uow() as uow:
        uow.reviews.lock_order(order_id)
        order = load_order(uow, actor, order_id)
        if order.status not in PHASE_OF_STATE:
            raise errors.InvalidTransition(f"an order that is {order.status} is not under review")
        if _needs_review(uow, order):
            start_review(uow, ctx, actor, order, answer)
        uow.commit()
    return review_record(ctx, actor, order_id)


def counted_or_hand(sig: Signature, counted: int, hand: int | None) -> bool:
    """Whether ``sig`` already counts for ``counted`` or was signed by ``hand`` (for anyone)."""
    return sig.counted_user_id == counted or (hand is not None and sig.user_id == hand)


def step_to_sign(steps: list[dict], sigs: list[Signature], tally: dict, role: Role, counted: int,
                 phase: Phase | None, disagree: bool, hand: int | None = None) -> dict:
    """The step of ``steps`` this signer signs now, or the error that says why there is none.

    ``counted`` is whom the signature counts for; ``hand`` the person signing, who counts once
    per step: having signed it in their own name or for another, they do not fill it again.
    """
    mine = [s for s in steps if s["role"] == role.value]
    if not mine:
        raise errors.Forbidden(f"the chain has no step for {role}", code="approval.not_an_approver")
    signed = {s.step_key for s in sigs if counted_or_hand(s, counted, hand)}
    waiting = [s for s in mine if not step_done(s, tally) and s["key"] not in signed]
    if disagree:  # before the final approval a reviewer may still take their agreement back
        candidates = waiting or mine
    else:
        stage = open_stage(steps, tally, phase) if phase else None
        candidates = [s for s in waiting if s["phase"] == phase and s["stage"] == stage]
    if candidates:
        return candidates[0]
    if any(s["key"] in signed for s in mine) and not waiting:
        raise errors.Conflict("you have already signed this step", code="approval.already_signed")
    if waiting:
        raise errors.Conflict("your step waits for the steps before it", code="approval.step_not_open")
    raise errors.Conflict("this step already has all the approvals it needs", code="approval.step_complete")


def _in_play(uow, order: Order, review: ReviewRecord | None) -> tuple[list[dict], list[Signature]] | None:
    """The steps the order's signers sign now and the signatures on them: what the chain that
    applies would ask while no round is open, else the current round's; None when neither is."""
    if order.status in PHASE_OF_STATE and (review is None or review.status != "open"):
        chain = approval_chains.chain_for(uow, order)
        return (approval_chains.frozen_steps(chain, order), []) if chain else None
    if review is None:
        return None
    return review.steps, uow.reviews.signatures([review.subject])


def _has_approval_step(steps: list[dict], role: Role) -> bool:
    """Whether the chain asks ``role`` for the final approval (who may push a rejection through)."""
    return any(s["phase"] == Phase.APPROVE and s["role"] == role.value for s in steps)


def may_sign(uow, ctx: Context, order: Order, actor: Actor, action: str) -> bool:
    """Whether the order button ``action`` (review, approve, reject) would be signed now in the
    actor's own name, as signing decides: the chain has an open step for them (B1–B7). The
    lifecycle offers a signed action only when this says so (services/wiring.py)."""
    role = Role(actor.role)
    phase = PHASE_OF_STATE.get(OrderState(order.status))
    if order.status != S.REJECTED and (phase is None or action not in (PHASE_ACTION[phase], "reject")):
        return False
    in_play = _in_play(uow, order, current_review(uow, order))
    if in_play is None:
        return False
    steps, sigs = in_play
    if order.status == S.REJECTED:
        return action == "approve" and _has_approval_step(steps, role)
    try:
        step_to_sign(steps, sigs, counts(sigs, order.revision), role, actor.user_id, phase,
                     action == "reject", actor.user_id)
    except errors.JidanError:
        return False
    return True


# ----------------------------------------------------------------------------- views
def _review_view(uow, review: ReviewRecord, order: Order, names: dict, now: datetime) -> dict:
    sigs = uow.reviews.signatures([review.subject])
    tally = counts(sigs, review.revision)
    phase = PHASE_OF_STATE.get(OrderState(order.status)) if review.status == "open" else None
    stage = open_stage(review.steps, tally, phase) if phase else None
    steps = []
    for step in review.steps:
        due = review.due.get(step["key"])
        done = step_done(step, tally)
        steps.append({**step, "count": tally.get(step["key"], 0), "done": done,
                      "open": phase is not None and step["phase"] == phase and step["stage"] == stage and not done,
                      "due_at": due, "overdue": bool(due and not done and review.status == "open"
                                                     and datetime.fromisoformat(due) < now),
                      "signatures": [sig_view(uow, s, names) for s in sigs
                                     if s.step_key.split(":")[0] == step["key"]]})
    return {"id": review.id, "revision": review.revision, "chain_code": review.chain_code,
            "chain_name": review.chain_name, "status": review.status, "steps": steps,
            "stages": sorted({s["stage"] for s in review.steps}),
            "feasibility": review.feasibility, "decision": review.decision,
            "decision_note": review.decision_note, "instruction": review.instruction,
            "committed_date": review.committed_date.isoformat() if review.committed_date else None,
            "started_by": display_name(uow, review.started_by, names),
            "started_at": review.started_at.isoformat(timespec="seconds"),
            "closed_at": review.closed_at.isoformat(timespec="seconds") if review.closed_at else None,
            "signatures": [sig_view(uow, s, names) for s in sigs], "version": review.version}


def _can(uow, ctx, actor: Actor, order: Order, review: ReviewRecord | None) -> dict:
    """What this actor may do on the panel now (the forms the page shows)."""
    roles = [(Role(actor.role), None), *((role, pid) for pid, role in principals(uow, actor, ctx.now()).items())]
    names: dict = {}
    under_review = order.status in PHASE_OF_STATE
    waiting = review is None or review.status != "open"
    can = {"open": under_review and waiting and actor.role in CONVENERS, "sign": [], "disagree": [],
           "push_through": [], "deputy_for": [display_name(uow, pid, names) for _, pid in roles if pid]}
    if actor.user_id == order.created_by:
        return can
    in_play = _in_play(uow, order, review)
    if in_play is None or not (under_review or order.status == S.REJECTED):
        return can
    steps, sigs = in_play
    tally = counts(sigs, order.revision)
    phase = PHASE_OF_STATE.get(OrderState(order.status))
    for role, principal in roles:
        who = display_name(uow, principal, names)
        if principal == order.created_by:
            continue
        if order.status == S.REJECTED:
            if role in PHASE_ROLES[Phase.APPROVE] and _has_approval_step(steps, role):
                can["push_through"].append({"on_behalf_of": who})
            continue
        for disagree, key in ((False, "sign"), (True, "disagree")):
            try:
                step = step_to_sign(steps, sigs, tally, Role(role), principal or actor.user_id, phase, disagree,
                                    actor.user_id)
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
        current = current_review(uow, order)
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
                        if current is None or r.id != current.id],
            "letters": [letter_view(r, names, uow) for r in uow.letters.for_order(order.id)],
            "can": _can(uow, ctx, actor, order, current),
        }


# ----------------------------------------------------------------------------- waiting for me
def pending(ctx: Context, actor: Actor, kind: str = "", urgent: bool = False, text: str = "",
            page: int = 1, per_page: int | None = None) -> dict:
    """What waits for this actor's signature: review steps and change requests, most pressing
    first; ``kind``, ``urgent`` and ``text`` (order number or customer) narrow it, ``per_page``
    pages it. Every waiting step is found and sorted as a small tuple; only the page shown is
    made into items (issue 24: thousands wait on pmc at 20,000 orders)."""
    require_order_access(actor)
    with ctx.uow() as uow:
        now = ctx.now()
        roles = [(Role(actor.role), None), *((role, pid) for pid, role in principals(uow, actor, now).items())]
        roles = [(r, p) for r, p in roles if r in APPROVER_ROLES]
        names: dict = {}
        waiting: list[tuple] = []
        if roles:
            waiting += _pending_reviews(uow, actor, roles)
            waiting += [((not i["urgent"], i["priority_rank"], i["due_at"] or "9999", i["order_id"]), "change",
                         i["urgent"], i["number"], i["customer"], i)
                        for i in changes.pending_changes(uow, actor, roles, names)]
        count, needle = len(waiting), text.casefold()
        if kind or urgent or needle:
            waiting = [w for w in waiting if (not kind or w[1] == kind) and (not urgent or w[2])
                       and (not needle or needle in w[3].casefold() or needle in w[4].casefold())]
        waiting.sort(key=lambda w: w[0])
        shown, pages = len(waiting), max(1, -(-len(waiting) // per_page)) if per_page else 1
        page = min(max(page, 1), pages)
        if per_page:
            waiting = waiting[(page - 1) * per_page:page * per_page]
        items = [w[5] if w[1] == "change" else _review_item(uow, w[5], names) for w in waiting]
        return {"items": items, "count": count, "shown": shown, "page": page, "pages": pages}


def _pending_reviews(uow, actor: Actor, roles: list) -> list[tuple]:
    """(sort key, kind, urgent, number, customer, what the item is made of) for each review step
    waiting on the actor or a principal."""
    # a chain's step in a phase is for a role the phase allows (check_chain): read only the
    # orders in the phases this signer (or a principal) can take part in
    found = uow.orders.headers([state.value for state, phase in PHASE_OF_STATE.items()
                                if any(role in PHASE_ROLES[phase] for role, _ in roles)])
    reviews = uow.reviews.open_for([o.id for o in found])
    by_subject: dict[str, list] = {}
    for sig in uow.reviews.signatures([r.subject for r in reviews.values()]):
        by_subject.setdefault(sig.subject, []).append(sig)
    chains = approval_chains.rules(uow)
    chain_steps: dict = {}
    open_of: dict = {}
    waiting = []
    for order in found:
        if order.created_by == actor.user_id:
            continue
        review = reviews.get(order.id)
        phase = PHASE_OF_STATE[OrderState(order.status)]
        if review is not None and review.revision == order.revision:
            steps, due = review.steps, review.due
            mine = by_subject.get(review.subject, [])
            tally = counts(mine, order.revision)
            steps_open = open_steps(steps, tally, phase)
        else:  # nothing signed yet: the open steps depend only on the chain's steps and the phase
            chain = approval_chains.chain_for(uow, order, chains)
            steps, due, mine, tally = _steps_of(chain, order, chain_steps), {}, [], {}
            key = (id(steps), phase)
            if key not in open_of:
                open_of[key] = open_steps(steps, tally, phase)
            steps_open = open_of[key]
        for step in steps_open:
            for role, principal in roles:
                counted = principal or actor.user_id
                if step["role"] != role.value or principal == order.created_by:
                    continue
                if mine and any(s.step_key == step["key"] and counted_or_hand(s, counted, actor.user_id)
                                for s in mine):
                    continue
                due_at = due.get(step["key"])
                waiting.append(((not order.urgent, order.priority_rank, due_at or "9999", order.id), "review",
                                order.urgent, order.number, order.customer.name,
                                (order, step, principal, tally.get(step["key"], 0), due_at, review is not None)))
    return waiting


def _review_item(uow, made_of: tuple, names: dict) -> dict:
    order, step, principal, count, due_at, review_open = made_of
    return {"kind": "review", "order_id": order.id, "number": order.number,
            "customer": order.customer.name, "urgent": order.urgent,
            "priority": order.priority, "priority_rank": order.priority_rank,
            "status": str(order.status), "amount": f"{order.amount:.2f}",
            "requested_date": order.requested_date.isoformat(),
            "step": step["key"], "step_name": step["name"], "required": step["required"],
            "count": count, "due_at": due_at,
            "on_behalf_of": display_name(uow, principal, names), "review_open": review_open,
            "change_id": None}


def _steps_of(chain, order, known: dict) -> list[dict]:
    """The chain's steps for the order, worked out once per chain and set of step conditions
    that hold (thousands of pending orders share a few)."""
    if chain is None:
        return []
    facts = approval_chains.order_facts(order)
    key = (chain.code, tuple(s.conditions.hold_for(facts) for s in chain.steps))
    if key not in known:
        known[key] = approval_chains.frozen_steps(chain, order)
    return known[key]


# ----------------------------------------------------------------------------- deadlines, cancel
def on_step_due(uow, ctx, timer: Timer) -> None:
    """A step passed its deadline unsigned: remind its approvers and tell the next level (N1, E6)."""
    subject, step_key = timer.payload["subject"], timer.payload["step"]
    kind, _, row_id = subject.partition(":")
    if kind == "change":
        changes.on_review_due(uow, ctx, int(row_id), step_key)
        return
    review = uow.reviews.get(int(row_id))
    if review is None or review.status != "open":
        return
    step = next((s for s in review.steps if s["key"] == step_key), None)
    sigs = uow.reviews.signatures([subject])
    if step is None or step_done(step, counts(sigs, review.revision)):
        return
    order = uow.orders.get(review.order_id)
    overdue(uow, ctx, order, subject, step["role"], step["name"], review.due.get(step_key))


def after_cancel(uow, ctx, actor: Actor, order: Order, reason: str | None) -> None:
    """A cancelled order's open review stops, and its deadlines with it."""
    for review in uow.reviews.for_order(order.id):
        if review.status == "open":
            close_review(uow, ctx, review, "cancelled", decision_note=reason)
