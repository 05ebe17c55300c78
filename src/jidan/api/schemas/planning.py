"""Response models of the planning routes."""
from __future__ import annotations

from typing import Any

from jidan.api.schemas.view import LocalTime, View


class RunSummaryDisturbance(View):
    kind: str | None = None
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
    status: str | None = None
    objective: str | None | None = None
    value: int | None | None = None
    lower_bound: int | None | None = None
    seconds: float | None | None = None
    moved: int | None | None = None
    compared_with: int | None = None
    based_on: int | None | None = None
    disturbance: RunSummaryDisturbance | None | None = None
    urgent_completion: str | None | None = None
    earliest_possible: str | None | None = None
    material_ready: str | None | None = None


class RunImpactSlippedItem(View):
    job: str | None | None = None
    order: str | None | None = None
    order_id: int | None | None = None
    owner_id: int | None | None = None
    old_end: str | None | None = None
    new_end: str | None | None = None
    due: str | None | None = None
    slip_minutes: int | None | None = None
    newly_late: bool | None = None


class RunImpactMovedItem(View):
    operation: str | None | None = None
    order: str | None | None = None
    old_start: str | None | None = None
    new_start: str | None | None = None
    old_resource: str | None | None = None
    new_resource: str | None | None = None


class RunImpact(View):
    slipped: list[RunImpactSlippedItem] | None | None = None
    moved: list[RunImpactMovedItem] | None | None = None


class RunAssignment(View):
    job: str | None | None = None
    operation: str | None | None = None
    resource: str | None | None = None
    start: int | None | None = None
    end: int | None | None = None
    start_at: str | None | None = None
    end_at: str | None | None = None


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
    day: str | None | None = None
    capacity: int | None | None = None
    booked: int | None | None = None
    free: int | None | None = None


class LoadWorkCenter(View):
    work_center: str | None | None = None
    days: list[LoadWorkCenterDay] | None | None = None
    utilisation: float | None | None = None


class Load(View):
    run_id: int | None
    bottleneck: str | None
    work_centers: list[LoadWorkCenter] | None


class OrderPlanPromiseWithoutMoving(View):
    completion: str | None | None = None
    on_time: bool | None = None


class OrderPlanPromiseWithInsertion(View):
    completion: str | None | None = None
    on_time: bool | None = None
    moved: int | None | None = None
    slipped: list[Any] | None | None = None


class OrderPlanPromiseLever(View):
    lever: str | None | None = None
    description: str | None | None = None
    completion: str | None | None = None
    on_time: bool | None = None


class OrderPlanPromiseMaterial(View):
    ready_at: str | None | None = None
    waits_for_material: bool | None = None
    materials: list[dict[str, Any]] | None | None = None
    shortages: list[dict[str, Any]] | None | None = None
    purchase_requests: list[dict[str, Any]] | None | None = None


class OrderPlanPromise(View):
    order: str | None | None = None
    requested_date: str | None | None = None
    due: str | None | None = None
    without_moving: OrderPlanPromiseWithoutMoving | None | None = None
    with_insertion: OrderPlanPromiseWithInsertion | None | None = None
    bottleneck: str | None | None = None
    levers: list[OrderPlanPromiseLever] | None | None = None
    material: OrderPlanPromiseMaterial | None | None = None


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
    completion: str | None | None = None
    on_time: bool | None = None
    moved: int | None | None = None
    slipped: list[RunImpactSlippedItem] | None | None = None


class PromiseMaterialMaterial(View):
    material: str | None | None = None
    name: str | None | None = None
    unit: str | None | None = None
    required: float | None | None = None
    from_stock: float | None | None = None
    from_purchase_orders: float | None | None = None
    to_purchase: float | None | None = None
    purchase_orders: list[str] | None | None = None
    short: bool | None = None
    ready_at: str | None | None = None


class PromiseMaterialShortage(View):
    material: str | None | None = None
    quantity: float | None | None = None
    available_at: str | None | None = None


class PromiseMaterialPurchaseRequest(View):
    material: str | None | None = None
    quantity: float | None | None = None
    order_by: str | None | None = None
    earliest_arrival: str | None | None = None


class PromiseMaterial(View):
    ready_at: str | None | None = None
    waits_for_material: bool | None = None
    materials: list[PromiseMaterialMaterial] | None | None = None
    shortages: list[PromiseMaterialShortage] | None | None = None
    purchase_requests: list[PromiseMaterialPurchaseRequest] | None | None = None


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
    status: str | None = None
    objective: str | None | None = None
    value: int | None | None = None
    lower_bound: int | None | None = None
    seconds: float | None | None = None
    moved: int | None | None = None
    compared_with: int | None = None


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
