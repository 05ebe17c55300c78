"""Properties that must hold for any plant: checked on many small random ones."""

import random
from dataclasses import replace

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from jidan.planning.dispatch import best_dispatch
from jidan.planning.insert import frozen_part, insert, push_later
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.repair import MachineDown, repair
from jidan.planning.result import Assignment
from jidan.planning.shift import right_shift, timeline_with, under_way
from jidan.planning.solve import solve
from jidan.planning.validate import violations
from tests.planning_instances import downtime

FAST = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def small_plant(seed: int) -> Problem:
    """Up to 6 jobs on up to 4 resources with downtime, alternatives, releases and due dates;
    now and then an operation has a release of its own (its material arrives later)."""
    rng = random.Random(seed)
    names = [f"R{i}" for i in range(rng.randint(1, 4))]
    resources = [Resource(name, downtime(rng)) for name in names]
    jobs = []
    for j in range(rng.randint(1, 6)):
        ops = tuple(
            Operation(
                f"J{j}-{k}", rng.randint(0, 30), tuple(rng.sample(names, rng.randint(1, len(names)))), _material(rng)
            )
            for k in range(rng.randint(1, 4))
        )
        release = rng.randint(0, 50)
        jobs.append(Job(f"J{j}", ops, release, release + rng.randint(10, 120), rng.randint(0, 4)))
    return Problem(tuple(resources), tuple(jobs))


def _material(rng: random.Random) -> int:
    """An operation's own release: none for most, up to two hours for about one in four."""
    return rng.randint(1, 120) if rng.random() < 0.25 else 0


plants = st.integers(0, 10**6).map(small_plant)
objectives = st.sampled_from(["makespan", "weighted-tardiness"])


@FAST
@given(plants, objectives)
def test_c3_every_schedule_is_feasible_and_never_worse_than_greedy(problem, objective):
    greedy = best_dispatch(problem, objective)
    assert violations(problem, greedy[1]) == []
    schedule = solve(problem, objective, time_limit=0.3)
    assert violations(problem, schedule.assignments) == []
    assert schedule.lower_bound <= schedule.value <= greedy[2]


@FAST
@given(plants, objectives, st.integers(0, 1000))
def test_c3_one_worker_and_a_seed_give_the_same_plan_twice(problem, objective, seed):
    first = solve(problem, objective, time_limit=0.2, workers=1, seed=seed)
    second = solve(problem, objective, time_limit=0.2, workers=1, seed=seed)
    assert first.assignments == second.assignments


@FAST
@given(plants, st.integers(0, 10**6))
def test_c4_insertion_never_moves_a_frozen_operation(problem, seed):
    rng = random.Random(seed)
    current = solve(problem, "weighted-tardiness", time_limit=0)
    resources = [r.id for r in problem.resources]
    release = rng.randint(0, max(a.end for a in current.assignments) + 10)
    ops = tuple(
        Operation(f"U-{k}", rng.randint(1, 30), (rng.choice(resources),), release + _material(rng))
        for k in range(rng.randint(1, 3))
    )
    urgent = Job("URGENT", ops, release, release + 60, 10)
    bigger = problem.with_job(urgent)
    frozen = frozen_part(current, release)
    for plan in (insert(bigger, current, "URGENT", time_limit=0.3).schedule.assignments, push_later(bigger, current, "URGENT")):
        assert violations(bigger, plan) == []
        placed = {a.operation: a for a in plan}
        assert all(placed[op_id] == a for op_id, a in frozen.items())
        assert all(a.start >= release for a in plan if a.operation not in frozen), "moved into the past"


@FAST
@given(plants, st.integers(0, 10**6))
def test_c7_a_repair_never_starts_work_in_the_past(problem, seed):
    rng = random.Random(seed)
    current = solve(problem, "weighted-tardiness", time_limit=0)
    now = rng.randint(0, max(a.end for a in current.assignments) + 10)
    resource = rng.choice(problem.resources).id
    down = rng.randint(0, now + 60)
    result = repair(problem, current, MachineDown(resource, down, down + rng.randint(1, 90)), now=now, time_limit=0.3)
    assert violations(result.problem, result.schedule.assignments) == []
    started = {a.operation for a in current.assignments if a.start < now}
    assert all(a.start >= now for a in result.schedule.assignments if a.operation not in started)


@FAST
@given(plants, objectives, st.integers(0, 10**6))
def test_c3_e1_no_plan_starts_other_work_on_a_machine_before_the_step_under_way_there_is_done(problem, objective, seed):
    rng = random.Random(seed)
    now = rng.randint(0, 120)
    running = [job.operations[0].id for job in problem.jobs if rng.random() < 0.5]
    held, pinned = under_way(problem, running, now)
    assert set(pinned) == set(running)
    plan = solve(held.from_now(now, pinned), objective, time_limit=0.2, frozen=pinned)
    assert violations(held.from_now(now, pinned), plan.assignments) == []
    for a in plan.assignments:
        if a.operation in pinned:
            assert a == pinned[a.operation]
        elif a.end > a.start:
            busy = [p.end for p in pinned.values() if p.resource == a.resource]
            assert not busy or a.start >= min(busy), (a, pinned)


@FAST
@given(plants, objectives)
def test_c6_no_operation_starts_before_its_own_release_and_the_validator_catches_one_that_does(problem, objective):
    waiting = {op.id: op.release for job in problem.jobs for op in job.operations if op.release}
    assume(waiting)
    plan = solve(problem, objective, time_limit=0).assignments
    assert all(a.start >= waiting.get(a.operation, 0) for a in plan)
    op_id = min(waiting)
    start = waiting[op_id] - 1
    early = tuple(replace(a, start=start, end=start + a.end - a.start) if a.operation == op_id else a for a in plan)
    found = violations(problem, early)
    assert f"{op_id} starts at {start}, before its own release {waiting[op_id]} (its material)" in found


@FAST
@given(plants, st.integers(0, 10**6))
def test_c7_e5_a_repair_of_a_plan_the_floor_is_behind_puts_no_unstarted_work_before_now_nor_in_a_closed_window(
        problem, seed):
    rng = random.Random(seed)
    plan = solve(problem, "weighted-tardiness", time_limit=0)
    now = rng.randint(0, max(a.end for a in plan.assignments) + 10)
    # The floor started only some of what the plan began before now (their routing's first steps).
    started = {job.operations[0].id for job in problem.jobs
               if any(a.operation == job.operations[0].id and a.start < now for a in plan.assignments)
               and rng.random() < 0.5}
    behind = problem.from_now(now, started)
    current = replace(plan, assignments=tuple(right_shift(behind, timeline_with(behind, ()), plan.assignments, {},
                                                          keep_order=False, reroute=True)))
    resource = rng.choice(problem.resources).id
    down = rng.randint(0, now + 60)
    result = repair(behind, current, MachineDown(resource, down, down + rng.randint(1, 90)), now=now,
                    time_limit=rng.choice((0, 0.2)), started=started)
    assert violations(result.problem, result.schedule.assignments, now, started) == []
    for a in result.schedule.assignments:
        assert a.operation in started or a.start >= now
        assert all(a.end <= s or a.start >= e for s, e in result.problem.resource_by_id[a.resource].unavailable
                   if a.end > a.start)


@FAST
@given(plants, st.integers(0, 10**6))
def test_c4_e5_an_insertion_into_a_plan_the_floor_is_behind_puts_no_unstarted_work_before_now(problem, seed):
    rng = random.Random(seed)
    plan = solve(problem, "weighted-tardiness", time_limit=0)
    now = rng.randint(0, max(a.end for a in plan.assignments) + 10)
    started = {job.operations[0].id for job in problem.jobs
               if any(a.operation == job.operations[0].id and a.start < now for a in plan.assignments)
               and rng.random() < 0.5}
    behind = problem.from_now(now, started)
    current = replace(plan, assignments=tuple(right_shift(behind, timeline_with(behind, ()), plan.assignments, {},
                                                          keep_order=False, reroute=True)))
    urgent = Job("URGENT", (Operation("U-1", rng.randint(1, 30), (rng.choice(problem.resources).id,)),), now, now + 60, 10)
    bigger = behind.with_job(urgent)
    result = insert(bigger, current, "URGENT", time_limit=rng.choice((0, 0.2)), started=started)
    assert violations(bigger, result.schedule.assignments, now, started) == []


def test_c7_the_validator_names_unstarted_work_before_now_and_work_in_a_closed_window():
    problem = Problem((Resource("R", ((100, 200),)),), (Job("J", (Operation("J-1", 30, ("R",)),)),))
    early = [Assignment("J", "J-1", "R", 10, 40)]
    assert violations(problem, early) == []
    assert violations(problem, early, now=20, started={"J-1"}) == []
    assert any("before now" in v for v in violations(problem, early, now=20))
    assert any("unavailable" in v for v in violations(problem, [Assignment("J", "J-1", "R", 90, 120)]))
