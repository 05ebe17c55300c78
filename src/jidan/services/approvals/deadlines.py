"""Step deadlines (N1, E6): the timer that chases an unsigned step, and what it does when due.

A review step and a change request's department review both get a deadline in working hours;
past it, the approvers are reminded and the next level of the escalation ladder is told.
"""
from __future__ import annotations

from jidan.domain.delivery import next_level
from jidan.domain.order import Order
from jidan.domain.roles import Role
from jidan.services.approvals.delegations import deputies
from jidan.services.names import urgent_mark
from jidan.services.notices import notify

#: The timer that chases a step (or change-request review) past its deadline.
STEP_DUE = "approval.step_due"


def overdue(uow, ctx, order: Order, subject: str, role: str, what: str, due: str | None) -> None:
    """Reminds the role and escalates along the configured ladder (the approver's superiors)."""
    rules = ctx.delivery
    above = next_level(rules.ladder, {role}, rules.top)
    notify.notify(uow, ctx.now(), kind="approval.overdue", order_id=order.id, ref=subject,
                  roles=[Role(role), *(Role(r) for r in above if r in Role._value2member_map_)],
                  users=deputies(uow, role, ctx.now()), needs_ack=True, ctx=ctx,
                  subject=ctx.messages.text("ui.appr.overdue.subject", urgent=urgent_mark(ctx, order), what=what,
                                            number=order.number),
                  body=ctx.messages.text("ui.appr.overdue.body", due=(due or "")[:16].replace("T", " "),
                                         role=role))
