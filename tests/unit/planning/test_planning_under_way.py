from jidan.planning.insert import insert
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.repair import MachineDown, repair
from jidan.planning.result import Assignment, Schedule
from jidan.planning.shift import bring_forward, under_way
from jidan.planning.solve import solve
from jidan.planning.validate import violations


def _plant(closed=()) -> Problem:
    running = Job("RUN", (Operation("RUN-10", 60, ("M",)), Operation("RUN-20", 30, ("N",))), 0, 10_000, 1)
    urgent = Job("URG", (Operation("URG-10", 40, ("M",)),), 0, 40, 8)
    return Problem((Resource("M", tuple(closed)), Resource("N")), (running, urgent))


def test_c3_e1_a_step_under_way_keeps_its_machine_from_now_even_when_an_urgent_order_would_rather_go_first():
    problem = _plant()
    free = {a.operation: a for a in solve(problem, "weighted-tardiness", 0).assignments}
    assert free["URG-10"].start == 0  # left to itself the planner would stop the running step
    problem, pinned = under_way(problem, ["RUN-10"])
    plan = solve(problem, "weighted-tardiness", 1.0, frozen=pinned)
    got = {a.operation: a for a in plan.assignments}
    assert (got["RUN-10"].start, got["RUN-10"].resource) == (0, "M")
    assert got["URG-10"].start >= got["RUN-10"].end
    assert not violations(problem, plan.assignments)


def test_c3_e1_a_step_under_way_that_cannot_finish_before_a_break_holds_its_machine_until_it_goes_on():
    held, pinned = under_way(_plant(closed=[(100, 130)]), ["RUN-10", "RUN-20"], now=70)
    assert set(pinned) == {"RUN-10"}  # only a job's first remaining step can be under way
    assert (pinned["RUN-10"].start, pinned["RUN-10"].end) == (130, 190)
    assert held.resource_by_id["M"].unavailable == ((70, 130),)  # nothing else slips in before it
    later = held.from_now(70, pinned)
    plan = solve(later, "weighted-tardiness", 1.0, frozen=pinned)
    got = {a.operation: a for a in plan.assignments}
    assert got["URG-10"].start >= 190
    assert not violations(later, plan.assignments)


def _ahead() -> tuple[Problem, list[Assignment]]:
    """RUN-10 is planned after URG-10 on M, but the floor started RUN-10 first."""
    problem = _plant()
    return problem, [Assignment("URG", "URG-10", "M", 0, 40), Assignment("RUN", "RUN-10", "M", 40, 100),
                     Assignment("RUN", "RUN-20", "N", 100, 130)]


def test_c3_c7_a_step_the_floor_started_ahead_of_the_plan_goes_on_now_and_what_it_displaces_moves_later():
    problem, plan = _ahead()
    held, got = bring_forward(problem, plan, {"RUN-10"}, now=0)
    got = {a.operation: (a.resource, a.start, a.end) for a in got}
    assert got == {"RUN-10": ("M", 0, 60), "URG-10": ("M", 60, 100), "RUN-20": ("N", 100, 130)}
    assert held == problem  # it goes on at once: nothing to hold


def test_c3_c7_bringing_a_step_forward_leaves_work_the_plan_started_before_now_and_holds_its_machine_over_a_break():
    problem = _plant(closed=[(100, 130)])
    plan = [Assignment("URG", "URG-10", "M", 50, 90), Assignment("RUN", "RUN-10", "M", 130, 190),
            Assignment("RUN", "RUN-20", "N", 190, 220)]
    held, got = bring_forward(problem, plan, {"RUN-10"}, now=70)
    assert sorted((a.operation, a.start) for a in got) == [("RUN-10", 130), ("RUN-20", 190), ("URG-10", 50)]
    assert held.resource_by_id["M"].unavailable == ((90, 130),)  # held from the end of the work before it
    assert not violations(held, got)


def test_c4_an_insertion_never_moves_a_step_the_floor_has_started_even_one_the_plan_had_later():
    problem, plan = _ahead()
    urgent = Job("HOT", (Operation("HOT-10", 20, ("M",)),), 0, 20, 9)
    problem, plan = bring_forward(Problem(problem.resources, (*problem.jobs, urgent)), plan, {"RUN-10"}, now=0)
    current = Schedule("feasible", "weighted-tardiness", 0, 0, tuple(plan))
    free = {a.operation: a for a in insert(problem, current, "HOT", time_limit=0.5).schedule.assignments}
    assert free["HOT-10"].start == 0  # left to itself the insertion would stop the running step
    result = insert(problem, current, "HOT", time_limit=0.5, started={"RUN-10"})
    got = {a.operation: a for a in result.schedule.assignments}
    assert (got["RUN-10"].start, got["RUN-10"].end) == (0, 60)
    assert got["HOT-10"].start >= 60
    assert "RUN-10" not in {m.operation for m in result.impact.moved}


def test_c7_a_repair_leaves_a_step_the_floor_has_started_where_the_floor_has_it():
    problem, plan = _ahead()
    problem, plan = bring_forward(problem, plan, {"RUN-10"}, now=0)
    current = Schedule("feasible", "weighted-tardiness", 0, 0, tuple(plan))
    down = MachineDown("N", 400, 500)
    free = {a.operation: a for a in repair(problem, current, down, now=0, time_limit=0.5).schedule.assignments}
    assert free["URG-10"].start == 0  # left to itself the repair would put the heavier order first
    got = {a.operation: a for a in
           repair(problem, current, down, now=0, time_limit=0.5, started={"RUN-10"}).schedule.assignments}
    assert (got["RUN-10"].start, got["URG-10"].start) == (0, 60)
