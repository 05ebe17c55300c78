"""Set-ups (issue 25 §3): every planner's output keeps the changeovers, checked on many small
random plants with product families and set-up matrices; the validator catches a gap too short."""

import random
from dataclasses import replace

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from jidan.planning.dispatch import best_dispatch, dispatch, rules_for
from jidan.planning.insert import insert, push_later
from jidan.planning.levers import options
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.promise import LoadedPlan, earliest_with_insertion
from jidan.planning.repair import MachineDown, MaterialLate, repair
from jidan.planning.shift import under_way
from jidan.planning.solve import solve
from jidan.planning.validate import violations
from tests.planning_instances import downtime

FAST = settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
FAMILIES = "ABCD"


def plant_with_setups(seed: int) -> Problem:
    """Up to 7 jobs on up to 3 resources with downtime and alternatives; each job makes one of up
    to four families, and most resources change over between them (0-40 min, not symmetric)."""
    rng = random.Random(seed)
    families = FAMILIES[: rng.randint(1, 4)]
    names = [f"R{i}" for i in range(rng.randint(1, 3))]
    resources = []
    for name in names:
        windows = downtime(rng)
        setups = () if rng.random() < 0.2 else tuple(
            (a, b, rng.randint(0, 40)) for a in families for b in families if a != b or rng.random() < 0.2)
        resources.append(Resource(name, windows, setups))
    jobs = []
    for j in range(rng.randint(1, 7)):
        family = rng.choice(families)
        ops = tuple(
            Operation(f"J{j}-{k}", rng.randint(0, 30), tuple(rng.sample(names, rng.randint(1, len(names)))),
                      rng.randint(1, 90) if rng.random() < 0.2 else 0, family=family)
            for k in range(rng.randint(1, 3))
        )
        release = rng.randint(0, 50)
        jobs.append(Job(f"J{j}", ops, release, release + rng.randint(10, 150), rng.randint(0, 4)))
    return Problem(tuple(resources), tuple(jobs))


plants = st.integers(0, 10**6).map(plant_with_setups)
objectives = st.sampled_from(["makespan", "weighted-tardiness"])


def _urgent(problem: Problem, rng: random.Random, release: int) -> Job:
    resources = [r.id for r in problem.resources]
    family = rng.choice(FAMILIES)
    ops = tuple(Operation(f"U-{k}", rng.randint(1, 30), (rng.choice(resources),), family=family)
                for k in range(rng.randint(1, 3)))
    return Job("URGENT", ops, release, release + 60, 10)


@FAST
@given(plants, objectives)
def test_c2_c3_every_dispatch_rule_and_the_solver_keep_every_changeover(problem, objective):
    for name, rule in rules_for(problem, objective).items():
        assert violations(problem, dispatch(problem, rule)) == [], name
    schedule = solve(problem, objective, time_limit=0.3)
    assert violations(problem, schedule.assignments) == []
    assert schedule.value <= best_dispatch(problem, objective)[2]


@FAST
@given(plants, st.integers(0, 10**6))
def test_c3_c4_insertion_push_later_and_promises_keep_every_changeover(problem, seed):
    rng = random.Random(seed)
    current = solve(problem, "weighted-tardiness", time_limit=0)
    release = rng.randint(0, max(a.end for a in current.assignments) + 10)
    urgent = _urgent(problem, rng, release)
    bigger = problem.with_job(urgent)
    inserted = insert(bigger, current, "URGENT", time_limit=rng.choice((0, 0.3)))
    assert violations(bigger, inserted.schedule.assignments) == []
    assert violations(bigger, push_later(bigger, current, "URGENT")) == []
    promise = LoadedPlan(problem, current).earliest_completion(urgent)
    assert violations(bigger, (*current.assignments, *promise.assignments)) == []
    # (its own plan is checked inside; no bound on its date: a changeover matrix need not obey the
    # triangle inequality, so work put between two operations can make the second start sooner)
    with_insertion = earliest_with_insertion(problem, current, urgent, time_limit=0)
    assert with_insertion.completion >= urgent.release + sum(op.duration for op in urgent.operations)


@FAST
@given(plants, st.integers(0, 10**6))
def test_c7_a_repair_keeps_every_changeover(problem, seed):
    rng = random.Random(seed)
    current = solve(problem, "weighted-tardiness", time_limit=0)
    now = rng.randint(0, max(a.end for a in current.assignments) + 10)
    if rng.random() < 0.5:
        down = rng.randint(0, now + 60)
        disturbance = MachineDown(rng.choice(problem.resources).id, down, down + rng.randint(1, 90))
    else:
        disturbance = MaterialLate(rng.choice(problem.jobs).id, now + rng.randint(0, 120))
    result = repair(problem, current, disturbance, now=now, time_limit=rng.choice((0, 0.3)))
    assert violations(result.problem, result.schedule.assignments) == []


@FAST
@given(plants, objectives)
def test_c2_the_validator_names_a_changeover_gap_shrunk_below_the_setup(problem, objective):
    plan = list(solve(problem, objective, time_limit=0).assignments)
    setups = {}
    for r in problem.resources:
        busy = sorted((a for a in plan if a.resource == r.id and a.end > a.start), key=lambda a: a.start)
        for before, after in zip(busy, busy[1:]):
            minutes = r.setup(problem.family(before.operation), problem.family(after.operation))
            if minutes:
                setups[after.operation] = (before, after, minutes)
    assume(setups)
    before, after, minutes = setups[min(setups)]
    start = before.end + minutes - 1  # one minute short of the changeover
    shrunk = [replace(a, start=start, end=start + a.end - a.start) if a.operation == after.operation else a for a in plan]
    found = violations(problem, shrunk)
    assert any(after.operation in v and before.operation in v and after.resource in v and f"{minutes} min" in v
               for v in found), found


@FAST
@given(plants, objectives, st.integers(0, 10**6))
def test_c3_e1_work_under_way_is_frozen_and_the_solver_keeps_the_changeovers_around_it(problem, objective, seed):
    rng = random.Random(seed)
    now = rng.randint(0, 120)
    running = [job.operations[0].id for job in problem.jobs if rng.random() < 0.5]
    held, pinned = under_way(problem, running, now)
    planned = held.from_now(now, pinned)
    plan = solve(planned, objective, time_limit=0.3, frozen=pinned)
    assert violations(planned, plan.assignments) == []
    assert all(a == pinned[a.operation] for a in plan.assignments if a.operation in pinned)


@FAST
@given(plants, st.integers(0, 10**6))
def test_b2_c5_levers_answer_on_a_plant_with_setups(problem, seed):
    rng = random.Random(seed)
    current = solve(problem, "weighted-tardiness", time_limit=0)
    urgent = _urgent(problem, rng, rng.randint(0, 100))
    found = options(problem, current, urgent, insertion_time_limit=0)
    assert {o.lever for o in found} >= {"partial_delivery", "insertion"}
    assert all(o.completion >= urgent.release for o in found)
