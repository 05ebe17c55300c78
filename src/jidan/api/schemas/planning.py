"""Response models of the planning routes."""
from __future__ import annotations

from datetime import datetime
from typing import Any

from jidan.api.schemas.view import View


class RunSummaryDisturbance(View):
    kind: str
    work_center: str | None = None
    start: str | None = None
    end: str | None = None
    material: str | None = None
    purchase_order: str | None = None
    delay_request: str | None = None
    available_from: str | None | None = None
    jobs: list[str] | None = None
    steps: list[str] | None = None
    order_id: int | None | None = None
    order: str | None = None
    inspection_id: int | None | None = None
    job: str | None = None
    quantity: int | None = None


class RunSummaryPart(View):
    status: str
    objective: str
    value: int
    lower_bound: int
    seconds: float
    moved: int
    compared_with: int | None = None
    based_on: int | None = None
    disturbance: RunSummaryDisturbance | None = None
    urgent_completion: str | None = None
    earliest_possible: str | None = None
    material_ready: str | None = None


class RunImpactSlippedItem(View):
    job: str
    order: str
    order_id: int | None
    owner_id: int | None
    old_end: str
    new_end: str
    due: str | None
    slip_minutes: int
    newly_late: bool


class RunImpactMovedItem(View):
    operation: str
    order: str
    old_start: str
    new_start: str
    old_resource: str
    new_resource: str


class RunImpact(View):
    slipped: list[RunImpactSlippedItem]
    moved: list[RunImpactMovedItem]


class RunAssignment(View):
    job: str
    operation: str
    resource: str
    start: int
    end: int
    start_at: str | None
    end_at: str | None


class Run(View):
    id: int
    kind: str
    status: str
    objective: str
    urgent_order_id: int | None
    order_ids: list[int]
    summary: RunSummaryPart
    impact: RunImpact
    created_by: int | None
    accepted_by: int | None
    version: int
    origin: str
    created_at: str | None
    accepted_at: str | None
    purchase_requests: list[str] | None = None
    assignments: list[RunAssignment] | None = None


class LoadWorkCenterDay(View):
    day: str
    capacity: int
    booked: int
    free: int


class LoadWorkCenter(View):
    work_center: str
    days: list[LoadWorkCenterDay]
    utilisation: float


class Load(View):
    run_id: int | None
    bottleneck: str
    work_centers: list[LoadWorkCenter]


class OrderPlanPromiseWithoutMoving(View):
    completion: str
    on_time: bool


class OrderPlanPromiseWithInsertion(View):
    completion: str
    on_time: bool
    moved: int
    slipped: list[Any]


class OrderPlanPromiseLever(View):
    lever: str
    description: str
    completion: str
    on_time: bool


class OrderPlanPromiseMaterial(View):
    ready_at: str | None
    waits_for_material: bool
    materials: list[dict[str, Any]]
    shortages: list[dict[str, Any]]
    purchase_requests: list[dict[str, Any]]


class OrderPlanPromise(View):
    order: str
    requested_date: str | None
    due: str | None
    without_moving: OrderPlanPromiseWithoutMoving
    with_insertion: OrderPlanPromiseWithInsertion
    bottleneck: str
    levers: list[OrderPlanPromiseLever]
    material: OrderPlanPromiseMaterial


class OrderPlan(View):
    order_id: int | None
    order: str
    urgent: bool
    in_plan: bool
    run_id: int | None
    planned_start: Any
    planned_end: Any
    promise: OrderPlanPromise


class PromiseWithInsertion(View):
    completion: str
    on_time: bool
    moved: int
    slipped: list[RunImpactSlippedItem]


class PromiseMaterialMaterial(View):
    material: str
    name: str
    unit: str
    required: float
    from_stock: float
    from_purchase_orders: float
    to_purchase: float
    purchase_orders: list[str]
    short: bool
    ready_at: str | None


class PromiseMaterialShortage(View):
    material: str
    quantity: float
    available_at: str | None


class PromiseMaterialPurchaseRequest(View):
    material: str
    quantity: float
    order_by: str | None
    earliest_arrival: str


class PromiseMaterial(View):
    ready_at: str | None
    waits_for_material: bool
    materials: list[PromiseMaterialMaterial]
    shortages: list[PromiseMaterialShortage]
    purchase_requests: list[PromiseMaterialPurchaseRequest]


class Promise(View):
    order: str
    requested_date: str | None
    due: str | None
    without_moving: OrderPlanPromiseWithoutMoving
    with_insertion: PromiseWithInsertion
    bottleneck: str
    levers: list[OrderPlanPromiseLever]
    material: PromiseMaterial


class RunSummarySummary(View):
    status: str
    objective: str
    value: int
    lower_bound: int
    seconds: float
    moved: int
    compared_with: int | None


class RunSummary(View):
    id: int
    kind: str
    status: str
    origin: str
    urgent_order_id: Any
    summary: RunSummarySummary
    created_by: int | None
    created_at: str | None
    accepted_at: datetime | None
    version: int
