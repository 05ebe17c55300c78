from jidan.planning.generate import generate_plant
from jidan.planning.insert import InsertionPolicy, earliest_possible, frozen_part, insert, push_later
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.result import Assignment, Schedule, completions
from jidan.planning.solve import solve
from jidan.planning.validate import violations

LINE = Problem(
    (Resource("WC11"), Resource("WC12")),
    (
        Job("SO-1/1", (Operation("SO-1/1-10", 60, ("WC11",)),), due=1000),
        Job("SO-2/1", (Operation("SO-2/1-10", 60, ("WC11",)),), due=130),
        Job("SO-9/1", (Operation("SO-9/1-10", 30, ("WC11",)),), release=30, due=90, weight=9),
    ),
)
CURRENT = Schedule(
    "feasible",
    "weighted-tardiness",
    0,
    0,
    (Assignment("SO-1/1", "SO-1/1-10", "WC11", 0, 60), Assignment("SO-2/1", "SO-2/1-10", "WC11", 60, 120)),
)


def test_c4_work_started_before_the_urgent_release_is_frozen():
    assert frozen_part(CURRENT, 30) == {"SO-1/1-10": CURRENT.assignments[0]}


def test_c4_push_later_puts_the_urgent_order_first_and_keeps_everyone_in_order():
    plan = {a.operation: (a.start, a.end) for a in push_later(LINE, CURRENT, "SO-9/1")}
    assert plan == {"SO-1/1-10": (0, 60), "SO-9/1-10": (60, 90), "SO-2/1-10": (90, 150)}
    assert earliest_possible(LINE, CURRENT, "SO-9/1") == 90


def test_c4_insertion_lists_every_order_that_slips_and_by_how_much():
    result = insert(LINE, CURRENT, "SO-9/1", time_limit=1)
    assert result.urgent_completion == 90
    assert [(s.job, s.old_end, s.new_end, s.due) for s in result.impact.slipped] == [("SO-2/1", 120, 150, 130)]
    assert result.impact.newly_late == ("SO-2/1",)
    assert [(m.operation, m.old_start, m.new_start) for m in result.impact.moved] == [("SO-2/1-10", 60, 90)]
    assert (result.tardiness_before, result.tardiness_after) == (0, 20)


def test_c4_a_cheap_urgent_order_can_wait_when_the_policy_says_so():
    policy = InsertionPolicy(urgent_weight=1, newly_late_weight=1000, max_stretch=2.0)
    result = insert(LINE, CURRENT, "SO-9/1", time_limit=1, policy=policy)
    assert result.urgent_completion == 150
    assert result.impact.moved == ()


def test_c4_insertion_on_a_plant_keeps_the_urgent_order_fast_and_the_plan_calm():
    plant = generate_plant(25, seed=5, work_centers=6)
    current = solve(plant, "weighted-tardiness", time_limit=0)
    model = plant.jobs[3]
    urgent = Job("SO-URGENT/1", tuple(Operation(f"U-{k}", o.duration, o.resources) for k, o in enumerate(model.operations)), 600, 600 + model.work, 10)
    bigger = plant.with_job(urgent)
    result = insert(bigger, current, urgent.id, time_limit=1)
    pushed = push_later(bigger, current, urgent.id)
    assert violations(bigger, result.schedule.assignments) == []
    assert result.urgent_completion - 600 <= 1.25 * (result.earliest_possible - 600)
    assert result.tardiness_after <= max(result.tardiness_before, 0) + (
        sum(bigger.job(j).weight * max(0, e - bigger.job(j).due) for j, e in completions(pushed).items()) - result.tardiness_before
    )


def test_c4_insertion_never_moves_waiting_work_into_the_past_before_the_urgent_release():
    # SO-3 waits in a gap's future; at minute 50 the gap before it is the past, however tempting
    problem = Problem(
        (Resource("WC11"),),
        (
            Job("SO-3/1", (Operation("SO-3/1-10", 10, ("WC11",)),), due=115),
            Job("SO-9/1", (Operation("SO-9/1-10", 60, ("WC11",)),), release=50, due=200, weight=9),
        ),
    )
    current = Schedule("feasible", "weighted-tardiness", 0, 0, (Assignment("SO-3/1", "SO-3/1-10", "WC11", 100, 110),))
    for seconds in (0, 1):
        plan = {a.operation: a for a in insert(problem, current, "SO-9/1", time_limit=seconds).schedule.assignments}
        assert plan["SO-3/1-10"].start >= 50
        assert violations(problem, tuple(plan.values())) == []
