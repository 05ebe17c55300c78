"""notify() writes one notice per recipient in the caller's transaction (D2, D3)."""
from __future__ import annotations

from jidan.domain.roles import Role
from jidan.services.notices.notify import notify


def test_d2_a_notice_reaches_every_user_of_the_role_and_the_order_owner_once(ctx, actors):
    with ctx.uow() as uow:
        order_id = None
        event = notify(uow, ctx.now(), kind="release", subject="急单生产通知",
                       roles=[Role.PMC], users=[actors["pmc"].user_id, actors["sales"].user_id],
                       needs_ack=True, ack_hours=2, ctx=ctx)
        uow.commit()
    with ctx.uow() as uow:
        got = {n.recipient_id: n for n in uow.notices.for_recipient(actors["pmc"].user_id)}
        sales = uow.notices.for_recipient(actors["sales"].user_id)
    assert list(got) == [actors["pmc"].user_id] and len(sales) == 1
    notice = got[actors["pmc"].user_id]
    assert notice.event_id == event and notice.needs_ack and notice.order_id is order_id
    assert (notice.ack_due_at - notice.created_at).total_seconds() == 2 * 3600


def test_d2_no_notice_survives_when_the_change_is_rolled_back(ctx, actors):
    with ctx.uow() as uow:
        notify(uow, ctx.now(), kind="release", subject="x", users=[actors["pmc"].user_id], ctx=ctx)
        uow.rollback()
    with ctx.uow() as uow:
        assert uow.notices.for_recipient(actors["pmc"].user_id) == []
