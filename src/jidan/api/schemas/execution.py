"""Response models of the execution routes."""
from __future__ import annotations

from typing import Any

from jidan.api.schemas.view import View


class ProcessExceptionImpact(View):
    run_id: int | None
    moved: int | None
    slipped: list[Any] | None
    predicted_completion: str | None
    due: str | None
    late: bool
    late_minutes: int | None


class ProcessException(View):
    id: int
    order_id: int | None
    task_id: int | None
    kind: str
    description: str | None
    estimated_delay_minutes: int | None
    status: str
    planning_run_id: int | None
    impact: ProcessExceptionImpact | None
    application: str | None
    requested_measure: str | None
    measure: str | None
    decision_note: str | None
    customer_message: str | None
    version: int
    number: str
    order_number: str | None
    urgent: bool
    customer: str | None
    due: str | None
    products: str | None
    work_center: str | None
    operation: str | None
    operation_name: str | None
    reported_by: str | None
    applied_by: str | None
    decided_by: str | None
    customer_informed_by: str | None
    reported_at: str | None
    down_from: str | None
    down_until: str | None
    applied_at: str | None
    decided_at: str | None
    customer_informed_at: str | None
    closed_at: str | None
    new_date: str | None
    actions: list[str] | None
    outbox_id: int | None | None = None


class WorkGroup(View):
    department: str | None
    name: str | None
    username: str | None
    display_name: str | None


class OrderInspectionsPoint(View):
    task_id: int | None
    operation: str | None
    name: str | None
    status: str
    quantity: int | None


class OrderInspectionsFinalItem(View):
    line_no: int | None
    product: str | None
    quantity: int | None
    passed: int | None


class OrderInspectionsInspection(View):
    id: int
    order_id: int | None
    task_id: Any
    stage: str | None
    line_no: int | None
    step_seq: Any
    result: str | None
    passed_qty: int | None
    failed_qty: int | None
    defects: list[Any] | None
    note: str | None
    disposition: str | None
    rework_from_seq: int | None
    planning_run_id: int | None
    inspector: str | None
    inspected_at: str | None
    operation: Any
    operation_name: Any
    rework_tasks: list[int] | None


class OrderInspections(View):
    order_id: int | None
    status: str
    points: list[OrderInspectionsPoint] | None
    final: list[OrderInspectionsFinalItem] | None
    final_passed: bool
    inspections: list[OrderInspectionsInspection] | None


class ProductionNoticeLine(View):
    line_no: int | None
    product: str | None
    product_name: str | None
    quantity: int | None


class ProductionNoticeGroupTask(View):
    id: int
    order_id: int | None
    operation: str | None
    job: str | None
    line_no: int | None
    step_seq: int | None
    lot: int | None
    kind: str
    name: str | None
    quantity: int | None
    inspection: bool
    urgent: bool
    planned_minutes: int | None
    status: str
    worked_minutes: int | None
    good_qty: Any
    scrap_qty: Any
    source: str | None
    version: int
    work_center: str | None
    hours: float | None
    planned_start: str | None
    planned_end: str | None
    started_at: Any
    finished_at: Any
    actions: list[str] | None
    order_number: str | None
    order_status: str | None
    priority: str | None
    customer: str | None


class ProductionNoticeGroup(View):
    department: str | None
    name: str | None
    leader: str | None
    tasks: list[ProductionNoticeGroupTask] | None
    minutes: int | None


class ProductionNoticeNoticeRecipient(View):
    user: str | None
    role: str
    acknowledged_at: Any
    escalation_level: int | None


class ProductionNoticeNotice(View):
    department: str | None
    kind: str
    sent_at: str | None
    recipients: list[ProductionNoticeNoticeRecipient] | None


class ProductionNotice(View):
    order_id: int | None
    number: str
    urgent: bool
    customer: str | None
    status: str
    due: str | None
    lines: list[ProductionNoticeLine] | None
    owner: str | None
    issued_by: str | None
    issued_at: str | None
    groups: list[ProductionNoticeGroup] | None
    notices: list[ProductionNoticeNotice] | None


class ProgressTask(View):
    id: int
    order_id: int | None
    operation: str | None
    job: str | None
    line_no: int | None
    step_seq: int | None
    lot: int | None
    kind: str
    name: str | None
    quantity: int | None
    inspection: bool
    urgent: bool
    planned_minutes: int | None
    status: str
    worked_minutes: int | None
    good_qty: int | None
    scrap_qty: int | None
    source: str | None
    version: int
    work_center: str | None
    hours: float | None
    planned_start: str | None
    planned_end: str | None
    started_at: str | None
    finished_at: str | None
    actions: list[str] | None
    order_number: str | None
    order_status: str | None
    priority: str | None
    customer: str | None


class ProgressNoticeRecipient(View):
    user: str | None
    role: str
    acknowledged_at: str | None
    escalation_level: int | None


class ProgressNotice(View):
    department: str | None
    kind: str
    sent_at: str | None
    recipients: list[ProgressNoticeRecipient] | None


class Progress(View):
    order_id: int | None
    number: str
    urgent: bool
    status: str
    done: int | None
    total: int | None
    percent: int | None
    remaining_minutes: int | None
    lateness_minutes: int | None
    predicted_completion: str | None
    due: str | None
    late: bool
    due_date: str | None
    tasks: list[ProgressTask] | None
    notices: list[ProgressNotice] | None


class ProgressUpdate(View):
    order_id: int | None
    to: str | None
    stage: str | None
    expected: str | None
    outbox_id: int | None


class InspectionDefect(View):
    code: str
    count: int | None


class Inspection(View):
    id: int
    order_id: int | None
    task_id: int | None
    stage: str | None
    line_no: int | None
    step_seq: int | None
    result: str | None
    passed_qty: int | None
    failed_qty: int | None
    defects: list[InspectionDefect] | None
    note: str | None
    disposition: str | None
    rework_from_seq: int | None
    planning_run_id: int | None
    inspector: str | None
    inspected_at: str | None
    operation: str | None
    operation_name: str | None
    rework_tasks: list[int] | None


Task = ProgressTask


class GroupLeader(View):
    department: str | None
    username: str
    user_id: int | None


class WorkCenterBoard(View):
    code: str
    name: str | None
    department: str | None
    day: str | None
    now: str | None
    down: list[dict[str, Any]] | None
    tasks: list[ProgressTask] | None


class WorkCenter(View):
    code: str
    name: str | None
    department: str | None
    open: int | None
    running: int | None
    urgent: int | None
    down: bool
