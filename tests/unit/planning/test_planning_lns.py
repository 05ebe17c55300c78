"""Large-neighbourhood search and its neighbourhoods; the weighted latest-start dispatch rule."""

import random

from jidan.planning import lns, neighbourhoods
from jidan.planning.dispatch import best_dispatch, classic_rules
from jidan.planning.generate import generate_plant
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.result import evaluate, late_jobs
from jidan.planning.validate import violations

PLANT = generate_plant(60, seed=4, work_centers=9)
START = best_dispatch(PLANT, "weighted-tardiness", rules=classic_rules(PLANT, "weighted-tardiness"))[1]


def test_c3_a_time_window_frees_about_size_operations_and_never_a_frozen_one():
    frozen = {a.operation: a for a in START if a.start < 1000}
    area = neighbourhoods.time_window(START, frozen, 40, random.Random(1))
    moving = PLANT.operation_count - len(area.fixed)
    assert 0 < moving <= 80
    assert frozen.keys() <= area.fixed.keys()
    assert all(area.fixed[op] == a for op, a in frozen.items())


def test_c3_a_machine_window_frees_the_late_order_and_only_work_on_its_machines():
    late = sorted(late_jobs(PLANT, START))[0]
    area = neighbourhoods.machine_window(PLANT, START, {}, late, 30, random.Random(2))
    job = PLANT.job(late)
    machines = {r for op in job.operations for r in op.resources}
    assert all(op.id not in area.fixed for op in job.operations)
    freed = [a for a in START if a.operation not in area.fixed]
    assert all(a.resource in machines for a in freed if a.job != late)
    assert set(area.shifted.values()) <= machines


def test_c3_lns_keeps_frozen_work_returns_a_valid_plan_and_never_a_worse_one():
    frozen = {a.operation: a for a in START if a.start < 600}
    frozen = {op.id: frozen[op.id] for job in PLANT.jobs for op in _leading(job, frozen)}
    before = evaluate(PLANT, START, "weighted-tardiness")
    result = lns.improve(PLANT, "weighted-tardiness", START, frozen, time_limit=0.8, seed=5)
    assert violations(PLANT, result) == []
    placed = {a.operation: a for a in result}
    assert all(placed[op] == a for op, a in frozen.items())
    assert evaluate(PLANT, result, "weighted-tardiness") < before


def test_c3_lns_on_makespan_works_around_the_jobs_that_finish_last():
    start = best_dispatch(PLANT, "makespan")[1]
    result = lns.improve(PLANT, "makespan", start, {}, time_limit=0.5, seed=6)
    assert violations(PLANT, result) == []
    assert evaluate(PLANT, result, "makespan") <= evaluate(PLANT, start, "makespan")


def _leading(job, frozen):
    ops = []
    for op in job.operations:
        if op.id not in frozen:
            break
        ops.append(op)
    return ops


def test_c3_weighted_latest_start_puts_a_heavy_long_order_before_a_light_short_one():
    problem = Problem(
        (Resource("WC11"),),
        (
            Job("SO-1/1", (Operation("SO-1/1-10", 10, ("WC11",)),), due=100, weight=1),
            Job("SO-2/1", (Operation("SO-2/1-10", 100, ("WC11",)),), due=105, weight=4),
        ),
    )
    classic = best_dispatch(problem, "weighted-tardiness", rules=classic_rules(problem, "weighted-tardiness"))
    rule, _, value = best_dispatch(problem, "weighted-tardiness")
    assert classic[2] == 20  # EDD: the short order first, the heavy one 5 minutes late
    assert (rule.startswith("lst"), value) == (True, 10)


def test_c3_a_whole_model_solve_cut_short_keeps_a_valid_plan_and_an_honest_bound():
    from jidan.planning import solve as solve_module

    rng = random.Random(8)
    machines = [f"M{m}" for m in range(6)]
    jobs = tuple(
        Job(f"J{j}", tuple(Operation(f"J{j}-{k}", rng.randint(1, 30), (m,)) for k, m in enumerate(rng.sample(machines, 6))))
        for j in range(8)
    )
    problem = Problem(tuple(Resource(m) for m in machines), jobs)
    greedy = best_dispatch(problem, "makespan")[2]
    schedule = solve_module.solve(problem, "makespan", time_limit=0.8)
    assert violations(problem, schedule.assignments) == []
    assert schedule.lower_bound <= schedule.value <= greedy
    assert schedule.value == evaluate(problem, schedule.assignments, "makespan")
