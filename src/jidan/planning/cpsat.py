"""The CP-SAT model, built in small steps: variables, precedence, resources, objective.

The same model serves the full problem and the neighbourhoods of the large-neighbourhood
search: every operation is either *fixed* (a constant), *shifted* (its resource and its order
on that resource kept, its time free) or else free (any alternative, any time in the window).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace

from ortools.sat.python import cp_model

from jidan.planning.problem import Job, Operation, Problem
from jidan.planning.result import Assignment, unknown_objective


@dataclass(frozen=True)
class Neighbourhood:
    """Which operations may change and how, inside the time window [earliest, horizon).

    `shifted` maps an operation to the resource it keeps; its insertion order is the order the
    operations keep on each resource.
    """

    fixed: Mapping[str, Assignment]
    shifted: Mapping[str, str] = field(default_factory=dict)
    earliest: int = 0
    horizon: int = 0


@dataclass
class Sequence:
    """A resource's sequence as a circuit (node 0 starts and ends it): the operations on it, the
    arc literal of each pair that may follow each other, and each movable operation's set-up
    before it (`lead` is where that set-up starts)."""

    resource: str
    operations: list[str]
    """Node i's operation is `operations[i - 1]`: the movable ones, then fixed and occupied work."""
    families: list[str]
    kept: dict[str, int]
    """The start of each node of fixed or occupied work."""
    arcs: dict[tuple[int, int], cp_model.IntVar]
    setups: dict[int, tuple[cp_model.IntVar, cp_model.IntVar]]


@dataclass
class PlanModel:
    """A CP-SAT model with handles on the variables the objective and the hints need."""

    problem: Problem
    area: Neighbourhood
    model: cp_model.CpModel = field(default_factory=cp_model.CpModel)
    starts: dict[str, cp_model.IntVar] = field(default_factory=dict)
    choices: dict[str, dict[str, cp_model.IntVar]] = field(default_factory=dict)
    intervals: dict[str, list[cp_model.IntervalVar]] = field(default_factory=dict)
    completions: dict[str, cp_model.LinearExprT] = field(default_factory=dict)
    jobs: list[Job] = field(default_factory=list)
    """The jobs with an operation that may move; the others are constants."""
    derived: list[tuple[cp_model.IntVar, Callable[[Mapping[str, Assignment], Mapping[str, int]], int]]] = field(
        default_factory=list
    )
    """Helper variables (tardiness, makespan, penalties) with how to compute each from a plan
    (its assignments by operation, its completions by job), so a hint can be complete: CP-SAT
    takes a complete, feasible hint as its first solution at once, where a partial one must be
    completed by search, which a short neighbourhood solve often fails to do."""
    sequences: list[Sequence] = field(default_factory=list)
    """The machine sequences of resources with set-ups (`add_setups`), hinted from a plan too."""
    own_intervals: dict[tuple[str, str], cp_model.IntervalVar] = field(default_factory=dict)
    """Each movable operation's interval on each of its resources, for `add_setups` to widen."""

    def derive(self, variable: cp_model.IntVar, value: Callable[[Mapping[str, Assignment], Mapping[str, int]], int]):
        self.derived.append((variable, value))
        return variable

    def end(self, op: Operation):
        return self.starts[op.id] + op.duration


def build(problem: Problem, area: Neighbourhood, pinned: Iterable[Assignment] = ()) -> PlanModel:
    """The model of `problem` restricted to `area`, without objective.

    Breakable lots (`Operation.breakable`) stay where `pinned` (the plan the search starts from)
    has them: their length depends on where they start, which this model does not express; the
    greedy rules, insertion and repair place them, and the model fits the rest around them."""
    area = _with_lots_pinned(problem, area, pinned)
    plan = PlanModel(problem, area)
    fixed = area.fixed
    for job in problem.jobs:
        if all(op.id in fixed for op in job.operations):
            plan.completions[job.id] = fixed[job.operations[-1].id].end
        else:
            plan.jobs.append(job)
    add_operations(plan)
    add_precedence(plan)
    add_unavailable_windows(plan)
    add_fixed_work(plan)
    add_kept_order(plan)
    if problem.has_setups:
        add_setups(plan)
    for resource_intervals in plan.intervals.values():
        if len(resource_intervals) > 1:
            plan.model.add_no_overlap(resource_intervals)
    return plan


def _with_lots_pinned(problem: Problem, area: Neighbourhood, pinned: Iterable[Assignment]) -> Neighbourhood:
    loose = problem.breakable - area.fixed.keys()
    if not loose:
        return area
    found = {a.operation: a for a in pinned if a.operation in loose}
    if len(found) != len(loose):
        raise ValueError(f"breakable lots {sorted(loose - found.keys())[:3]} need a place to stay (pinned)")
    return replace(area, fixed={**area.fixed, **found},
                   shifted={op: r for op, r in area.shifted.items() if op not in found})


def add_operations(plan: PlanModel) -> None:
    """A start per movable operation; one optional interval per alternative resource."""
    area, model = plan.area, plan.model
    for job in plan.jobs:
        for k, op in enumerate(job.operations):
            if op.id in area.fixed:
                continue
            lowest = job.earliest(k, area.earliest)
            start = model.new_int_var(lowest, max(lowest, area.horizon - op.duration), f"s[{op.id}]")
            plan.starts[op.id] = start
            resources = (area.shifted[op.id],) if op.id in area.shifted else op.resources
            if len(resources) == 1:
                interval = model.new_fixed_size_interval_var(start, op.duration, f"i[{op.id}]")
                plan.intervals.setdefault(resources[0], []).append(interval)
                plan.own_intervals[op.id, resources[0]] = interval
                plan.choices[op.id] = {resources[0]: model.new_constant(1)}
                continue
            literals = {}
            for rid in resources:
                literal = model.new_bool_var(f"on[{op.id},{rid}]")
                interval = model.new_optional_fixed_size_interval_var(start, op.duration, literal, f"i[{op.id},{rid}]")
                plan.intervals.setdefault(rid, []).append(interval)
                plan.own_intervals[op.id, rid] = interval
                literals[rid] = literal
            model.add_exactly_one(literals.values())
            plan.choices[op.id] = literals


def add_precedence(plan: PlanModel) -> None:
    """Routing order within each job, against fixed neighbours as plain bounds."""
    fixed, model = plan.area.fixed, plan.model
    for job in plan.jobs:
        previous = None
        for op in job.operations:
            if op.id in fixed:
                if previous is not None and not isinstance(previous, int):
                    model.add(previous <= fixed[op.id].start)
                previous = fixed[op.id].end
                continue
            if previous is not None:
                model.add(plan.starts[op.id] >= previous)
            previous = plan.end(op)
        plan.completions[job.id] = previous


def add_unavailable_windows(plan: PlanModel) -> None:
    """Downtime and occupied work block the resource like a fixed operation (and a set-up, which
    may begin before the window of movable work)."""
    area = plan.area
    for resource in plan.problem.resources:
        if resource.id not in plan.intervals:
            continue
        reach = area.earliest - max((m for _, _, m in resource.setups), default=0)
        for s, e in (*resource.unavailable, *((s, e) for s, e, _ in resource.occupied)):
            if e > reach and s < area.horizon:
                plan.intervals[resource.id].append(plan.model.new_fixed_size_interval_var(s, e - s, f"down[{resource.id},{s}]"))


def add_fixed_work(plan: PlanModel) -> None:
    """Fixed operations that reach into the window occupy their resource."""
    area, problem = plan.area, plan.problem
    for a in area.fixed.values():
        if a.end > a.start and a.resource in plan.intervals and a.end > area.earliest and a.start < area.horizon:
            for s, e in problem.held(a.operation, a.resource, a.start, a.end):  # a lot's pauses are windows
                plan.intervals[a.resource].append(plan.model.new_fixed_size_interval_var(s, e - s, f"f[{a.operation},{s}]"))


def add_kept_order(plan: PlanModel) -> None:
    """Shifted operations keep their sequence on their resource."""
    area = plan.area
    if not area.shifted:
        return
    by_resource: dict[str, list[str]] = {}
    for op_id, rid in area.shifted.items():
        by_resource.setdefault(rid, []).append(op_id)
    for op_ids in by_resource.values():
        for first, second in zip(op_ids, op_ids[1:]):
            job, k = plan.problem.operation_by_id[first]
            plan.model.add(plan.starts[second] >= plan.starts[first] + job.operations[k].duration)


def add_setups(plan: PlanModel) -> None:
    """Set-ups as transition times on each machine's sequence (as PyJobShop models them): a
    circuit through the operations on the resource, where an arc a → b makes b follow a, after
    a's end and the set-up from a's family to b's; an operation not on the resource loops on
    itself. A movable operation's interval on the resource is widened to start with its set-up,
    so the set-up, like the work, stays out of closed windows (the validator's rule). Fixed work
    joins the circuit where it can neighbour movable work: inside the window, and the last
    before it and the first after it."""
    area, model, problem = plan.area, plan.model, plan.problem
    for resource in problem.resources:
        if not resource.setups or resource.id not in plan.intervals:
            continue
        rid, setup = resource.id, resource.setup
        movable = [op_id for op_id, choices in plan.choices.items() if rid in choices and _duration(problem, op_id) > 0]
        if not movable:
            continue
        fixed = sorted([*((a.start, a.end, a.operation, problem.family(a.operation))
                          for a in area.fixed.values() if a.resource == rid and a.end > a.start),
                        *((s, e, f"occupied[{rid},{s}]", family) for s, e, family in resource.occupied)])
        before = [w for w in fixed if w[1] <= area.earliest][-1:]
        after = [w for w in fixed if w[0] >= area.horizon][:1]
        fixed = [*before, *(w for w in fixed if w[1] > area.earliest and w[0] < area.horizon), *after]
        ops = [*movable, *(name for _, _, name, _ in fixed)]
        families = [*(problem.family(o) for o in movable), *(family for _, _, _, family in fixed)]
        sequence = Sequence(rid, ops, families, {name: start for start, _, name, _ in fixed}, {}, {})
        arcs = []
        widened = set()
        # each node's start bounds, duration, start and end (expressions, or constants if fixed)
        low, high, lengths, begins, ends = [0], [0], [0], [0], [0]
        for i, op_id in enumerate(movable, start=1):
            present = plan.choices[op_id][rid]
            start, duration = plan.starts[op_id], _duration(problem, op_id)
            longest = max((setup(f, families[i - 1]) for f in set(families)), default=0)
            minutes = model.new_int_var(0, longest, f"setup[{op_id},{rid}]")
            job, k = problem.operation_by_id[op_id]
            lowest = job.earliest(k, area.earliest)
            low.append(lowest)
            high.append(max(lowest, area.horizon - duration))
            lengths.append(duration)
            begins.append(start)
            ends.append(start + duration)
            lead = model.new_int_var(lowest - longest, high[-1], f"lead[{op_id},{rid}]")
            interval = model.new_optional_interval_var(lead, minutes + duration, ends[-1], present, f"w[{op_id},{rid}]")
            widened.add(id(plan.own_intervals[op_id, rid]))
            plan.intervals[rid].append(interval)
            sequence.setups[i] = (minutes, lead)
            if len(plan.choices[op_id]) > 1:
                arcs.append((i, i, ~present))
        for start, end, _, _ in fixed:
            low.append(start)
            high.append(start)
            lengths.append(end - start)
            begins.append(start)
            ends.append(end)
        plan.intervals[rid] = [v for v in plan.intervals[rid] if id(v) not in widened]
        first_fixed = len(movable) + 1
        for i in range(len(ops) + 1):
            for j in range(1, len(ops) + 1):
                if i == j or (i >= first_fixed and j >= first_fixed and j != i + 1):
                    continue  # fixed work keeps its order: only a fixed one's successor may follow it
                minutes = setup(families[i - 1], families[j - 1]) if i else 0
                if i and low[i] + lengths[i] + minutes > high[j]:
                    continue  # j cannot start late enough to follow i
                if j >= first_fixed and 1 <= i < first_fixed and resource.closed_within(begins[j] - minutes, begins[j]):
                    continue  # the set-up before fixed work would fall in a closed window
                literal = model.new_bool_var(f"arc[{rid},{i},{j}]")
                sequence.arcs[i, j] = literal
                arcs.append((i, j, literal))
                if j < first_fixed:
                    model.add(sequence.setups[j][0] == minutes).only_enforce_if(literal)
                if i and not (i >= first_fixed and j >= first_fixed):
                    model.add(ends[i] + minutes <= begins[j]).only_enforce_if(literal)
        for i in range(len(ops) + 1):  # 0 → 0: nothing on the resource
            literal = model.new_bool_var(f"arc[{rid},{i},0]")
            sequence.arcs[i, 0] = literal
            arcs.append((i, 0, literal))
        model.add_circuit(arcs)
        plan.sequences.append(sequence)


def _duration(problem: Problem, op_id: str) -> int:
    job, k = problem.operation_by_id[op_id]
    return job.operations[k].duration


def _hint_sequences(plan: PlanModel, placed: Mapping[str, Assignment]) -> None:
    """Arc literals and set-ups from a plan: consecutive operations on a resource follow each other."""
    for sequence in plan.sequences:
        starts = {}
        for i, op_id in enumerate(sequence.operations, start=1):
            if op_id in sequence.kept:
                starts[i] = sequence.kept[op_id]
            elif op_id in placed and placed[op_id].resource == sequence.resource:
                starts[i] = placed[op_id].start
        on = sorted(starts, key=starts.__getitem__)
        chosen = set(zip([0, *on], [*on, 0]))
        for (i, j), literal in sequence.arcs.items():
            plan.model.add_hint(literal, (i, j) in chosen)
        follows = {j: i for i, j in chosen}
        setup, families = plan.problem.resource_by_id[sequence.resource].setup, sequence.families
        for j, (minutes, lead) in sequence.setups.items():
            i = follows.get(j, 0)
            value = setup(families[i - 1], families[j - 1]) if i and j in starts else 0
            plan.model.add_hint(minutes, value)
            op_id = sequence.operations[j - 1]
            plan.model.add_hint(lead, (placed[op_id].start if op_id in placed else 0) - value)


def makespan_objective(plan: PlanModel):
    """Latest completion over all jobs."""
    ends = list(plan.completions.values())
    constants = [c for c in ends if isinstance(c, int)]
    top = plan.model.new_int_var(max(constants, default=0), max(plan.area.horizon, max(constants, default=0)), "makespan")
    plan.derive(top, lambda placed, done: max(done.values(), default=0))
    variables = [c for c in ends if not isinstance(c, int)]
    if variables:
        plan.model.add_max_equality(top, variables + ([max(constants)] if constants else []))
    return top


def tardiness_terms(plan: PlanModel, job_ids: Iterable[str] | None = None) -> dict[str, object]:
    """Each job's tardiness (minutes past due) as a variable or a constant."""
    terms: dict[str, object] = {}
    for job_id in job_ids if job_ids is not None else plan.completions:
        job = plan.problem.job_by_id[job_id]
        completion = plan.completions[job_id]
        if isinstance(completion, int):
            terms[job_id] = max(0, completion - job.due)
            continue
        late = plan.model.new_int_var(0, max(0, plan.area.horizon - job.due), f"late[{job_id}]")
        plan.derive(late, lambda placed, done, job=job: max(0, done.get(job.id, 0) - job.due))
        plan.model.add(late >= completion - job.due)
        terms[job_id] = late
    return terms


def weighted_tardiness_objective(plan: PlanModel):
    terms = tardiness_terms(plan)
    return sum(plan.problem.job_by_id[j].weight * t for j, t in terms.items())


def objective_expression(plan: PlanModel, objective: str):
    if objective == "makespan":
        return makespan_objective(plan)
    if objective == "weighted-tardiness":
        return weighted_tardiness_objective(plan)
    raise unknown_objective(objective)


def moved_literals(plan: PlanModel, reference: Iterable[Assignment]) -> list:
    """One literal per operation of `reference` the model may move, true when it does not stay
    exactly where `reference` has it (start and resource): what a calm plan keeps few of."""
    moved = []
    for a in reference:
        if a.operation not in plan.starts:
            continue
        stays = plan.derive(
            plan.model.new_bool_var(f"stays[{a.operation}]"),
            lambda placed, done, a=a: int(placed.get(a.operation) == a),
        )
        plan.model.add(plan.starts[a.operation] == a.start).only_enforce_if(stays)
        if a.resource in plan.choices[a.operation]:
            plan.model.add_implication(stays, plan.choices[a.operation][a.resource])
        else:
            plan.model.add(stays == 0)
        moved.append(~stays)
    return moved


def add_hint(plan: PlanModel, assignments: Iterable[Assignment]) -> None:
    """Start the search from a known plan (usually the greedy one), every helper variable included."""
    assignments = tuple(assignments)
    for a in assignments:
        if a.operation not in plan.starts:
            continue
        plan.model.add_hint(plan.starts[a.operation], a.start)
        choices = plan.choices[a.operation]
        if len(choices) > 1:
            for rid, literal in choices.items():
                plan.model.add_hint(literal, rid == a.resource)
    if plan.sequences:
        _hint_sequences(plan, {**{a.operation: a for a in assignments}, **plan.area.fixed})
    if plan.derived:
        placed = {a.operation: a for a in assignments}
        done: dict[str, int] = {}
        for a in assignments:
            done[a.job] = max(done.get(a.job, a.end), a.end)
        for variable, value in plan.derived:
            plan.model.add_hint(variable, value(placed, done))


@dataclass(frozen=True)
class Outcome:
    """What one CP-SAT run found: a plan (or none), its proven bound and whether it is optimal."""

    assignments: tuple[Assignment, ...] | None
    bound: float
    optimal: bool
    deterministic_time: float

    @property
    def seconds_charged(self) -> float:
        """Deterministic time expressed in the nominal seconds the caller budgets with."""
        return self.deterministic_time / DETERMINISTIC_UNITS_PER_SECOND


PROBING_ARCS = 4000
"""Above this many set-up arcs CP-SAT does not probe: its probing of the arc literals took 8 of
10 s of a 100-order plant's presolve (550 operations, 11,600 arcs), and without it the search
proved that plan optimal in 2.5 s. The neighbourhoods' small circuits keep it (one 10 s search
of the 200-order plant each way: 38 556 with it, 42 800 without)."""

DETERMINISTIC_UNITS_PER_SECOND = 0.01
"""About how much CP-SAT deterministic time one worker gets through per wall-clock second on our
2-core machines with these models (measured 0.003-0.03: search with the LP counts little), so a
reproducible run takes roughly as long as the limit asked for."""


def run(
    plan: PlanModel,
    time_limit: float,
    workers: int = 2,
    seed: int | None = None,
    lns_only: bool = False,
    wall: float | None = None,
) -> Outcome:
    """Solve; with one worker and a seed the limit is deterministic so reruns give the same plan.

    `lns_only` gives every worker to CP-SAT's own neighbourhood search: better plans sooner from
    a hint, but no useful bound. `wall`: seconds of the clock the solve may take at most, even a
    reproducible one (a caller's deadline; the same plan only while the machine keeps up).
    """
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    solver.parameters.use_lns_only = lns_only
    if seed is not None:
        solver.parameters.random_seed = seed
    if sum(len(sequence.arcs) for sequence in plan.sequences) > PROBING_ARCS:
        solver.parameters.cp_model_probing_level = 0
    if workers == 1 and seed is not None:
        solver.parameters.max_deterministic_time = time_limit * DETERMINISTIC_UNITS_PER_SECOND
        solver.parameters.max_time_in_seconds = max(60.0, 20 * time_limit)
    else:
        solver.parameters.max_time_in_seconds = time_limit
    if wall is not None:
        solver.parameters.max_time_in_seconds = max(0.0, min(solver.parameters.max_time_in_seconds, wall))
    status = solver.solve(plan.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Outcome(None, solver.best_objective_bound, False, solver.deterministic_time)
    return Outcome(
        _read(plan, solver),
        solver.best_objective_bound,
        status == cp_model.OPTIMAL,
        solver.deterministic_time,
    )


def _read(plan: PlanModel, solver: cp_model.CpSolver) -> tuple[Assignment, ...]:
    placed = list(plan.area.fixed.values())
    for job in plan.jobs:
        for op in job.operations:
            if op.id not in plan.starts:
                continue
            start = solver.value(plan.starts[op.id])
            resource = next(r for r, lit in plan.choices[op.id].items() if solver.boolean_value(lit))
            placed.append(Assignment(job.id, op.id, resource, start, start + op.duration))
    return tuple(placed)
