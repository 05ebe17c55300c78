"""An order's promise (A5, B2, C5, C6): the earliest date without moving anyone, with insertion,
with levers, and when its materials are there; for an order entered or one not saved yet; and
the order's place in the plan in force.

A promise reads in one short unit of work and closes it before any planning runs, so it holds
no transaction or lock while it thinks (issue 21), and it writes nothing. The plan in force
against today's problem is loaded once per plan version and change (`in_force.plan_in_force`),
so a question costs the question, not the factory.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jidan.domain import errors
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.planning_run import VIEWERS
from jidan.domain.states import OrderState
from jidan.planning.insert import LOCAL_LIMIT, local_problem
from jidan.planning.levers import options
from jidan.planning.problem import Problem
from jidan.planning.result import Schedule
from jidan.services.context import Context
from jidan.services.materials.material_plan import MaterialPlan
from jidan.services.orders.intake import NewOrder, unsaved_order
from jidan.services.permissions import load_order, require_role
from jidan.services.planning.bounds import Budget, solve_outside
from jidan.services.planning.capacity import lever_view, overtime_windows
from jidan.services.planning.in_force import InForce, bom_items, indexed_run, jobs_of, plan_in_force
from jidan.services.planning.plant import order_jobs, plan_minute, step_of, time_at
from jidan.services.planning.runs import insert_lines
from jidan.services.planning.views import materials_view, slipped_view

#: Orders a promise is still worth giving for: not yet released to the floor.
PROMISABLE = {OrderState.DRAFT, OrderState.SUBMITTED, OrderState.REVIEWED, OrderState.APPROVED,
              OrderState.PLANNED}
#: The number a promise gives an order not saved yet (its jobs' names in the answer).
UNSAVED = "NEW"
#: At most this many material answers are kept with the plan in force (the form asks as one types).
ASKED_KEPT = 1000
#: Insertion is a search: with one worker and a seed the same question gets the same answer.
SEED = 0


def promise(ctx: Context, actor: Actor, order_id: int, time_limit: float = 1.0) -> dict:
    """First assessment (A5, B2, C5, C6) of an entered order: earliest date without moving anyone,
    with insertion, levers, materials. ``time_limit`` counts from the call."""
    budget = Budget(time_limit)
    require_role(actor, VIEWERS)

    def read(uow):
        question = _Question.read(uow, ctx, load_order(uow, actor, order_id))
        return lambda: question.answer(budget.left(), deadline=budget.deadline)
    return solve_outside(ctx, read)


def promise_unsaved(ctx: Context, actor: Actor, cmd: NewOrder, time_limit: float = 0.0) -> dict:
    """The same for an order not saved yet (customer, lines, requested date), validated as order
    intake validates it: sales' first answer while the customer is on the phone."""
    budget = Budget(time_limit)
    require_role(actor, VIEWERS)

    def read(uow):
        order = unsaved_order(uow, ctx, actor, cmd)
        order.number = UNSAVED
        question = _Question.read(uow, ctx, order)
        return lambda: question.answer(budget.left(), deadline=budget.deadline)
    return solve_outside(ctx, read)


@dataclass(frozen=True)
class Asked:
    """The order a promise is for, as read (``id`` None before it is saved)."""

    id: int | None
    number: str
    requested_date: date
    quantities: dict[int, int]
    """Each line's quantity, by line number."""
    step_names: dict[tuple[int, int], str]
    """Each routing step's name, by (line number, step)."""

    @classmethod
    def of(cls, order: Order) -> Asked:
        return cls(order.id, order.number, order.requested_date, {ln.line_no: ln.quantity for ln in order.lines},
                   {(ln.line_no, s.seq): s.name for ln in order.lines for s in ln.product.routing})


class _Question:
    """What a promise needs, read in the caller's unit of work; `answer` runs after it is closed."""

    @classmethod
    def read(cls, uow, ctx: Context, order: Order) -> _Question:
        self = cls()
        self.state = state = plan_in_force(uow, ctx)
        self.messages, self.offload = ctx.messages, ctx.offload
        self.order = Asked.of(order)  # read now: the session closes
        self.now = plan_minute(ctx.now(), state.model.origin)
        asked = (order.id, order.number, self.now, tuple((ln.line_no, ln.product.code, ln.quantity) for ln in order.lines))
        self.mine = state.materials_asked.get(asked)
        if self.mine is None:  # netted after every planned order drawing on the same items
            items = bom_items(uow, {ln.product.code for ln in order.lines}, state.items)
            drawing = state.drawing_on(frozenset().union(*(items[ln.product.code] for ln in order.lines)), but=order.id)
            answers = MaterialPlan(uow, state.model, self.now).explain(drawing, state.first_starts, last=order)
            if len(state.materials_asked) >= ASKED_KEPT:
                state.materials_asked.clear()
            self.mine = state.materials_asked[asked] = answers[order.id]
        self.jobs = order_jobs(order, state.model.origin, state.model.groups, state.model.shift_minutes,
                               self.now, self.mine.ready)
        if not self.jobs:
            raise errors.ValidationFailed("the order's products have no routing", code="planning.no_routing",
                                          fields={"lines": "no_routing"})
        self.material = materials_view(state.model, self.mine, self.now)
        return self

    def answer(self, time_limit: float, insertion: bool = True, deadline: float | None = None) -> dict:
        """The promise; without ``insertion`` (the order page) insertion is worked out only when
        the order would be late without moving anyone. ``deadline``: see `Budget.deadline`."""
        state, order, jobs, model = self.state, self.order, self.jobs, self.state.model
        plan, kept, loaded = _without_order(state, order)
        gap = [loaded.earliest_completion(j) for j in jobs]
        without = max(p.completion for p in gap)
        due = jobs[0].due
        with_insertion = {"completion": model.at(without), "on_time": without <= due, "moved": 0, "slipped": []}
        if insertion or without > due:
            if len(kept.assignments) > LOCAL_LIMIT:  # only the orders around it may move (see `insert`)
                part = local_problem(plan, kept, jobs, state.running)
                problem, current = part.problem, part.current
            else:
                problem, current = Problem(plan.resources, plan.jobs + tuple(jobs)), kept
            inserted = insert_lines(problem, current, order, model, time_limit, state.running, self.offload,
                                    workers=1, seed=SEED, deadline=deadline)
            with_insertion = {"completion": model.at(inserted["completion"]),
                              "on_time": inserted["completion"] <= due,
                              "moved": len(inserted["impact"].moved),
                              "slipped": slipped_view(model, inserted["impact"], state.owners, state.names)}
        # Insertion was computed above for all lines; the levers add the other ways.
        levers = [lever_view(self.messages, model, o, order, jobs[0])
                  for o in options(plan, kept, jobs[0], with_insertion=False, step_of=step_of,
                                   overtime_windows=overtime_windows(model))] if len(jobs) == 1 else []
        bottleneck = max((a for p in gap for a in p.assignments), key=lambda a: a.end).resource
        return {
            "order": order.number, "requested_date": order.requested_date.isoformat(),
            "due": model.at(due),
            "without_moving": {"completion": model.at(without), "on_time": without <= due},
            "with_insertion": with_insertion,
            "bottleneck": bottleneck, "levers": levers,
            "material": self.material,
        }


def _without_order(state: InForce, order: Asked):
    """The plan in force less the order's own work (an order in it asks for itself again)."""
    if order.id is None or order.id not in state.order_ids:
        return state.problem, state.current, state.loaded
    own = jobs_of(order, state.problem)
    mine = [a for a in state.current.assignments if a.job in own]
    current = state.current
    current = Schedule(current.status, current.objective, current.value, current.lower_bound,
                       tuple(a for a in current.assignments if a.job not in own), current.seconds)
    return (Problem(state.problem.resources, tuple(j for j in state.problem.jobs if j.id not in own)), current,
            state.loaded.without(mine))


def order_plan(ctx: Context, actor: Actor, order_id: int) -> dict:
    """The order in the plan in force (planned start and end) and, while it is open, its promise:
    the quick one (no search; insertion only when the order would be late otherwise)."""
    require_role(actor, VIEWERS)
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        indexed = indexed_run(uow, ctx)
        accepted = indexed.run if indexed else None
        view = {"order_id": order.id, "order": order.number, "urgent": order.urgent, "in_plan": False,
                "run_id": accepted.id if accepted else None, "planned_start": None, "planned_end": None,
                "promise": None}
        if indexed:
            mine = indexed.by_order.get(order.number, ())
            if mine:
                origin = accepted.origin
                view.update(in_plan=True, planned_start=time_at(origin, min(a["start"] for a in mine)),
                            planned_end=time_at(origin, max(a["end"] for a in mine)))
        promisable = OrderState(order.status) in PROMISABLE and any(ln.product.routing for ln in order.lines)
        question = _Question.read(uow, ctx, order) if promisable else None
    if question is not None:
        view["promise"] = question.answer(0.0, insertion=False)
    return view
