"""Escalation (E6): a notice nobody acknowledged in time goes one level up, finally to 总经办.

One chain per event: the first acknowledgement by any recipient at any level, or the act that
answers the notice (``services.notices.answers``), stops it. Each level up is itself a notice that
needs acknowledgement (with the same deadline in working hours), answered also by what answers
the notice it was raised for, and is audited; the ladder of roles is configuration
(``JIDAN_ESCALATION_LADDER``).
"""
from __future__ import annotations

from jidan.domain.delivery import Timer, next_level
from jidan.domain.roles import Role
from jidan.services import audit
from jidan.services.notices.answers import acts_for
from jidan.services.notices.notify import _notify


def on_ack_overdue(uow, ctx, timer: Timer) -> None:
    """Timer handler: tells the next level of an unacknowledged notice, or does nothing."""
    payload = timer.payload or {}
    chain = list(payload.get("chain") or [])
    notices = uow.notices.for_events(chain)
    if not notices or any(n.acknowledged_at is not None or n.answered_at is not None for n in notices):
        return  # acknowledged or answered meanwhile: the chain stops here
    latest = [n for n in notices if n.event_id == chain[-1]]
    rules = ctx.delivery
    roles = {Role(uow.users.get(n.recipient_id).role).value for n in latest}
    level = int(payload.get("level", 0)) + 1
    first = min(notices, key=lambda n: n.id)
    up = next_level(rules.ladder, roles, rules.top)
    while up:
        event_id, told = _notify(
            uow, ctx.now(), ctx, level=level, chain=tuple(chain), kind="escalation",
            subject=ctx.messages.text("ui.notice.escalated.subject", level=level, subject=first.subject),
            body=ctx.messages.text("ui.notice.escalated.body", level=level, body=first.body).strip(),
            order_id=first.order_id, users=(), roles=sorted(up), ref=first.ref,
            needs_ack=True, ack_hours=payload.get("ack_hours"), critical=first.critical,
            exclude=None, answered_by=acts_for(first.kind, True))
        if told:
            audit.record(uow, ctx, None, "notice_event", chain[0], "escalate",
                         {"level": level - 1, "roles": sorted(roles)},
                         {"level": level, "roles": sorted(up), "event_id": event_id},
                         "not acknowledged in time")
            return
        up = next_level(rules.ladder, up, rules.top)  # nobody holds that role: one more up
    audit.record(uow, ctx, None, "notice_event", chain[0], "escalation_exhausted", None,
                 {"level": level - 1, "roles": sorted(roles)}, "not acknowledged at the last level")
