"""notify() and send_email() queue deliveries in the caller's transaction (D2, E6)."""
from __future__ import annotations

from datetime import datetime

import pytest

from jidan.domain import errors
from jidan.domain.roles import Role
from jidan.services.notices import timers
from jidan.services.notices.notify import ACK_OVERDUE, notify, send_email


def test_a6_send_email_queues_one_row_and_nothing_survives_a_rollback(ctx, actors):
    with ctx.uow() as uow:
        row_id = send_email(uow, ctx.now(), to=["buyer@c001.example.com", "sales@example.com"],
                            subject="确认函 HD-2026-0042", body="交期 2026-12-01",
                            kind="confirmation", ref="order:1")
        uow.commit()
    with ctx.uow() as uow:
        send_email(uow, ctx.now(), to=["x@example.com"], subject="s", body="b", kind="k")
        uow.rollback()
    with ctx.uow() as uow:
        rows = uow.outbox.list()
    assert [r.id for r in rows] == [row_id]
    assert rows[0].channel == "email" and rows[0].status == "pending"
    assert rows[0].target == "buyer@c001.example.com, sales@example.com"
    assert rows[0].next_attempt_at == ctx.now()


@pytest.mark.parametrize("to, field", [([], "email.required"), (["not-an-address"], "email.invalid"),
                                       (["a@b.example.com", "x y@z.com"], "email.invalid")])
def test_a6_send_email_refuses_bad_addresses_with_a_field_code(ctx, actors, to, field):
    with ctx.uow() as uow, pytest.raises(errors.ValidationFailed) as err:
        send_email(uow, ctx.now(), to=to, subject="s", body="b", kind="k")
    assert err.value.fields == {"to": field}


def test_d2_an_email_kind_is_queued_per_recipient_with_the_deadline(ctx, actors):
    with ctx.uow() as uow:
        event = notify(uow, ctx.now(), kind="release", subject="急单生产通知", body="SCB-200 × 300",
                       roles=[Role.MANUFACTURING], needs_ack=True, ack_hours=2, ctx=ctx)
        uow.commit()
    with ctx.uow() as uow:
        rows = uow.outbox.for_event(event)
        timer = timers.pending(uow, ACK_OVERDUE, f"event:{event}")
    assert [(r.channel, r.target) for r in rows] == [("email", "manufacturing@example.com")]
    assert "2026-11-24 11:10" in rows[0].body and "/inbox" in rows[0].body
    assert len(timer) == 1 and timer[0].due_at == datetime(2026, 11, 24, 11, 10)


def test_d2_other_kinds_stay_in_app_unless_critical(ctx, actors):
    with ctx.uow() as uow:
        quiet = notify(uow, ctx.now(), kind="info", subject="FYI", users=[actors["pmc"].user_id],
                       ctx=ctx)
        loud = notify(uow, ctx.now(), kind="info", subject="停线", users=[actors["pmc"].user_id],
                      critical=True, ctx=ctx)
        uow.commit()
    with ctx.uow() as uow:
        assert uow.outbox.for_event(quiet) == []
        assert [r.channel for r in uow.outbox.for_event(loud)] == ["email"]


def test_n1_the_deadline_runs_on_the_factory_calendar_with_the_sites_closed_days(ctx, actors, clock):
    from datetime import date
    from jidan.services.masterdata import calendar
    calendar.set_day(ctx, actors["admin"], date(2026, 11, 30), False, "盘点 / stocktaking")
    clock.current = datetime(2026, 11, 27, 21, 0)  # Friday evening; Monday closed by the site
    with ctx.uow() as uow:
        notify(uow, ctx.now(), kind="release", subject="x", users=[actors["pmc"].user_id],
               needs_ack=True, ack_hours=2, ctx=ctx)
        uow.commit()
    with ctx.uow() as uow:
        [notice] = uow.notices.for_recipient(actors["pmc"].user_id)
    assert notice.ack_due_at == datetime(2026, 12, 1, 9, 0)  # 21–22 Fri, then Tuesday 8–9


def test_d2_email_kinds_match_exactly_or_by_prefix(ctx):
    from jidan.domain.delivery import DeliveryPolicy
    ctx.settings = ctx.settings.model_copy(update={"email_kinds": "release, exception*"})
    rules = DeliveryPolicy.from_settings(ctx.settings)
    assert rules.emails("release") and rules.emails("exception") and rules.emails("exception_application")
    assert not rules.emails("releases") and not rules.emails("info")
