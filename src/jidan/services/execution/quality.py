"""Quality (F1, F2): inspection results at the routing's inspection points and the final
inspection (终检) before receipt. A failed quantity goes to rework (its steps again) or scrap
(made again from the start), as new tasks and a re-plan proposal for pmc; a final inspection
that passes the whole order fires its ``inspect`` step, and receipt waits for it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from types import SimpleNamespace

from jidan.domain import errors
from jidan.domain.execution import INSPECTORS, Disposition, Inspection, Stage, Task, TaskState, inspection_result
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.roles import Role
from jidan.domain.states import OrderState
from jidan.planning.repair import OrderChanged
from jidan.services import audit
from jidan.services.orders import lifecycle
from jidan.services.context import Context
from jidan.services.notices.notify import notify
from jidan.services.permissions import load_order, require_role
from jidan.services.execution import defects
from jidan.services.planning.plant import order_jobs
from jidan.services.planning.in_force import accepted_run
from jidan.services.planning.bounds import Budget
from jidan.services.planning.runs import Replan, proposed_after
from jidan.services.execution.production_notice import notify_groups
from jidan.domain.execution import split_lots
from jidan.services.execution.tasks import add_task, urgent_tag


@dataclass(frozen=True)
class NewInspection:
    """What the inspector records: where, how many passed and failed, the defects, and where the
    failed quantity goes."""

    order_id: int
    stage: str
    passed_qty: int
    failed_qty: int
    task_id: int | None = None
    line_no: int | None = None
    defects: tuple[tuple[str, int], ...] = ()
    note: str | None = None
    disposition: str | None = None
    rework_from_seq: int | None = None


def _final_passed(uow, order_id: int) -> dict[int, int]:
    """Quantity passed at final inspection, by order line."""
    passed: dict[int, int] = {}
    for r in uow.inspections.for_order(order_id):
        if r.stage == Stage.FINAL:
            passed[r.line_no] = passed.get(r.line_no, 0) + r.passed_qty
    return passed


def _check(uow, order: Order, cmd: NewInspection) -> tuple[Task | None, object, list]:
    """(inspected task, order line, steps the failed quantity goes through again), or a 422/409."""
    fields: dict[str, str] = {}
    if cmd.stage not in Stage.__members__.values():
        raise errors.ValidationFailed("unknown inspection stage", fields={"stage": "unknown_stage"})
    for name in ("passed_qty", "failed_qty"):
        if getattr(cmd, name) < 0:
            fields[name] = "must_not_be_negative"
    if not fields and cmd.passed_qty + cmd.failed_qty == 0:
        fields["passed_qty"] = "must_be_positive"
    if any(count < 1 for _, count in cmd.defects):
        fields["defects"] = "must_be_positive"
    fields |= defects.check(uow, [code for code, _ in cmd.defects])
    if cmd.failed_qty > 0 and cmd.disposition is None:
        fields["disposition"] = "required"
    elif cmd.disposition is not None and cmd.disposition not in Disposition.__members__.values():
        fields["disposition"] = "unknown_disposition"
    elif cmd.failed_qty == 0 and cmd.disposition is not None:
        fields["disposition"] = "only_when_failed"
    task, line = None, None
    lines = {ln.line_no: ln for ln in order.lines}
    if cmd.stage == Stage.IN_PROCESS:
        task = uow.tasks.get(cmd.task_id) if cmd.task_id is not None else None
        if cmd.task_id is None:
            fields["task_id"] = "required"
        elif task is None or task.order_id != order.id:
            fields["task_id"] = "unknown_task"
        elif not task.inspection:
            fields["task_id"] = "not_an_inspection_point"
        else:
            line = lines.get(task.line_no)
            if cmd.passed_qty + cmd.failed_qty > task.quantity:
                fields["passed_qty"] = "exceeds_quantity"
    else:
        if cmd.task_id is not None:
            fields["task_id"] = "not_for_final"
        line_no = cmd.line_no if cmd.line_no is not None else (1 if len(lines) == 1 else None)
        line = lines.get(line_no)
        if line is None:
            fields["line_no"] = "required" if line_no is None else "unknown_line"
        elif cmd.passed_qty + cmd.failed_qty > line.quantity - _final_passed(uow, order.id).get(line.line_no, 0):
            fields["passed_qty"] = "exceeds_quantity"
    redo = []
    if line is not None and cmd.failed_qty > 0:
        routing = list(line.product.routing)
        upto = task.step_seq if task else routing[-1].seq
        if cmd.disposition == Disposition.SCRAP:
            redo = [s for s in routing if s.seq <= upto]
        else:
            before = [s.seq for s in routing if s.seq < upto]
            start = cmd.rework_from_seq if cmd.rework_from_seq is not None else (before[-1] if before else upto)
            if start not in {s.seq for s in routing} or start > upto:
                fields["rework_from_seq"] = "unknown_step"
            redo = [s for s in routing if start <= s.seq <= upto]
    elif cmd.rework_from_seq is not None and cmd.disposition != Disposition.REWORK:
        fields["rework_from_seq"] = "only_for_rework"
    if fields:
        raise errors.ValidationFailed("the inspection record is not valid", fields=fields)
    if order.status != OrderState.IN_PRODUCTION:
        raise errors.Conflict(f"the order is {order.status}, not in production",
                              code="inspection.order_not_in_production")
    if task is not None and task.status == TaskState.PLANNED:
        raise errors.Conflict("the inspected operation has not started", code="inspection.operation_not_started")
    if cmd.stage == Stage.FINAL and any(t.status != TaskState.DONE for t in uow.tasks.for_order(order.id)):
        raise errors.Conflict("operations of the order are still open", code="inspection.operations_open")
    return task, line, redo


def record_inspection(ctx: Context, actor: Actor, cmd: NewInspection, time_limit: float = 1.0) -> dict:
    """Quality records an inspection (F1, F2). A failure becomes rework or replacement tasks and a
    re-plan proposal for pmc; a final inspection that passes the whole order fires ``inspect``."""
    require_role(actor, INSPECTORS)
    with ctx.uow() as uow:
        order = load_order(uow, actor, cmd.order_id)
        task, line, redo = _check(uow, order, cmd)
        now = ctx.now()
        result = inspection_result(cmd.passed_qty, cmd.failed_qty)
        inspection_id = uow.inspections.add(
            order_id=order.id, task_id=task.id if task else None, stage=cmd.stage, line_no=line.line_no,
            step_seq=task.step_seq if task else None, result=result, passed_qty=cmd.passed_qty,
            failed_qty=cmd.failed_qty, defects=[{"code": c, "count": n} for c, n in cmd.defects],
            note=cmd.note, disposition=cmd.disposition,
            rework_from_seq=redo[0].seq if redo and cmd.disposition == Disposition.REWORK else None,
            inspector_id=actor.user_id, inspected_at=now)
        if redo:
            accepted_run(uow)  # the rework is planned into the plan in force: there must be one
        row = uow.inspections.get(inspection_id)
        audit.record(uow, ctx, actor, "inspection", inspection_id, "record", None,
                     {k: getattr(row, k) for k in ("order_id", "task_id", "stage", "line_no", "step_seq", "result",
                                          "passed_qty", "failed_qty", "defects", "disposition",
                                          "rework_from_seq", "planning_run_id")}, cmd.note)
        if cmd.stage == Stage.FINAL and all(
                _final_passed(uow, order.id).get(ln.line_no, 0) >= ln.quantity for ln in order.lines):
            _fire_inspect(uow, ctx, actor, order, inspection_id)
        uow.commit()
        line_no, seqs = line.line_no, [s.seq for s in redo]
    if seqs:  # planned once the inspection is committed, never inside its transaction (issue 21)
        _send_back(ctx, actor, cmd, inspection_id, line_no, seqs, time_limit)
    with ctx.uow() as uow:
        return inspection_view(uow, uow.inspections.get(inspection_id))


def _send_back(ctx: Context, actor: Actor, cmd: NewInspection, inspection_id: int, line_no: int, seqs: list[int],
               time_limit: float) -> int:
    """The failed quantity's steps ``seqs`` of the line again as a job of its own: planned into the
    accepted plan as a proposal pmc accepts, with its tasks on the floor and their groups told at
    once (F2). Read, solved with no transaction open, then written (`runs.proposed_after`)."""
    kind = "rework" if cmd.disposition == Disposition.REWORK else "replacement"
    budget, known = Budget(time_limit), {}  # known: what the write needs of the read

    def read(uow):
        order = uow.orders.get(cmd.order_id)
        product = next(ln for ln in order.lines if ln.line_no == line_no).product
        redo = [s for s in product.routing if s.seq in seqs]
        replan = Replan(uow, ctx)
        tag = f"{line_no}-{'RW' if kind == 'rework' else 'RP'}{inspection_id}"
        # The order's routing, cut to the steps to redo, for the failed quantity: planned like any line.
        part = SimpleNamespace(number=order.number, promised_date=order.promised_date, priority=order.priority,
                               requested_date=order.requested_date,
                               lines=[SimpleNamespace(line_no=tag, quantity=cmd.failed_qty,
                                                      product=SimpleNamespace(routing=redo, family=product.family))])
        job = order_jobs(part, replan.model.origin, replan.model.groups, replan.model.shift_minutes, replan.now)[0]
        problem = replan.problem(keep=True)
        extra = {"disturbance": {"kind": kind, "order_id": order.id, "order": order.number,
                                 "inspection_id": inspection_id, "job": job.id, "quantity": cmd.failed_qty}}
        known.update(job=job, steps={s.seq: SimpleNamespace(name=s.name, inspection=s.inspection) for s in redo})
        return lambda: replan.repaired(problem, [OrderChanged(job)], budget.left(), extra)

    return proposed_after(ctx, actor, read, lambda uow, run_id: _rework_tasks(
        uow, ctx, actor, cmd, inspection_id, line_no, kind, run_id, known["job"], known["steps"]))


def _rework_tasks(uow, ctx: Context, actor: Actor, cmd: NewInspection, inspection_id: int, line_no: int,
                  kind: str, run_id: int, job, steps: dict) -> None:
    """The rework's tasks where the proposal placed them, the groups and pmc told, with the run."""
    order = uow.orders.get(cmd.order_id)
    uow.inspections.set_run(inspection_id, run_id)
    audit.record(uow, ctx, actor, "inspection", inspection_id, "replan", None, {"planning_run_id": run_id})
    run = uow.planning_runs.get(run_id)
    placed = {a["operation"]: a for a in run.schedule["assignments"] if a["job"] == job.id}
    counts: dict[int, int] = {}
    for op in job.operations:
        seq = int(op.id.rsplit("-", 1)[1].split(".")[0])
        counts[seq] = counts.get(seq, 0) + 1
    made = []
    for op in job.operations:
        seq_lot = op.id.rsplit("-", 1)[1].split(".")
        seq, lot = int(seq_lot[0]), int(seq_lot[1]) if len(seq_lot) > 1 else 1
        a, step = placed[op.id], steps[seq]
        made.append(add_task(uow, order, ctx.now(), operation=op.id, job=job.id, line_no=line_no,
                              step_seq=seq, lot=lot, kind=kind,
                              name=ctx.messages.text(f"ui.ex.mail.redo_name.{kind}", name=step.name),
                              work_center_code=a["resource"], quantity=split_lots(cmd.failed_qty, counts[seq])[lot - 1],
                              inspection=step.inspection, planned_start=run.origin + timedelta(minutes=a["start"]),
                              planned_end=run.origin + timedelta(minutes=a["end"]),
                              source=f"inspection:{inspection_id}"))
    notify_groups(uow, ctx, actor, order, made, kind="rework")
    notify(uow, ctx.now(), kind="inspection_failed", ctx=ctx, roles=[Role.PMC], order_id=order.id,
           ref=f"inspection:{inspection_id}", critical=order.urgent,
           subject=ctx.messages.text(f"ui.ex.mail.inspection_failed_subject.{kind}", tag=urgent_tag(ctx, order.urgent),
                                     quantity=cmd.failed_qty, number=order.number, run=run_id),
           body=ctx.messages.text("ui.ex.mail.inspection_failed_body", note=cmd.note or "", tasks=len(made),
                                  run=run_id))


def _fire_inspect(uow, ctx: Context, actor: Actor, order: Order, inspection_id: int) -> None:
    """The whole order passed its final inspection: its ``inspect`` step, as the order page fires it."""
    lifecycle.transition(uow, ctx, actor, order, "inspect",
                      ctx.messages.text("ui.ex.mail.final_passed", inspection=inspection_id))


# ---------------------------------------------------------------- order hooks
def record_final_by_action(uow, ctx, actor, order, reason) -> None:
    """After ``inspect`` from the order page (终检通过): the quality inspector's confirmation is the
    final inspection of what had not passed yet, recorded like any other (F2)."""
    passed = _final_passed(uow, order.id)
    for ln in order.lines:
        left = ln.quantity - passed.get(ln.line_no, 0)
        if left <= 0:
            continue
        inspection_id = uow.inspections.add(
            order_id=order.id, task_id=None, stage=Stage.FINAL.value, line_no=ln.line_no, step_seq=None,
            result="pass", passed_qty=left, failed_qty=0, defects=[],
            note=reason or ctx.messages.text("ui.ex.mail.final_by_action_note"),
            disposition=None, rework_from_seq=None, inspector_id=actor.user_id, inspected_at=ctx.now())
        audit.record(uow, ctx, actor, "inspection", inspection_id, "record", None,
                     {"order_id": order.id, "stage": "final", "line_no": ln.line_no, "result": "pass",
                      "passed_qty": left, "failed_qty": 0}, ctx.messages.text("ui.ex.mail.final_by_action_reason"))


def final_inspection_passed(uow, order) -> bool:
    """The fact receive's guard reads: the goods enter the warehouse only after the final
    inspection passed them all (F2)."""
    passed = _final_passed(uow, order.id)
    return all(passed.get(ln.line_no, 0) >= ln.quantity for ln in order.lines)


# ---------------------------------------------------------------- views
def inspection_view(uow, row: Inspection) -> dict:
    inspector = uow.users.get(row.inspector_id)
    task = uow.tasks.get(row.task_id) if row.task_id else None
    view = {k: getattr(row, k) for k in (
        "id", "order_id", "task_id", "stage", "line_no", "step_seq", "result", "passed_qty", "failed_qty",
        "defects", "note", "disposition", "rework_from_seq", "planning_run_id")}
    view.update(inspector=inspector.display_name or inspector.username,
                inspected_at=row.inspected_at.isoformat(timespec="minutes"),
                operation=task.operation if task else None, operation_name=task.name if task else None,
                rework_tasks=[t.id for t in uow.tasks.for_order(row.order_id)
                              if t.source == f"inspection:{row.id}"])
    return view


def for_order(ctx: Context, actor: Actor, order_id: int) -> dict:
    """The order's inspection points (tasks at inspection steps), results, and final status."""
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        passed = _final_passed(uow, order.id)
        return {"order_id": order.id, "status": str(order.status),
                "points": [{"task_id": t.id, "operation": t.operation, "name": t.name, "status": t.status,
                            "quantity": t.quantity} for t in uow.tasks.for_order(order.id) if t.inspection],
                "final": [{"line_no": ln.line_no, "product": ln.product.code, "quantity": ln.quantity,
                           "passed": passed.get(ln.line_no, 0)} for ln in order.lines],
                "final_passed": all(passed.get(ln.line_no, 0) >= ln.quantity for ln in order.lines),
                "inspections": [inspection_view(uow, r) for r in uow.inspections.for_order(order.id)]}
