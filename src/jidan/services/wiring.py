"""Everything that runs around an order action and on a timer, in one place (called by bootstrap).

Read this module to see, for each lifecycle action, what runs after it in its transaction, how
each guard's fact is found out, which actions another area takes, and every timer kind's handler.
The functions live in their areas; only the wiring is here.
"""
from __future__ import annotations

from jidan.domain.execution import PROGRESS_MILESTONES
from jidan.domain.states import TRANSITIONS
from jidan.services.approvals import deadlines, review, signing
from jidan.services.emergency import states as emergency_states
from jidan.services.execution import customer_updates, progress, quality, release
from jidan.services.fulfilment import drawings, incidents, receipts, records, shipping
from jidan.services.hooks import Hooks, Taker
from jidan.services.improvements import actions as improvement_actions
from jidan.services.materials import purchasing
from jidan.services.notices import answers, escalation, notify, timers
from jidan.services.planning import runs
from jidan.services.store import requisitions as store_requisitions


def order_hooks() -> Hooks:
    hooks = Hooks()
    # Review, approve and reject are signed opinions on the order's approval chain (B1–B7),
    # offered when the chain has an open step for the actor.
    for action in ("review", "approve", "reject"):
        hooks.taken_by[action] = Taker(signing.act, review.may_sign)
    # An edit after someone signed makes a new revision; the old revision's review stops (B7).
    hooks.signed_for = review.review_started
    hooks.revised.append(review.supersede)

    # The facts the transition rows' guards read (domain.order.OrderFacts).
    hooks.facts["in_accepted_plan"] = runs.order_in_accepted_plan  # release (D1)
    hooks.facts["final_inspection_passed"] = quality.final_inspection_passed  # receive (F2)
    hooks.facts["shipment_dispatched"] = shipping.shipment_dispatched  # ship (G3, G4)

    # After each action, in its transaction, in this order.
    after = hooks.after
    after["release"] = [release.create_tasks]  # the floor's tasks (D1, D2)
    after["inspect"] = [quality.record_final_by_action]  # F2
    after["receive"] = [receipts.after_receive]  # G2, L2
    after["confirm_delivery"] = [shipping.after_delivery]  # I1
    after["close"] = [records.freeze_on_close]  # M2, M4
    after["cancel"] = [review.after_cancel]  # the open review stops (B1)
    for action in PROGRESS_MILESTONES:  # the customer's progress e-mail (E3)
        after.setdefault(action, []).append(customer_updates.progress_at_milestone)
    after["release"].append(purchasing.issue_for_order)  # materials leave free stock (C6)
    # A purchase order's later date re-plans the steps it makes late (C6, C7).
    hooks.after_material_change = runs.repair_after_material_change
    # Each action answers the notices that wait for it (D2, E6), first, before the notices the
    # action itself sends; an edit that supersedes the review answers its requests.
    for action in sorted({action for _, action in TRANSITIONS}):
        after.setdefault(action, []).insert(0, answers.answering(action))
    hooks.revised.insert(0, answers.superseded)
    return hooks


def register_timers() -> None:
    timers.register(notify.ACK_OVERDUE, escalation.on_ack_overdue)
    timers.register(deadlines.STEP_DUE, review.on_step_due)
    timers.register(progress.PROGRESS_CHECK, progress.on_progress_check)
    timers.register(drawings.RETURN_TIMER, drawings.on_return_due)
    timers.register(incidents.SOLUTION_TIMER, incidents.on_solution_due)
    timers.register(emergency_states.START_TIMER, emergency_states.on_start)  # J1
    timers.register(improvement_actions.REMIND, improvement_actions.on_remind)
    timers.register(improvement_actions.MISSED, improvement_actions.on_missed)
    timers.register(store_requisitions.STEP_DUE, store_requisitions.on_step_due)  # K7
