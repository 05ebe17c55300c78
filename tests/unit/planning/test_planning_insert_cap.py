"""Urgent insertion: the cap on orders made late, and the neighbourhood search on larger plans."""

from jidan.planning.dispatch import best_dispatch
from jidan.planning.generate import generate_plant
from jidan.planning.insert import InsertionPolicy, frozen_part, insert, push_later
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.result import Assignment, Schedule, late_jobs
from jidan.planning.validate import violations

# Three orders on three machines, each due the minute it ends: any delay makes it late. The
# urgent order needs a minute on each machine in turn.
MACHINES = ("WC11", "WC12", "WC13")
TIGHT = Problem(
    tuple(Resource(m) for m in MACHINES),
    (
        *(Job(f"SO-{k}/1", (Operation(f"SO-{k}/1-10", 10, (m,)),), due=10) for k, m in enumerate(MACHINES, 1)),
        Job("SO-9/1", tuple(Operation(f"SO-9/1-{k}", 1, (m,)) for k, m in enumerate(MACHINES, 1)), due=3, weight=8),
    ),
)
TIGHT_PLAN = Schedule(
    "feasible",
    "weighted-tardiness",
    0,
    0,
    tuple(Assignment(f"SO-{k}/1", f"SO-{k}/1-10", m, 0, 10) for k, m in enumerate(MACHINES, 1)),
)


def test_c4_without_a_cap_the_urgent_order_goes_first_and_three_orders_become_late():
    policy = InsertionPolicy(newly_late_weight=10, max_stretch=4.0, max_newly_late=None)
    result = insert(TIGHT, TIGHT_PLAN, "SO-9/1", time_limit=1, policy=policy)
    assert result.urgent_completion == 3
    assert result.impact.newly_late == ("SO-1/1", "SO-2/1", "SO-3/1")


def test_c4_the_cap_on_newly_late_orders_holds_even_when_the_urgent_order_must_wait():
    policy = InsertionPolicy(newly_late_weight=10, max_stretch=4.0, max_newly_late=1)
    result = insert(TIGHT, TIGHT_PLAN, "SO-9/1", time_limit=1, policy=policy)
    assert result.impact.newly_late == ("SO-1/1",)
    assert result.urgent_completion == 12
    assert violations(TIGHT, result.schedule.assignments) == []


def test_c4_the_stretch_limit_outranks_the_cap():
    policy = InsertionPolicy(newly_late_weight=10, max_stretch=2.0, max_newly_late=0)
    result = insert(TIGHT, TIGHT_PLAN, "SO-9/1", time_limit=1, policy=policy)
    assert result.urgent_completion <= 6
    assert len(result.impact.newly_late) == 3


def _plant_with_urgent():
    plant = generate_plant(40, seed=7, work_centers=9)
    current = Schedule("feasible", "weighted-tardiness", 0, 0, best_dispatch(plant, "weighted-tardiness")[1])
    model = max(plant.jobs, key=lambda j: j.work)
    release = 600
    ops = tuple(Operation(f"URG-{k}", o.duration, o.resources) for k, o in enumerate(model.operations))
    return plant.with_job(Job("URG", ops, release, release + model.work, 8)), current


def test_c4_neighbourhood_search_on_a_larger_plant_is_valid_keeps_started_work_and_beats_push_later():
    bigger, current = _plant_with_urgent()
    frozen = frozen_part(current, 600)
    assert bigger.operation_count - len(frozen) > 150  # the neighbourhood search, not one model
    result = insert(bigger, current, "URG", time_limit=1.0)
    plan = result.schedule.assignments
    assert violations(bigger, plan) == []
    placed = {a.operation: a for a in plan}
    assert all(placed[op] == a for op, a in frozen.items())
    pushed = push_later(bigger, current, "URG")
    was_late = late_jobs(bigger, current.assignments)
    assert len(late_jobs(bigger, plan) - was_late - {"URG"}) <= len(late_jobs(bigger, pushed) - was_late - {"URG"})
    assert result.urgent_completion - 600 <= 1.25 * (result.earliest_possible - 600)


def test_c4_neighbourhood_search_with_one_worker_and_a_seed_is_reproducible():
    bigger, current = _plant_with_urgent()
    first = insert(bigger, current, "URG", time_limit=0.4, workers=1, seed=3)
    second = insert(bigger, current, "URG", time_limit=0.4, workers=1, seed=3)
    assert first.schedule.assignments == second.schedule.assignments


def test_c4_an_urgent_order_that_fits_a_gap_within_its_stretch_limit_moves_nobody_even_without_solver_time():
    problem = Problem(
        (Resource("WC11"),),
        (
            Job("SO-1/1", (Operation("SO-1/1-10", 60, ("WC11",)),), due=60),
            Job("SO-2/1", (Operation("SO-2/1-10", 60, ("WC11",)),), due=160),
            Job("SO-9/1", (Operation("SO-9/1-10", 30, ("WC11",)),), due=120, weight=8),
        ),
    )
    current = Schedule(
        "feasible",
        "weighted-tardiness",
        0,
        0,
        (Assignment("SO-1/1", "SO-1/1-10", "WC11", 0, 60), Assignment("SO-2/1", "SO-2/1-10", "WC11", 100, 160)),
    )
    result = insert(problem, current, "SO-9/1", time_limit=0, policy=InsertionPolicy(urgent_weight=1, max_stretch=4.0))
    assert (result.urgent_completion, result.impact.moved) == (90, ())
