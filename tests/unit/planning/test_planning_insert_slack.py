"""Urgent insertion re-dispatching by slack, complete hints for CP-SAT, and the machine bound on the makespan."""

import random

from jidan.planning import cpsat, neighbourhoods
from jidan.planning.dispatch import best_dispatch, classic_rules
from jidan.planning.generate import generate_plant
from jidan.planning.insert import CAP_TRADED, InsertionPolicy, insert, push_later
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.result import (
    Assignment,
    Schedule,
    evaluate,
    late_jobs,
    trivial_lower_bound,
)
from jidan.planning.validate import violations

# One machine: SO-1 has hours to spare, SO-2 is due five minutes after it ends. The urgent order
# needs the machine first thing.
LINE = Problem(
    (Resource("WC11"),),
    (
        Job("SO-1/1", (Operation("SO-1/1-10", 60, ("WC11",)),), due=500),
        Job("SO-2/1", (Operation("SO-2/1-10", 60, ("WC11",)),), due=125),
        Job("SO-9/1", (Operation("SO-9/1-10", 30, ("WC11",)),), due=30, weight=8),
    ),
)
PLAN = Schedule(
    "feasible",
    "weighted-tardiness",
    0,
    0,
    (Assignment("SO-1/1", "SO-1/1-10", "WC11", 0, 60), Assignment("SO-2/1", "SO-2/1-10", "WC11", 60, 120)),
)


def test_c4_the_order_with_time_to_spare_gives_way_so_nobody_becomes_late_even_without_solver_time():
    pushed = {a.job: a.end for a in push_later(LINE, PLAN, "SO-9/1")}
    assert pushed["SO-2/1"] == 150  # keeping the sequence makes SO-2 late
    result = insert(LINE, PLAN, "SO-9/1", time_limit=0)
    ends = {a.job: a.end for a in result.schedule.assignments}
    assert (result.urgent_completion, result.impact.newly_late) == (30, ())
    assert ends == {"SO-9/1": 30, "SO-2/1": 90, "SO-1/1": 150}


def _late_order_problem(weight: int) -> Problem:
    """SO-3 is late in the current plan whatever happens; SO-2 (of `weight`) has five minutes to spare, SO-1 hours."""
    return Problem(
        (Resource("WC11"),),
        (
            Job("SO-1/1", (Operation("SO-1/1-10", 60, ("WC11",)),), due=600),
            Job("SO-2/1", (Operation("SO-2/1-10", 60, ("WC11",)),), due=125, weight=weight),
            Job("SO-3/1", (Operation("SO-3/1-10", 60, ("WC11",)),), due=10),
            Job("SO-9/1", (Operation("SO-9/1-10", 30, ("WC11",)),), due=30, weight=8),
        ),
    )


LATE_FIRST = Schedule(
    "feasible",
    "weighted-tardiness",
    0,
    0,
    (
        Assignment("SO-3/1", "SO-3/1-10", "WC11", 0, 60),
        Assignment("SO-2/1", "SO-2/1-10", "WC11", 60, 120),
        Assignment("SO-1/1", "SO-1/1-10", "WC11", 120, 180),
    ),
)


def test_c4_an_order_already_late_waits_rather_than_make_an_on_time_one_late_when_that_costs_less_than_push_later():
    # pushed back: SO-3 80 min late, SO-2 (weight 4) 25 min, 180 weighted; SO-3 waiting: 140
    problem = _late_order_problem(weight=4)
    result = insert(problem, LATE_FIRST, "SO-9/1", time_limit=0)
    ends = {a.job: a.end for a in result.schedule.assignments}
    assert result.impact.newly_late == ()
    assert ends["SO-2/1"] <= 125 and ends["SO-9/1"] == 30
    assert (result.tardiness_after, result.push_later_tardiness, result.traded) == (140, 180, None)
    assert violations(problem, result.schedule.assignments) == []


def test_c4_an_order_already_late_is_not_made_later_than_push_later_would_to_spare_an_on_time_one():
    # pushed back: SO-3 80 min late, SO-2 25 (105 weighted); SO-3 waiting would be 140 late
    problem = _late_order_problem(weight=1)
    result = insert(problem, LATE_FIRST, "SO-9/1", time_limit=1)
    assert result.tardiness_after == result.push_later_tardiness == 105
    assert (result.impact.newly_late, result.traded) == (("SO-2/1",), None)  # one newly late is within the cap of 5
    capped = insert(problem, LATE_FIRST, "SO-9/1", time_limit=1, policy=InsertionPolicy(max_newly_late=0))
    assert capped.tardiness_after == 105
    assert (capped.impact.newly_late, capped.traded) == (("SO-2/1",), CAP_TRADED)


PLANT = generate_plant(60, seed=4, work_centers=9)
START = best_dispatch(PLANT, "weighted-tardiness", rules=classic_rules(PLANT, "weighted-tardiness"))[1]


def test_c3_a_hint_covers_every_variable_of_the_objective_so_cp_sat_starts_from_it_at_once():
    late = min(late_jobs(PLANT, START))
    plan = cpsat.build(PLANT, neighbourhoods.machine_window(PLANT, START, {}, late, 40, random.Random(3)))
    plan.model.minimize(cpsat.weighted_tardiness_objective(plan))
    cpsat.add_hint(plan, START)
    proto = plan.model.proto
    hinted = dict(zip(proto.solution_hint.vars, proto.solution_hint.values))
    assert set(proto.objective.vars) <= set(hinted)
    # the hinted tardiness is the plan's own: max(0, end - due) for every job in the objective
    names = {i: proto.variables[i].name for i in proto.objective.vars}
    ends = {}
    for a in START:
        ends[a.job] = max(ends.get(a.job, 0), a.end)
    for i, name in names.items():
        job = name[len("late[") : -1]
        assert hinted[i] == max(0, ends[job] - PLANT.job(job).due)
    outcome = cpsat.run(plan, 0.5, workers=1, seed=1)
    assert outcome.assignments is not None
    assert evaluate(PLANT, outcome.assignments, "weighted-tardiness") <= evaluate(PLANT, START, "weighted-tardiness")


def test_c3_the_makespan_bound_counts_a_machine_s_load_after_the_least_head_and_before_the_least_tail():
    # M1 carries 30 + 40 minutes, but neither of its jobs can reach it before minute 10 and each
    # has at least 5 minutes of work after it: 10 + 70 + 5 = 85, more than any job's own work.
    problem = Problem(
        (Resource("M0"), Resource("M1"), Resource("M2")),
        (
            Job("A", (Operation("A-0", 10, ("M0",)), Operation("A-1", 30, ("M1",)), Operation("A-2", 5, ("M2",)))),
            Job("B", (Operation("B-0", 20, ("M0",)), Operation("B-1", 40, ("M1",)), Operation("B-2", 10, ("M2",)))),
        ),
    )
    assert trivial_lower_bound(problem, "makespan") == 85
    best = (
        Assignment("A", "A-0", "M0", 0, 10), Assignment("B", "B-0", "M0", 10, 30),
        Assignment("A", "A-1", "M1", 10, 40), Assignment("B", "B-1", "M1", 40, 80),
        Assignment("A", "A-2", "M2", 40, 45), Assignment("B", "B-2", "M2", 80, 90),
    )
    assert violations(problem, best) == []
    assert evaluate(problem, best, "makespan") == 90
