"""Process exceptions (E4, E5): the 紧急订单制程异常申报单 from the floor to pmc, the re-plan in
one step, pmc's written application to management (总经办), management's measure, and the
approved report to sales, who tell the customer.

An equipment failure takes its work center down for a window; pmc's re-plan is the planner's
machine-down repair over that window, shown with its effect on the order before pmc accepts it.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from jidan.domain import errors
from jidan.domain.execution import (
    EXCEPTION_REPORTERS, ExceptionKind, ExceptionState, Measure, ProcessException, Task, exception_actions,
    exception_step,
)
from jidan.domain.capacity import CapacitySource
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.domain.states import ON_FLOOR
from jidan.services import audit
from jidan.services import planning
from jidan.services.context import Context
from jidan.services.planning.capacity import order_capacity as order_capacity_of
from jidan.services.planning.decisions import MeasureCapacity, add_capacity, measure_lever
from jidan.services.notices.notify import notify, send_email
from jidan.services.notices.answers import answer
from jidan.services.permissions import load_order, require_order_access, require_role
from jidan.services.execution.progress import order_forecast
from jidan.services.execution.tasks import PlanIndex, due_at, iso, urgent_tag


@dataclass(frozen=True)
class NewException:
    """What the floor writes on the report: type, what happened, where, how long it may hold us up."""

    order_id: int
    kind: str
    description: str
    estimated_delay_minutes: int
    task_id: int | None = None
    work_center: str | None = None
    down_from: datetime | None = None
    down_until: datetime | None = None


def _load(uow, actor: Actor, exception_id: int) -> ProcessException:
    require_order_access(actor)
    row = uow.process_exceptions.get(exception_id)
    if row is None:
        raise errors.NotFound(f"exception report {exception_id} not found", code="exception.not_found")
    return row


def _check_new(uow, cmd: NewException, now: datetime) -> tuple[Task | None, str | None, datetime | None, datetime | None]:
    """(task, work center, down from, down until) of a new report, or a field-level 422."""
    fields = {}
    if cmd.kind not in ExceptionKind.__members__.values():
        fields["kind"] = "unknown_kind"
    if not cmd.description.strip():
        fields["description"] = "required"
    if cmd.estimated_delay_minutes < 0:
        fields["estimated_delay_minutes"] = "must_not_be_negative"
    task = uow.tasks.get(cmd.task_id) if cmd.task_id is not None else None
    if cmd.task_id is not None and (task is None or task.order_id != cmd.order_id):
        fields["task_id"] = "unknown_task"
    center = cmd.work_center or (task.work_center_code if task else None)
    if cmd.work_center and uow.plant.work_center(cmd.work_center) is None:
        fields["work_center"] = "unknown_work_center"
    start = until = None
    if cmd.kind == ExceptionKind.EQUIPMENT_FAILURE:
        if center is None:
            fields["work_center"] = "required"
        start = cmd.down_from or now
        until = cmd.down_until or (start + timedelta(minutes=cmd.estimated_delay_minutes)
                                   if cmd.estimated_delay_minutes > 0 else None)
        if until is None:
            fields["down_until"] = "required"
        elif until <= start:
            fields["down_until"] = "before_start"
    elif cmd.down_from or cmd.down_until:
        fields["down_from" if cmd.down_from else "down_until"] = "only_for_equipment_failure"
    if fields:
        raise errors.ValidationFailed("the exception report is not complete", fields=fields)
    return task, center, start, until


def report_exception(ctx: Context, actor: Actor, cmd: NewException) -> dict:
    """The floor reports a process exception in writing to pmc, who must acknowledge it (E4).
    An equipment failure sets its work center down for the window (E5)."""
    require_role(actor, EXCEPTION_REPORTERS)
    with ctx.uow() as uow:
        order = load_order(uow, actor, cmd.order_id)
        now = ctx.now()
        task, center, start, until = _check_new(uow, cmd, now)
        if order.status not in ON_FLOOR:
            raise errors.Conflict(f"the order is {order.status}, not on the floor",
                                  code="exception.order_not_in_production")
        exception_id = uow.process_exceptions.add(
            order_id=order.id, task_id=task.id if task else None, work_center_code=center, kind=cmd.kind,
            description=cmd.description.strip(), estimated_delay_minutes=cmd.estimated_delay_minutes,
            status=ExceptionState.REPORTED.value, reported_by=actor.user_id, reported_at=now,
            down_from=start, down_until=until)
        if cmd.kind == ExceptionKind.EQUIPMENT_FAILURE:
            uow.floor.add_downtime(work_center_code=center, down_from=start, down_until=until,
                                   reason=cmd.description.strip()[:200], exception_id=exception_id,
                                   created_by=actor.user_id, created_at=now)
        notify(uow, now, kind="exception", ctx=ctx, roles=[Role.PMC], order_id=order.id,
               ref=f"exception:{exception_id}", needs_ack=True, ack_hours=ctx.exception_ack_hours,
               critical=order.urgent, exclude=actor,
               subject=ctx.messages.text("ui.ex.mail.exception_subject", tag=urgent_tag(ctx, order.urgent),
                                         id=exception_id, number=order.number),
               body=ctx.messages.text("ui.ex.mail.exception_body", kind=ctx.messages.text(f"ui.ex.kind.{cmd.kind}"),
                                      work_center=center or "",
                                      minutes=cmd.estimated_delay_minutes, description=cmd.description))
        row = uow.process_exceptions.get(exception_id)
        audit.record(uow, ctx, actor, "process_exception", exception_id, "report", None,
                     {k: getattr(row, k) for k in ("order_id", "task_id", "work_center_code", "kind", "description",
                                          "estimated_delay_minutes", "down_from", "down_until")})
        uow.commit()
        return exception_view(uow, row, actor)


def _advance(uow, ctx: Context, actor: Actor, row: ProcessException, action: str, version: int | None,
             reason: str | None = None, **values) -> ProcessException:
    """One step of the report's life from the table, compare-and-set and audited."""
    target = exception_step(row.status, action, actor, row.applied_by)
    if version is not None and version != row.version:
        raise errors.StaleVersion("the exception report changed; reload it", current_version=row.version)
    values["status"] = target.value
    uow.process_exceptions.update(row.id, row.version, **values)
    audit.record(uow, ctx, actor, "process_exception", row.id, action, {"status": row.status},
                 {k: v for k, v in values.items() if k not in ("impact",)}, reason)
    answer(uow, ctx, ref=f"exception:{row.id}", act=action, actor=actor)  # what waited for this step
    return uow.process_exceptions.get(row.id)


def replan(ctx: Context, actor: Actor, exception_id: int, time_limit: float = 2.0,
           version: int | None = None) -> dict:
    """pmc re-plans around the failed work center in one step and sees the effect on the order
    before accepting the run (C7, E5); the run is accepted through planning as any other."""
    with ctx.uow() as uow:
        row = _load(uow, actor, exception_id)
        exception_step(row.status, "replan", actor, row.applied_by)
        if row.kind != ExceptionKind.EQUIPMENT_FAILURE:
            raise errors.Conflict("only an equipment failure takes a work center down to re-plan around",
                                  code="exception.nothing_to_replan")
    run = planning.propose_repair(ctx, actor, row.work_center_code, row.down_from, row.down_until,
                                  time_limit)
    with ctx.uow() as uow:
        row = _load(uow, actor, exception_id)
        order = uow.orders.get(row.order_id)
        result, _ = order_forecast(uow, ctx, order, PlanIndex(uow.planning_runs.get(run["id"])))
        due = due_at(order)
        impact = {"run_id": run["id"], "moved": run["summary"].get("moved"),
                  "slipped": run["impact"]["slipped"], "predicted_completion": iso(result.predicted),
                  "due": iso(due), "late": bool(result.predicted and result.predicted > due),
                  "late_minutes": max(0, int((result.predicted - due).total_seconds() // 60)) if result.predicted else 0}
        row = _advance(uow, ctx, actor, row, "replan", version, None, planning_run_id=run["id"], impact=impact)
        uow.commit()
        return exception_view(uow, row, actor)


def apply_to_management(ctx: Context, actor: Actor, exception_id: int, application: str,
                        requested_measure: str | None, version: int | None = None) -> dict:
    """The due date is threatened: pmc applies in writing to management for a measure (E4)."""
    with ctx.uow() as uow:
        row = _load(uow, actor, exception_id)
        exception_step(row.status, "apply", actor, row.applied_by)
        fields = {}
        if not application.strip():
            fields["application"] = "required"
        if requested_measure is not None and requested_measure not in Measure.__members__.values():
            fields["requested_measure"] = "unknown_measure"
        if fields:
            raise errors.ValidationFailed("the application is not complete", fields=fields)
        order = uow.orders.get(row.order_id)
        now = ctx.now()
        row = _advance(uow, ctx, actor, row, "apply", version, application.strip(),
                       application=application.strip(), requested_measure=requested_measure,
                       applied_by=actor.user_id, applied_at=now)
        notify(uow, now, kind="exception_application", ctx=ctx, roles=[Role.MANAGEMENT], order_id=order.id,
               ref=f"exception:{exception_id}", needs_ack=True, ack_hours=ctx.exception_ack_hours,
               critical=order.urgent,
               subject=ctx.messages.text("ui.ex.mail.application_subject", tag=urgent_tag(ctx, order.urgent),
                                         id=exception_id, number=order.number),
               body=application.strip())
        uow.commit()
        return exception_view(uow, row, actor)


def decide(ctx: Context, actor: Actor, exception_id: int, approve: bool, measure: str | None,
           new_date: date | None, note: str | None, version: int | None = None,
           named: MeasureCapacity = MeasureCapacity()) -> dict:
    """Management approves a measure (overtime, outside processing, a new date) or refuses, never
    on their own application; the approved report goes to sales at once (E4). Overtime and
    outside processing become capacity (``named``: its work center, days, hours, step, lead
    time) and a re-plan that uses it, for pmc to accept (B6, C5)."""
    action = "approve" if approve else "reject"
    with ctx.uow() as uow:
        row = _load(uow, actor, exception_id)
        exception_step(row.status, action, actor, row.applied_by)
        now = ctx.now()
        fields = {}
        if approve and measure not in Measure.__members__.values():
            fields["measure"] = "required" if not measure else "unknown_measure"
        if approve and measure == Measure.NEW_DATE:
            if new_date is None:
                fields["new_date"] = "required"
            elif new_date < now.date():
                fields["new_date"] = "in_past"
        if new_date is not None and not (approve and measure == Measure.NEW_DATE):
            fields["new_date"] = "only_for_new_date"
        if not approve and not (note and note.strip()):
            fields["note"] = "required"
        if fields:
            raise errors.ValidationFailed("the decision is not complete", fields=fields)
        order = uow.orders.get(row.order_id)
        lever = measure_lever(uow, ctx, order, row.work_center_code, row.task_id, measure, named) if approve else None
        values = {"decided_by": actor.user_id, "decided_at": now, "decision_note": (note or "").strip() or None}
        if approve:
            values.update(measure=measure, new_date=new_date if measure == Measure.NEW_DATE else None)
        row = _advance(uow, ctx, actor, row, action, version, note, **values)
        tag = urgent_tag(ctx, order.urgent)
        if approve:
            if measure == Measure.NEW_DATE:
                old = order.promised_date
                order.promised_date = new_date
                uow.flush()
                audit.record(uow, ctx, actor, "order", order.id, "edit", {"promised_date": old},
                             {"promised_date": new_date},
                             ctx.messages.text("ui.ex.mail.new_date_reason", id=exception_id))
            # 总经办批示后的报告及时分发通知经营课: the approved report goes to sales.
            new_date_text = (ctx.messages.text("ui.ex.mail.approved_new_date", date=new_date)
                             if new_date and measure == Measure.NEW_DATE else "")
            notify(uow, now, kind="exception_approved", ctx=ctx, roles=[Role.SALES],
                   users=[order.created_by], order_id=order.id, ref=f"exception:{exception_id}",
                   needs_ack=True, ack_hours=ctx.exception_ack_hours, critical=order.urgent, exclude=actor,
                   subject=ctx.messages.text("ui.ex.mail.approved_subject", tag=tag, measure=measure,
                                             id=exception_id, number=order.number),
                   body=ctx.messages.text("ui.ex.mail.approved_body", description=row.description,
                                          measure=measure, new_date=new_date_text,
                                          note=f"\n{note}" if note else ""))
        else:
            notify(uow, now, kind="exception_rejected", ctx=ctx, users=[row.applied_by], order_id=order.id,
                   ref=f"exception:{exception_id}", critical=order.urgent, exclude=actor,
                   subject=ctx.messages.text("ui.ex.mail.rejected_subject", tag=tag, id=exception_id,
                                             number=order.number),
                   body=note or "")
        added, propose = add_capacity(uow, ctx, actor, order, [lever] if lever else [], CapacitySource.EXCEPTION,
                                      exception_id, note or measure or "")
        uow.commit()
    run_id = propose() if propose else None  # solved once the decision is committed (issue 21)
    with ctx.uow() as uow:
        return exception_view(uow, _load(uow, actor, exception_id), actor) | {
            "capacity": [c for c in order_capacity_of(uow, row.order_id)["changes"] if c["id"] in added],
            "capacity_run_id": run_id}


def inform_customer(ctx: Context, actor: Actor, exception_id: int, message: str | None,
                    version: int | None = None) -> dict:
    """Sales tell the customer what happened and what was decided, by e-mail (E4)."""
    with ctx.uow() as uow:
        row = _load(uow, actor, exception_id)
        exception_step(row.status, "inform_customer", actor, row.applied_by)
        order = uow.orders.get(row.order_id)
        if not order.customer.email:
            raise errors.Conflict("the customer has no e-mail address", code="customer.no_email",
                                  fields={"email": "required"})
        now = ctx.now()
        expected = order.promised_date or order.requested_date
        measure = (ctx.messages.text(f"ui.ex.mail.measure.{row.measure}")
                   if row.measure in Measure.__members__.values() else row.measure)
        body = ctx.messages.text("ui.ex.mail.customer_body", customer=order.customer.name, po=order.customer_po,
                                 number=order.number, measure=measure, measure_code=row.measure,
                                 expected=expected, message=f"\n\n{message}" if message else "")
        mail_id = send_email(uow, now, to=[order.customer.email],
                             subject=ctx.messages.text("ui.ex.mail.customer_subject", po=order.customer_po),
                             body=body, kind="exception_customer", order_id=order.id, ref=f"exception:{exception_id}")
        row = _advance(uow, ctx, actor, row, "inform_customer", version, message,
                       customer_message=(message or "").strip() or None, customer_informed_by=actor.user_id,
                       customer_informed_at=now)
        uow.commit()
        view = exception_view(uow, row, actor)
        view["outbox_id"] = mail_id
        return view


def close(ctx: Context, actor: Actor, exception_id: int, note: str | None, version: int | None = None) -> dict:
    """pmc closes the report once it is handled."""
    with ctx.uow() as uow:
        row = _load(uow, actor, exception_id)
        row = _advance(uow, ctx, actor, row, "close", version, note, closed_at=ctx.now())
        uow.commit()
        return exception_view(uow, row, actor)


# ---------------------------------------------------------------- views
def exception_view(uow, row: ProcessException, actor: Actor | None = None) -> dict:
    """The report with its order, people's names and what ``actor`` may do with it now."""
    order = uow.orders.get(row.order_id)
    task = uow.tasks.get(row.task_id) if row.task_id else None

    def name(user_id):
        user = uow.users.get(user_id) if user_id else None
        return (user.display_name or user.username) if user else None

    view = {k: getattr(row, k) for k in ("id", "order_id", "task_id", "kind", "description", "estimated_delay_minutes",
                                "status", "planning_run_id", "impact", "application", "requested_measure",
                                "measure", "decision_note", "customer_message", "version")}
    view.update(
        number=f"EX-{row.id:05d}", order_number=order.number, urgent=order.urgent,
        customer=order.customer.name, due=(order.promised_date or order.requested_date).isoformat(),
        products=", ".join(f"{ln.product.code} × {ln.quantity}" for ln in order.lines),
        work_center=row.work_center_code, operation=task.operation if task else None,
        operation_name=task.name if task else None,
        reported_by=name(row.reported_by), applied_by=name(row.applied_by), decided_by=name(row.decided_by),
        customer_informed_by=name(row.customer_informed_by),
        **{k: iso(getattr(row, k)) for k in ("reported_at", "down_from", "down_until", "applied_at", "decided_at",
                                     "customer_informed_at", "closed_at", "new_date")})
    view["actions"] = exception_actions(row.status, actor, row.applied_by) if actor else []
    return view


def get_exception(ctx: Context, actor: Actor, exception_id: int) -> dict:
    with ctx.uow() as uow:
        return exception_view(uow, _load(uow, actor, exception_id), actor)


def for_order(ctx: Context, actor: Actor, order_id: int) -> list[dict]:
    with ctx.uow() as uow:
        load_order(uow, actor, order_id)
        return [exception_view(uow, r, actor) for r in uow.process_exceptions.for_order(order_id)]


def open_exceptions(ctx: Context, actor: Actor) -> list[dict]:
    """Every report not closed yet, newest first (pmc's and management's desk)."""
    with ctx.uow() as uow:
        require_order_access(actor)
        return [exception_view(uow, r, actor) for r in uow.process_exceptions.open()]
