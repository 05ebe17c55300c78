"""Response models of the execution routes."""
from __future__ import annotations

from typing import Any

from jidan.api.schemas.view import View


class ProcessExceptionImpact(View):
    run_id: int | None
    moved: int
    slipped: list[Any]
    predicted_completion: str
    due: str | None
    late: bool
    late_minutes: int


class ProcessException(View):
    id: int
    order_id: int | None
    task_id: int | None
    kind: str
    description: str
    estimated_delay_minutes: int
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
    order_number: str
    urgent: bool
    customer: str
    due: str | None
    products: str
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
    actions: list[str]
    outbox_id: int | None | None = None


class WorkGroup(View):
    department: str
    name: str
    username: str | None
    display_name: str | None


class OrderInspectionsPoint(View):
    task_id: int | None
    operation: str
    name: str
    status: str
    quantity: int


class OrderInspectionsFinalItem(View):
    line_no: int
    product: str
    quantity: int
    passed: int


class OrderInspectionsInspection(View):
    id: int
    order_id: int | None
    task_id: Any
    stage: str
    line_no: int
    step_seq: Any
    result: str
    passed_qty: int
    failed_qty: int
    defects: list[Any]
    note: str | None
    disposition: str | None
    rework_from_seq: int | None
    planning_run_id: int | None
    inspector: str
    inspected_at: str | None
    operation: Any
    operation_name: Any
    rework_tasks: list[int]


class OrderInspections(View):
    order_id: int | None
    status: str
    points: list[OrderInspectionsPoint]
    final: list[OrderInspectionsFinalItem]
    final_passed: bool
    inspections: list[OrderInspectionsInspection]


class ProductionNoticeLine(View):
    line_no: int
    product: str
    product_name: str | None
    quantity: int


class ProductionNoticeGroupTask(View):
    id: int
    order_id: int | None
    operation: str
    job: str
    line_no: int
    step_seq: int
    lot: int
    kind: str
    name: str
    quantity: int
    inspection: bool
    urgent: bool
    planned_minutes: int
    status: str
    worked_minutes: int
    good_qty: Any
    scrap_qty: Any
    source: str
    version: int
    work_center: str
    hours: float
    planned_start: str
    planned_end: str
    started_at: Any
    finished_at: Any
    actions: list[str]
    order_number: str
    order_status: str
    priority: str
    customer: str


class ProductionNoticeGroup(View):
    department: str
    name: str
    leader: str | None
    tasks: list[ProductionNoticeGroupTask]
    minutes: int


class ProductionNoticeNoticeRecipient(View):
    user: str
    role: str
    acknowledged_at: Any
    escalation_level: int


class ProductionNoticeNotice(View):
    department: str
    kind: str
    sent_at: str | None
    recipients: list[ProductionNoticeNoticeRecipient]


class ProductionNotice(View):
    order_id: int | None
    number: str
    urgent: bool
    customer: str
    status: str
    due: str | None
    lines: list[ProductionNoticeLine]
    owner: str | None
    issued_by: str | None
    issued_at: str | None
    groups: list[ProductionNoticeGroup]
    notices: list[ProductionNoticeNotice]


class ProgressTask(View):
    id: int
    order_id: int | None
    operation: str
    job: str
    line_no: int
    step_seq: int
    lot: int
    kind: str
    name: str
    quantity: int
    inspection: bool
    urgent: bool
    planned_minutes: int
    status: str
    worked_minutes: int
    good_qty: int | None
    scrap_qty: int | None
    source: str
    version: int
    work_center: str
    hours: float
    planned_start: str
    planned_end: str
    started_at: str | None
    finished_at: str | None
    actions: list[str]
    order_number: str
    order_status: str
    priority: str
    customer: str


class ProgressNoticeRecipient(View):
    user: str
    role: str
    acknowledged_at: str | None
    escalation_level: int


class ProgressNotice(View):
    department: str
    kind: str
    sent_at: str | None
    recipients: list[ProgressNoticeRecipient]


class Progress(View):
    order_id: int | None
    number: str
    urgent: bool
    status: str
    done: int
    total: int
    percent: int
    remaining_minutes: int
    lateness_minutes: int
    predicted_completion: str | None
    due: str | None
    late: bool
    due_date: str | None
    tasks: list[ProgressTask]
    notices: list[ProgressNotice]


class ProgressUpdate(View):
    order_id: int | None
    to: str
    stage: str
    expected: str
    outbox_id: int | None


class InspectionDefect(View):
    code: str
    count: int


class Inspection(View):
    id: int
    order_id: int | None
    task_id: int | None
    stage: str
    line_no: int
    step_seq: int | None
    result: str
    passed_qty: int
    failed_qty: int
    defects: list[InspectionDefect]
    note: str | None
    disposition: str | None
    rework_from_seq: int | None
    planning_run_id: int | None
    inspector: str
    inspected_at: str | None
    operation: str | None
    operation_name: str | None
    rework_tasks: list[int]


Task = ProgressTask


class GroupLeader(View):
    department: str
    username: str
    user_id: int | None


class WorkCenterBoard(View):
    code: str
    name: str
    department: str
    day: str
    now: str
    down: list[dict[str, Any]]
    tasks: list[ProgressTask]


class WorkCenter(View):
    code: str
    name: str
    department: str
    open: int
    running: int
    urgent: int
    down: bool
