"""Tracked improvement actions (M4): added with an owner and a due date, reminded before, escalated
when missed on the working calendar, answered by their completion."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from jidan.domain import errors
from jidan.services.audit import verify
from jidan.services.improvements import actions
from jidan.services.notices import timers

QUARTER = 20264  # 2026-Q4


def new_action(ctx, actors, by="quality", **over):
    values = {"source": "quarterly_review", "source_id": QUARTER, "department": "quality",
              "text": "首件检验增加 SMT 贴片偏移检查", "owner_id": actors["quality"].user_id,
              "due": date(2026, 11, 27)}
    values.update(over)
    return actions.add(ctx, actors[by], **values)


def notices(ctx, user_id: int, kind: str):
    with ctx.uow() as uow:
        return [n for n in uow.notices.for_recipient(user_id) if n.kind == kind]


def test_m4_an_improvement_action_is_added_with_its_owner_due_at_the_close_of_the_working_day(ctx, actors):
    view = new_action(ctx, actors)
    assert view["state"] == "open" and view["owner"] == "quality" and view["department"] == "quality"
    assert view["due"] == "2026-11-27" and view["due_at"] == "2026-11-27T22:00:00"
    assert len(notices(ctx, actors["quality"].user_id, "improvement_action")) == 1
    listed = actions.list_for(ctx, actors["management"], source="quarterly_review", source_id=QUARTER)
    assert [a["id"] for a in listed] == [view["id"]]
    assert actions.list_for(ctx, actors["management"], source="emergency", source_id=QUARTER) == []
    with ctx.uow() as uow:
        kinds = sorted(t.kind for t in timers.pending(uow, ref=f"improvement:{view['id']}"))
        events = uow.audit.for_entity("improvement_action", view["id"])
    assert kinds == [actions.MISSED, actions.REMIND]
    assert [e.action for e in events] == ["add"] and events[0].actor == "quality"
    assert verify(ctx)[1] == []


def test_m4_a_due_date_on_a_rest_day_falls_on_the_next_working_day(ctx, actors):
    view = new_action(ctx, actors, due=date(2026, 11, 28))  # a Saturday
    assert view["due_at"] == "2026-11-30T22:00:00"


@pytest.mark.parametrize("over, field, code", [
    ({"text": "  "}, "text", "required"),
    ({"text": "x" * 1001}, "text", "too_long"),
    ({"due": date(2026, 11, 23)}, "due", "in_the_past"),
    ({"source": "weekly"}, "source", "unknown_source"),
    ({"source_id": 0}, "source_id", "invalid"),
    ({"department": "nowhere"}, "department", "unknown_department"),
    ({"owner_id": 99999}, "owner_id", "unknown_user"),
])
def test_m4_an_incomplete_improvement_action_is_refused_with_the_field_that_is_wrong(ctx, actors, over, field, code):
    with pytest.raises(errors.ValidationFailed) as refused:
        new_action(ctx, actors, **over)
    assert refused.value.fields[field] == code


def test_m4_an_inactive_owner_is_refused_and_a_department_enters_only_its_own_actions(ctx, actors):
    with ctx.uow() as uow:
        uow.users.by_username("finance").active = False
        uow.commit()
    with pytest.raises(errors.ValidationFailed) as refused:
        new_action(ctx, actors, owner_id=actors["finance"].user_id)
    assert refused.value.fields == {"owner_id": "unknown_user"}
    with pytest.raises(errors.Forbidden):
        new_action(ctx, actors, by="sales")  # sales enters quality's action
    assert new_action(ctx, actors, by="pmc")["created_by"] == actors["pmc"].user_id
    with pytest.raises(errors.NotFound):
        new_action(ctx, actors, by="supplier")


def test_m4_the_owner_is_reminded_the_working_day_before_and_completion_answers_the_notices(ctx, actors, clock):
    view = new_action(ctx, actors)
    owner = actors["quality"].user_id
    clock.current = datetime(2026, 11, 26, 7, 59)
    timers.fire_due(ctx)
    assert notices(ctx, owner, "improvement_action.reminder") == []
    clock.current = datetime(2026, 11, 26, 8, 0)
    timers.fire_due(ctx)
    assert len(notices(ctx, owner, "improvement_action.reminder")) == 1
    with pytest.raises(errors.Forbidden):
        actions.complete(ctx, actors["sales"], view["id"], version=view["version"], note="done")
    with pytest.raises(errors.ValidationFailed) as refused:
        actions.complete(ctx, actors["quality"], view["id"], version=view["version"], note=" ")
    assert refused.value.fields == {"note": "required"}
    done = actions.complete(ctx, actors["quality"], view["id"], version=view["version"], note="已加入首件检验表")
    assert done["state"] == "done" and done["completed_by_name"] == "quality" and done["version"] == 2
    assert all(n.answered_at is not None for n in notices(ctx, owner, "improvement_action")
               + notices(ctx, owner, "improvement_action.reminder"))
    with ctx.uow() as uow:
        assert timers.pending(uow, ref=f"improvement:{view['id']}") == []
    with pytest.raises(errors.Conflict):  # stale: it was version 1
        actions.complete(ctx, actors["management"], view["id"], version=view["version"], note="again")
    with pytest.raises(errors.Conflict):
        actions.complete(ctx, actors["management"], view["id"], version=2, note="again")
    with pytest.raises(errors.NotFound):
        actions.complete(ctx, actors["management"], 424242, version=1, note="x")


def test_m4_a_missed_action_escalates_to_the_department_head_and_up_until_done(ctx, actors, clock):
    view = new_action(ctx, actors, department="manufacturing", owner_id=actors["manufacturing"].user_id,
                      by="management")
    clock.current = datetime(2026, 11, 27, 21, 59)
    timers.fire_due(ctx)
    assert notices(ctx, actors["pmc"].user_id, "improvement_action.overdue") == []
    clock.current = datetime(2026, 11, 27, 22, 0)
    timers.fire_due(ctx)
    # the ladder: manufacturing > pmc > management
    for user in ("manufacturing", "pmc"):
        told = notices(ctx, actors[user].user_id, "improvement_action.overdue")
        assert len(told) == 1 and told[0].needs_ack, user
    listed = actions.list_for(ctx, actors["pmc"], source="quarterly_review", source_id=QUARTER)
    assert listed[0]["state"] == "overdue" and listed[0]["missed_at"] == "2026-11-27T22:00:00"
    done = actions.complete(ctx, actors["management"], view["id"], version=listed[0]["version"], note="补做完成")
    assert done["state"] == "done_late"
    assert all(n.answered_at is not None for n in notices(ctx, actors["pmc"].user_id, "improvement_action.overdue"))
    assert verify(ctx)[1] == []


def test_m4_after_an_emergency_a_member_of_the_emergency_organisation_assigns_any_departments_action(ctx, actors):
    from jidan.services.fulfilment import organisation

    with pytest.raises(errors.Forbidden):
        new_action(ctx, actors, by="sales", source="emergency", source_id=7, department="logistics",
                   owner_id=actors["logistics"].user_id)
    organisation.add_member(ctx, actors["admin"], "sales", "leadership", "销售部负责人")
    view = new_action(ctx, actors, by="sales", source="emergency", source_id=7, department="logistics",
                      owner_id=actors["logistics"].user_id)
    assert view["source"] == "emergency" and view["department"] == "logistics"
    with pytest.raises(errors.Forbidden):  # the quarterly review stays each department's own
        new_action(ctx, actors, by="sales")
