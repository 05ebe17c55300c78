"""Lots of several shifts (issue 25 §2, B2, C1, C3, C4): a breakable operation pauses over its
resource's closed windows and goes on after them, so a step of any quantity is a few operations.
Every planner places such lots, and the validator holds them to their working minutes."""

import random
import time
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jidan.planning import cpsat
from jidan.planning.dispatch import best_dispatch
from jidan.planning.insert import insert, local_problem, push_later
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.promise import LoadedPlan
from jidan.planning.repair import MachineDown, repair
from jidan.planning.result import Assignment
from jidan.planning.solve import solve
from jidan.planning.timeline import Timeline
from jidan.planning.validate import violations
from tests.planning_instances import every_plan_large

FAST = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
NIGHTS = tuple((d * 1440 + 1320, d * 1440 + 1920) for d in range(60))  # open 08:00–22:00, day 0 from 08:00


def test_c1_issue25_a_lot_begun_before_the_night_ends_its_working_minutes_the_next_day():
    line = Resource("SMT1", NIGHTS)
    assert line.finish(1200, 120) == 1320  # ends as the line closes
    assert line.finish(1200, 200) == 1920 + 80  # 120 before the night, 80 after it
    assert line.finish(1400, 30) == 1950  # begun in the night: works from the morning
    assert line.open_pieces(1200, 2000) == [(1200, 1320), (1920, 2000)]


def test_c1_issue25_a_timeline_places_a_lot_over_the_night_but_never_over_booked_work():
    problem = Problem((Resource("SMT1", NIGHTS),), (Job("J", (Operation("J-1", 200, ("SMT1",), breakable=True),)),))
    lot = problem.jobs[0].operations[0]
    timeline = Timeline(problem)
    resource, start = timeline.best_placement(lot, 1200)
    assert (resource, start, timeline.end(resource, start, lot)) == ("SMT1", 1200, 2000)
    timeline.book("SMT1", 1200, 2000)
    assert timeline.earliest_start("SMT1", 1300, 10) == 2000  # the night stays closed, the morning is taken
    timeline.free("SMT1", 1200, 2000)
    assert timeline.earliest_start("SMT1", 1300, 10) == 1300
    timeline.book("SMT1", 1950, 1960)  # work booked in the morning: the lot must wait for it
    assert timeline.earliest_start("SMT1", 1200, 200, breakable=True) == 1960


def test_c1_issue25_the_validator_holds_a_lot_to_its_working_minutes_and_its_pieces_to_the_machine():
    problem = Problem((Resource("SMT1", NIGHTS),), (
        Job("J", (Operation("J-1", 200, ("SMT1",), breakable=True),)),
        Job("K", (Operation("K-1", 30, ("SMT1",)),)),
    ))
    fine = [Assignment("J", "J-1", "SMT1", 1200, 2000), Assignment("K", "K-1", "SMT1", 2000, 2030)]
    assert violations(problem, fine) == []
    uninterrupted = [Assignment("J", "J-1", "SMT1", 1200, 1400), fine[1]]
    assert any("works 120 min" in v for v in violations(problem, uninterrupted))
    overlapping = [fine[0], Assignment("K", "K-1", "SMT1", 1950, 1980)]
    assert any("overlaps" in v for v in violations(problem, overlapping))
    rigid = Problem(problem.resources, (Job("J", (Operation("J-1", 200, ("SMT1",)),)), problem.jobs[1]))
    assert any("lasts 800 min" in v for v in violations(rigid, fine))  # a rigid step may not pause


def lots_plant(seed: int) -> Problem:
    """Up to 6 jobs on up to 3 lines closed every night (and now and then for a breakdown); some
    steps are lots of several shifts that pause overnight, the others fit in a day."""
    rng = random.Random(seed)
    names = [f"R{i}" for i in range(rng.randint(1, 3))]
    resources = []
    for name in names:
        down = rng.randint(0, 3000)
        extra = ((down, down + rng.randint(10, 300)),) if rng.random() < 0.4 else ()
        resources.append(Resource(name, NIGHTS[: rng.randint(3, 12)] + extra))
    jobs = []
    for j in range(rng.randint(1, 6)):
        ops = []
        for k in range(rng.randint(1, 3)):
            long = rng.random() < 0.4
            ops.append(Operation(f"J{j}-{k}", rng.randint(300, 2500) if long else rng.randint(1, 200),
                                 tuple(rng.sample(names, rng.randint(1, len(names)))), breakable=long))
        release = rng.randint(0, 1500)
        jobs.append(Job(f"J{j}", tuple(ops), release, release + rng.randint(500, 5000), rng.randint(1, 5)))
    return Problem(tuple(resources), tuple(jobs))


plants = st.integers(0, 10**6).map(lots_plant)


@FAST
@given(plants, st.sampled_from(["makespan", "weighted-tardiness"]))
def test_c3_issue25_every_plan_of_a_plant_with_lots_is_feasible_and_no_worse_than_greedy(problem, objective):
    greedy = best_dispatch(problem, objective)
    assert violations(problem, greedy[1]) == []
    schedule = solve(problem, objective, time_limit=0.3)
    assert violations(problem, schedule.assignments) == []
    assert schedule.value <= greedy[2]


@FAST
@given(plants, st.integers(0, 10**6))
def test_c4_issue25_an_urgent_lot_is_inserted_promised_and_pushed_feasibly(problem, seed):
    rng = random.Random(seed)
    current = solve(problem, "weighted-tardiness", time_limit=0)
    release = rng.randint(0, 2000)
    resources = [r.id for r in problem.resources]
    urgent = Job("URGENT", (Operation("U-1", rng.randint(300, 2000), (rng.choice(resources),), breakable=True),
                            Operation("U-2", rng.randint(1, 100), (rng.choice(resources),))), release, release + 2000, 10)
    bigger = problem.with_job(urgent)
    for plan in (insert(bigger, current, "URGENT", time_limit=0.3).schedule.assignments,
                 push_later(bigger, current, "URGENT")):
        assert violations(bigger, plan) == []
    promise = LoadedPlan(problem, current).earliest_completion(urgent)
    assert violations(bigger, (*current.assignments, *promise.assignments)) == []


@FAST
@given(plants, st.integers(0, 10**6))
def test_c7_issue25_a_repair_of_a_plant_with_lots_is_feasible(problem, seed):
    rng = random.Random(seed)
    current = solve(problem, "weighted-tardiness", time_limit=0)
    resource = rng.choice(problem.resources).id
    now = rng.randint(0, 2000)
    result = repair(problem, current, MachineDown(resource, now, now + rng.randint(30, 600)), now=now, time_limit=0.3)
    assert violations(result.problem, result.schedule.assignments) == []


@pytest.mark.parametrize("minutes", [10**4, 10**6])
def test_c1_issue25_a_plan_of_eight_lots_takes_as_long_whatever_their_minutes(minutes):
    """The model is the routing's lots, not its shifts: a million minutes plan as fast as ten thousand."""
    nights = tuple((d * 1440 + 1320, d * 1440 + 1920) for d in range(1200))
    problem = Problem((Resource("SMT1", nights), Resource("SMT2", nights)), tuple(
        Job(f"J{j}", tuple(Operation(f"J{j}-{k}", minutes // 8, ("SMT1", "SMT2"), breakable=True) for k in range(8)),
            due=minutes // 2) for j in range(3)))
    started = time.monotonic()
    schedule = solve(problem, "weighted-tardiness", time_limit=1)
    assert time.monotonic() - started < 5
    assert len(schedule.assignments) == 24 and violations(problem, schedule.assignments) == []


def test_c3_issue25_cpsat_keeps_a_lot_where_the_plan_it_improves_has_it_and_fits_the_rest_around_it():
    problem = Problem((Resource("R", NIGHTS[:5]),), (
        Job("A", (Operation("A-1", 1500, ("R",), breakable=True),), due=3000, weight=1),
        Job("B", (Operation("B-1", 60, ("R",)),), due=3000, weight=5),
    ))
    start = (Assignment("A", "A-1", "R", 0, 2100), Assignment("B", "B-1", "R", 2100, 2160))  # over the first night
    area = cpsat.Neighbourhood(fixed={}, horizon=5000)
    with pytest.raises(ValueError):
        cpsat.build(problem, area)  # a lot needs a place to stay
    plan = cpsat.build(problem, area, start)
    plan.model.minimize(cpsat.makespan_objective(plan))
    outcome = cpsat.run(plan, 1.0, workers=1, seed=1)
    assert outcome.optimal and violations(problem, outcome.assignments) == []
    assert start[0] in outcome.assignments  # the lot stayed, over the night; B goes on after it
    assert next(a for a in outcome.assignments if a.operation == "B-1").start == 2100


def lots_plant_with_setups(seed: int) -> Problem:
    """`lots_plant` whose lines change over between three product families (C2): lots and set-ups
    together."""
    rng = random.Random(seed)
    plant = lots_plant(seed)
    families = ("A", "B", "C")
    resources = tuple(replace(r, setups=tuple((a, b, rng.randint(0, 90)) for a in families for b in families if a != b))
                      for r in plant.resources)
    jobs = tuple(replace(j, operations=tuple(replace(op, family=rng.choice(families)) for op in j.operations))
                 for j in plant.jobs)
    return Problem(resources, jobs)


@FAST
@given(st.integers(0, 10**6).map(lots_plant_with_setups), st.integers(0, 10**6))
def test_c2_c3_c4_issue25_lots_over_closed_hours_keep_their_changeovers_in_every_plan(problem, seed):
    rng = random.Random(seed)
    schedule = solve(problem, "weighted-tardiness", time_limit=0.3)
    assert violations(problem, schedule.assignments) == []
    resources = [r.id for r in problem.resources]
    urgent = Job("URGENT", (Operation("U-1", rng.randint(300, 2000), (rng.choice(resources),), family="B",
                                      breakable=True),), rng.randint(0, 2000), 4000, 10)
    bigger = problem.with_job(urgent)
    assert violations(bigger, insert(bigger, schedule, "URGENT", time_limit=0.3).schedule.assignments) == []
    promise = LoadedPlan(problem, schedule).earliest_completion(urgent)
    assert violations(bigger, (*schedule.assignments, *promise.assignments)) == []


@FAST
@given(st.integers(0, 10**6), st.booleans(), st.integers(0, 10**6))
def test_c2_c4_issue25_a_local_insertion_of_a_lot_pauses_only_over_closed_hours_never_over_the_work_left_in_place(
        plant_seed, setups, seed):
    problem = (lots_plant_with_setups if setups else lots_plant)(plant_seed)
    rng = random.Random(seed)
    current = solve(problem, "weighted-tardiness", time_limit=0)
    resources = [r.id for r in problem.resources]
    release = rng.randint(0, 2000)
    urgent = Job("URGENT", (Operation("U-1", rng.randint(300, 2000), (rng.choice(resources),), family="B",
                                      breakable=True),), release, release + 2000, 10)
    bigger = problem.with_job(urgent)
    part = local_problem(bigger, current, [urgent])
    with every_plan_large():
        plan = insert(bigger, current, "URGENT", time_limit=0.3).schedule.assignments
    assert violations(bigger, plan) == []
    placed = {a.operation: a for a in plan}
    assert all(placed[a.operation] == a for a in part.outside)
