import pytest

from jidan.planning.errors import UnknownJob
from jidan.planning.generate import generate_plant
from jidan.planning.problem import Job, Operation
from jidan.planning.repair import MachineDown, MaterialLate, OrderChanged, repair
from jidan.planning.result import weighted_tardiness
from jidan.planning.solve import solve
from jidan.planning.validate import violations

PLANT = generate_plant(20, seed=8, work_centers=6)
CURRENT = solve(PLANT, "weighted-tardiness", time_limit=0)


def test_c7_machine_down_moves_only_what_it_must():
    busy = CURRENT.assignments[len(CURRENT.assignments) // 2]
    result = repair(PLANT, CURRENT, MachineDown(busy.resource, busy.start, busy.start + 120))
    assert violations(result.problem, result.schedule.assignments) == []
    assert busy.operation in {m.operation for m in result.impact.moved}
    untouched = {a.operation: a for a in CURRENT.assignments if a.end <= busy.start}
    assert all(a == untouched[a.operation] for a in result.schedule.assignments if a.operation in untouched)


def test_c7_late_material_delays_the_order_and_reports_the_slip():
    job = PLANT.jobs[0]
    done = max(a.end for a in CURRENT.assignments if a.job == job.id)
    result = repair(PLANT, CURRENT, MaterialLate(job.id, done))
    assert violations(result.problem, result.schedule.assignments) == []
    assert min(a.start for a in result.schedule.assignments if a.job == job.id) >= done
    assert job.id in {s.job for s in result.impact.slipped}


def test_c7_a_changed_order_is_replanned_and_can_be_improved_within_a_limit():
    job = PLANT.jobs[5]
    changed = Job(job.id, (*job.operations, Operation(f"{job.id}-99", 60, job.operations[0].resources)), job.release, job.due, job.weight)
    quick = repair(PLANT, CURRENT, OrderChanged(changed))
    better = repair(PLANT, CURRENT, OrderChanged(changed), now=300, time_limit=1)
    for result in (quick, better):
        assert violations(result.problem, result.schedule.assignments) == []
    assert better.schedule.value <= quick.schedule.value
    started = {a.operation: a for a in quick.schedule.assignments if a.start < 300}
    assert weighted_tardiness(better.problem, better.schedule.assignments) == better.schedule.value
    assert started


def test_c7_a_change_to_an_unknown_order_is_refused():
    with pytest.raises(UnknownJob):
        repair(PLANT, CURRENT, OrderChanged(Job("SO-404/1", PLANT.jobs[0].operations)))
