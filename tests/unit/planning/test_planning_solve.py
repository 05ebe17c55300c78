import time

import pytest

from jidan.planning import solve as solve_module
from jidan.planning.dispatch import best_dispatch, rules_for
from jidan.planning.errors import UnknownObjective
from jidan.planning.formats import parse_orlib
from jidan.planning.generate import generate_plant, generate_plant_with_setups
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.result import Assignment, evaluate, trivial_lower_bound, weighted_tardiness
from jidan.planning.solve import (
    FULL_SEARCH_SECONDS,
    PORTFOLIO_WORKERS,
    portfolio_workers,
    solve,
    whole_model,
)
from jidan.planning.validate import violations
from tests.planning_instances import FT06


def test_c3_cpsat_proves_the_classic_ft06_optimum():
    schedule = solve(parse_orlib(FT06), "makespan", time_limit=5)
    assert (schedule.value, schedule.lower_bound, schedule.status) == (55, 55, "optimal")
    assert violations(parse_orlib(FT06), schedule.assignments) == []


def test_c3_zero_time_limit_returns_the_greedy_plan():
    problem = parse_orlib(FT06)
    schedule = solve(problem, "makespan", time_limit=0)
    assert schedule.value == best_dispatch(problem, "makespan")[2]
    assert schedule.lower_bound <= 55 <= schedule.value


def test_c3_operations_wait_for_downtime_instead_of_overlapping_it():
    problem = Problem(
        (Resource("WC11", ((30, 100),)),),
        (Job("SO-1/1", (Operation("SO-1/1-10", 40, ("WC11",)),), due=50, weight=2),),
    )
    schedule = solve(problem, "weighted-tardiness", time_limit=1)
    assert [(a.start, a.end) for a in schedule.assignments] == [(100, 140)]
    assert (schedule.value, schedule.status) == (2 * 90, "optimal")


def test_c3_alternative_work_centers_share_the_load():
    ops = tuple(Operation(f"SO-{k}/1-10", 60, ("WC11", "WC12")) for k in range(4))
    problem = Problem((Resource("WC11"), Resource("WC12")), tuple(Job(f"SO-{k}/1", (op,)) for k, op in enumerate(ops)))
    schedule = solve(problem, "makespan", time_limit=1)
    assert schedule.value == 120
    assert {a.resource for a in schedule.assignments} == {"WC11", "WC12"}


def test_c3_weighted_tardiness_improves_on_greedy_for_a_small_plant():
    problem = generate_plant(30, seed=2, work_centers=6, utilisation=0.95)
    greedy = solve(problem, "weighted-tardiness", time_limit=0)
    better = solve(problem, "weighted-tardiness", time_limit=2)
    assert greedy.value > 0
    assert better.value < greedy.value
    assert better.value == weighted_tardiness(problem, better.assignments)


def test_c3_large_plans_use_neighbourhood_search_and_stay_valid(monkeypatch):
    monkeypatch.setattr(solve_module, "FULL_MODEL_LIMIT", 20)
    problem = generate_plant(40, seed=2, work_centers=6)
    greedy = solve(problem, "weighted-tardiness", time_limit=0)
    first = solve(problem, "weighted-tardiness", time_limit=1, workers=1, seed=3)
    again = solve(problem, "weighted-tardiness", time_limit=1, workers=1, seed=3)
    assert violations(problem, first.assignments) == []
    assert first.value <= greedy.value
    assert first.assignments == again.assignments
    assert first.lower_bound <= first.value


def test_c3_unknown_objective_is_refused():
    with pytest.raises(ValueError, match="objective"):
        solve(parse_orlib(FT06), "cheapest", time_limit=0)


def test_c3_no_objective_switch_falls_back_on_an_unknown_name():
    problem = parse_orlib(FT06)
    with pytest.raises(UnknownObjective, match="makespan, weighted-tardiness"):
        trivial_lower_bound(problem, "cheapest")
    with pytest.raises(UnknownObjective):
        whole_model(problem, "cheapest", solve(problem, "makespan", time_limit=0).assignments, {})


def test_c3_schedule_round_trips_through_its_json_shape():
    schedule = solve(parse_orlib(FT06), "makespan", time_limit=0)
    again = type(schedule).from_dict(schedule.to_dict())
    assert again == schedule.__class__(**{**schedule.__dict__, "seconds": round(schedule.seconds, 3)})
    assert evaluate(parse_orlib(FT06), again.assignments, "makespan") == schedule.value


def test_c3_from_thirty_seconds_on_the_full_search_runs_a_wider_portfolio_but_a_reproducible_run_stays_one_worker():
    assert PORTFOLIO_WORKERS > 2
    assert portfolio_workers(FULL_SEARCH_SECONDS, 2) == PORTFOLIO_WORKERS
    assert portfolio_workers(FULL_SEARCH_SECONDS - 1, 2) == 2
    assert portfolio_workers(60, 1) == 1


def test_c7_a_given_plan_as_good_as_the_rules_is_kept_as_it_is():
    problem = Problem(
        (Resource("WC11"),),
        (Job("SO-1/1", (Operation("SO-1/1-10", 10, ("WC11",)),), due=500),
         Job("SO-2/1", (Operation("SO-2/1-10", 10, ("WC11",)),), due=500)),
    )
    calm = (Assignment("SO-1/1", "SO-1/1-10", "WC11", 100, 110), Assignment("SO-2/1", "SO-2/1-10", "WC11", 200, 210))
    for seconds in (0, 1):
        schedule = solve(problem, "weighted-tardiness", seconds, start=calm)
        assert (schedule.value, schedule.status) == (0, "optimal")
        assert set(schedule.assignments) == set(calm)


def test_c3_issue25_no_dispatch_rule_is_begun_that_would_end_past_the_deadline_but_the_first_always_runs():
    problem = generate_plant(30, seed=4)
    rules = rules_for(problem, "weighted-tardiness")
    first = next(iter(rules))
    assert best_dispatch(problem, "weighted-tardiness", rules=rules, deadline=0.0)[0] == first
    assert best_dispatch(problem, "weighted-tardiness", rules=rules, deadline=time.monotonic() + 60) == \
        best_dispatch(problem, "weighted-tardiness", rules=rules)


def test_c2_issue25_with_setups_the_batching_rules_are_tried_before_the_plain_latest_starts():
    names = list(rules_for(generate_plant_with_setups(10, seed=1), "weighted-tardiness"))
    assert names[:2] == ["edd", "atc"] and names[2] == "next-lst(2,1)(16)"
    assert max(names.index(n) for n in names if n.startswith("next-")) < min(
        names.index(n) for n in names if n.startswith("lst("))
