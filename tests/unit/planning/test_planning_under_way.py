from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.shift import under_way
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
