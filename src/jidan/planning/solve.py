"""The planner's entry point: greedy first, then CP-SAT (whole model, or LNS when large)."""

from __future__ import annotations

import math
import time
from collections.abc import Mapping

from jidan.planning import cpsat, lns
from jidan.planning.dispatch import best_dispatch, classic_rules, rules_for
from jidan.planning.problem import Problem
from jidan.planning.result import (
    OBJECTIVES,
    Assignment,
    Schedule,
    evaluate,
    makespan,
    trivial_lower_bound,
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
        raise ValueError(f"unknown objective {objective!r}; expected one of {OBJECTIVES}")
    clock = time.monotonic()
    frozen = dict(frozen or {})
    rules = classic_rules(problem, objective) if time_limit <= 0 else rules_for(problem, objective)
    _, best, value = best_dispatch(problem, objective, frozen, rules)
    if start is not None and not violations(problem, start) and evaluate(problem, start, objective) <= value:
        best, value = start, evaluate(problem, start, objective)
    bound = trivial_lower_bound(problem, objective)
    optimal = False
    # a reproducible run counts CP-SAT's work only: the seconds dispatch took vary with the load
    deterministic = workers == 1 and seed is not None
    budget = time_limit if deterministic else time_limit - (time.monotonic() - clock)
    if time_limit > 0 and budget > 0 and value > bound:  # at the bound there is nothing to gain
        if problem.operation_count - len(frozen) <= FULL_MODEL_LIMIT:
            outcome = _whole(problem, objective, best, frozen, budget, workers, seed)
            if outcome.assignments is not None and not violations(problem, outcome.assignments):
                candidate = evaluate(problem, outcome.assignments, objective)
                if candidate < value:  # on a tie the plan we had stays: it moves less
                    best, value = outcome.assignments, candidate
                optimal = outcome.optimal and candidate <= value
            bound = max(bound, math.ceil(outcome.bound - 1e-6)) if outcome.assignments is not None else bound
        else:
            improved = lns.improve(problem, objective, best, frozen, budget, workers, seed)
            if not violations(problem, improved):
                best, value = improved, evaluate(problem, improved, objective)
    check(problem, best)
    bound = min(bound, value)
    status = "optimal" if optimal or value == bound else "feasible"
    return Schedule(status, objective, value, bound, _ordered(best), time.monotonic() - clock)


def _whole(problem, objective, hint, frozen, budget, workers, seed) -> cpsat.Outcome:
    """One model of every movable operation, warm-started from `hint`, its makespan bounded
    below by the machine loads (a redundant cut: the plain model has none).

    With `FULL_SEARCH_SECONDS` or more, all of it goes to CP-SAT's full search, with a wider
    portfolio (`portfolio_workers`). Below, a first
    share of the time (at most `PROOF_SECONDS` on larger models) goes to CP-SAT's full
    search, which proves small plans optimal and gives the bound; if it has not proven its
    plan, the rest goes to CP-SAT's neighbourhood search alone from the best plan so far. With
    two workers the full search keeps one of them on the tree search, which rarely improves a
    plan of a hard instance, so the neighbourhood search gets twice the work (docs/benchmarks.md).
    """
    plan = whole_model(problem, objective, hint, frozen)
    clock = time.monotonic()
    proof = cpsat.run(plan, full_search_seconds(budget, problem.operation_count - len(frozen)),
                      portfolio_workers(budget, workers), seed)
    left = budget - (proof.seconds_charged if workers == 1 and seed is not None else time.monotonic() - clock)
    if proof.optimal or left < 0.1:
        return proof
    best = proof.assignments if proof.assignments is not None else hint
    plan.model.clear_hints()
    cpsat.add_hint(plan, best)
    search = cpsat.run(plan, left, workers, seed, lns_only=True)
    if search.assignments is None or evaluate(problem, search.assignments, objective) > evaluate(problem, best, objective):
        return proof
    value = evaluate(problem, search.assignments, objective)
    return cpsat.Outcome(search.assignments, proof.bound, value <= proof.bound, proof.deterministic_time + search.deterministic_time)


def whole_model(problem, objective, hint, frozen) -> cpsat.PlanModel:
    """Every movable operation in one model, within the hint's makespan (plus the total work when
    lateness is the objective), the makespan cut by the machine loads, started from `hint`."""
    spread = sum(j.work for j in problem.jobs) if objective == "weighted-tardiness" else 0
    plan = cpsat.build(problem, cpsat.Neighbourhood(fixed=frozen, horizon=makespan(problem, hint) + spread))
    target = cpsat.objective_expression(plan, objective)
    if objective == "makespan":
        plan.model.add(target >= trivial_lower_bound(problem, objective))
    plan.model.minimize(target)
    cpsat.add_hint(plan, hint)
    return plan


FULL_SEARCH_SECONDS = 30.0
"""From this budget on, the whole time goes to CP-SAT's full search (both workers' portfolio):
at 60 s it beat the neighbourhood search alone on 15x15 job shops (docs/benchmarks.md)."""
PROOF_SHARE, PROOF_SECONDS, SMALL_MODEL = 0.25, 2.0, 150
"""Share of a whole-model solve given to CP-SAT's full search before its neighbourhood search
alone; above `SMALL_MODEL` movable operations (15x15 job shops), where a proof within the limit
is unlikely, at most `PROOF_SECONDS` of it. 10x10 job shops are mostly proven within the share."""


PORTFOLIO_WORKERS = 8
"""CP-SAT workers of a full search from `FULL_SEARCH_SECONDS` on, sharing the cores asked for:
with a minute, a wider portfolio (more kinds of neighbourhood and of tree search) proves 10x10
job shops optimal sooner than two workers with the same CPU time; on 15x15 and 20x15 it is level
with them (docs/benchmarks.md)."""


def portfolio_workers(budget: float, workers: int) -> int:
    """How many CP-SAT workers a whole-model full search of `budget` seconds runs: one stays one
    (a reproducible run), and short runs keep the `workers` asked for."""
    return max(workers, PORTFOLIO_WORKERS) if workers > 1 and budget >= FULL_SEARCH_SECONDS else workers


def full_search_seconds(budget: float, movable: int) -> float:
    """How much of a whole-model solve's `budget` goes to CP-SAT's full search (the rest to its
    neighbourhood search alone): all of it from `FULL_SEARCH_SECONDS` on, else a share, capped
    at `PROOF_SECONDS` on models of more than `SMALL_MODEL` movable operations."""
    if budget >= FULL_SEARCH_SECONDS:
        return budget
    if movable <= SMALL_MODEL:
        return PROOF_SHARE * budget
    return min(PROOF_SHARE * budget, PROOF_SECONDS)


def _ordered(assignments) -> tuple[Assignment, ...]:
    return tuple(sorted(assignments, key=lambda a: (a.start, a.resource, a.operation)))
