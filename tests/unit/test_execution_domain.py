"""The floor's rules as data: task and exception state tables, working time, the forecast (E1, E2, E4)."""
from __future__ import annotations

from datetime import date, datetime

import pytest

from jidan.domain import errors
from jidan.domain.execution import (
    EXCEPTION_STEPS, TASK_ACTIONS, TASK_STEPS, TaskState, TaskTiming, WorkingTime, crosses_due,
    exception_actions, exception_step, forecast, next_task_state,
)
from jidan.domain.model import Actor
from jidan.domain.roles import Role

SHIFTS = ((480, 720), (780, 1020), (1080, 1320))
WEEKDAYS = WorkingTime(lambda d: d.weekday() < 5, SHIFTS)
T = TaskState


def at(day: int, hh: int, mm: int = 0) -> datetime:
    return datetime(2026, 11, day, hh, mm)  # 2026-11-23 is a Monday


@pytest.mark.parametrize("state", list(TaskState))
@pytest.mark.parametrize("action", TASK_ACTIONS)
def test_e1_every_task_report_follows_the_table_or_is_refused_with_the_states_code(state, action):
    if (state, action) in TASK_STEPS:
        assert next_task_state(state, action) == TASK_STEPS[(state, action)]
    else:
        with pytest.raises(errors.InvalidTransition) as refused:
            next_task_state(state, action)
        assert refused.value.code.startswith("task.")


def test_e1_an_unknown_report_is_a_field_error():
    with pytest.raises(errors.ValidationFailed) as bad:
        next_task_state("planned", "explode")
    assert bad.value.fields == {"action": "unknown_action"}


def test_n1_working_minutes_skip_breaks_nights_and_weekends():
    assert WEEKDAYS.between(at(24, 11), at(24, 14)) == 120  # lunch 12–13 is not worked
    assert WEEKDAYS.between(at(24, 21), at(25, 9)) == 120  # 21–22 and 8–9
    assert WEEKDAYS.between(at(27, 21), at(30, 9)) == 120  # Friday evening to Monday morning
    assert WEEKDAYS.between(at(25, 9), at(24, 21)) == -120
    assert WEEKDAYS.add(at(24, 11), 120) == at(24, 14)
    assert WEEKDAYS.add(at(27, 21, 30), 60) == at(30, 8, 30)
    assert WEEKDAYS.add(at(24, 12, 30), 1) == at(24, 13, 1)


def _task(start, end, state=T.PLANNED, **kw) -> TaskTiming:
    return TaskTiming(start, end, int((end - start).total_seconds() // 60), state, **kw)


def test_e2_forecast_on_plan_is_the_plans_end_and_lateness_shifts_it_in_working_time():
    plan = [_task(at(24, 8), at(24, 10)), _task(at(24, 10), at(24, 12))]
    on_time = forecast(plan, at(24, 7), WEEKDAYS)
    assert (on_time.done, on_time.total, on_time.remaining_minutes) == (0, 2, 240)
    assert on_time.predicted == at(24, 12) and on_time.lateness_minutes == 0
    # At 11:00 the first task has not started: three working hours late, so the end moves to 16:00.
    late = forecast(plan, at(24, 11), WEEKDAYS)
    assert late.lateness_minutes == 180 and late.predicted == at(24, 16)


def test_e2_forecast_counts_work_done_and_what_a_running_task_has_left():
    tasks = [_task(at(24, 8), at(24, 10), T.DONE, started_at=at(24, 8), finished_at=at(24, 10, 30), worked_minutes=150),
             _task(at(24, 10), at(24, 12), T.RUNNING, started_at=at(24, 10, 30), resumed_at=at(24, 10, 30))]
    f = forecast(tasks, at(24, 11, 30), WEEKDAYS)
    assert (f.done, f.remaining_minutes) == (1, 60)
    assert f.lateness_minutes == 30 and f.predicted == at(24, 13, 30)  # 12:00 + 30 working min over lunch
    finished = forecast([tasks[0]], at(24, 11), WEEKDAYS)
    assert finished.predicted == at(24, 10, 30) and finished.remaining_minutes == 0


def test_e2_the_alert_fires_once_per_crossing_of_the_due_time():
    due = at(26, 0)
    assert crosses_due(False, at(25, 20), due) == (False, False)
    assert crosses_due(False, at(26, 9), due) == (True, True)
    assert crosses_due(True, at(26, 11), due) == (True, False)
    assert crosses_due(True, at(25, 9), due) == (False, False)
    assert crosses_due(False, at(26, 10), due) == (True, True)


PMC, MGMT = Actor(1, "pmc", Role.PMC), Actor(2, "gm", Role.MANAGEMENT)


def test_e4_management_decides_on_pmcs_application_and_nobody_else_may():
    assert exception_step("reported", "apply", PMC, None) == "applied"
    assert exception_step("applied", "approve", MGMT, PMC.user_id) == "approved"
    for role in (Role.WAREHOUSE, Role.MANUFACTURING, Role.PMC, Role.SALES):
        with pytest.raises(errors.Forbidden):
            exception_step("applied", "approve", Actor(9, "x", role), PMC.user_id)
    with pytest.raises(errors.SelfApproval):
        exception_step("applied", "approve", MGMT, MGMT.user_id)
    with pytest.raises(errors.InvalidTransition) as early:
        exception_step("reported", "approve", MGMT, None)
    assert early.value.code == "exception.invalid_transition"
    assert exception_actions("applied", MGMT, PMC.user_id) == ["approve", "reject"]
    assert {a for (_, a) in EXCEPTION_STEPS} == {"replan", "apply", "approve", "reject", "inform_customer", "close"}


def test_e4_the_exception_kinds_and_measures_are_the_documents():
    from jidan.domain.execution import ExceptionKind, Measure
    assert {k.value for k in ExceptionKind} == {"equipment_failure", "material_shortage", "quality", "staffing", "other"}
    assert {m.value for m in Measure} == {"overtime", "outside_processing", "new_date"}
    assert date(2026, 11, 23).weekday() == 0
