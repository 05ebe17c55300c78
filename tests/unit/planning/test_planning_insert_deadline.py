"""A reproducible insertion (one worker and a seed) counts CP-SAT's deterministic time, which on a
large model runs far longer than the clock's seconds it stands for: a caller's deadline stops it
on the clock (issue 21 High-1, A5, C4), and leaves the answer as it was when there is time."""
import time

from jidan.planning.generate import generate_plant
from jidan.planning.insert import insert
from jidan.planning.problem import Job, Operation
from jidan.planning.solve import solve
from jidan.planning.validate import violations


def full_plant_and_huge_order(orders: int, lots: int):
    problem = generate_plant(orders, seed=1, work_centers=4)
    current = solve(problem, "weighted-tardiness", time_limit=0)
    machines = tuple(r.id for r in problem.resources[:2])
    huge = Job("HUGE", tuple(Operation(f"HUGE/{k}", 480, machines) for k in range(lots)), 0, 600, 10)
    return problem.with_job(huge), current


def test_a5_c4_issue21_a_reproducible_insertion_of_a_huge_order_answers_by_its_deadline():
    problem, current = full_plant_and_huge_order(300, 1000)  # without the deadline: 11 s for 1 s
    started = time.monotonic()
    result = insert(problem, current, "HUGE", time_limit=1, workers=1, seed=0, deadline=started + 1)
    assert time.monotonic() - started < 1 + 3
    assert violations(problem, result.schedule.assignments) == []
    assert {a.job for a in result.schedule.assignments} >= {j.id for j in problem.jobs}


def test_a5_c4_issue21_a_deadline_with_time_to_spare_leaves_a_reproducible_insertion_as_it_was():
    problem, current = full_plant_and_huge_order(20, 3)
    alone = insert(problem, current, "HUGE", time_limit=0.3, workers=1, seed=0)
    bounded = insert(problem, current, "HUGE", time_limit=0.3, workers=1, seed=0, deadline=time.monotonic() + 60)
    assert bounded.schedule.assignments == alone.schedule.assignments
