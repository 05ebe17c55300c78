"""A promise on a large plan (A5, B2, C4; issue 20 section 4): the insertion moves only the orders
around the urgent one and its plan is still a plan of the whole; the loaded plan's shortcuts
(a whole plan booked at once, a plan loaded again as a copy, an order's own work taken out)
answer exactly as building the index from scratch would."""
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jidan.planning import cpsat
from jidan.planning.formats import problem_from_dict, problem_to_dict
from jidan.planning.generate import generate_plant, generate_plant_with_setups
from jidan.planning.insert import frozen_part, insert, local_problem
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.promise import LoadedPlan
from jidan.planning.result import Assignment
from jidan.planning.shift import timeline_with
from jidan.planning.solve import solve
from jidan.planning.timeline import Timeline
from jidan.planning.validate import violations
from tests.planning_instances import every_plan_large

FAST = settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))


def plant_and_urgent(seed: int):
    rng = random.Random(seed)
    problem = generate_plant(rng.randint(8, 20), seed=seed, work_centers=rng.randint(3, 6))
    current = solve(problem, "weighted-tardiness", time_limit=0)
    resources = [r.id for r in problem.resources]
    release = rng.randint(0, max(a.end for a in current.assignments))
    ops = tuple(Operation(f"U-{k}", rng.randint(10, 300), tuple(rng.sample(resources, rng.randint(1, 2))))
                for k in range(rng.randint(1, 3)))
    return problem, current, Job("URGENT", ops, release, release + 600, 10)


@FAST
@given(st.integers(0, 10**6))
def test_c4_a_local_insertion_on_a_large_plan_is_a_plan_of_the_whole_moving_only_the_free_orders(seed):
    problem, current, urgent = plant_and_urgent(seed)
    bigger = problem.with_job(urgent)
    part = local_problem(bigger, current, [urgent])
    with every_plan_large():
        result = insert(bigger, current, "URGENT", time_limit=0, workers=1, seed=0)
    plan = result.schedule.assignments
    assert violations(bigger, plan) == []
    placed = {a.operation: a for a in plan}
    assert all(placed[a.operation] == a for a in part.outside), "an order outside the window moved"
    assert all(placed[op] == a for op, a in frozen_part(current, urgent.release).items())
    assert {s.job for s in result.impact.slipped} <= set(part.problem.job_by_id)


@FAST
@given(st.integers(0, 10**6))
def test_c2_c4_with_setups_a_local_insertion_keeps_the_work_outside_its_window_in_place_and_changes_over_next_to_it(seed):
    rng = random.Random(seed)
    problem = generate_plant_with_setups(rng.randint(8, 20), seed=seed)
    current = solve(problem, "weighted-tardiness", time_limit=0)
    model = rng.choice(problem.jobs)
    release = rng.randint(0, max(a.end for a in current.assignments))
    urgent = Job("URGENT", tuple(Operation(f"U-{k}", o.duration, o.resources, family=o.family)
                                 for k, o in enumerate(model.operations)), release, release + 2 * model.work, 10)
    bigger = problem.with_job(urgent)
    part = local_problem(bigger, current, [urgent])
    occupied = {(r.id, s, e, f) for r in part.problem.resources for s, e, f in r.occupied}
    assert occupied == {(a.resource, a.start, a.end, bigger.family(a.operation)) for a in part.outside if a.end > a.start}
    with every_plan_large():
        result = insert(bigger, current, "URGENT", time_limit=0, workers=1, seed=0)
    plan = result.schedule.assignments
    assert violations(bigger, plan) == []  # every changeover, next to the work outside too
    placed = {a.operation: a for a in plan}
    assert all(placed[a.operation] == a for a in part.outside), "an order outside the window moved"
    assert {s.job for s in result.impact.slipped} <= set(part.problem.job_by_id)


def test_c2_occupied_work_holds_its_resource_and_its_changeovers_in_the_validator_the_timeline_and_cpsat():
    line = Resource("SMT", (), (("A", "B", 30), ("B", "A", 20)), occupied=((100, 200, "A"),))
    problem = Problem((line,), (Job("X", (Operation("X-1", 50, ("SMT",), family="B"),), 0, 1000),))
    assert violations(problem, [Assignment("X", "X-1", "SMT", 60, 110)])  # overlaps the work
    assert violations(problem, [Assignment("X", "X-1", "SMT", 210, 260)])  # no changeover from A
    assert violations(problem, [Assignment("X", "X-1", "SMT", 40, 90)])  # none into A after it
    assert violations(problem, [Assignment("X", "X-1", "SMT", 30, 80)]) == []
    assert Timeline(problem).earliest_start("SMT", 0, 50, "B") == 0
    assert Timeline(problem).earliest_start("SMT", 40, 50, "B") == 230
    plan = cpsat.build(problem, cpsat.Neighbourhood(fixed={}, horizon=1000))
    start = plan.starts["X-1"]
    plan.model.minimize(start)
    plan.model.add(start >= 40)
    found = cpsat.run(plan, 5, 1, 0).assignments
    assert found[0].start == 230 and violations(problem, found) == []
    assert problem_from_dict(problem_to_dict(problem)) == problem


@FAST
@given(st.integers(0, 10**6), st.integers(0, 10**6))
def test_b2_the_loaded_plan_answers_as_an_index_built_from_scratch(seed, pick):
    problem, current, urgent = plant_and_urgent(seed)
    rng = random.Random(pick)
    fresh = Timeline(problem)
    for a in current.assignments:
        fresh.book(a.resource, a.start, a.end)
    ops = [(op, rng.randint(0, 2000)) for op in urgent.operations]
    bulk = timeline_with(problem, current.assignments)
    LoadedPlan(problem, current)
    again = LoadedPlan(problem, current)._timeline  # a copy of the last plan loaded
    assert [bulk.best_placement(op, ready) for op, ready in ops] == [fresh.best_placement(op, ready) for op, ready in ops]
    assert [again.best_placement(op, ready) for op, ready in ops] == [fresh.best_placement(op, ready) for op, ready in ops]
    gone = [a for a in current.assignments if a.job == rng.choice(problem.jobs).id]
    rest = type(current)(current.status, current.objective, current.value, current.lower_bound,
                         tuple(a for a in current.assignments if a not in gone))
    assert (LoadedPlan(problem, current).without(gone).earliest_completion(urgent)
            == LoadedPlan(problem, rest).earliest_completion(urgent))
    closed = problem.resources[0]
    changed = problem.with_resources((Resource(closed.id, closed.unavailable + ((5000, 5600),)),
                                      *problem.resources[1:]))
    LoadedPlan(problem, current)
    kept = LoadedPlan(changed, current)  # the last plan, its changed work center built again
    copied = type(current)(current.status, current.objective, current.value, current.lower_bound,
                           tuple(list(current.assignments)))
    assert kept.earliest_completion(urgent) == LoadedPlan(changed, copied).earliest_completion(urgent)
