"""Acknowledgement deadlines on the working calendar, and escalation level by level (D2, E6, N1)."""
from __future__ import annotations

from datetime import date, datetime

from jidan.domain.roles import Role
from jidan.services.masterdata import calendar
from jidan.domain.delivery import DeliveryPolicy
from jidan.services.notices import timers
from jidan.services.notices.notify import ACK_OVERDUE, notify


def release(ctx, **kw):
    with ctx.uow() as uow:
        event = notify(uow, ctx.now(), kind="release", subject="急单生产通知 SO-0042",
                       roles=[Role.MANUFACTURING], needs_ack=True, ctx=ctx, **kw)
        uow.commit()
    return event


def inbox_of(ctx, username):
    with ctx.uow() as uow:
        return uow.notices.inbox(uow.users.by_username(username).id)


def test_e6_an_unacknowledged_notice_escalates_level_by_level_up_to_management(ctx, actors, clock):
    event = release(ctx, ack_hours=2)
    [first] = inbox_of(ctx, "manufacturing")
    assert first.ack_due_at == datetime(2026, 11, 24, 11, 10)
    clock.current = datetime(2026, 11, 24, 11, 9)
    assert timers.fire_due(ctx) == 0 and inbox_of(ctx, "pmc") == []
    clock.current = datetime(2026, 11, 24, 11, 10)
    assert timers.fire_due(ctx) == 1
    [to_pmc] = inbox_of(ctx, "pmc")
    assert to_pmc.escalation_level == 1 and to_pmc.needs_ack and "升级 L1" in to_pmc.subject
    # two working hours from 11:10, across the lunch break
    assert to_pmc.ack_due_at == datetime(2026, 11, 24, 14, 10)
    assert inbox_of(ctx, "management") == []
    clock.current = datetime(2026, 11, 24, 14, 10)
    assert timers.fire_due(ctx) == 1
    [to_gm] = inbox_of(ctx, "management")
    assert to_gm.escalation_level == 2 and to_gm.subject.startswith("【升级 L2】急单生产通知")
    clock.advance(days=2)
    assert timers.fire_due(ctx) == 1  # management is the last level: nothing further
    assert len(inbox_of(ctx, "management")) == 1
    with ctx.uow() as uow:
        trail = [(e.action, e.new["level"]) for e in uow.audit.for_entity("notice_event", event)]
        assert timers.pending(uow, ACK_OVERDUE) == []
    assert trail == [("escalate", 1), ("escalate", 2), ("escalation_exhausted", 2)]


def test_e6_an_acknowledgement_in_time_stops_the_escalation(ctx, actors, clock):
    from jidan.services.notices import inbox
    release(ctx, ack_hours=2)
    [notice] = inbox_of(ctx, "manufacturing")
    clock.advance(hours=1)
    inbox.acknowledge(ctx, actors["manufacturing"], notice.id)
    clock.advance(hours=5)
    assert timers.fire_due(ctx) == 0
    assert inbox_of(ctx, "pmc") == [] and inbox_of(ctx, "management") == []


def test_e6_a_late_acknowledgement_at_a_lower_level_stops_further_levels(ctx, actors, clock):
    from jidan.services.notices import inbox
    release(ctx, ack_hours=2)
    clock.advance(hours=2)
    timers.fire_due(ctx)  # pmc told
    [notice] = inbox_of(ctx, "manufacturing")
    inbox.acknowledge(ctx, actors["manufacturing"], notice.id)
    clock.advance(days=1)
    timers.fire_due(ctx)
    assert inbox_of(ctx, "management") == []


def test_n1_the_deadline_skips_a_holiday_of_the_factory_calendar(ctx, actors, clock):
    clock.current = datetime(2026, 11, 24, 20, 0)  # Tuesday evening shift
    calendar.set_day(ctx, actors["admin"], date(2026, 11, 25), False, "停电 / plant closed")
    release(ctx, ack_hours=4)
    [notice] = inbox_of(ctx, "manufacturing")
    # 20:00–22:00 Tuesday, Wednesday closed, then 08:00–10:00 Thursday
    assert notice.ack_due_at == datetime(2026, 11, 26, 10, 0)


def test_n1_a_weekend_is_skipped_by_the_deadline(ctx, actors, clock):
    clock.current = datetime(2026, 11, 27, 16, 30)  # Friday
    release(ctx, ack_hours=2)
    [notice] = inbox_of(ctx, "manufacturing")
    # 16:30–17:00 and 18:00–19:30 on Friday already make two hours
    assert notice.ack_due_at == datetime(2026, 11, 27, 19, 30)
    clock.current = datetime(2026, 11, 27, 21, 0)
    release(ctx, ack_hours=2)
    late = max(inbox_of(ctx, "manufacturing"), key=lambda n: n.id)
    assert late.ack_due_at == datetime(2026, 11, 30, 9, 0)  # Monday


def test_e6_the_ladder_is_configuration(ctx, actors, clock):
    ctx.settings = ctx.settings.model_copy(update={"escalation_ladder": "manufacturing>quality>management"})
    ctx.delivery = DeliveryPolicy.from_settings(ctx.settings)
    release(ctx, ack_hours=1)
    clock.advance(hours=1)
    timers.fire_due(ctx)
    assert inbox_of(ctx, "pmc") == [] and len(inbox_of(ctx, "quality")) == 1


def test_e6_the_work_done_after_an_escalation_answers_it_and_nothing_climbs_further(ctx, actors, clock):
    from jidan.services.notices.answers import answer
    event = release(ctx, ack_hours=0.5, ref="production_notice:1:TST")
    clock.advance(minutes=30)
    assert timers.fire_due(ctx) == 1
    [to_pmc] = inbox_of(ctx, "pmc")
    assert to_pmc.escalated_from == event and to_pmc.answered_by_act == "acknowledge start"
    clock.advance(minutes=10)
    with ctx.uow() as uow:  # the test group starts the task without having acknowledged
        assert answer(uow, ctx, ref="production_notice:1:TST", act="start", actor=actors["manufacturing"]) == 2
        uow.commit()
    assert [n.answered_at for n in inbox_of(ctx, "pmc") + inbox_of(ctx, "manufacturing")] == [clock.current] * 2
    clock.advance(days=2)
    assert timers.fire_due(ctx) == 0 and inbox_of(ctx, "management") == []
    with ctx.uow() as uow:
        assert uow.notices.open_count(actors["pmc"].user_id) == 0
        trail = [e.action for e in uow.audit.for_entity("notice_event", event)]
    assert trail == ["escalate", "answer"]
