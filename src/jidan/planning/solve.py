"""The planner's entry point: greedy first, then CP-SAT (whole model, or LNS when large)."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping

from jidan.planning import cpsat, elsewhere, lns, tabu
from jidan.planning.dispatch import best_dispatch, classic_rules, rules_for
from jidan.planning.problem import Problem
from jidan.planning.result import (
    OBJECTIVES,
    Assignment,
    Schedule,
    evaluate,
    makespan,
    trivial_lower_bound,
    unknown_objective,
)
from jidan.planning.validate import check, violations

FULL_MODEL_LIMIT = 600
"""Above this many movable operations neighbourhoods beat one CP-SAT model (200-order plants:
about 30x lower weighted tardiness in 15 s); below it one model can prove its plan optimal."""


def solve(
    problem: Problem,
    objective: str = "makespan",
    time_limit: float = 10.0,
    workers: int = 2,
    seed: int | None = None,
    frozen: Mapping[str, Assignment] | None = None,
    start: tuple[Assignment, ...] | None = None,
) -> Schedule:
    """Plan every job; never worse than greedy dispatch, always feasible.

    `time_limit` 0 returns the better of the classic dispatch rules at once; with time, every
    rule of `rules_for` is tried first and the best plan is improved. With `workers=1` and a
    `seed` the run is reproducible (CP-SAT's deterministic time stands in for seconds). `frozen` operations stay
    exactly where they are; `start` is a feasible plan to improve instead of the greedy one when
    it is no worse (on a tie the caller's plan wins: it is the calmer one).
    """
    if objective not in OBJECTIVES:
        raise unknown_objective(objective)
    clock = time.monotonic()
    frozen = dict(frozen or {})
    rules = classic_rules(problem, objective) if time_limit <= 0 else rules_for(problem, objective)
    # a reproducible run counts CP-SAT's work only: the seconds dispatch took vary with the load
    deterministic = workers == 1 and seed is not None
    rules_until = None if deterministic or time_limit <= 0 else clock + RULES_SHARE * time_limit
    _, best, value = best_dispatch(problem, objective, frozen, rules, rules_until)
    if start is not None and not violations(problem, start) and evaluate(problem, start, objective) <= value:
        best, value = start, evaluate(problem, start, objective)
    bound = trivial_lower_bound(problem, objective)
    budget = time_limit if deterministic else time_limit - (time.monotonic() - clock)
    share = tabu_share(problem) * budget if objective == "makespan" and tabu.applies(problem, frozen) else 0
    if share > 0 and value > bound:
        searched = _tabu_phase(problem, best, share, workers, seed, deterministic, bound)
        best, value = _better(problem, objective, best, value, searched)
        budget = budget - share if deterministic else time_limit - (time.monotonic() - clock)
    if time_limit > 0 and budget > MIN_SOLVE_SECONDS and value > bound:  # at the bound there is nothing to gain
        if problem.operation_count - len(frozen) <= FULL_MODEL_LIMIT:
            outcome = _whole(problem, objective, best, frozen, budget, workers, seed)
            best, value = _better(problem, objective, best, value, outcome.assignments)
            bound = _raised(bound, outcome)
        else:
            best, value = _better(problem, objective, best, value, lns.improve(problem, objective, best, frozen, budget, workers, seed))
    check(problem, best)
    bound = min(bound, value)
    status = "optimal" if value == bound else "feasible"
    return Schedule(status, objective, value, bound, _ordered(best), time.monotonic() - clock)


TABU_FROM, TABU_ALONE_FROM = 150, 200
"""Operations from which a makespan search gives the tabu search a share of its budget, and
from which it gives it all (with more tabu searches beside it, `_tabu_phase`): on abz, swv and
Taillard 20x20 shops at 10 s, all of it beat the earlier share (a third at 300 operations, all
from 600) on 7 of 8 (docs/benchmarks.md)."""
MIN_SOLVE_SECONDS = 0.05
RULES_SHARE = 0.5
"""The share of the time limit the dispatch rules may take before the search: on a huge plant
(10,000 operations and more) each rule takes a tenth of a second or more, and twenty of them
would overrun a short limit (docs/benchmarks.md)."""


def tabu_share(problem: Problem) -> float:
    """The share of a makespan search's budget the tabu search gets first, CP-SAT the rest. None
    up to `TABU_FROM` operations, where CP-SAT proves job shops optimal in seconds (10x10), then
    growing to all of it at `TABU_ALONE_FROM`, with a tabu search on each worker (`_tabu_phase`)
    (docs/benchmarks.md)."""
    share = (problem.operation_count - TABU_FROM) / (TABU_ALONE_FROM - TABU_FROM)
    return min(1.0, max(0.0, share))


def _tabu_phase(problem, start, seconds, workers, seed, deterministic, bound) -> tuple[Assignment, ...]:
    """The tabu search for `seconds`; with two workers or more, as many tabu searches at once,
    each from its own seed, the others in processes of their own (`elsewhere`), the best plan
    kept. All stop when one reaches the lower `bound`. CP-SAT's full search on the other core,
    as before, never came near the tabu search on 20x10 to 50x10 shops (docs/benchmarks.md)."""
    if workers < 2 or deterministic:
        return tabu.improve(problem, start, seconds, seed, deterministic, lower_bound=bound)
    deadline = time.monotonic() + seconds
    searches = [
        elsewhere.Elsewhere(problem, start, deadline, None if seed is None else seed + k, bound) for k in range(1, workers)
    ]
    try:
        mine = tabu.improve(problem, start, seconds, seed, stop=elsewhere.Finished(searches), lower_bound=bound)
    finally:
        for search in searches:
            search.stop()
        plans = [search.answer() for search in searches]  # on an error too: no search outlives the call
    for plan in plans:
        if isinstance(plan, BaseException):
            raise plan
    return min([mine, *plans], key=lambda plan: makespan(problem, plan))


def _better(problem, objective, best, value, candidate) -> tuple[tuple[Assignment, ...], int]:
    """`candidate` if it is a valid plan better than `best`; on a tie the plan we had stays (it
    moves less)."""
    if candidate is None or violations(problem, candidate):
        return best, value
    candidate_value = evaluate(problem, candidate, objective)
    return (candidate, candidate_value) if candidate_value < value else (best, value)


def _raised(bound: int, outcome: cpsat.Outcome) -> int:
    """The lower bound, raised to what a CP-SAT run proved."""
    return max(bound, math.ceil(outcome.bound - 1e-6)) if outcome.assignments is not None else bound


def _whole(problem, objective, hint, frozen, budget, workers, seed) -> cpsat.Outcome:
    """One model of every movable operation, warm-started from `hint`, its makespan bounded
    below by the machine loads (a redundant cut: the plain model has none), the whole budget
    given to CP-SAT's full search; from `FULL_SEARCH_SECONDS` on with a wider portfolio.

    Giving most of a short budget to CP-SAT's neighbourhood search alone looked better while the
    machine was busy, and lost to the full search on an idle one (docs/benchmarks.md)."""
    plan = whole_model(problem, objective, hint, frozen)
    return cpsat.run(plan, budget, portfolio_workers(budget, workers), seed)


def whole_model(problem, objective, hint, frozen) -> cpsat.PlanModel:
    """Every movable operation in one model, within the hint's makespan (plus the total work when
    lateness is the objective), the makespan cut by the machine loads, started from `hint`."""
    spread = sum(j.work for j in problem.jobs) if objective == "weighted-tardiness" else 0
    plan = cpsat.build(problem, cpsat.Neighbourhood(fixed=frozen, horizon=makespan(problem, hint) + spread), hint)
    target = cpsat.objective_expression(plan, objective)
    if objective == "makespan":
        plan.model.add(target >= trivial_lower_bound(problem, objective))
    plan.model.minimize(target)
    cpsat.add_hint(plan, hint)
    return plan


FULL_SEARCH_SECONDS = 30.0
"""From this budget on, the full search runs the wider portfolio (`portfolio_workers`)."""


PORTFOLIO_WORKERS = 8
"""CP-SAT workers of a full search from `FULL_SEARCH_SECONDS` on, sharing the cores asked for:
with a minute, a wider portfolio (more kinds of neighbourhood and of tree search) proves 10x10
job shops optimal sooner than two workers with the same CPU time; on 15x15 and 20x15 it is level
with them (docs/benchmarks.md)."""


def portfolio_workers(budget: float, workers: int) -> int:
    """How many CP-SAT workers a whole-model full search of `budget` seconds runs: one stays one
    (a reproducible run), and short runs keep the `workers` asked for."""
    return max(workers, PORTFOLIO_WORKERS) if workers > 1 and budget >= FULL_SEARCH_SECONDS else workers


def _ordered(assignments) -> tuple[Assignment, ...]:
    return tuple(sorted(assignments, key=lambda a: (a.start, a.resource, a.operation)))
