"""Response models of the planning routes."""
from __future__ import annotations

from typing import Any

from jidan.api.schemas.view import LocalTime, View


class RunSummaryDisturbance(View):
    kind: str
    work_center: str | None | None = None
    start: str | None | None = None
    end: str | None | None = None
    material: str | None = None
    purchase_order: str | None | None = None
    delay_request: str | None | None = None
    available_from: str | None | None = None
    jobs: list[str] | None | None = None
    steps: list[str] | None | None = None
    order_id: int | None | None = None
    order: str | None | None = None
    inspection_id: int | None | None = None
    job: str | None | None = None
    quantity: int | None | None = None


class RunSummaryPart(View):
    status: str
    objective: str | None
    value: int | None
    lower_bound: int | None
    seconds: float | None
    moved: int | None
    compared_with: int | None = None
    based_on: int | None | None = None
    disturbance: RunSummaryDisturbance | None | None = None
    urgent_completion: str | None | None = None
    earliest_possible: str | None | None = None
    material_ready: str | None | None = None


class RunImpactSlippedItem(View):
    job: str | None
    order: str | None
    order_id: int | None
    owner_id: int | None
    old_end: str | None
    new_end: str | None
    due: str | None
    slip_minutes: int | None
    newly_late: bool


class RunImpactMovedItem(View):
    operation: str | None
    order: str | None
    old_start: str | None
    new_start: str | None
    old_resource: str | None
    new_resource: str | None


class RunImpact(View):
    slipped: list[RunImpactSlippedItem] | None
    moved: list[RunImpactMovedItem] | None


class RunAssignment(View):
    job: str | None
    operation: str | None
    resource: str | None
    start: int | None
    end: int | None
    start_at: str | None
    end_at: str | None


class Run(View):
    id: int
    kind: str
    status: str
    objective: str | None
    urgent_order_id: int | None
    order_ids: list[int] | None
    summary: RunSummaryPart | None
    impact: RunImpact | None
    created_by: int | None
    accepted_by: int | None
    version: int
    origin: str | None
    created_at: str | None
    accepted_at: str | None
    purchase_requests: list[str] | None | None = None
    assignments: list[RunAssignment] | None | None = None


class LoadWorkCenterDay(View):
    day: str | None
    capacity: int | None
    booked: int | None
    free: int | None


class LoadWorkCenter(View):
    work_center: str | None
    days: list[LoadWorkCenterDay] | None
    utilisation: float | None


class Load(View):
    run_id: int | None
    bottleneck: str | None
    work_centers: list[LoadWorkCenter] | None


class OrderPlanPromiseWithoutMoving(View):
    completion: str | None
    on_time: bool


class OrderPlanPromiseWithInsertion(View):
    completion: str | None
    on_time: bool
    moved: int | None
    slipped: list[Any] | None


class OrderPlanPromiseLever(View):
    lever: str | None
    description: str | None
    completion: str | None
    on_time: bool


class OrderPlanPromiseMaterial(View):
    ready_at: str | None
    waits_for_material: bool
    materials: list[dict[str, Any]] | None
    shortages: list[dict[str, Any]] | None
    purchase_requests: list[dict[str, Any]] | None


class OrderPlanPromise(View):
    order: str | None
    requested_date: str | None
    due: str | None
    without_moving: OrderPlanPromiseWithoutMoving | None
    with_insertion: OrderPlanPromiseWithInsertion | None
    bottleneck: str | None
    levers: list[OrderPlanPromiseLever] | None
    material: OrderPlanPromiseMaterial | None


class OrderPlan(View):
    order_id: int | None
    order: str | None
    urgent: bool
    in_plan: bool
    run_id: int | None
    planned_start: Any
    planned_end: Any
    promise: OrderPlanPromise | None


class PromiseWithInsertion(View):
    completion: str | None
    on_time: bool
    moved: int | None
    slipped: list[RunImpactSlippedItem] | None


class PromiseMaterialMaterial(View):
    material: str | None
    name: str | None
    unit: str | None
    required: float | None
    from_stock: float | None
    from_purchase_orders: float | None
    to_purchase: float | None
    purchase_orders: list[str] | None
    short: bool
    ready_at: str | None


class PromiseMaterialShortage(View):
    material: str | None
    quantity: float | None
    available_at: str | None


class PromiseMaterialPurchaseRequest(View):
    material: str | None
    quantity: float | None
    order_by: str | None
    earliest_arrival: str | None


class PromiseMaterial(View):
    ready_at: str | None
    waits_for_material: bool
    materials: list[PromiseMaterialMaterial] | None
    shortages: list[PromiseMaterialShortage] | None
    purchase_requests: list[PromiseMaterialPurchaseRequest] | None


class Promise(View):
    order: str | None
    requested_date: str | None
    due: str | None
    without_moving: OrderPlanPromiseWithoutMoving | None
    with_insertion: PromiseWithInsertion | None
    bottleneck: str | None
    levers: list[OrderPlanPromiseLever] | None
    material: PromiseMaterial | None


class RunSummarySummary(View):
    status: str
    objective: str | None
    value: int | None
    lower_bound: int | None
    seconds: float | None
    moved: int | None
    compared_with: int | None


class RunSummary(View):
    id: int
    kind: str
    status: str
    origin: str | None
    urgent_order_id: Any
    summary: RunSummarySummary | None
    created_by: int | None
    created_at: str | None
    accepted_at: LocalTime | None
    version: int
