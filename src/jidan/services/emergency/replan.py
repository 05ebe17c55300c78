"""The re-plan under an emergency (J2) and who it tells (J3).

The plan in force is repaired with the emergency's disturbances — the work centres in its scope
(every one for the whole company) closed from its start to its expected end, the lines of its
product groups or customers held until its end — and every order weighed by the emergency rule
(`domain.emergency.priority_weight`). It is solved outside any transaction (`bounds.solve_outside`)
and stored as a proposal for pmc to accept, with the orders it moves and the ship dates that must
change. The customers of those orders (by e-mail, and through each order's owner, who must
acknowledge having told them) and the suppliers of their materials with open purchase orders get
a notice that needs acknowledgement and escalates like every notice.
"""
from __future__ import annotations

from dataclasses import replace

from jidan.domain import errors
from jidan.domain.emergency import ACTIVE, in_product_groups, priority_weight
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.planning.repair import MachineDown, MaterialLate
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.emergency.record import hm, load, participants_only
from jidan.services.notices.notify import notify, send_email
from jidan.services.permissions import require_role
from jidan.services.planning.bounds import Budget, solve_outside
from jidan.services.planning.plant import plan_minute
from jidan.services.planning.runs import Proposal, Replan, store
from jidan.services.planning.views import run_view

REPLANNERS = frozenset({Role.MANAGEMENT, Role.PMC})


def propose(ctx: Context, actor: Actor, state_id: int, time_limit: float = 2.0) -> dict:
    """The re-plan under the emergency, proposed for pmc (also again, after the plan changed)."""
    require_role(actor, REPLANNERS)
    budget = Budget(time_limit)

    def read(uow):
        row = load(uow, state_id)
        if row["status"] not in ACTIVE:
            raise errors.Conflict("the emergency was lifted", code="emergency.not_active")
        plan = Replan(uow, ctx)
        problem, disturbances, held = _under_emergency(plan, row, uow)
        extra = {"disturbance": {"kind": "emergency", "emergency_id": state_id, "scope": row["scope"],
                                 "targets": row["targets"], "start": hm(row["starts_at"]),
                                 "end": hm(row["expected_end_at"]), "held": held,
                                 "priority_rule": row["priority_rule"]}}
        return lambda: plan.repaired(problem, disturbances, budget.left(), extra)

    def write(uow, proposal: Proposal) -> dict:
        row = load(uow, state_id)
        if row["status"] not in ACTIVE:
            raise errors.Conflict("the emergency was lifted", code="emergency.not_active")
        run_id = store(uow, ctx, actor, proposal)
        affected = _affected(uow, proposal) | {"run_id": run_id}
        affected |= _tell_affected(uow, ctx, actor, row, affected)
        uow.emergencies.update(row["id"], row["version"], planning_run_id=run_id, affected=affected)
        audit.record(uow, ctx, actor, "emergency", row["id"], "replan", None,
                     {"planning_run_id": run_id, "moved": [o["order"] for o in affected["orders"]],
                      "ship_dates": [o["order"] for o in affected["orders"] if o["new_ship_date"]]})
        notify(uow, ctx.now(), ctx=ctx, kind="emergency.replan", ref=f"planning_run:{run_id}", needs_ack=True,
               exclude=actor, users=participants_only(uow, uow.users.active_ids_with_roles([Role.PMC.value])),
               subject=ctx.messages.text("ui.em.msg.replan_subject", run=run_id, moved=len(affected["orders"])),
               body=ctx.messages.text("ui.em.msg.replan_body", orders=", ".join(
                   o["order"] for o in affected["orders"]) or "-"))
        return run_view(uow.planning_runs.get(run_id))

    return solve_outside(ctx, read, write)


def propose_safely(ctx: Context, actor: Actor, state_id: int) -> None:
    """The re-plan right after the declaration; when it cannot be made now (no plan in force, the
    planners busy), the emergency records why and pmc or management asks for it again."""
    try:
        propose(ctx, actor, state_id)
    except errors.JidanError as exc:
        with ctx.uow() as uow:
            row = load(uow, state_id)
            uow.emergencies.update(row["id"], row["version"], affected={"replan_error": exc.code})
            audit.record(uow, ctx, actor, "emergency", row["id"], "replan_failed", None, {"code": exc.code},
                         exc.detail)
            uow.commit()


def _under_emergency(plan: Replan, row: dict, uow):
    """The problem weighed by the emergency rule, the disturbances of its scope, the jobs held."""
    model, rule = plan.model, tuple(row["priority_rule"])
    problem = plan.problem(keep=False)
    orders = {o.number: o for o in plan.orders}
    for job in problem.jobs:
        order = orders.get(job.id.split("/")[0])
        if order is not None:
            weight = priority_weight(rule, order.priority == "key", order.urgent)
            problem = problem.with_job(replace(job, weight=weight))
    start = max(plan.now, plan_minute(row["starts_at"], model.origin))
    end = plan_minute(row["expected_end_at"], model.origin)
    disturbances, held = [], []
    if end > start:
        ids = {r.id for r in problem.resources}
        closed = sorted(ids) if row["scope"] == "company" else \
            sorted(ids & set(row["targets"])) if row["scope"] == "work_centers" else []
        disturbances += [MachineDown(code, start, end) for code in closed]
        if row["scope"] in ("product_groups", "customers"):
            started = set(plan.running)
            for job in problem.jobs:
                order = orders.get(job.id.split("/")[0])
                if order is None or any(op.id in started for op in job.operations):
                    continue
                line = next((ln for ln in order.lines if job.id == f"{order.number}/{ln.line_no}"), None)
                hit = (order.customer.code in row["targets"] if row["scope"] == "customers" else
                       line is not None and in_product_groups(line.product.code, row["targets"]))
                if hit:
                    disturbances.append(MaterialLate(job.id, max(job.release, end)))
                    held.append(job.id)
    return problem, disturbances, held


def _day(value) -> str:
    return str(value)[:10]


def _affected(uow, proposal: Proposal) -> dict:
    """The orders the re-plan moves, each with its new end and whether its ship date must change."""
    slipped: dict[str, dict] = {}
    for s in proposal.extra.get("slipped", []):
        seen = slipped.get(s["order"])
        if seen is None or s["new_end"] > seen["new_end"]:
            slipped[s["order"]] = s
    numbers = sorted({m["order"] for m in proposal.moves} | set(slipped))
    disturbance = proposal.extra.get("disturbance", {})
    held = {job.split("/")[0] for job in disturbance.get("held", [])}
    out = []
    for number in numbers:
        order = uow.orders.by_number(number)
        if order is None:
            continue
        ship = order.promised_date or order.requested_date
        slip = slipped.get(number)
        new_ship = _day(slip["new_end"]) if slip and _day(slip["new_end"]) > ship.isoformat() else None
        out.append({"order": number, "order_id": order.id, "customer": order.customer.name,
                    "customer_code": order.customer.code, "priority": order.priority, "urgent": order.urgent,
                    "old_end": slip["old_end"] if slip else None, "new_end": slip["new_end"] if slip else None,
                    "ship_date": ship.isoformat(), "new_ship_date": new_ship,
                    "delay_minutes": slip["slip_minutes"] if slip else 0,
                    "cause": "held" if number in held else
                    "closed" if disturbance.get("scope") in ("company", "work_centers") else "priority"})
    return {"orders": out}


def _tell_affected(uow, ctx: Context, actor: Actor, row: dict, affected: dict) -> dict:
    """Customers of the moved orders and suppliers of their materials are told (J3)."""
    text, now = ctx.messages.text, ctx.now()
    cause = text(f"ui.em.cause.{row['cause']}")
    customers, suppliers = [], []
    by_customer: dict[str, list[dict]] = {}
    for o in affected["orders"]:
        by_customer.setdefault(o["customer_code"], []).append(o)
    for code, orders in sorted(by_customer.items()):
        customer = uow.customers.by_code(code)
        lines = "\n".join(text("ui.em.msg.customer_line", order=o["order"], ship=o["ship_date"],
                               new=o["new_ship_date"] or text("ui.em.msg.unchanged")) for o in orders)
        body = text("ui.em.msg.customer_body", customer=customer.name, cause=cause, company=ctx.company_name,
                    start=hm(row["starts_at"]), end=hm(row["expected_end_at"]), lines=lines)
        subject = text("ui.em.msg.customer_subject", company=ctx.company_name)
        if customer.email:
            send_email(uow, now, to=[customer.email], subject=subject, body=body, kind="emergency.customer",
                       ref=f"emergency:{row['id']}")
        for o in orders:  # the order's owner tells the customer and acknowledges it (专人, D3)
            order = uow.orders.get(o["order_id"])
            owner = order.owner_id or order.created_by
            notify(uow, now, ctx=ctx, kind="emergency.customer", order_id=order.id, needs_ack=True,
                   users=participants_only(uow, [owner]), ref=f"emergency:{row['id']}:{o['order']}",
                   subject=text("ui.em.msg.owner_subject", order=o["order"], customer=customer.name), body=body)
        customers.append({"code": code, "name": customer.name, "emailed": bool(customer.email),
                          "orders": [o["order"] for o in orders]})
    materials: set[str] = set()
    for o in affected["orders"]:
        for line in uow.orders.get(o["order_id"]).lines:
            materials |= {b.component_code for b in line.product.bom}
    by_supplier: dict[int, list] = {}
    for material in sorted(materials):
        for po in uow.purchase_orders.list(status="open", material_code=material):
            by_supplier.setdefault(po.supplier_id, []).append(po)
    for supplier_id, pos in sorted(by_supplier.items()):
        user = uow.users.get(supplier_id)
        items = "\n".join(text("ui.em.msg.supplier_line", po=p.number, material=p.material_code, due=p.due_date)
                          for p in pos)
        notify(uow, now, ctx=ctx, kind="emergency.supplier", needs_ack=True, users=participants_only(uow, [supplier_id]),
               ref=f"emergency:{row['id']}:supplier:{supplier_id}",
               subject=text("ui.em.msg.supplier_subject", company=ctx.company_name),
               body=text("ui.em.msg.supplier_body", cause=cause, start=hm(row["starts_at"]),
                         end=hm(row["expected_end_at"]), items=items))
        suppliers.append({"id": supplier_id, "name": user.display_name if user else str(supplier_id),
                          "purchase_orders": [p.number for p in pos]})
    return {"customers": customers, "suppliers": suppliers, "told_at": now.isoformat(timespec="minutes")}

