"""What plans make of the capacity decisions added (B6, C5, E4; issue 20 §2)."""
from __future__ import annotations

from datetime import datetime

from jidan.domain.capacity import CapacityChange
from jidan.domain.execution import Downtime
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.services.planning.capacity import PlantCapacity
from jidan.services.planning.plant import down_windows

ORIGIN = datetime(2026, 11, 24, 0, 0)
CLOSED = ((0, 480), (1020, 1920))  # night, then the evening and night after an 08:00–17:00 day


def change(kind: str, **values) -> CapacityChange:
    base = dict(id=1, kind=kind, order_id=1, source="exception", source_id=1, reason="", work_center_code=None,
                starts_at=None, ends_at=None, step=None, lead_minutes=None, line_no=None, first_quantity=None,
                first_date=None, rest_date=None, planning_run_id=None, created_by=1, created_at=ORIGIN)
    return CapacityChange(**(base | values))


class Changes:
    def __init__(self, *changes):
        self.changes = changes

    def in_plan(self, after):
        return list(self.changes)


class Uow:
    def __init__(self, *changes):
        self.capacity = Changes(*changes)


def test_e4_overtime_opens_only_the_closed_hours_of_its_work_center_and_a_breakdown_stays_closed():
    overtime = change("overtime", work_center_code="SMT1", starts_at=datetime(2026, 11, 24, 17),
                      ends_at=datetime(2026, 11, 24, 20))
    down = Downtime(1, "SMT1", datetime(2026, 11, 24, 18), datetime(2026, 11, 24, 19), "回流焊炉故障", 1, 1, ORIGIN)
    resources = PlantCapacity(Uow(overtime), ORIGIN, down_windows([down], ORIGIN)).resources(
        (Resource("SMT1", CLOSED), Resource("SMT2", CLOSED)))
    smt1, smt2 = resources
    assert smt1.unavailable == ((0, 480), (1080, 1140), (1200, 1920))
    assert smt2.unavailable == CLOSED


def test_c5_an_outsourced_step_becomes_one_supplier_operation_of_its_lead_time_and_started_lots_stay():
    outside = change("outside_processing", step="SO-1/1-10", lead_minutes=1440)
    ops = (Operation("SO-1/1-10.1", 300, ("SMT1",)), Operation("SO-1/1-10.2", 300, ("SMT1",)),
           Operation("SO-1/1-20", 60, ("ASM1",)))
    problem = Problem((Resource("SMT1"), Resource("ASM1")), (Job("SO-1/1", ops),))
    applied = PlantCapacity(Uow(outside), ORIGIN).applied(problem)
    assert [(op.id, op.duration, op.resources) for op in applied.jobs[0].operations] == [
        ("SO-1/1-10@out", 1440, ("OUT:SO-1/1-10",)), ("SO-1/1-20", 60, ("ASM1",))]
    assert "OUT:SO-1/1-10" in applied.resource_by_id
    started = PlantCapacity(Uow(outside), ORIGIN).applied(problem, started={"SO-1/1-10.1"})
    assert [op.id for op in started.jobs[0].operations] == ["SO-1/1-10.1", "SO-1/1-10@out", "SO-1/1-20"]
    assert PlantCapacity(Uow(), ORIGIN).applied(problem) is problem
