"""Urgent insertion (急单插单): the urgent order goes first, the rest of the plan moves as little as it can.

Operations that start before the urgent order's release are frozen: they are on the shop floor
(or about to be) and never move; so are those the caller names as started, wherever the plan has
them (the floor may start a step ahead of its plan). The trade-off between a fast urgent order
and a calm plan is an explicit `InsertionPolicy`, so planners can see and tune it.
"""

from __future__ import annotations

import random
import time
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace

from jidan.planning import cpsat, neighbourhoods
from jidan.planning.dispatch import Rule, dispatch
from jidan.planning.problem import Job, Problem
from jidan.planning.result import (
    Assignment,
    Impact,
    Schedule,
    completions,
    impact,
    late_jobs,
    makespan,
    moved_count,
    weighted_tardiness,
)
from jidan.planning.shift import place_job, right_shift, timeline_with
from jidan.planning.validate import check, violations


@dataclass(frozen=True)
class InsertionPolicy:
    """Cost of each kind of disturbance; the planner minimises their weighted sum.

    Per unit: a minute of the urgent order's completion, an operation moved (other start or
    resource), an order newly late (on time in the current plan, late in the new one), a
    weighted minute of tardiness. `max_stretch` caps the urgent order's lead time at that
    multiple of the fastest possible (a hard limit). `max_newly_late` caps the orders made late:
    each one beyond it costs `over_cap_weight`, which outweighs everything else, so the cap holds
    whenever the solver finds a way and is exceeded as little as possible otherwise (None: no cap).

    A second promise is hard: the other orders' weighted tardiness never ends above what pushing
    them back (`push_later`) gives them. Push-later always keeps it, so when no plan found keeps
    both, the cap is what gives way, and the answer says so (`Insertion.traded`).
    """

    urgent_weight: int = 100
    moved_op_weight: int = 20
    newly_late_weight: int = 5000
    tardiness_weight: int = 1
    max_stretch: float = 1.25
    max_newly_late: int | None = 5
    over_cap_weight: int = 1_000_000

    def over_cap(self, newly_late: int) -> int:
        """How many newly late orders exceed `max_newly_late` (none without a cap)."""
        return 0 if self.max_newly_late is None else max(0, newly_late - self.max_newly_late)


@dataclass(frozen=True)
class Insertion:
    """The new plan, its impact on the old one, and the figures a planner decides on."""

    schedule: Schedule
    impact: Impact
    urgent_completion: int
    earliest_possible: int
    tardiness_before: int
    tardiness_after: int
    push_later_tardiness: int
    """Weighted tardiness of the other orders if they were pushed back; theirs in `schedule` is at most this."""
    push_later_newly_late: int
    traded: str | None
    """None: both promises kept; `CAP_TRADED`: more orders newly late than the policy's cap, since
    no plan found kept the cap without more weighted tardiness than pushing the others back."""


CAP_TRADED = "newly_late_cap"


def frozen_part(current: Schedule, release: int, started: Collection[str] = ()) -> dict[str, Assignment]:
    """Work that starts before the urgent order may start stays exactly as planned, and so does
    work `started` on the floor."""
    return {a.operation: a for a in current.assignments if a.start < release or a.operation in started}


def earliest_possible(problem: Problem, current: Schedule, job_id: str, started: Collection[str] = ()) -> int:
    """The urgent order's completion if only frozen work stood in its way."""
    urgent = problem.job(job_id)
    frozen = frozen_part(current, urgent.release, started)
    return place_job(timeline_with(problem, frozen.values()), urgent, urgent.release)[-1].end


def push_later(problem: Problem, current: Schedule, job_id: str, started: Collection[str] = ()) -> tuple[Assignment, ...]:
    """Baseline: urgent order first at its earliest, every other operation kept on its resource
    and in its order, shifted later as needed."""
    return _urgent_first(problem, current, job_id, frozen_part(current, problem.job(job_id).release, started),
                         keep_order=True)


def _urgent_first(
    problem: Problem, current: Schedule, job_id: str, frozen: dict[str, Assignment], keep_order: bool, delay: int = 0
) -> tuple[Assignment, ...]:
    """Urgent order at its earliest (from `delay` after its release), the rest right-shifted;
    without `keep_order` displaced work may drop into earlier gaps or onto a faster alternative."""
    urgent = problem.job(job_id)
    timeline = timeline_with(problem, frozen.values())
    placed = place_job(timeline, urgent, urgent.release + delay)
    ready = {a.job: a.end for a in sorted(frozen.values(), key=lambda a: a.end)}
    movable = [a for a in current.assignments if a.operation not in frozen and a.job != job_id]
    shifted = right_shift(problem, timeline, movable, ready, keep_order=keep_order, reroute=not keep_order)
    return (*frozen.values(), *placed, *shifted)


def insert(
    problem: Problem,
    current: Schedule,
    job_id: str,
    time_limit: float = 5.0,
    policy: InsertionPolicy = InsertionPolicy(),
    workers: int = 2,
    seed: int | None = None,
    started: Collection[str] = (),
    deadline: float | None = None,
) -> Insertion:
    """Insert urgent job `job_id` (in `problem`, not in `current`) into the current plan;
    `started`: operations on the floor, frozen where `current` has them.

    `deadline`: the `time.monotonic()` (one clock for every process of the machine) by which the
    answer is due, counted by the caller from its request's start. It stops the search and the
    repeated quick starts and caps every CP-SAT solve, even in a reproducible run (one worker and
    a seed), whose `time_limit` counts the solver's deterministic time, not the clock's: that run
    is stopped `GRACE` seconds after it. The first round of quick starts may go on
    `QUICK_SECONDS` from this call's start. None: `time_limit` after this call's start bounds a
    run that is not reproducible, and nothing bounds one that is.

    A large plan is not re-dispatched whole: only the orders that use the urgent order's work
    centers in the time it may take are free to move (`local_problem`); the rest stays where it is,
    and push-later, the bound on the others' tardiness, pushes back the same orders: pushing back
    the whole plan would cost seconds on the largest plants, before any search."""
    if len(current.assignments) <= LOCAL_LIMIT:
        return _insert(problem, current, job_id, time_limit, policy, workers, seed, started, deadline)
    part = local_problem(problem, current, [problem.job(job_id)], started)
    found = _insert(part.problem, part.current, job_id, time_limit, policy, workers, seed, started, deadline)
    if not part.outside:
        return found
    schedule = found.schedule
    rest = weighted_tardiness(problem, part.outside)
    return replace(
        found,
        schedule=Schedule(schedule.status, schedule.objective, schedule.value + rest, 0,
                          tuple(sorted((*part.outside, *schedule.assignments),
                                       key=lambda a: (a.start, a.resource, a.operation))),
                          schedule.seconds),
        tardiness_before=found.tardiness_before + rest, tardiness_after=found.tardiness_after + rest,
        push_later_tardiness=found.push_later_tardiness + rest)


def _insert(problem: Problem, current: Schedule, job_id: str, time_limit: float, policy: InsertionPolicy,
            workers: int, seed: int | None, started: Collection[str], deadline: float | None) -> Insertion:
    """`insert` on the plan as given, every operation in it free but the frozen ones."""
    clock = time.monotonic()
    urgent = problem.job(job_id)
    current = Schedule(
        current.status,
        current.objective,
        current.value,
        current.lower_bound,
        tuple(a for a in current.assignments if a.job != job_id),
        current.seconds,
    )
    check(problem.without_job(job_id), current.assignments)
    frozen = frozen_part(current, urgent.release, started)
    problem = problem.from_now(urgent.release, frozen)
    fastest = earliest_possible(problem, current, job_id, started)
    score = _Score(problem, current, job_id, policy, push_later(problem, current, job_id, started))
    limit = urgent.release + int(policy.max_stretch * (fastest - urgent.release))
    deterministic = workers == 1 and seed is not None
    quick = None if deadline is None else max(deadline, clock + QUICK_SECONDS)
    if deterministic:
        deadline = None if deadline is None else deadline + GRACE
    else:
        deadline = clock + time_limit if deadline is None else min(deadline, clock + time_limit)
    rounds = BOOST_ROUNDS if time_limit > 0 else 1
    boosting = deadline if deterministic else min(deadline, clock + START_SHARE * time_limit)
    baseline = min(_starts(problem, current, job_id, frozen, fastest, limit, score, rounds,
                           BOOSTED if deterministic else None, boosting, quick), key=score.cost)
    best = baseline
    if time_limit > 0 and (deadline is None or time.monotonic() < deadline):
        budget = time_limit if deterministic else time_limit - (time.monotonic() - clock)
        found = _optimise(problem, current, job_id, frozen, baseline, limit, policy, max(budget, 0.1), workers, seed,
                          score, deadline)
        if found is not None and not violations(problem, found) and score.cost(found) <= score.cost(best):
            best = found
    return _answer(score, current, best, fastest, clock)


def _answer(score: _Score, current: Schedule, best, fastest: int, clock: float) -> Insertion:
    """The chosen plan, checked, with its figures and the promise it traded if any."""
    problem, job_id = score.problem, score.job_id
    check(problem, best)
    after = weighted_tardiness(problem, best)
    newly_late = len(score.newly_late(best))
    schedule = Schedule(
        "feasible",
        "weighted-tardiness",
        after,
        0,
        tuple(sorted(best, key=lambda a: (a.start, a.resource, a.operation))),
        time.monotonic() - clock,
    )
    return Insertion(
        schedule,
        impact(problem, current.assignments, best),
        completions(best)[job_id],
        fastest,
        weighted_tardiness(problem, current.assignments),
        after,
        score.bound,
        len(score.newly_late(score.pushed)),
        CAP_TRADED if score.policy.over_cap(newly_late) else None,
    )


@dataclass(frozen=True)
class LocalPart:
    """The part of a large plan an insertion may move (`local_problem`)."""

    problem: Problem
    current: Schedule
    """The current plan of `problem`."""
    outside: tuple[Assignment, ...]
    """Work left out of `problem`: its resources' occupied work there."""


def local_problem(problem: Problem, current: Schedule, urgent: Sequence[Job], started: Collection[str] = ()) -> LocalPart:
    """The part of a large plan an insertion of the `urgent` jobs may move.

    Free: the urgent jobs (in `problem` or not) and every job with work not yet started on one of
    their work centers between their release and their work times `LOCAL_STRETCH` (at least
    `LOCAL_MIN_SPAN` minutes) after it. Everything else leaves the problem and stays where it is
    as occupied work of its work center (`Resource.occupied`: with its family, so the changeovers
    next to it are planned, and no lot pauses over it), so any plan of the part is a plan of the
    whole.
    """
    ids = {j.id for j in urgent}
    free = set(ids)
    for job in urgent:
        end = job.release + max(LOCAL_MIN_SPAN, LOCAL_STRETCH * job.work)
        wanted = {r for op in job.operations for r in op.resources}
        free |= {a.job for a in current.assignments
                 if a.resource in wanted and job.release <= a.start < end and a.operation not in started}
    outside = tuple(a for a in current.assignments if a.job not in free)
    occupied: dict[str, list[tuple[int, int, str]]] = {}
    for a in outside:
        if a.end > a.start:
            occupied.setdefault(a.resource, []).extend(
                (s, e, problem.family(a.operation)) for s, e in problem.held(a.operation, a.resource, a.start, a.end))
    resources = tuple(replace(r, occupied=r.occupied + tuple(occupied.get(r.id, ()))) for r in problem.resources)
    jobs = tuple(j for j in problem.jobs if j.id in free and j.id not in ids) + tuple(urgent)
    mine = tuple(a for a in current.assignments if a.job in free)
    return LocalPart(Problem(resources, jobs),
                     Schedule(current.status, current.objective, current.value, current.lower_bound, mine,
                              current.seconds),
                     outside)


def _starts(
    problem: Problem,
    current: Schedule,
    job_id: str,
    frozen: dict[str, Assignment],
    fastest: int,
    limit: int,
    score: _Score,
    rounds: int,
    boosted: int | None,
    deadline: float | None,
    quick: float | None = None,
) -> list[tuple[Assignment, ...]]:
    """Quick plans to start from: push-later; urgent first with rerouting; the urgent order in the
    gaps of the untouched plan; the urgent order started later within its stretch limit, which
    displaces less; and, around each of those placements of the urgent order, the rest of the plan
    re-dispatched by slack (`_slack_rule`); then the same again `rounds` times over, each round
    bringing forward the orders still newly late, most promising first (only the `boosted` most
    promising, in a reproducible run) until `deadline`. The first round stops at `quick`. Only
    plans that keep the urgent order within the limit count, push-later aside."""
    plans = [score.pushed,
             _urgent_first(problem, current, job_id, frozen, keep_order=False)]
    urgent = problem.job(job_id)
    gaps = place_job(timeline_with(problem, current.assignments), urgent, urgent.release)
    plans.append((*current.assignments, *gaps))
    for share in START_DELAYS:
        delay = int(share * (limit - fastest))
        if delay > 0:
            plans.append(_urgent_first(problem, current, job_id, frozen, keep_order=False, delay=delay))
    within = [plan for plan in plans[1:] if completions(plan)[job_id] <= limit]
    tried = []
    for plan in within:
        fixed = {**frozen, **{a.operation: a for a in plan if a.job == job_id}}
        for stretch, wait in SLACK_RULES:
            if quick is not None and time.monotonic() > quick:
                break
            recipe = (fixed, stretch, wait * urgent.work)
            tried.append((_redispatch(problem, current, score, *recipe, rounds=1), recipe))
    tried.sort(key=lambda found: score.cost(found[0]))
    again = []
    for _, recipe in tried[:boosted]:
        if rounds <= 1 or (deadline is not None and time.monotonic() > deadline):
            break
        again.append(_redispatch(problem, current, score, *recipe, rounds=rounds))
    return [plans[0], *within, *(plan for plan, _ in tried), *again]


def _redispatch(problem: Problem, current: Schedule, score: _Score, fixed, stretch: float, late_slack: int, rounds: int):
    """Re-dispatch everything but `fixed` by slack; while orders end up newly late, again with each
    of them brought forward by how late it was (cumulative), up to `rounds` times: the best plan."""
    boost: dict[str, int] = {}
    best = None
    for _ in range(rounds):
        plan = dispatch(problem, _slack_rule(problem, current, stretch, late_slack, boost), fixed)
        if best is None or score.cost(plan) < score.cost(best):
            best = plan
        newly = score.newly_late(plan)
        if not newly:
            break
        done = completions(plan)
        for job_id in newly:
            boost[job_id] = boost.get(job_id, 0) + done[job_id] - problem.job_by_id[job_id].due
    return best


def _slack_rule(problem: Problem, current: Schedule, stretch: float, late_slack: int, boost: dict[str, int] | None = None) -> Rule:
    """Dispatch priority that keeps the current sequence but lets orders with time to spare give
    way: an operation's current start plus `stretch` × its order's slack (due − current end),
    less the order's `boost`. An order already late counts as having `late_slack` minutes: it is
    late either way, so it waits rather than make an order late that was on time. Work may also
    move earlier into gaps the urgent order leaves, which right-shifting never does."""
    old = {a.operation: a.start for a in current.assignments}
    done = completions(current.assignments)
    boost = boost or {}
    slack = {}
    for job in problem.jobs:
        spare = job.due - done.get(job.id, job.due)
        slack[job.id] = stretch * (spare if spare >= 0 else late_slack) - boost.get(job.id, 0)

    def key(job, position: int, ready: int, work_left: int) -> tuple:
        return (old.get(job.operations[position].id, ready) + slack[job.id], ready)

    return key


class _Score:
    """The cost of a plan, computed outside the solver to compare candidates: first how far the
    other orders' weighted tardiness ends above push-later's (`bound`), then the policy's cost.
    What it needs of the current plan is worked out once, since the search scores many plans."""

    def __init__(self, problem: Problem, current: Schedule, job_id: str, policy: InsertionPolicy,
                 pushed: tuple[Assignment, ...]) -> None:
        self.problem, self.job_id, self.policy, self.pushed = problem, job_id, policy, pushed
        self.old = current.by_operation()
        self.was_late = late_jobs(problem, current.assignments)
        self.old_done = completions(current.assignments)
        self.bound = self.others_tardiness(pushed)

    def others_tardiness(self, plan) -> int:
        """Weighted tardiness of every order but the urgent one."""
        return weighted_tardiness(self.problem, tuple(a for a in plan if a.job != self.job_id))

    def newly_late(self, plan) -> list[str]:
        """Orders on time in the current plan and late in `plan`, the urgent one aside."""
        return sorted(late_jobs(self.problem, plan) - self.was_late - {self.job_id})

    def cost(self, plan) -> tuple[int, int]:
        old, policy = self.old, self.policy
        moved = moved_count(old, plan)
        newly_late = len(self.newly_late(plan))
        return max(0, self.others_tardiness(plan) - self.bound), (
            policy.urgent_weight * completions(plan)[self.job_id]
            + policy.moved_op_weight * moved
            + policy.newly_late_weight * newly_late
            + policy.over_cap_weight * policy.over_cap(newly_late)
            + policy.tardiness_weight * weighted_tardiness(self.problem, plan)
        )


def _optimise(problem, current, job_id, frozen, baseline, limit, policy, time_limit, workers, seed, score,
              deadline=None):
    """Large-neighbourhood search on the policy's cost, starting from the baseline, until
    `time_limit` (deterministic in a reproducible run) or the clock's `deadline`, whichever is first.

    Small plans are one CP-SAT model. Larger ones are re-solved a neighbourhood at a time, most
    often around an order that became late (its machines before its end: the work in its way may
    give way or change machine), else around an order that slipped, the urgent order, or at random.
    """
    def wall() -> float | None:  # seconds to the deadline once the model is built: the solve's cap
        return None if deadline is None else deadline - 0.1 - time.monotonic()

    if problem.operation_count - len(frozen) <= WHOLE_MODEL_LIMIT:
        plan = _model(problem, current, job_id, cpsat.Neighbourhood(fixed=frozen, horizon=2 * makespan(problem, baseline)), limit, policy, score, baseline)
        cpsat.add_hint(plan, baseline)
        cap = wall()
        if cap is not None and cap < 0.05:
            return None
        return cpsat.run(plan, max(0.05, time_limit - 0.1), workers, seed, wall=cap).assignments
    rng = random.Random(seed)
    deterministic = workers == 1 and seed is not None
    spent = 0.0
    best, best_cost = baseline, score.cost(baseline)
    old_done = score.old_done
    size = STEP_SIZE
    building = 0.0  # seconds the last model took to build: with set-ups a tenth of a second or more
    while True:
        cap = wall()
        left = time_limit - 0.1 - spent if deterministic else cap
        if left < 0.05 or (cap is not None and cap < 0.05 + building):
            return best
        newly = score.newly_late(best)
        target = _target(problem, job_id, newly, old_done, completions(best), policy, rng)
        if target is not None and rng.random() < MACHINE_SHARE:
            area = neighbourhoods.machine_window(problem, best, frozen, target, size, rng)
        else:
            pivot = problem.job(target).operations[-1].id if target is not None else None
            area = neighbourhoods.time_window(best, frozen, size, rng, pivot)
        if area is None:
            return best
        began = time.monotonic()
        plan = _model(problem, current, job_id, area, limit, policy, score, best)
        cpsat.add_hint(plan, best)
        building = time.monotonic() - began
        cap = wall()
        if cap is not None and cap < 0.05:
            return best
        step = min(STEP_SECONDS, left)
        outcome = cpsat.run(plan, step, workers, seed, wall=cap)
        spent += max(outcome.seconds_charged, step)
        size = min(MAX_SIZE, int(size * 1.2)) if outcome.optimal else max(MIN_SIZE, int(size * 0.85))
        if outcome.assignments is not None:
            cost = score.cost(outcome.assignments)
            if cost <= best_cost:
                best, best_cost = outcome.assignments, cost


LOCAL_LIMIT = 3000
"""Above this many operations an insertion moves only the orders around the urgent one."""
LOCAL_STRETCH, LOCAL_MIN_SPAN = 3, 24 * 60
"""The window of `local_problem`: the urgent order's work times this, at least a day."""
WHOLE_MODEL_LIMIT = 150
"""Up to this many movable operations one model is solved; above it, neighbourhoods."""
STEP_SECONDS = 0.25
STEP_SIZE, MIN_SIZE, MAX_SIZE = 60, 40, 600
MACHINE_SHARE = 0.8
"""How often an order's neighbourhood is its machines rather than a slice of time on all of them."""
START_DELAYS = (0.25, 0.5, 0.75, 1.0)
"""Shares of the urgent order's stretch allowance it may start later by in the quick starts."""
SLACK_RULES = ((0.0, 0), (0.25, 3), (0.5, 1), (0.5, 3), (1.0, 1), (1.0, 3))
"""(stretch, late slack in multiples of the urgent order's work) of the slack re-dispatch rules.
Each is the best on some case of the 200-order benchmark plant, where they leave 2-17 orders
newly late before any search, and right-shifting 17-39 (docs/benchmarks.md)."""
QUICK_SECONDS = 1.0
"""Seconds from the call's start the first round of quick starts may take, past a caller's deadline
if need be, so that a call without time to search (a promise with time limit 0) still gets its
slack re-dispatches; for an order of usual size they take a fraction of this. A huge order on a
full plant (hundreds of lots to place in every re-dispatch) stops early, with the plans found so far."""
GRACE = 1.0
"""Seconds a reproducible run may go on past its caller's deadline. Its search counts the solver's
deterministic time, which stands for about as many seconds of the clock (`cpsat.
DETERMINISTIC_UNITS_PER_SECOND`), so on a busy machine it may end a little late; the clock stops
it only where deterministic time strays far from the clock (a huge order's models), so that the
same question still gets the same answer."""
BOOST_ROUNDS, START_SHARE, BOOSTED = 6, 0.5, 8
"""With time to search, slack re-dispatches are repeated up to `BOOST_ROUNDS` times, each bringing
the orders still newly late forward (10-40 ms a round on 200 orders), for at most `START_SHARE`
of the time limit (the search gets the rest), or in a reproducible run for the `BOOSTED` most
promising, since a clock would make the plan depend on the machine's load."""


def _target(problem, job_id, newly, old_done, done, policy, rng) -> str | None:
    """The order the next neighbourhood is built around: newly late ones first while over the cap."""
    over = policy.max_newly_late is not None and len(newly) > policy.max_newly_late
    draw = rng.random()
    if newly and draw < (0.75 if over else 0.6):
        return rng.choice(newly)
    if over and draw < 0.85:
        return job_id
    jobs = problem.job_by_id
    slipped = sorted(j for j, end in done.items() if j in old_done and end > old_done[j] and end > jobs[j].due)
    if slipped and draw < 0.8:
        return rng.choice(slipped)
    if draw < 0.9:
        return job_id
    return None


def _model(problem, current, job_id, area, limit, policy, score, start):
    """The insertion model on `area`, with the policy's weighted disturbance as objective;
    breakable lots stay where `start` (the plan it searches from) has them."""
    plan = cpsat.build(problem, area, start)
    model = plan.model
    if not isinstance(plan.completions[job_id], int):
        model.add(plan.completions[job_id] <= limit)
    moved = cpsat.moved_literals(plan, current.assignments)
    was_late = score.was_late
    newly_late = []
    for job in problem.jobs:
        completion = plan.completions[job.id]
        if job.id == job_id or job.id in was_late:
            continue
        if isinstance(completion, int):
            newly_late.append(int(completion > job.due))
            continue
        late = plan.derive(model.new_bool_var(f"newly_late[{job.id}]"), lambda placed, done, job=job: int(done.get(job.id, 0) > job.due))
        model.add(completion <= job.due).only_enforce_if(~late)
        newly_late.append(late)
    over = 0
    if policy.max_newly_late is not None:
        over = model.new_int_var(0, len(newly_late), "over_cap")
        counted = [job for job in problem.jobs if job.id != job_id and job.id not in was_late]
        plan.derive(over, lambda placed, done: policy.over_cap(sum(1 for job in counted if done.get(job.id, 0) > job.due)))
        model.add(over >= sum(newly_late) - policy.max_newly_late)
    tardiness = cpsat.tardiness_terms(plan)
    model.add(sum(problem.job_by_id[j].weight * t for j, t in tardiness.items() if j != job_id) <= score.bound)
    model.minimize(
        policy.urgent_weight * plan.completions[job_id]
        + policy.moved_op_weight * sum(moved)
        + policy.newly_late_weight * sum(newly_late)
        + policy.over_cap_weight * over
        + policy.tardiness_weight * sum(problem.job_by_id[j].weight * t for j, t in tardiness.items())
    )
    return plan
