from jidan.planning.levers import options
from jidan.planning.promise import LoadedPlan, earliest_with_insertion, earliest_without_moving
from jidan.planning.problem import Job, Operation, Problem, Resource
from jidan.planning.result import Assignment, Schedule

PLANT = Problem(
    (Resource("WC11", ((200, 300),)), Resource("WC12")),
    (
        Job("SO-1/1", (Operation("SO-1/1-10", 100, ("WC11",)), Operation("SO-1/1-20", 50, ("WC12",))), due=1000),
        Job("SO-2/1", (Operation("SO-2/1-10", 90, ("WC11",)),), due=1000),
    ),
)
CURRENT = Schedule(
    "feasible",
    "weighted-tardiness",
    0,
    0,
    (
        Assignment("SO-1/1", "SO-1/1-10", "WC11", 0, 100),
        Assignment("SO-1/1", "SO-1/1-20", "WC12", 100, 150),
        Assignment("SO-2/1", "SO-2/1-10", "WC11", 300, 390),
    ),
)
NEW = Job("SO-3/1", (Operation("SO-3/1-10", 120, ("WC11",)), Operation("SO-3/1-20", 20, ("WC12",))), due=400, weight=4)


def test_b2_promise_fills_gaps_without_moving_anyone():
    promise = earliest_without_moving(PLANT, CURRENT, NEW)
    assert [(a.resource, a.start, a.end) for a in promise.assignments] == [("WC11", 390, 510), ("WC12", 510, 530)]
    assert (promise.completion, promise.on_time, promise.impact.moved) == (530, False, ())


def test_b2_a_short_operation_fits_the_gap_before_downtime():
    short = Job("SO-4/1", (Operation("SO-4/1-10", 100, ("WC11",)),), due=500)
    assert LoadedPlan(PLANT, CURRENT).earliest_completion(short).completion == 200


def test_b2_the_loaded_plan_answers_many_queries_without_changing():
    plan = LoadedPlan(PLANT, CURRENT)
    assert plan.earliest_completion(NEW) == plan.earliest_completion(NEW)


def test_b2_promise_with_insertion_is_earlier_and_names_who_slips():
    promise = earliest_with_insertion(PLANT, CURRENT, NEW, time_limit=1)
    assert promise.completion < 530
    assert promise.impact.slipped
    assert all(s.new_end > s.old_end for s in promise.impact.slipped)


def test_c5_levers_show_their_effect_on_the_date():
    found = {o.lever: o for o in options(PLANT, CURRENT, NEW, outside_lead_time=60, partial_fraction=0.5)}
    assert set(found) == {"later_date", "overtime", "capacity", "outside_processing", "partial_delivery", "insertion"}
    assert found["later_date"].completion == 530
    assert found["overtime"].completion == 100 + 120 + 20
    assert found["capacity"].completion == 150 + 20
    assert found["outside_processing"].completion == 60 + 20
    assert found["partial_delivery"].completion == 100 + 60 + 10
    assert found["insertion"].completion < 530
    assert all(o.on_time == (o.completion <= 400) for o in found.values())
