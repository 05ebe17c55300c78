"""The tabu search on machine sequences (C3): valid, never worse, reproducible, and strong."""

import random
import threading
import time
from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jidan.planning import elsewhere, tabu
from jidan.planning.dispatch import best_dispatch, rules_for
from jidan.planning.formats import parse_orlib
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.result import Assignment, makespan
from jidan.planning.solve import TABU_ALONE_FROM, TABU_FROM, solve, tabu_share
from jidan.planning.validate import violations
from tests.planning_instances import FT06

FAST = settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def job_shop(seed: int) -> Problem:
    """Up to 8 jobs on up to 5 machines without downtime: alternatives, releases of jobs and of
    single steps, and steps that take no time."""
    rng = random.Random(seed)
    names = [f"M{i}" for i in range(rng.randint(1, 5))]
    jobs = []
    for j in range(rng.randint(1, 8)):
        ops = tuple(
            Operation(
                f"J{j}-{k}",
                rng.choice([0, rng.randint(1, 40)]) if rng.random() < 0.1 else rng.randint(1, 40),
                tuple(rng.sample(names, rng.randint(1, min(2, len(names))))),
                rng.randint(1, 60) if rng.random() < 0.2 else 0,
            )
            for k in range(rng.randint(1, 5))
        )
        jobs.append(Job(f"J{j}", ops, rng.randint(0, 30), 500))
    return Problem(tuple(Resource(n) for n in names), tuple(jobs))


shops = st.integers(0, 10**6).map(job_shop)


@FAST
@given(shops, st.integers(0, 1000))
def test_c3_the_tabu_search_returns_a_valid_plan_no_longer_than_its_start_with_every_step_on_its_machine(problem, seed):
    _, start, length = best_dispatch(problem, "makespan")
    plan = tabu.improve(problem, start, 0.01, seed=seed, deterministic=True)
    assert violations(problem, plan) == []
    assert makespan(problem, plan) <= length
    assert {a.operation: a.resource for a in plan} == {a.operation: a.resource for a in start}


@FAST
@given(shops, st.integers(0, 1000))
def test_c3_the_tabu_search_with_a_seed_and_counted_work_makes_the_same_plan_twice(problem, seed):
    _, start, _ = best_dispatch(problem, "makespan")
    first = tabu.improve(problem, start, 0.01, seed=seed, deterministic=True)
    assert tabu.improve(problem, start, 0.01, seed=seed, deterministic=True) == first


@FAST
@given(shops, st.integers(0, 1000))
def test_c3_a_tabu_search_that_jumps_back_to_elite_plans_every_few_steps_returns_a_valid_plan_no_longer_than_its_start(
    problem, seed
):
    _, start, length = best_dispatch(problem, "makespan")
    kept = tabu.STALL_STEPS
    tabu.STALL_STEPS = 2  # a back jump (or, with no elite plan left, a shake) every third step
    try:
        plan = tabu.improve(problem, start, 0.01, seed=seed, deterministic=True)
    finally:
        tabu.STALL_STEPS = kept
    assert violations(problem, plan) == []
    assert makespan(problem, plan) <= length


def test_c3_back_jumps_keep_the_tabu_search_reproducible_and_finding_the_ft06_optimum(monkeypatch):
    problem = parse_orlib(FT06)
    _, start, _ = best_dispatch(problem, "makespan")
    monkeypatch.setattr(tabu, "STALL_STEPS", 20)
    plan = tabu.improve(problem, start, 1.0, seed=1, deterministic=True)
    assert makespan(problem, plan) == 55
    assert tabu.improve(problem, start, 1.0, seed=1, deterministic=True) == plan


@FAST
@given(shops, st.integers(0, 1000))
def test_c3_a_makespan_solve_of_a_job_shop_is_valid_never_worse_than_greedy_and_reproducible(problem, seed):
    _, _, greedy = best_dispatch(problem, "makespan")
    first = solve(problem, "makespan", time_limit=0.2, workers=1, seed=seed)
    assert violations(problem, first.assignments) == []
    assert first.lower_bound <= first.value <= greedy
    assert solve(problem, "makespan", time_limit=0.2, workers=1, seed=seed).assignments == first.assignments


@FAST
@given(shops, st.integers(0, 1000))
def test_c3_after_each_move_the_mended_order_heads_and_tails_equal_those_computed_from_scratch(problem, seed):
    rng = random.Random(seed)
    _, start, _ = best_dispatch(problem, "makespan")
    graph = tabu._Graph(problem, start)
    assert graph.times()
    for _ in range(30):
        moves = tabu._moves(graph, tabu._critical_blocks(graph))
        if not moves:
            break
        before, _ = graph.apply(rng.choice(moves))
        if before is None:  # a cycle: the move was taken back
            continue
        assert all(graph.rank[a] < graph.rank[b] for a, b in _arcs(graph))
        mended = (list(graph.head), list(graph.tail))
        assert graph.times()
        assert mended == (graph.head, graph.tail)


def _arcs(graph):
    """Every routing and machine arc of the graph's current sequences."""
    for o, after in enumerate(graph.job_next):
        if after >= 0:
            yield o, after
    for sequence in graph.sequences:
        yield from zip(sequence, sequence[1:])


def test_c3_the_tabu_search_alone_finds_the_ft06_optimum_from_the_greedy_plan():
    problem = parse_orlib(FT06)
    _, start, length = best_dispatch(problem, "makespan")
    assert length > 55
    plan = tabu.improve(problem, start, 1.0, seed=1, deterministic=True)
    assert makespan(problem, plan) == 55


def test_c3_the_tabu_search_stops_as_soon_as_its_plan_is_as_short_as_the_lower_bound():
    problem = parse_orlib(FT06)
    _, start, _ = best_dispatch(problem, "makespan")
    clock = time.monotonic()
    plan = tabu.improve(problem, start, 60.0, seed=1, lower_bound=55)
    assert makespan(problem, plan) == 55
    assert time.monotonic() - clock < 10


def test_c3_the_tabu_search_stays_out_of_plans_with_downtime_or_frozen_work():
    shop = parse_orlib(FT06)
    assert tabu.applies(shop, {})
    down = shop.with_resources((Resource("M0", ((10, 20),)),) + shop.resources[1:])
    assert not tabu.applies(down, {})
    first = shop.jobs[0].operations[0]
    assert not tabu.applies(shop, {first.id: Assignment(shop.jobs[0].id, first.id, "M2", 0, 1)})


@pytest.mark.parametrize(("operations", "share"), [(100, 0.0), (TABU_FROM, 0.0), (180, 0.6), (TABU_ALONE_FROM, 1.0), (2000, 1.0)])
def test_c3_the_tabu_search_gets_no_share_of_a_small_job_shop_search_and_a_larger_one_the_larger_the_shop(operations, share):
    jobs = tuple(Job(f"J{j}", tuple(Operation(f"J{j}-{k}", 5, ("M0",)) for k in range(10))) for j in range(operations // 10))
    assert tabu_share(Problem((Resource("M0"),), jobs)) == pytest.approx(share)


def _shop(jobs: int = 30) -> Problem:
    """`jobs` jobs of eight steps on eight machines."""
    rng = random.Random(7)
    machines = [f"M{i}" for i in range(8)]
    jobs = tuple(
        Job(f"J{j}", tuple(Operation(f"J{j}-{k}", rng.randint(1, 50), (m,)) for k, m in enumerate(rng.sample(machines, 8))))
        for j in range(jobs)
    )
    return Problem(tuple(Resource(m) for m in machines), jobs)


def test_c3_a_makespan_solve_of_a_larger_job_shop_is_at_least_as_good_as_its_tabu_phase_and_reproducible():
    problem = _shop(22)
    _, start, greedy = best_dispatch(problem, "makespan", {}, rules_for(problem, "makespan"))
    phase = tabu.improve(problem, start, tabu_share(problem) * 0.5, seed=3, deterministic=True)
    assert 0 < tabu_share(problem) < 1 and makespan(problem, phase) < greedy
    first = solve(problem, "makespan", time_limit=0.5, workers=1, seed=3)
    assert violations(problem, first.assignments) == []
    assert first.value <= makespan(problem, phase)
    assert solve(problem, "makespan", time_limit=0.5, workers=1, seed=3).assignments == first.assignments


def test_c3_with_two_workers_two_tabu_searches_run_at_once_and_the_plan_is_valid_and_no_worse_than_greedy():
    problem = _shop()
    _, _, greedy = best_dispatch(problem, "makespan", {}, rules_for(problem, "makespan"))
    schedule = solve(problem, "makespan", time_limit=1.0, workers=2)
    assert violations(problem, schedule.assignments) == []
    assert schedule.lower_bound <= schedule.value < greedy


def _bottleneck() -> Problem:
    """30 jobs of eight steps, the long ones on M0: a plan as short as M0's load exists, and
    the best dispatch rule misses it."""
    rng = random.Random(0)
    machines = [f"M{i}" for i in range(8)]
    jobs = tuple(
        Job(f"J{j}", tuple(Operation(f"J{j}-{k}", rng.randint(20, 30) if m == "M0" else rng.randint(1, 12), (m,))
                           for k, m in enumerate(rng.sample(machines, 8))))
        for j in range(30)
    )
    return Problem(tuple(Resource(m) for m in machines), jobs)


def test_c3_a_two_worker_job_shop_solve_ends_as_soon_as_a_search_reaches_the_lower_bound():
    problem = _bottleneck()
    _, _, greedy = best_dispatch(problem, "makespan", {}, rules_for(problem, "makespan"))
    clock = time.monotonic()
    schedule = solve(problem, "makespan", time_limit=30.0, workers=2)
    assert schedule.status == "optimal" and schedule.value == schedule.lower_bound < greedy
    assert time.monotonic() - clock < 10


def test_c3_a_tabu_search_in_another_process_stops_when_told_and_sends_back_a_valid_plan_no_worse_than_its_start():
    problem = _shop()
    _, start, _ = best_dispatch(problem, "makespan")
    search = elsewhere.Elsewhere(problem, start, time.monotonic() + 60, seed=1, bound=0)
    time.sleep(0.5)
    clock = time.monotonic()
    plan = search.answer()
    assert time.monotonic() - clock < 5
    assert violations(problem, plan) == [] and makespan(problem, plan) <= makespan(problem, start)


def test_c3_when_the_search_in_another_process_ends_ours_is_told_to_stop():
    problem = _shop()
    _, start, _ = best_dispatch(problem, "makespan")
    search = elsewhere.Elsewhere(problem, start, time.monotonic() + 0.3, seed=1, bound=0)
    finished = elsewhere.Finished([search])
    assert not finished.is_set()
    deadline = time.monotonic() + 10
    while not finished.is_set() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert finished.is_set()
    assert violations(problem, search.answer()) == []


def test_c3_an_error_in_the_search_in_another_process_comes_back_to_the_caller():
    problem = _shop()
    _, start, _ = best_dispatch(problem, "makespan")
    stranger = Assignment("X", "X-0", "M0", 0, 5)
    answer = elsewhere.Elsewhere(problem, (*start, stranger), time.monotonic() + 5, seed=1, bound=0).answer()
    assert isinstance(answer, KeyError)


def test_c3_the_tabu_search_stops_at_once_when_told_to():
    problem = _shop()
    _, start, _ = best_dispatch(problem, "makespan")
    enough = threading.Event()
    enough.set()
    clock = time.monotonic()
    assert tabu.improve(problem, start, 60.0, stop=enough) == start
    assert time.monotonic() - clock < 5


def test_c3_with_two_workers_tabu_searches_given_the_whole_budget_of_a_larger_shop_give_a_valid_plan():
    problem = _shop(40)
    _, _, greedy = best_dispatch(problem, "makespan", {}, rules_for(problem, "makespan"))
    assert tabu_share(problem) == 1
    schedule = solve(problem, "makespan", time_limit=2.0, workers=2)
    assert violations(problem, schedule.assignments) == []
    assert schedule.lower_bound <= schedule.value < greedy



def _into_interior(blocks, move) -> bool:
    """Whether the move takes a critical block's first operation to after an inner one, or its last
    operation to before an inner one: the moves N7 (Zhang, Li, Guan and Rao) adds to N6."""
    u, v, forward = move
    block = next(b for b in blocks if u in b)
    return (u == block[0] and v != block[-1]) if forward else (v == block[-1] and u != block[0])


@FAST
@given(shops, st.integers(0, 1000))
def test_c3_every_move_listed_on_a_plan_without_steps_that_take_no_time_keeps_it_acyclic(problem, seed):
    problem = Problem(problem.resources, tuple(
        replace(job, operations=tuple(replace(op, duration=max(op.duration, 1)) for op in job.operations))
        for job in problem.jobs))
    rng = random.Random(seed)
    _, start, _ = best_dispatch(problem, "makespan")
    graph = tabu._Graph(problem, start)
    assert graph.times()
    for _ in range(10):
        moves = tabu._moves(graph, tabu._critical_blocks(graph))
        if not moves:
            break
        kept = [list(s) for s in graph.sequences]
        for move in moves:
            assert graph.apply(move)[0] is not None, move  # no cycle, as the heads and tails vouched
            graph.restore(kept)
            assert graph.times()
        graph.apply(rng.choice(moves))


def test_c3_the_moves_take_a_blocks_first_and_last_operations_into_it_and_each_such_move_keeps_the_plan_acyclic():
    problem = _shop()
    _, start, _ = best_dispatch(problem, "makespan")
    graph = tabu._Graph(problem, start)
    assert graph.times()
    rng, first, last = random.Random(5), 0, 0
    for _ in range(40):
        blocks = tabu._critical_blocks(graph)
        moves = tabu._moves(graph, blocks)
        kept = [list(s) for s in graph.sequences]
        for move in (m for m in moves if _into_interior(blocks, m)):
            first, last = first + move[2], last + (not move[2])
            assert graph.apply(move)[0] is not None, move
            graph.restore(kept)
            assert graph.times()
        graph.apply(rng.choice(moves))
    assert first > 0 and last > 0
