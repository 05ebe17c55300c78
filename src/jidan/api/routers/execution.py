"""The floor: tasks and reports, progress, work centers, process exceptions, inspections (D–F)."""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Path
from pydantic import Field

from jidan.api.deps import ActorDep, CtxDep
from jidan.api.routing import ApiRoute
from jidan.api.schemas.execution import GroupLeader, Inspection, OrderInspections, ProcessException, ProductionNotice, Progress, ProgressUpdate, Task, WorkCenter, WorkCenterBoard, WorkGroup
from jidan.api.schemas import Code, Day, Moment, Seconds, Strict
from jidan.services.execution import exceptions
from jidan.services.planning.decisions import MeasureCapacity
from jidan.services.execution import boards, customer_updates, leaders, reports
from jidan.services.execution import production_notice as notice
from jidan.services.execution import progress as order_progress
from jidan.services.execution import quality

router = APIRouter(tags=["execution"], route_class=ApiRoute)

Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Note = Annotated[str, Field(max_length=1000)]
Quantity = Annotated[int, Field(ge=0, le=10_000_000)]


# ---------------------------------------------------------------- tasks and progress (D1, E1–E3)
class ReportIn(Strict):
    """On finish: good and scrap quantities (good defaults to the rest of the lot) and hours."""

    good_qty: Quantity | None = None
    scrap_qty: Quantity | None = None
    hours: Decimal | None = Field(None, gt=0, max_digits=6, decimal_places=2)
    note: Note | None = None
    version: int | None = Field(None, ge=1)


class LeaderIn(Strict):
    username: str = Field(min_length=1, max_length=50)


class ProgressUpdateIn(Strict):
    note: Note | None = None


@router.post("/tasks/{task_id}/actions/{action}", response_model=Task)
def report(task_id: Id, action: Literal["start", "pause", "resume", "finish"], ctx: CtxDep, actor: ActorDep,
           body: ReportIn | None = None) -> dict:
    body = body or ReportIn()
    return reports.report(ctx, actor, task_id, reports.Report(
        action, body.good_qty, body.scrap_qty, body.hours, body.note, body.version))


@router.get("/orders/{order_id}/progress", response_model=Progress)
def progress(order_id: Id, ctx: CtxDep, actor: ActorDep) -> dict:
    return order_progress.progress(ctx, actor, order_id)


@router.get("/orders/{order_id}/production-notice", response_model=ProductionNotice)
def production_notice(order_id: Id, ctx: CtxDep, actor: ActorDep) -> dict:
    return notice.production_notice(ctx, actor, order_id)


@router.post("/orders/{order_id}/progress-update", status_code=201, response_model=ProgressUpdate)
def progress_update(order_id: Id, ctx: CtxDep, actor: ActorDep, body: ProgressUpdateIn | None = None) -> dict:
    return customer_updates.send_progress_update(ctx, actor, order_id, (body or ProgressUpdateIn()).note)


@router.get("/workcenters", response_model=list[WorkCenter])
def work_centers(ctx: CtxDep, actor: ActorDep) -> list[dict]:
    return boards.work_centers(ctx, actor)


@router.get("/workcenters/{code}", response_model=WorkCenterBoard)
def work_center(code: Code, ctx: CtxDep, actor: ActorDep) -> dict:
    return boards.work_center_board(ctx, actor, code)


@router.get("/workgroups", response_model=list[WorkGroup])
def groups(ctx: CtxDep, actor: ActorDep) -> list[dict]:
    return leaders.group_leaders(ctx, actor)


@router.put("/workgroups/{department}/leader", response_model=GroupLeader)
def set_leader(department: Code, body: LeaderIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return leaders.set_group_leader(ctx, actor, department, body.username)


# ---------------------------------------------------------------- process exceptions (E4, E5)
Kind = Literal["equipment_failure", "material_shortage", "quality", "staffing", "other"]
MeasureName = Literal["overtime", "outside_processing", "new_date"]
Version = Annotated[int, Field(ge=1)]


def _naive(value: Moment | None) -> datetime | None:
    """Factory-local wall time, as every time is stored."""
    return value.replace(tzinfo=None) if value else None


class ExceptionIn(Strict):
    """紧急订单制程异常申报单: type, what happened, the affected operation, the expected delay;
    an equipment failure names the work center (or the task's) and the window it is down."""

    kind: Kind
    description: str = Field(min_length=1, max_length=2000)
    estimated_delay_minutes: int = Field(ge=0, le=100_000)
    task_id: int | None = Field(None, ge=1, le=2**31 - 1)
    work_center: Code | None = None
    down_from: Moment | None = None
    down_until: Moment | None = None


class ReplanIn(Strict):
    time_limit: Seconds = Field(2.0, ge=0, le=30)
    version: Version | None = None


class ApplyIn(Strict):
    application: str = Field(min_length=1, max_length=2000)
    requested_measure: MeasureName | None = None
    version: Version | None = None


class ApproveIn(Strict):
    """The measure; overtime may name its ``work_center``, ``days`` and ``hours``, outside
    processing its routing ``step_seq`` and the supplier's ``lead_time_days`` (else they are read
    from the exception and the plan)."""

    measure: MeasureName
    new_date: Day | None = None
    note: Note | None = None
    version: Version | None = None
    work_center: Code | None = None
    days: list[Day] = Field(default_factory=list, max_length=31)
    hours: float | None = Field(None, gt=0, le=8)
    step_seq: int | None = Field(None, ge=1, le=10_000)
    lead_time_days: float | None = Field(None, gt=0, le=90)


class RejectIn(Strict):
    note: str = Field(min_length=1, max_length=1000)
    version: Version | None = None


class InformIn(Strict):
    message: Note | None = None
    version: Version | None = None


class CloseIn(Strict):
    note: Note | None = None
    version: Version | None = None


@router.post("/orders/{order_id}/exceptions", status_code=201, response_model=ProcessException)
def report_exception(order_id: Id, body: ExceptionIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return exceptions.report_exception(ctx, actor, exceptions.NewException(
        order_id, body.kind, body.description, body.estimated_delay_minutes, body.task_id, body.work_center,
        _naive(body.down_from), _naive(body.down_until)))


@router.get("/orders/{order_id}/exceptions", response_model=list[ProcessException])
def order_exceptions(order_id: Id, ctx: CtxDep, actor: ActorDep) -> list[dict]:
    return exceptions.for_order(ctx, actor, order_id)


@router.get("/exceptions", response_model=list[ProcessException])
def open_exceptions(ctx: CtxDep, actor: ActorDep) -> list[dict]:
    return exceptions.open_exceptions(ctx, actor)


@router.get("/exceptions/{exception_id}", response_model=ProcessException)
def get_exception(exception_id: Id, ctx: CtxDep, actor: ActorDep) -> dict:
    return exceptions.get_exception(ctx, actor, exception_id)


@router.post("/exceptions/{exception_id}/replan", response_model=ProcessException)
def replan(exception_id: Id, ctx: CtxDep, actor: ActorDep, body: ReplanIn | None = None) -> dict:
    body = body or ReplanIn()
    return exceptions.replan(ctx, actor, exception_id, body.time_limit, body.version)


@router.post("/exceptions/{exception_id}/apply", response_model=ProcessException)
def apply(exception_id: Id, body: ApplyIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return exceptions.apply_to_management(ctx, actor, exception_id, body.application, body.requested_measure,
                                          body.version)


@router.post("/exceptions/{exception_id}/approve", response_model=ProcessException)
def approve(exception_id: Id, body: ApproveIn, ctx: CtxDep, actor: ActorDep) -> dict:
    named = MeasureCapacity(body.work_center, tuple(body.days), body.hours, body.step_seq, body.lead_time_days)
    return exceptions.decide(ctx, actor, exception_id, True, body.measure, body.new_date, body.note, body.version,
                             named)


@router.post("/exceptions/{exception_id}/reject", response_model=ProcessException)
def reject(exception_id: Id, body: RejectIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return exceptions.decide(ctx, actor, exception_id, False, None, None, body.note, body.version)


@router.post("/exceptions/{exception_id}/inform-customer", response_model=ProcessException)
def inform_customer(exception_id: Id, ctx: CtxDep, actor: ActorDep, body: InformIn | None = None) -> dict:
    body = body or InformIn()
    return exceptions.inform_customer(ctx, actor, exception_id, body.message, body.version)


@router.post("/exceptions/{exception_id}/close", response_model=ProcessException)
def close_exception(exception_id: Id, ctx: CtxDep, actor: ActorDep, body: CloseIn | None = None) -> dict:
    body = body or CloseIn()
    return exceptions.close(ctx, actor, exception_id, body.note, body.version)


# ---------------------------------------------------------------- inspections (F1, F2)
class DefectIn(Strict):
    code: str = Field(min_length=1, max_length=40)
    count: int = Field(ge=1, le=10_000_000)


class InspectionIn(Strict):
    """At an inspection point (``task_id``) or final (``line_no``, the only line by default);
    a failed quantity goes to rework (from ``rework_from_seq``) or scrap."""

    stage: Literal["in_process", "final"]
    passed_qty: Quantity
    failed_qty: Quantity = 0
    task_id: int | None = Field(None, ge=1, le=2**31 - 1)
    line_no: int | None = Field(None, ge=1, le=10_000)
    defects: list[DefectIn] = Field(default_factory=list, max_length=50)
    note: Note | None = None
    disposition: Literal["rework", "scrap"] | None = None
    rework_from_seq: int | None = Field(None, ge=1, le=9999)
    time_limit: Seconds = Field(1.0, ge=0, le=30)


@router.post("/orders/{order_id}/inspections", status_code=201, response_model=Inspection)
def record_inspection(order_id: Id, body: InspectionIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return quality.record_inspection(ctx, actor, quality.NewInspection(
        order_id, body.stage, body.passed_qty, body.failed_qty, body.task_id, body.line_no,
        tuple((d.code, d.count) for d in body.defects), body.note, body.disposition, body.rework_from_seq),
        body.time_limit)


@router.get("/orders/{order_id}/inspections", response_model=OrderInspections)
def order_inspections(order_id: Id, ctx: CtxDep, actor: ActorDep) -> dict:
    return quality.for_order(ctx, actor, order_id)
