"""What answers a notice (D2, E6, B6): the act that does the work the notice asks for.

Each notice kind names, in :data:`ANSWERED_BY`, the acts that answer it; :func:`answer` is called
after each such act (from the order lifecycle's hooks in ``services/wiring.py``, or by the area
that does the act) and answers the notice for every recipient at once and stops its escalation.
The order finished or cancelled answers all its notices; an edit that supersedes the review
answers its requests. Acknowledging a notice answers its event, and acknowledging an escalation
answers the notice it was raised for (and that one's origin).
"""
from __future__ import annotations

from typing import Iterable

from jidan.domain.delivery import Notice
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.services import audit
from jidan.services.notices import timers

#: The timer that escalates an unacknowledged notice (handler in services.escalation).
ACK_OVERDUE = "notice.ack_overdue"

#: Notice kind → the acts that answer it. Lifecycle actions carry their own names (review, plan,
#: release, ship …); the others are named as their areas audit them: ``acknowledge`` (the inbox),
#: ``start`` (a task of the notice's work group started), an exception report's ``replan``,
#: ``apply``, ``approve`` / ``reject`` and ``inform_customer``, an incident's
#: ``decide_compensation``, a purchase request's ``order``, a delay request's or a change
#: request's ``decide``, a drawing's ``return``, and ``supersede`` (the order edited after
#: signatures). ``close`` and ``cancel`` answer everything about their order or ref. ``read``
#: marks information: it waits only until its recipient reads it, or its order is finished.
#: Every kind a feature sends is listed (tests/e2e/test_inbox.py checks it).
ANSWERED_BY: dict[str, tuple[str, ...]] = {
    "release": ("acknowledge", "start"),  # the production notice to a work group (D1, D2)
    "rework": ("acknowledge", "start"),  # a failed quantity's rework to a work group (F1)
    "approval.requested": ("review", "approve", "reject", "supersede"),
    "approval.overdue": ("acknowledge", "review", "approve", "reject", "supersede"),
    "approval.approved": ("acknowledge", "plan", "release"),  # approved, please plan (B6)
    "approval.rejected": ("resubmit", "approve"),
    "approval.delegated": ("read",),
    "change.requested": ("decide",),
    "change.approved": ("acknowledge", "plan"),  # the changed order re-planned
    "change.rejected": ("read",),
    "plan.slipped": ("read",),
    "purchase_request": ("order",),
    "purchase_order": ("read",),
    "material_delay_request": ("decide",),
    "material_delay_decision": ("read",),
    "material_delay_approved": ("read",),
    "exception": ("acknowledge", "replan", "apply"),
    "exception_application": ("acknowledge", "approve", "reject"),
    "exception_approved": ("acknowledge", "inform_customer"),
    "exception_rejected": ("read",),
    "inspection_failed": ("plan",),  # the rework planned and accepted
    "progress_alert": ("read",),
    "goods_received": ("acknowledge", "ship"),
    "drawing_overdue": ("return",),
    "feedback": ("read",),
    "incident": ("read",),
    "incident_solution": ("acknowledge",),
    "compensation": ("acknowledge", "decide_compensation"),
    "incident_overdue": ("read",),
    "info": ("read",),
    "emergency.declared": ("read",),  # the emergency state (J1–J3)
    "emergency.in_force": ("read",),
    "emergency.lifted": ("read",),
    "emergency.replan": ("acknowledge",),  # pmc: the re-plan under it waits
    "emergency.customer": ("acknowledge",),  # the owner told the customer of the new dates
    "emergency.supplier": ("acknowledge",),  # the supplier heard of it
    "improvement_action": ("complete",),  # an improvement action's owner, until it is done (M4)
    "improvement_action.reminder": ("complete",),
    "improvement_action.overdue": ("acknowledge", "complete"),
    # store urgent replenishment (K1–K7): each notice is answered by the step it asks for
    "store.requested": ("approve", "reject"),
    "store.approved": ("confirm", "decline"),
    "store.ordered": ("deliver",),
    "store.delivered": ("sign",),
    "store.signed": ("hand_in",),
    "store.handed_in": ("transfer_out",),
    "store.transferred_out": ("transfer_in",),
    "store.overdue": ("acknowledge", "approve", "reject", "confirm", "decline", "deliver", "hand_in"),
    "store.closed": ("read",),
    "store.rejected": ("read",),
    "store.refused": ("read",),
}

#: Acts that end the order's life: every notice about it is answered.
FINISHING = frozenset({"close", "cancel"})


def acts_for(kind: str, needs_ack: bool) -> str:
    """What the notice row stores as ``answered_by_act``: its acts, space-separated. One that
    needs acknowledgement is answered by it first; one that does not cannot be acknowledged,
    and with no act of its own it is information, answered by reading."""
    acts = [a for a in ANSWERED_BY.get(kind, ()) if a not in ("read", "acknowledge")]
    if needs_ack:
        acts.insert(0, "acknowledge")
    return " ".join(acts or ["read"])


def _acts(notice: Notice) -> set[str]:
    return set((notice.answered_by_act or acts_for(notice.kind, notice.needs_ack)).split())


def answer(uow, ctx, *, order_id: int | None = None, ref: str | None = None, act: str,
           actor: Actor | None = None, order_ids: Iterable[int] | None = None) -> int:
    """Answers, for all recipients, the open notices of the order (and / or the ref) that ``act``
    answers, with their escalations, and stops their escalation timers. Returns how many events.

    Call it in the transaction of the act. Finishing acts (close, cancel) on an order answer all
    its notices; on a ref (an exception, an incident) all of that ref's. ``order_ids``: the act
    was done for each of these orders at once (a plan accepted).
    """
    if order_id is None and ref is None and order_ids is None:
        raise ValueError("answer what: an order_id, order_ids or a ref")
    within = set(order_ids) if order_ids is not None else None
    kinds = None
    if act not in FINISHING and act != "acknowledge":  # only the kinds it can answer, escalations too
        kinds = [kind for kind, acts in ANSWERED_BY.items() if act in acts] + ["escalation"]
    events: dict[str, list[Notice]] = {}
    for notice in uow.notices.unanswered(order_id, ref, kinds):
        if within is not None and notice.order_id not in within:
            continue
        if act in FINISHING or act in _acts(notice):
            events.setdefault(notice.event_id, []).append(notice)
    _answer_events(uow, ctx, events, act, actor)
    return len(events)


def acknowledged(uow, ctx, actor: Actor, notice: Notice) -> None:
    """A recipient acknowledged ``notice``: its event is answered for everyone, and so is every
    notice up its escalation chain (the one it was raised for, and that one's origin)."""
    wanted, event = [], notice.event_id
    while event and event not in wanted:
        wanted.append(event)
        rows = uow.notices.for_events([event])
        event = next((n.escalated_from for n in rows if n.escalated_from), None)
    events: dict[str, list[Notice]] = {}
    for row in uow.notices.for_events(wanted):
        if row.answered_at is None:
            events.setdefault(row.event_id, []).append(row)
    _answer_events(uow, ctx, events, "acknowledge", actor)


def _answer_events(uow, ctx, events: dict[str, list[Notice]], act: str, actor: Actor | None) -> None:
    if not events:
        return
    now = ctx.now()
    uow.notices.answer(list(events), now, actor.user_id if actor else None)
    for event_id, rows in events.items():
        timers.cancel(uow, ACK_OVERDUE, f"event:{event_id}")
        audit.record(uow, ctx, actor, "notice_event", event_id, "answer", {"answered_at": None},
                     {"act": act, "kind": rows[0].kind, "order_id": rows[0].order_id, "ref": rows[0].ref,
                      "recipients": len(rows)}, None)


def answering(action: str):
    """The after-hook of a lifecycle action: the action answers what waits for it on the order."""
    def hook(uow, ctx, actor: Actor, order: Order, reason: str | None) -> None:
        answer(uow, ctx, order_id=order.id, act=action, actor=actor)
    hook.__name__ = f"answer_{action}"
    return hook


def superseded(uow, ctx, actor: Actor, order: Order) -> None:
    """An edit after signatures makes a new revision: the old revision's requests are answered."""
    answer(uow, ctx, order_id=order.id, act="supersede", actor=actor)
