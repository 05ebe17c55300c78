import pytest

from jidan.planning import lns
from jidan.planning.errors import UnknownJob
from jidan.planning.generate import generate_plant
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.repair import MachineDown, MaterialLate, OrderChanged, repair
from jidan.planning.result import Assignment, Schedule, moved_count, weighted_tardiness
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
    quick = repair(PLANT, CURRENT, OrderChanged(changed), now=300)
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


def test_c7_a_repair_starts_nothing_in_the_past_even_where_it_would_cut_lateness():
    problem = Problem((Resource("WC11"),), (Job("SO-3/1", (Operation("SO-3/1-10", 10, ("WC11",)),), due=50),))
    current = Schedule("feasible", "weighted-tardiness", 60, 0, (Assignment("SO-3/1", "SO-3/1-10", "WC11", 100, 110),))
    result = repair(problem, current, MachineDown("WC11", 200, 210), now=40, time_limit=1)
    assert [(a.start, a.end) for a in result.schedule.assignments] == [(40, 50)]


def test_c7_calming_brings_work_that_moved_for_nothing_back_to_the_plan_in_force_at_no_cost_in_lateness():
    reference = solve(PLANT, "weighted-tardiness", time_limit=0).assignments
    # the same plan with the last operation of orders with room to spare pushed a little later
    jobs = PLANT.job_by_id

    def room(a):
        later = Assignment(a.job, a.operation, a.resource, a.start + 7, a.end + 7)
        clear = all(b.resource != a.resource or b == a or b.end <= later.start or b.start >= later.end for b in reference)
        return clear and a.operation == jobs[a.job].operations[-1].id and later.end <= jobs[a.job].due

    fidgety = tuple(Assignment(a.job, a.operation, a.resource, a.start + 7, a.end + 7) if room(a) else a for a in reference)
    assert violations(PLANT, fidgety) == []
    moved_before = moved_count({a.operation: a for a in reference}, fidgety)
    assert moved_before > 0
    calm = lns.improve(PLANT, "weighted-tardiness", fidgety, {}, 2.0, workers=1, seed=3, reference=reference)
    assert violations(PLANT, calm) == []
    assert weighted_tardiness(PLANT, calm) <= weighted_tardiness(PLANT, fidgety)
    assert moved_count({a.operation: a for a in reference}, calm) < moved_before


def test_c7_a_repair_with_time_calms_its_plan_toward_the_plan_in_force_where_lateness_allows():
    problem = Problem(
        (Resource("WC11"), Resource("WC12")),
        (Job("SO-4/1", (Operation("SO-4/1-10", 10, ("WC12",)),), due=1000),),
    )
    current = Schedule("feasible", "weighted-tardiness", 0, 0, (Assignment("SO-4/1", "SO-4/1-10", "WC12", 50, 60),))
    in_force = Schedule("feasible", "weighted-tardiness", 0, 0, (Assignment("SO-4/1", "SO-4/1-10", "WC12", 200, 210),))
    quick = repair(problem, current, MachineDown("WC11", 0, 30), time_limit=0, reference=in_force)
    calmed = repair(problem, current, MachineDown("WC11", 0, 30), time_limit=1, reference=in_force)
    assert [a.start for a in quick.schedule.assignments] == [50]
    assert [a.start for a in calmed.schedule.assignments] == [200]
