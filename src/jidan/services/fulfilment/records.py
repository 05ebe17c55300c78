"""The record of an order (M2, M4): planned against actual per operation, hours and resources,
quality, delays and their causes, the cost of urgency, and every deadline with the department
that held it when it was missed.

Built from the floor's tasks and reports, inspections and exception reports (execution), the
order's audit trail, and this area's receipt, documents, shipment, incidents and feedback. It is
frozen when the order closes (数据反馈和总结); before that it is computed on demand.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from jidan.domain.approval import Meaning
from jidan.domain.execution import StepRun, charge_lateness
from jidan.domain.fulfilment import Deadline, accountability, holder_at
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.execution.tasks import due_at
from jidan.services.names import display_name
from jidan.services.permissions import load_order
from jidan.services.planning.capacity import order_capacity
from jidan.services.fulfilment.common import iso


def _minutes(start: datetime | None, end: datetime | None) -> int | None:
    return int((end - start).total_seconds() // 60) if start and end else None


def _operations(uow, order: Order, now: datetime) -> tuple[list[dict], list[Deadline], list[dict]]:
    """Each task planned vs actual, and each routing step's lateness against its first plan
    charged to its causes (M4): a step that finished late is a missed deadline of the cause that
    bears most of it (the group that ran it, the step before it, a breakdown)."""
    workshop = {wc.code: wc.department_code for wc in uow.plant.work_centers()}
    rows = []
    tasks = uow.tasks.for_order(order.id)
    for task in tasks:
        department = workshop.get(task.work_center_code)
        rows.append({
            "operation": task.name, "kind": task.kind, "line_no": task.line_no,
            "work_center": task.work_center_code, "department": department,
            "quantity": task.quantity, "status": task.status,
            "planned_start": iso(task.planned_start), "planned_end": iso(task.planned_end),
            "planned_minutes": task.planned_minutes,
            "actual_start": iso(task.started_at), "actual_end": iso(task.finished_at),
            "worked_minutes": task.worked_minutes, "good": task.good_qty, "scrap": task.scrap_qty,
            "finish_delay_minutes": _minutes(task.planned_end, task.finished_at),
        })
    deadlines, lateness = [], []
    for line_steps in _steps(uow, tasks).values():
        runs = [_step_run(uow, parts, workshop, now) for _, parts in line_steps]
        for (_, parts), run, causes in zip(line_steps, runs, charge_lateness(runs, now)):
            first = parts[0]
            holder = max(causes, key=causes.get) if causes else run.holder
            deadlines.append(Deadline("operation", f"{first.name} @{first.work_center_code}",
                                      run.planned_end, run.end, holder))
            lateness.append({"line_no": first.line_no, "step_seq": first.step_seq, "operation": first.name,
                             "planned_end": iso(run.planned_end), "actual_end": iso(run.end),
                             "late_minutes": sum(causes.values()), "charged_to": causes})
    return rows, deadlines, lateness


def _steps(uow, tasks: list) -> dict[int, list[tuple[int, list]]]:
    """The production tasks by line and routing step, in routing order; a step's unfinished part
    that went on elsewhere after a breakdown is part of its step."""
    by_step: dict[tuple[int, int], list] = {}
    for task in sorted(tasks, key=lambda t: t.id):
        if task.kind == "production":
            by_step.setdefault((task.line_no, task.step_seq), []).append(task)
    lines: dict[int, list[tuple[int, list]]] = {}
    for (line_no, seq), parts in sorted(by_step.items()):
        lines.setdefault(line_no, []).append((seq, parts))
    return lines


def _step_run(uow, parts: list, workshop: dict[str, str], now: datetime) -> StepRun:
    """A step as it ran against its first plan: the plan of its tasks before any re-plan moved
    them (parts that went on elsewhere have none of their own), and the minutes its work centers
    stood or a breakdown's re-plan moved it."""
    planned, centers, shifted = [], set(), 0
    for task in parts:
        centers.add(task.work_center_code)
        if task.source.startswith("split:"):
            continue
        first = (task.planned_start, task.planned_end)
        for event in uow.audit.for_entity("production_task", task.id):
            if event.action == "replan" and event.old:
                if first == (task.planned_start, task.planned_end):
                    first = (datetime.fromisoformat(event.old["planned_start"]),
                             datetime.fromisoformat(event.old["planned_end"]))
                    centers.add(event.old["work_center_code"])
                shifted = max(shifted, _breakdown_shift(uow, event))
        planned.append(first)
    start, end = min(p[0] for p in planned), max(p[1] for p in planned)
    done = None if any(t.finished_at is None for t in parts) else max(t.finished_at for t in parts)
    stood = sum(max(0, _minutes(max(d.down_from, start), min(d.down_until, done or now)))
                for wc in centers for d in uow.floor.downtimes(start, wc) if d.down_from < (done or now))
    last = parts[-1]
    return StepRun(workshop.get(last.work_center_code), start, end, done, max(stood, shifted))


def _breakdown_shift(uow, event) -> int:
    """How much later a re-plan after a breakdown (a machine-down repair) moved a task."""
    run_id = int(event.reason.rsplit(" ", 1)[-1]) if event.reason and event.reason.startswith("planning run ") else None
    run = uow.planning_runs.get(run_id) if run_id else None
    if run is None or (run.summary.get("disturbance") or {}).get("kind") != "machine_down":
        return 0
    return max(0, _minutes(datetime.fromisoformat(event.old["planned_end"]),
                           datetime.fromisoformat(event.new["planned_end"])))


def _resources(operations: list[dict]) -> list[dict]:
    """Hours per work center, planned and worked."""
    use: dict[str, dict] = {}
    for op in operations:
        row = use.setdefault(op["work_center"], {"work_center": op["work_center"], "department": op["department"],
                                                 "planned_hours": 0.0, "worked_hours": 0.0})
        row["planned_hours"] += op["planned_minutes"] / 60
        row["worked_hours"] += (op["worked_minutes"] or 0) / 60
    return [{**r, "planned_hours": round(r["planned_hours"], 2), "worked_hours": round(r["worked_hours"], 2)}
            for r in use.values()]


def _quality(uow, order: Order) -> dict:
    inspections = [{"stage": i.stage, "line_no": i.line_no, "result": i.result,
                    "passed": i.passed_qty, "failed": i.failed_qty, "defects": i.defects,
                    "disposition": i.disposition, "at": iso(i.inspected_at)}
                   for i in uow.inspections.for_order(order.id)]
    return {"inspections": inspections,
            "failed_quantity": sum(i["failed"] for i in inspections),
            "final_passed": any(i["stage"] == "final" and i["result"] == "pass" for i in inspections)}


def _delays(uow, order: Order) -> list[dict]:
    """Process exceptions (制程异常) and incidents after delivery, with their causes."""
    found = [{"source": "process_exception", "kind": e.kind, "cause": e.kind,
              "description": e.description, "estimated_delay_minutes": e.estimated_delay_minutes,
              "measure": e.measure, "at": iso(e.reported_at)}
             for e in uow.process_exceptions.for_order(order.id)]
    found += [{"source": "incident", "kind": i.type, "cause": i.cause, "description": i.description,
               "number": i.number, "compensation": i.compensation_kind if i.compensation_status == "approved"
               else None, "at": iso(i.opened_at)}
              for i in uow.incidents.list(order_id=order.id)]
    return found


def _names(uow, user_ids, names: dict) -> str | None:
    """Up to three people by name, then how many more."""
    found = [display_name(uow, u, names) for u in dict.fromkeys(user_ids) if u is not None]
    return "、".join(found[:3]) + (f" +{len(found) - 3}" if len(found) > 3 else "") if found else None


def _acknowledgements(uow, order: Order, names: dict) -> list[Deadline]:
    """Each notice about the order that had to be acknowledged in time (D2, E6): met when a
    recipient acknowledged it or did what it asked before its deadline; held by the department
    it was sent to (the order's owner, told of everything, only when nobody else was)."""
    events: dict[str, list] = {}
    for notice in uow.notices.for_order(order.id):
        if notice.needs_ack and notice.ack_due_at is not None:
            events.setdefault(notice.event_id, []).append(notice)
    found = []
    for rows in events.values():
        done = [t for n in rows for t in (n.acknowledged_at, n.answered_at) if t is not None]
        held = [n.recipient_id for n in rows if n.recipient_id != order.owner_id] or [n.recipient_id for n in rows]
        roles = [str(uow.users.get(u).role) for u in held]
        department = max(sorted(set(roles)), key=roles.count)
        first = rows[0]
        ref = " ".join([first.kind, *([f"↑{first.escalation_level}"] if first.escalation_level else []),
                        *([f"· {first.ref}"] if first.ref else [])])
        found.append(Deadline("acknowledgement", ref, first.ack_due_at, min(done) if done else None,
                              department, _names(uow, held, names)))
    return sorted(found, key=lambda d: d.due)


def _review_steps(uow, order: Order, names: dict) -> list[Deadline]:
    """Each review step that had a deadline (N1, B1–B7): met when it was signed off (or rejected)
    in time; a review closed before the step's deadline leaves nothing to meet."""
    found = []
    for review in uow.reviews.for_order(order.id):
        subject = f"review:{review.id}"
        sigs = sorted((s for s in uow.reviews.signatures([subject]) if s.revision == review.revision),
                      key=lambda s: s.signed_at)
        for step in review.steps:
            due = review.due.get(step["key"])
            if not due:
                continue
            due = datetime.fromisoformat(due)
            mine = [s for s in sigs if s.step_key == step["key"]]
            agreed = [s for s in mine if s.meaning != Meaning.REJECTED]
            rejected = [s for s in mine if s.meaning == Meaning.REJECTED]
            ends = ([agreed[step["required"] - 1].signed_at] if len(agreed) >= step["required"] else []) \
                + ([rejected[0].signed_at] if rejected else [])
            done = min(ends) if ends else (review.closed_at if review.status != "open" else None)
            if not ends and done is not None and done <= due:
                continue
            people = [s.user_id for s in mine] or list(uow.users.active_ids_with_roles([step["role"]]))
            found.append(Deadline("review_step", f"{step['name']} · r{review.revision}", due, done,
                                  step["role"], _names(uow, people, names)))
    return found


def feedback_view(uow, order: Order) -> dict:
    """The customer's answers so far and their latest rating: read live, also for a frozen record,
    because feedback comes after the order closed (I1, M2)."""
    answered = [f for f in uow.feedback.for_order(order.id) if f.rating is not None]
    return {"feedback": [{"rating": f.rating, "comment": f.comment, "at": iso(f.used_at)} for f in answered],
            "customer_rating": answered[-1].rating if answered else None}


def build_record(uow, ctx: Context, order: Order) -> dict:
    """Everything the documents ask to keep of a completed order, as one JSON-safe dict."""
    now = ctx.now()
    events = uow.audit.for_entity("order", order.id)
    history = [(e.at, e.new["status"]) for e in events if e.new and "status" in e.new]
    operations, deadlines, lateness = _operations(uow, order, now)
    receipt = uow.receipts.by_order(order.id)
    shipment = uow.shipments.by_order(order.id)
    delivered = shipment.delivered_at if shipment else None
    due = due_at(order)
    names: dict = {}
    deadlines[:0] = [Deadline("delivery_date", order.number, due, delivered, holder_at(due, history)),
                     *_acknowledgements(uow, order, names), *_review_steps(uow, order, names)]
    if shipment and shipment.dispatched_at:
        deadlines.append(Deadline("arrival", shipment.number, shipment.expected_arrival, delivered,
                                  "logistics"))
    documents = uow.drawings.for_order(order.id)
    for doc in documents:
        if doc.due_at:
            deadlines.append(Deadline("drawing_return", doc.doc_no, doc.due_at, doc.returned_at,
                                      doc.overdue_department or doc.holder_department,
                                      display_name(uow, doc.holder_id, names)))
    incidents = uow.incidents.list(order_id=order.id)
    for inc in incidents:
        if inc.solution_due_at:
            owner = uow.users.get(inc.solution_owner_id)
            deadlines.append(Deadline("incident_solution", inc.number, inc.solution_due_at,
                                      inc.closed_at, str(owner.role) if owner else inc.lead_role,
                                      owner.display_name if owner else None))
    compensation = sum((i.compensation_amount for i in incidents
                        if i.compensation_status == "approved"), Decimal(0))
    freight = shipment.freight_cost if shipment and shipment.freight_cost is not None else Decimal(0)
    missing = []
    if not operations:
        missing.append("operations")  # released before tasks were kept, or never released
    if receipt is None:
        missing.append("receipt")
    if shipment is None:
        missing.append("shipment")
    return {
        "order": {"id": order.id, "number": order.number, "customer": order.customer.name,
                  "urgent": order.urgent, "priority": order.priority, "status": str(order.status),
                  "due": due.isoformat(), "created_at": iso(order.created_at),
                  "received_at": iso(receipt.received_at) if receipt else None,
                  "delivered_at": iso(delivered),
                  "lead_time_hours": round((delivered - order.created_at).total_seconds() / 3600, 1)
                  if delivered else None,
                  "on_time": (delivered <= due) if delivered else None},
        "operations": operations,
        "lateness": lateness,
        "resources": _resources(operations),
        "totals": {"planned_hours": round(sum(o["planned_minutes"] for o in operations) / 60, 2),
                   "worked_hours": round(sum(o["worked_minutes"] or 0 for o in operations) / 60, 2),
                   "good": sum(o["good"] or 0 for o in operations if o["kind"] != "rework"),
                   "scrap": sum(o["scrap"] or 0 for o in operations)},
        "quality": _quality(uow, order),
        "delays": _delays(uow, order),
        "capacity": order_capacity(uow, order.id),  # overtime and outside work decisions added (B6, M3)
        "shipment": None if shipment is None else {
            "mode": shipment.transport_mode, "carrier": shipment.carrier,
            "dispatched_at": iso(shipment.dispatched_at), "expected_arrival": iso(shipment.expected_arrival),
            "delivered_at": iso(delivered)},
        "documents": [{"doc_no": d.doc_no, "due_at": iso(d.due_at), "returned_at": iso(d.returned_at),
                       "overdue_department": d.overdue_department} for d in documents],
        "cost_of_urgency": {"freight": f"{freight:.2f}", "compensation": f"{compensation:.2f}",
                            "total": f"{freight + compensation:.2f}"},
        **feedback_view(uow, order),
        "deadlines": [d.as_dict(now) for d in deadlines],
        "missed_by_department": accountability(deadlines, now),
        "missing": missing,
        "as_of": now.isoformat(),
    }


def freeze_on_close(uow, ctx: Context, actor: Actor, order: Order, reason: str | None) -> None:
    """AFTER hook of ``close``: the record is written once and kept (M1, M2)."""
    if uow.order_records.by_order(order.id) is not None:
        return
    record = audit.plain(build_record(uow, ctx, order))
    record_id = uow.order_records.add(order_id=order.id, record=record, created_at=ctx.now())
    audit.record(uow, ctx, actor, "order_record", record_id, "freeze", None,
                 {"order_id": order.id, "missed_by_department": record["missed_by_department"]})


def order_record(ctx: Context, actor: Actor, order_id: int) -> dict:
    """The frozen record of a closed order, or the record so far."""
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        frozen = uow.order_records.by_order(order.id)
        if frozen is not None:
            return {**frozen.record, **audit.plain(feedback_view(uow, order)), "frozen_at": iso(frozen.created_at)}
        return {**audit.plain(build_record(uow, ctx, order)), "frozen_at": None}
