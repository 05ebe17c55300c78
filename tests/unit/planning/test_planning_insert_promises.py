"""Urgent insertion keeps two promises (C4, issue 25 section 1): no more orders newly late than
the policy's cap, and no more weighted tardiness for the other orders than pushing them back;
when no plan found keeps both, the cap gives way and the answer says so. Checked on many random
plants, through the whole model, the neighbourhood search and the local insertion of large plans."""

import random
from dataclasses import replace
from types import SimpleNamespace

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jidan.planning import insert as insertion
from jidan.planning.generate import generate_plant
from jidan.planning.insert import CAP_TRADED, InsertionPolicy, frozen_part, insert, local_problem, push_later
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.result import Assignment, Schedule, completions, late_jobs, weighted_tardiness
from jidan.planning.solve import solve
from jidan.planning.validate import violations
from jidan.services.planning.runs import insert_lines
from tests.planning_instances import every_plan_large

FAST = settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))


def plant_and_urgent(seed: int, orders: tuple[int, int] = (4, 14), released_by: float = 0.5):
    """A small generated plant, its quick plan, and an urgent order long enough to make others
    late, released in the first `released_by` of the plan."""
    rng = random.Random(seed)
    plant = generate_plant(rng.randint(*orders), seed=seed, work_centers=rng.randint(2, 5))
    done = completions(solve(plant, "weighted-tardiness", time_limit=0).assignments)
    # due dates near the plan's ends: some orders already late, others with minutes to spare
    problem = Problem(plant.resources, tuple(replace(j, due=max(0, done[j.id] + rng.randint(-600, 240)),
                                                     weight=rng.choice((1, 2, 4))) for j in plant.jobs))
    current = solve(problem, "weighted-tardiness", time_limit=0)
    resources = [r.id for r in problem.resources]
    release = rng.randint(0, int(max(a.end for a in current.assignments) * released_by))
    ops = tuple(Operation(f"U-{k}", rng.randint(30, 600), tuple(rng.sample(resources, rng.randint(1, 2))))
                for k in range(rng.randint(1, 3)))
    return problem.with_job(Job("URGENT", ops, release, release + rng.randint(60, 1200), 8)), current


def assert_both_promises_or_the_cap_traded(bigger, current, result, policy: InsertionPolicy, pushed=None) -> None:
    """The checks of every case, each worked out here from the plans, not from the insertion's own
    figures; `pushed`: push-later's plan (by default of the whole plan)."""
    plan = result.schedule.assignments
    assert violations(bigger, plan) == []
    pushed = pushed or push_later(bigger, current, "URGENT")

    def others(assignments):
        return weighted_tardiness(bigger, [a for a in assignments if a.job != "URGENT"])

    assert others(plan) <= others(pushed) == result.push_later_tardiness
    was_late = late_jobs(bigger, current.assignments) | {"URGENT"}
    newly_late = len(late_jobs(bigger, plan) - was_late)
    pushed_late = len(late_jobs(bigger, pushed) - was_late)
    assert newly_late == len(result.impact.newly_late)
    cap = policy.max_newly_late
    if cap is not None and pushed_late <= cap:
        assert newly_late <= cap and result.traded is None
    assert (result.traded == CAP_TRADED) == (cap is not None and newly_late > cap)


caps = st.sampled_from([None, 0, 1, 2, 5])


@FAST
@given(st.integers(0, 10**6), caps, st.sampled_from([0, 0.2]))
def test_c4_an_insertion_never_adds_more_weighted_tardiness_to_the_others_than_push_later_and_keeps_the_cap_or_says_it_traded_it(
        seed, cap, time_limit):
    bigger, current = plant_and_urgent(seed)
    policy = InsertionPolicy(max_newly_late=cap)
    result = insert(bigger, current, "URGENT", time_limit=time_limit, policy=policy, workers=1, seed=seed)
    assert_both_promises_or_the_cap_traded(bigger, current, result, policy)


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 10**6), caps)
def test_c4_the_local_insertion_of_a_large_plan_keeps_both_promises_against_pushing_back_the_orders_it_may_move(seed, cap):
    bigger, current = plant_and_urgent(seed, orders=(10, 24))
    part = local_problem(bigger, current, [bigger.job("URGENT")])
    policy = InsertionPolicy(max_newly_late=cap)
    with every_plan_large():
        result = insert(bigger, current, "URGENT", time_limit=0, policy=policy, workers=1, seed=0)
    assert_both_promises_or_the_cap_traded(bigger, current, result, policy, (*part.outside, *push_later(part.problem, part.current, "URGENT")))


@settings(max_examples=3, deadline=None, suppress_health_check=list(HealthCheck))
@given(st.integers(0, 10**6), st.sampled_from([0, 1, 5]))
def test_c4_the_neighbourhood_search_of_a_larger_plant_keeps_both_promises(seed, cap):
    bigger, current = plant_and_urgent(seed, orders=(40, 50), released_by=0.05)
    assert bigger.operation_count - len(frozen_part(current, bigger.job("URGENT").release)) > insertion.WHOLE_MODEL_LIMIT
    policy = InsertionPolicy(max_newly_late=cap)
    result = insert(bigger, current, "URGENT", time_limit=0.6, policy=policy, workers=1, seed=seed)
    assert_both_promises_or_the_cap_traded(bigger, current, result, policy)


# One machine, six orders each due the minute it ends, the urgent one a minute first thing:
# whatever the plan, all six end at least a minute late, beyond the default cap of five.
ROW = Problem(
    (Resource("WC11"),),
    (*(Job(f"SO-{k}/1", (Operation(f"SO-{k}/1-10", 10, ("WC11",)),), due=10 * k) for k in range(1, 7)),
     Job("SO-9/1", (Operation("SO-9/1-10", 1, ("WC11",)),), due=1, weight=8)),
)
ROW_PLAN = Schedule("feasible", "weighted-tardiness", 0, 0,
                    tuple(Assignment(f"SO-{k}/1", f"SO-{k}/1-10", "WC11", 10 * (k - 1), 10 * k) for k in range(1, 7)))


def test_c4_an_insertion_that_cannot_keep_the_cap_says_it_traded_it_and_the_run_carries_that_up():
    result = insert(ROW, ROW_PLAN, "SO-9/1", time_limit=0.5)
    assert (len(result.impact.newly_late), result.traded) == (6, CAP_TRADED)
    assert result.tardiness_after - result.tardiness_before == result.push_later_tardiness == 6
    lines = insert_lines(ROW, ROW_PLAN, SimpleNamespace(number="SO-9"), None, 0.5)
    assert lines["traded"] == CAP_TRADED
    three = Problem(ROW.resources, (*ROW.jobs[:3], ROW.jobs[-1]))  # three made late: within the cap
    kept = insert_lines(three, replace(ROW_PLAN, assignments=ROW_PLAN.assignments[:3]), SimpleNamespace(number="SO-9"),
                        None, 0.5)
    assert kept["traded"] is None
