"""A breakdown's rules without a database (issue 20 §1; E5, C7, M4): where a started step's
unfinished part goes, and whom its lateness is charged to."""
from __future__ import annotations

from datetime import datetime, timedelta

from jidan.domain.execution import (
    BREAKDOWN, StepRun, Task, charge_lateness, continued_as, continued_from, unfinished_quantity,
)
from jidan.planning.problem import Operation
from jidan.services.planning.plant import Floor, step_of

T0 = datetime(2026, 11, 24, 8, 0)


def _task(operation: str, status: str, center: str = "SMT1", worked: int = 0, **kw) -> Task:
    values = dict(id=1, order_id=1, operation=operation, job="SO-1/1", line_no=1, step_seq=10, lot=1,
                  kind="production", name="SMT", work_center_code=center, quantity=300, inspection=False,
                  urgent=True, planned_start=T0, planned_end=T0 + timedelta(minutes=210), planned_minutes=210,
                  status=status, started_at=T0 if status != "planned" else None, resumed_at=None,
                  finished_at=None, worked_minutes=worked, good_qty=None, scrap_qty=None, source="release",
                  created_at=T0, version=1)
    return Task(**{**values, **kw})


def _minutes(quantity: int) -> int:
    return 30 + quantity // 2


def test_e5_an_unfinished_part_is_named_after_the_step_it_continues_and_belongs_to_its_step():
    assert continued_as("SO-1/1-10.2") == "SO-1/1-10.2~2" and continued_as("SO-1/1-10.2~2") == "SO-1/1-10.2~3"
    assert continued_from("SO-1/1-10.2~3") == "SO-1/1-10.2~2" and continued_from("SO-1/1-10.2~2") == "SO-1/1-10.2"
    assert continued_from("SO-1/1-10.2") is None
    assert step_of("SO-1/1-10.2~2") == step_of("SO-1/1-10.2") == "SO-1/1-10"


def test_e5_the_unfinished_quantity_is_the_share_of_planned_time_not_yet_worked():
    assert unfinished_quantity(_task("A", "paused", worked=70), T0) == 200
    assert unfinished_quantity(_task("A", "running", worked=0, resumed_at=T0), T0 + timedelta(minutes=105)) == 150
    assert unfinished_quantity(_task("A", "paused", worked=300), T0) == 0


def test_e5_a_started_step_on_a_down_work_center_goes_on_elsewhere_with_its_own_set_up():
    floor = Floor.of([_task("A", "paused", worked=70)], T0, down={"SMT1"})
    assert floor.lot("A", 210, ("SMT1", "SMT2"), 0, _minutes) == [Operation("A~2", 130, ("SMT2",))]


def test_e5_a_started_step_stays_on_a_working_machine_or_when_no_other_can_do_it():
    working = Floor.of([_task("A", "paused", worked=70)], T0, kept={"A": 210}, down={"SMT2"})
    assert working.lot("A", 210, ("SMT1", "SMT2"), 0, _minutes) == [Operation("A", 210, ("SMT1",))]
    alone = Floor.of([_task("A", "paused", worked=70)], T0, kept={"A": 210}, down={"SMT1"})
    assert alone.lot("A", 210, ("SMT1",), 0, _minutes) == [Operation("A", 210, ("SMT1",))]


def test_e5_once_split_the_done_part_is_not_planned_and_the_moved_part_is_planned_with_its_kind():
    tasks = [_task("A", "done", quantity=100), _task("A~2", "planned", "SMT2", id=2, planned_minutes=130)]
    floor = Floor.of(tasks, T0, down={"SMT1"})
    assert floor.lot("A", 210, ("SMT1", "SMT2"), 50, _minutes) == [Operation("A~2", 130, ("SMT1", "SMT2"))]


def _step(holder, start, end, done, stood=0):
    at = lambda minute: T0 + timedelta(minutes=minute)  # noqa: E731
    return StepRun(holder, at(start), at(end), at(done) if done is not None else None, stood)


def test_m4_a_step_late_only_because_its_machine_stood_is_charged_to_the_breakdown_and_so_is_the_next_wait():
    smt = _step("SMT", 0, 210, 219, stood=159)
    asm = _step("ASM", 210, 570, 579)
    assert charge_lateness([smt, asm], T0 + timedelta(days=2)) == [{BREAKDOWN: 9}, {BREAKDOWN: 9}]


def test_m4_a_group_is_charged_only_for_what_it_added_itself():
    smt = _step("SMT", 0, 210, 240)  # 30 min late on its own
    asm = _step("ASM", 210, 570, 620)  # waited 30 for SMT, then 20 more of its own
    assert charge_lateness([smt, asm], T0 + timedelta(days=2)) == [{"SMT": 30}, {"SMT": 30, "ASM": 20}]


def test_m4_an_open_step_is_judged_at_the_time_asked_and_on_time_steps_are_charged_nothing():
    smt = _step("SMT", 0, 210, 200)
    asm = _step("ASM", 210, 570, None)
    assert charge_lateness([smt, asm], T0 + timedelta(minutes=600)) == [{}, {"ASM": 30}]
    assert charge_lateness([smt, asm], T0 + timedelta(minutes=500)) == [{}, {}]
