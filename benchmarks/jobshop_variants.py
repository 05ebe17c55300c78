"""Two 60 s job-shop ideas that were tried and not kept (docs/benchmarks.md), kept runnable so
the figures can be checked: each line one instance, the variant and its rival side by side.

    python benchmarks/jobshop_variants.py no-feasibility --time-limit 30 ta02 ta05 ta08 ta09 ta10 orb01
    python benchmarks/jobshop_variants.py search-then-full --time-limit 60 ta09 ta03 ta05
    python benchmarks/jobshop_variants.py more-workers --workers 8 --time-limit 60 ta02 ta05 ta08 ta09
    python benchmarks/jobshop_variants.py tabu-share --share 1 --time-limit 10 abz7 abz8 swv01 swv06 ta21

no-feasibility: CP-SAT from our warm start without its feasibility helpers, against the default.
search-then-full: 10 s of neighbourhood search alone, then full search, against the plain model.
more-workers: CP-SAT from our warm start with more workers than cores (a wider portfolio, each
worker a smaller share of the two cores), against the plain model with two.
tabu-share: our solve with the tabu search's share of the budget set to `--share`, against ours.
"""

from __future__ import annotations

import argparse

from jobshop import load, textbook
from ortools.sat.python import cp_model

from jidan.planning import cpsat, solve
from jidan.planning.dispatch import best_dispatch, rules_for
from jidan.planning.problem import Problem
from jidan.planning.result import evaluate
from jidan.planning.solve import whole_model

FEASIBILITY_HELPERS = ["feasibility_pump", "rins/rens", "ls", "fj"]


def warm_model(problem: Problem) -> tuple[cpsat.PlanModel, tuple]:
    """Our whole model of `problem`, hinted with the best dispatch plan, as `solve` builds it."""
    _, hint, _ = best_dispatch(problem, "makespan", {}, rules_for(problem, "makespan"))
    return whole_model(problem, "makespan", hint, {}), hint


def with_subsolvers(problem: Problem, limit: float, ignore: list[str], workers: int = 2) -> int:
    plan, _ = warm_model(problem)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.max_time_in_seconds = limit
    solver.parameters.ignore_subsolvers.extend(ignore)
    solver.solve(plan.model)
    return int(solver.objective_value)


def search_then_full(problem: Problem, limit: float, first: float = 10.0) -> int:
    plan, hint = warm_model(problem)
    found = cpsat.run(plan, first, 2, lns_only=True).assignments or hint
    plan.model.clear_hints()
    cpsat.add_hint(plan, found)
    full = cpsat.run(plan, limit - first, 2).assignments
    return min(evaluate(problem, a, "makespan") for a in (found, full) if a is not None)


def with_share(problem: Problem, limit: float, share: float | None) -> int:
    """Our solve, the tabu search's share of the budget set to `share` (None: as it is)."""
    kept = solve.tabu_share
    if share is not None:
        solve.tabu_share = lambda _: share
    try:
        return solve.solve(problem, "makespan", limit, 2).value
    finally:
        solve.tabu_share = kept


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("variant", choices=["no-feasibility", "search-then-full", "more-workers", "tabu-share"])
    parser.add_argument("instances", nargs="+")
    parser.add_argument("--time-limit", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=8, help="more-workers: CP-SAT workers for ours")
    parser.add_argument("--share", type=float, default=1.0, help="tabu-share: the tabu search's share")
    parser.add_argument("--against", type=float, help="tabu-share: the rival's share (default: as it is)")
    args = parser.parse_args()
    if args.variant == "tabu-share":
        runs = {"variant": lambda p: with_share(p, args.time_limit, args.share),
                "ours": lambda p: with_share(p, args.time_limit, args.against)}
    elif args.variant == "no-feasibility":
        runs = {"variant": lambda p: with_subsolvers(p, args.time_limit, FEASIBILITY_HELPERS),
                "default": lambda p: with_subsolvers(p, args.time_limit, [])}
    elif args.variant == "more-workers":
        runs = {"variant": lambda p: with_subsolvers(p, args.time_limit, [], args.workers),
                "plain": lambda p: textbook(p, args.time_limit, 2)}
    else:
        runs = {"variant": lambda p: search_then_full(p, args.time_limit),
                "plain": lambda p: textbook(p, args.time_limit, 2)}
    for index, name in enumerate(args.instances):
        problem, best = load(name)
        order = list(runs) if index % 2 == 0 else list(reversed(runs))  # who goes first alternates
        got = {who: runs[who](problem) for who in order}
        print(name, f"best {best}", "  ".join(f"{who} {v} ({100 * (v - best) / best:.2f}%)" for who, v in got.items()),
              flush=True)


if __name__ == "__main__":
    main()
