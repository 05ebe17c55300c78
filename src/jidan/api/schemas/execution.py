"""Response models of the execution routes."""
from __future__ import annotations

from typing import Any

from jidan.api.schemas.planning import CapacityChange, RunImpactSlippedItem
from jidan.api.schemas.view import View


class ProcessExceptionImpact(View):
    run_id: int | None = None
    moved: int | None = None
    slipped: list[RunImpactSlippedItem] | None = None
    predicted_completion: str | None = None
    due: str | None = None
    late: bool | None = None
    late_minutes: int | None = None


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
    outbox_id: int | None = None
    capacity: list[CapacityChange] | None = None
    capacity_run_id: int | None = None


class WorkGroup(View):
    department: str | None
    name: str | None
    username: str | None
    display_name: str | None


class OrderInspectionsPoint(View):
    task_id: int | None = None
    operation: str | None = None
    name: str | None = None
    status: str | None = None
    quantity: int | None = None


class OrderInspectionsFinalItem(View):
    line_no: int | None = None
    product: str | None = None
    quantity: int | None = None
    passed: int | None = None


class OrderInspections(View):
    order_id: int | None
    status: str
    points: list[OrderInspectionsPoint] | None
    final: list[OrderInspectionsFinalItem] | None
    final_passed: bool
    inspections: list[Inspection] | None


class ProductionNoticeLine(View):
    line_no: int | None = None
    product: str | None = None
    product_name: str | None = None
    quantity: int | None = None


class ProductionNoticeGroup(View):
    department: str | None = None
    name: str | None = None
    leader: str | None = None
    tasks: list[Task] | None = None
    minutes: int | None = None


class NoticeRecipient(View):
    user: str | None = None
    role: str | None = None
    acknowledged_at: str | None = None
    escalation_level: int | None = None


class DepartmentNotice(View):
    """A production notice sent to a department: to whom, and who acknowledged it (D2)."""
    department: str | None = None
    kind: str | None = None
    sent_at: str | None = None
    recipients: list[NoticeRecipient] | None = None


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
    notices: list[DepartmentNotice] | None


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
    tasks: list[Task] | None
    notices: list[DepartmentNotice] | None


class ProgressUpdate(View):
    order_id: int | None
    to: str | None
    stage: str | None
    expected: str | None
    outbox_id: int | None


class InspectionDefect(View):
    code: str | None = None
    count: int | None = None


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


class Task(View):
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
    tasks: list[Task] | None


class WorkCenter(View):
    code: str
    name: str | None
    department: str | None
    open: int | None
    running: int | None
    urgent: int | None
    down: bool
