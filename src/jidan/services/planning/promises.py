"""An order's promise (A5, B2, C5, C6): the earliest date without moving anyone, with insertion,
with levers, and when its materials are there; and the order's place in the plan in force."""
from __future__ import annotations

from jidan.domain import errors
from jidan.domain.model import Actor
from jidan.domain.planning_run import VIEWERS
from jidan.domain.states import OrderState
from jidan.planning.levers import options
from jidan.planning.problem import Problem
from jidan.planning.promise import LoadedPlan
from jidan.services.context import Context
from jidan.services.materials.material_plan import MaterialPlan
from jidan.services.permissions import load_order, require_role
from jidan.services.planning.capacity import lever_view, overtime_windows
from jidan.services.planning.in_force import current_plan, first_starts, plan_of, step_releases
from jidan.services.planning.plant import PlantModel, order_jobs, plan_minute, plannable, step_of, time_at
from jidan.services.planning.runs import insert_lines
from jidan.services.planning.views import materials_view, slipped_view

#: Orders a promise is still worth giving for: not yet released to the floor.
PROMISABLE = {OrderState.DRAFT, OrderState.SUBMITTED, OrderState.REVIEWED, OrderState.APPROVED,
              OrderState.PLANNED}


def promise(ctx: Context, actor: Actor, order_id: int, time_limit: float = 1.0) -> dict:
    """First assessment (A5, B2, C5, C6): earliest date without moving anyone, with insertion, levers, materials."""
    require_role(actor, VIEWERS)
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        accepted = uow.planning_runs.accepted()
        origin = accepted.origin if accepted else ctx.now().replace(second=0, microsecond=0)
        model = PlantModel(uow, ctx, origin)
        planned = plannable(uow, accepted.order_ids) if accepted else []
        planned = [o for o in planned if o.id != order.id]
        now = plan_minute(ctx.now(), origin)
        plan = plan_of(accepted)
        materials = MaterialPlan(uow, model, now).explain(planned, first_starts(plan.assignments), last=order)
        mine = materials[order.id]
        jobs = order_jobs(order, origin, model.groups, model.shift_minutes, now, mine.ready)
        if not jobs:
            raise errors.ValidationFailed("the order's products have no routing", code="planning.no_routing",
                                          fields={"lines": "no_routing"})
        floor_tasks = model.floor_tasks(planned)
        running = model.running(floor_tasks)
        problem = model.problem(planned, releases=step_releases(materials, plan, now, keep=True), plan=plan,
                                floor_tasks=floor_tasks)
        problem, current = current_plan(accepted, problem, now, running=running)
        loaded = LoadedPlan(problem, current)
        gap = [loaded.earliest_completion(j) for j in jobs]
        without = max(p.completion for p in gap)
        inserted = insert_lines(Problem(problem.resources, problem.jobs + tuple(jobs)), current, order, model,
                                 time_limit, running)
        # Insertion was computed above for all lines; the levers add the other ways.
        levers = [lever_view(ctx, model, o, order, jobs[0])
                  for o in options(problem, current, jobs[0], with_insertion=False, step_of=step_of,
                                   overtime_windows=overtime_windows(model))] if len(jobs) == 1 else []
        bottleneck = max((a for p in gap for a in p.assignments), key=lambda a: a.end).resource
        return {
            "order": order.number, "requested_date": order.requested_date.isoformat(),
            "due": model.at(jobs[0].due),
            "without_moving": {"completion": model.at(without), "on_time": without <= jobs[0].due},
            "with_insertion": {"completion": model.at(inserted["completion"]),
                               "on_time": inserted["completion"] <= jobs[0].due,
                               "moved": len(inserted["impact"].moved),
                               "slipped": slipped_view(model, inserted["impact"], {o.number: o for o in planned})},
            "bottleneck": bottleneck, "levers": levers,
            "material": materials_view(model, mine, now),
        }


def order_plan(ctx: Context, actor: Actor, order_id: int) -> dict:
    """The order in the plan in force (planned start and end) and, while it is open, its promise."""
    require_role(actor, VIEWERS)
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        accepted = uow.planning_runs.accepted()
        view = {"order_id": order.id, "order": order.number, "urgent": order.urgent, "in_plan": False,
                "run_id": accepted.id if accepted else None, "planned_start": None, "planned_end": None,
                "promise": None}
        if accepted and order.id in accepted.order_ids:
            mine = [a for a in accepted.schedule["assignments"] if a["job"].split("/")[0] == order.number]
            if mine:
                origin = accepted.origin
                view.update(in_plan=True, planned_start=time_at(origin, min(a["start"] for a in mine)),
                            planned_end=time_at(origin, max(a["end"] for a in mine)))
        promisable = OrderState(order.status) in PROMISABLE and any(ln.product.routing for ln in order.lines)
    if promisable:
        view["promise"] = promise(ctx, actor, order_id, time_limit=0)
    return view


