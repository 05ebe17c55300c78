"""What the plan shows (C2, C4, C7): runs, the Gantt, the load per work center, impact in business words."""
from __future__ import annotations

import re
from dataclasses import asdict
from datetime import date, datetime, time, timedelta

from jidan.domain import errors
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.planning_run import VIEWERS, PlanningRun
from jidan.services.context import Context
from jidan.services.materials.material_plan import OrderMaterials
from jidan.services.permissions import load_order, require_role
from jidan.services.ports import Messages
from jidan.services.planning.in_force import indexed_run
from jidan.services.planning.plant import PlantModel, plan_minute


def slipped_view(model: PlantModel, imp, numbers: dict[str, Order], names: dict[int, str] | None = None) -> list[dict]:
    """Impact in the business's words: which order, by how many minutes, late or not, whose
    (with ``names``, the owner's name as people know it)."""
    out = []
    for s in imp.slipped:
        order = numbers.get(s.job.split("/")[0])
        owner = (order.owner_id or order.created_by) if order else None
        out.append({"job": s.job, "order": s.job.split("/")[0], "order_id": order.id if order else None,
                    "owner_id": owner, "owner": (names or {}).get(owner),
                    "old_end": model.at(s.old_end), "new_end": model.at(s.new_end), "due": model.at(s.due),
                    "slip_minutes": s.new_end - s.old_end, "newly_late": s.newly_late,
                    # late only past the due date; an order that slips but still finishes early is not
                    "late": s.new_end > s.due, "margin_minutes": s.due - s.new_end})
    return out


def moved_view(model: PlantModel, imp) -> list[dict]:
    """Operations that start at another time or place than in the plan before."""
    return [{"operation": m.operation, "order": m.operation.split("/")[0],
             "old_start": model.at(m.old_start), "new_start": model.at(m.new_start),
             "old_resource": m.old_resource, "new_resource": m.new_resource} for m in imp.moved]


def run_view(run: PlanningRun) -> dict:
    """A run as the API and pages show it (without its schedule)."""
    view = {k: getattr(run, k) for k in ("id", "kind", "status", "objective", "urgent_order_id", "order_ids",
                                         "summary", "impact", "created_by", "accepted_by", "version")}
    view["origin"] = run.origin.isoformat(timespec="minutes")
    view["created_at"] = run.created_at.isoformat(timespec="seconds")
    view["accepted_at"] = run.accepted_at.isoformat(timespec="seconds") if run.accepted_at else None
    return view


def materials_view(model: PlantModel, answer: OrderMaterials, now: int) -> dict:
    """An order's materials as the promise and the order page show them (C6)."""
    needs: dict[str, dict] = {}
    for n in answer.needs:
        row = needs.setdefault(n.material, {
            "material": n.material, "name": n.name, "unit": n.unit, "required": 0.0, "from_stock": 0.0,
            "from_purchase_orders": 0.0, "to_purchase": 0.0, "ready": n.ready, "purchase_orders": []})
        for key in ("required", "from_stock", "from_purchase_orders", "to_purchase"):
            row[key] += getattr(n, key)
        row["ready"] = max(row["ready"], n.ready)
        row["purchase_orders"] += [p for p in n.purchase_orders if p not in row["purchase_orders"]]
    rows = []
    for row in needs.values():
        row["short"] = row["ready"] > now
        row["ready_at"] = model.at(row.pop("ready"))
        rows.append(row)
    ready = max(now, answer.ready_at)
    return {
        "ready_at": model.at(ready), "waits_for_material": ready > now, "materials": rows,
        "shortages": [{"material": r["material"], "quantity": r["required"] - r["from_stock"],
                       "available_at": r["ready_at"]} for r in rows if r["short"]],
        "purchase_requests": [{"material": r["material"], "quantity": r["to_purchase"], "order_by": model.at(now),
                               "earliest_arrival": r["ready_at"]} for r in rows if r["to_purchase"] > 0],
    }


def get_run(ctx: Context, actor: Actor, run_id: int, with_schedule: bool = False) -> dict:
    """One run; ``with_schedule`` adds its operations with clock times."""
    require_role(actor, VIEWERS)
    with ctx.uow() as uow:
        run = uow.planning_runs.get(run_id)
        if run is None:
            raise errors.NotFound(f"planning run {run_id} not found", code="planning.run_not_found")
        view = run_view(run)
        if with_schedule:
            origin = run.origin
            view["assignments"] = [
                {**a, "start_at": (origin + timedelta(minutes=a["start"])).isoformat(timespec="minutes"),
                 "end_at": (origin + timedelta(minutes=a["end"])).isoformat(timespec="minutes")}
                for a in run.schedule["assignments"]]
        return view


def chart(ctx: Context, actor: Actor, run_id: int | None = None, start: date | None = None,
          days: int | None = None, order: str | None = None) -> dict:
    """The plan in force (or one run) as the Gantt draws it: work centers, closed time, operations
    with their orders, and for a what-if what it moves (C2, C4, C7).

    With ``days``, only the operations of that window (from ``start``; else from the focal
    order's first step, else today) and the focal ``order``'s own steps: a plan of any size reads
    the same few rows (issue 24). ``focus`` says whether the focal order is in the plan.
    """
    require_role(actor, VIEWERS)
    with ctx.uow() as uow:
        indexed = indexed_run(uow, ctx, run_id)
        if indexed is None and run_id is not None:
            raise errors.NotFound(f"planning run {run_id} not found", code="planning.run_not_found")
        centers = uow.plant.work_centers()
        focal = order or None
        if focal is None and indexed is not None and indexed.run.urgent_order_id:
            urgent = uow.orders.get(indexed.run.urgent_order_id)
            focal = urgent.number if urgent else None
        if indexed is None:
            return {"run": None, "origin": ctx.now().replace(second=0, microsecond=0), "operations": [],
                    "work_centers": [{"code": w.code, "name": w.name} for w in centers], "closed": [],
                    "downtime": {}, "orders": [], "now": ctx.now(), "start": start or ctx.now().date(),
                    "focus": _focus(uow, focal, None)}
        run = indexed.run
        model = PlantModel(uow, ctx, run.origin)
        mine = indexed.by_order.get(focal, ()) if focal else ()
        if days is None:
            chosen = list(indexed.by_start)
        else:
            if start is None:
                first = min((a["start"] for a in mine), default=None)
                start = (model.origin + timedelta(minutes=first)).date() if first is not None else ctx.now().date()
            left = plan_minute(datetime.combine(start, time()), model.origin)
            chosen = indexed.between(left, left + days * 1440)
            seen = {a["operation"] for a in chosen}
            chosen += [a for a in mine if a["operation"] not in seen]
        orders = uow.orders.by_numbers({a["job"].split("/")[0] for a in chosen} | ({focal} if focal else set()))
        moved = {m["operation"]: m for m in (run.impact or {}).get("moved", [])}
        operations, names = [], {}
        for a in chosen:
            number = a["job"].split("/")[0]
            found = orders.get(number)
            step = a["operation"].split(".")[0]  # the lots of a step share its name
            if step not in names:
                names[step] = _step_name(ctx.messages, found, a["operation"])
            operations.append({
                **a, "order": number, "order_id": found.id if found else None,
                "urgent": bool(found and found.urgent), "priority": found.priority if found else "normal",
                "customer": found.customer.name if found else "",
                "name": names[step], "start_at": model.at(a["start"]),
                "end_at": model.at(a["end"]), "moved": moved.get(a["operation"])})
        disturbance = (run.summary or {}).get("disturbance") or {}
        downtime = {}
        if disturbance.get("kind", "machine_down") == "machine_down" and disturbance.get("work_center"):
            window = tuple(plan_minute(datetime.fromisoformat(disturbance[k]), model.origin) for k in ("start", "end"))
            downtime[disturbance["work_center"]] = [window]
        shown = {o["order"] for o in operations}
        return {
            "run": run_view(run), "origin": model.origin, "now": ctx.now(), "operations": operations,
            "work_centers": [{"code": w.code, "name": w.name} for w in centers],
            "closed": list(model.closed), "downtime": downtime, "start": start or ctx.now().date(),
            "focus": _focus(uow, focal, orders.get(focal) if focal else None, bool(mine)),
            "orders": sorted(({"id": o.id, "number": o.number, "urgent": o.urgent, "priority": o.priority,
                               "customer": o.customer.name,
                               "due": (o.promised_date or o.requested_date).isoformat()}
                              for o in orders.values() if o.number in shown),
                             key=lambda o: (not o["urgent"], o["number"])),
        }


def _focus(uow, number: str | None, order: Order | None, planned: bool = False) -> dict | None:
    """The order the board is about: whether it exists and is in this plan, and where it stands."""
    if not number:
        return None
    order = order or uow.orders.by_number(number)
    return {"number": number, "known": order is not None, "planned": planned,
            "order_id": order.id if order else None, "status": str(order.status) if order else None}


#: Rework (RW) and replacement (RP) jobs of a failed inspection, as their tasks name them (F1, F2).
_REDO = {"RW": "ui.ex.task.kind.rework", "RP": "ui.ex.task.kind.replacement"}


def _step_name(messages: Messages, order: Order | None, operation: str) -> str:
    """The routing step's name of an operation id such as SO-1/1-20.2 (or SO-1/1-RW7-20 for rework)."""
    match = re.search(r"/(\d+)(?:-(RW|RP)\d+)?-(\d+)(?:\.\d+)?$", operation)
    if order is None or match is None:
        return ""
    line_no, redo, seq = int(match.group(1)), match.group(2), int(match.group(3))
    for line in order.lines:
        if line.line_no == line_no:
            name = next((s.name for s in line.product.routing if s.seq == seq), "")
            return f"{messages.text(_REDO[redo])} {name}" if redo and name else name
    return ""


def recent_runs(ctx: Context, actor: Actor, limit: int = 15) -> list[dict]:
    """The latest runs, newest first, for the planning page."""
    require_role(actor, VIEWERS)
    with ctx.uow() as uow:
        return [asdict(r) | {"origin": r.origin.isoformat(timespec="minutes"),
                             "created_at": r.created_at.isoformat(timespec="minutes")}
                for r in uow.run_history.recent(limit)]


def order_id_of(ctx: Context, actor: Actor, number: str) -> int | None:
    """The id of the order with this number, if the actor may see it (for forms that take numbers)."""
    with ctx.uow() as uow:
        order = uow.orders.by_number(number)
        if order is None:
            return None
        return load_order(uow, actor, order.id).id



def load(ctx: Context, actor: Actor, days: int = 10) -> dict:
    """Booked and free minutes per work center and day in the accepted plan; the bottleneck (C2)."""
    require_role(actor, VIEWERS)
    with ctx.uow() as uow:
        accepted = uow.planning_runs.accepted()
        origin = ctx.now().replace(hour=0, minute=0, second=0, microsecond=0)
        model = PlantModel(uow, ctx, origin)
        closed = model.resources[0].unavailable if model.resources else ()
        shift = int((accepted.origin - origin).total_seconds() // 60) if accepted else 0
        booked: dict[tuple[str, int], int] = {}
        for a in (accepted.schedule["assignments"] if accepted else []):
            start, end = a["start"] + shift, a["end"] + shift
            for d in range(max(0, start // 1440), min(days, (end - 1) // 1440 + 1)):
                overlap = min(end, (d + 1) * 1440) - max(start, d * 1440)
                booked[(a["resource"], d)] = booked.get((a["resource"], d), 0) + max(0, overlap)
        capacity = [1440 - sum(max(0, min(e, (d + 1) * 1440) - max(s, d * 1440)) for s, e in closed)
                    for d in range(days)]
        rows = []
        for r in model.resources:
            cells = [{"day": (origin + timedelta(days=d)).date().isoformat(), "capacity": capacity[d],
                      "booked": booked.get((r.id, d), 0),
                      "free": max(0, capacity[d] - booked.get((r.id, d), 0))} for d in range(days)]
            total_cap = sum(capacity) or 1
            rows.append({"work_center": r.id, "days": cells,
                         "utilisation": round(sum(c["booked"] for c in cells) / total_cap, 3)})
        bottleneck = max(rows, key=lambda r: r["utilisation"])["work_center"] if rows else None
        return {"run_id": accepted.id if accepted else None, "bottleneck": bottleneck, "work_centers": rows}


