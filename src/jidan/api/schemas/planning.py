"""Response models of the planning routes."""
from __future__ import annotations

from pydantic import Field

from jidan.api.schemas.view import LocalTime, View


class RunSummaryDisturbance(View):
    kind: str | None = None
    work_center: str | None = None
    start: str | None = None
    end: str | None = None
    material: str | None = None
    purchase_order: str | None = None
    delay_request: str | None = None
    available_from: str | None = None
    jobs: list[str] | None = None
    steps: list[str] | None = None
    order_id: int | None = None
    order: str | None = None
    inspection_id: int | None = None
    job: str | None = None
    quantity: int | None = None


class SolverResult(View):
    """What the solver reached in a planning run."""
    status: str | None = None
    objective: str | None = None
    value: int | None = None
    lower_bound: int | None = None
    seconds: float | None = None
    moved: int | None = None
    compared_with: int | None = None


class RunResult(SolverResult):
    """A run's result with what it answered: the disturbance, the urgent order's completion."""
    based_on: int | None = None
    disturbance: RunSummaryDisturbance | None = None
    urgent_completion: str | None = None
    earliest_possible: str | None = None
    material_ready: str | None = None
    #: An insertion's promise that gave way: ``newly_late_cap`` (more orders newly late than its
    #: cap, so that the others' weighted tardiness stays within push-later's); absent: none.
    traded: str | None = None
    #: Orders left out: a step of theirs is more work than the plant makes in the horizon.
    beyond_horizon: list[str] | None = None


class RunImpactSlippedItem(View):
    job: str | None = None
    order: str | None = None
    order_id: int | None = None
    owner_id: int | None = None
    owner: str | None = None
    old_end: str | None = None
    new_end: str | None = None
    due: str | None = None
    slip_minutes: int | None = None
    newly_late: bool | None = None
    late: bool | None = None  # finishes after its due date (an order that slips but is still early is not)
    margin_minutes: int | None = None  # due date minus the new end: negative when late


class RunImpactMovedItem(View):
    operation: str | None = None
    order: str | None = None
    old_start: str | None = None
    new_start: str | None = None
    old_resource: str | None = None
    new_resource: str | None = None


class RunImpact(View):
    slipped: list[RunImpactSlippedItem] | None = None
    moved: list[RunImpactMovedItem] | None = None


class RunAssignment(View):
    job: str | None = None
    operation: str | None = None
    resource: str | None = None
    start: int | None = None
    end: int | None = None
    minutes: int | None = Field(None, description="Working minutes of a lot that pauses over closed hours "
                                                  "(its span [start, end) is longer); absent: the span's")
    start_at: str | None = None
    end_at: str | None = None


class Run(View):
    id: int
    kind: str
    status: str
    objective: str | None
    urgent_order_id: int | None
    order_ids: list[int] | None
    summary: RunResult | None
    impact: RunImpact | None
    created_by: int | None
    accepted_by: int | None
    version: int
    origin: str | None
    created_at: str | None
    accepted_at: str | None
    purchase_requests: list[str] | None = None
    assignments: list[RunAssignment] | None = None


class LoadWorkCenterDay(View):
    day: str | None = None
    capacity: int | None = None
    booked: int | None = None
    free: int | None = None


class LoadWorkCenter(View):
    work_center: str | None = None
    days: list[LoadWorkCenterDay] | None = None
    utilisation: float | None = None


class Load(View):
    run_id: int | None
    bottleneck: str | None
    work_centers: list[LoadWorkCenter] | None


class PromiseWithoutMoving(View):
    completion: str | None = None
    on_time: bool | None = None


class PromiseLever(View):
    """A lever as an action in the factory's terms (``action``), with the date it brings and what
    it costs (overtime or outside hours, days late, deliveries)."""
    lever: str | None = None
    description: str | None = None
    completion: str | None = None
    on_time: bool | None = None
    action: dict | None = None
    cost: dict | None = None


class CapacityChange(View):
    """Capacity a decision added: overtime (work center, day, from–to, hours), a step done outside
    (step, supplier lead time) or a split delivery (line, first quantity and date, rest date)."""
    id: int
    kind: str
    order_id: int
    source: str
    source_id: int | None = None
    reason: str | None = None
    planning_run_id: int | None = None
    created_at: str | None = None
    work_center: str | None = None
    day: str | None = None
    start: str | None = None
    end: str | None = None
    hours: float | None = None
    step: str | None = None
    lead_time_days: float | None = None
    line_no: int | None = None
    first_quantity: int | None = None
    first_date: str | None = None
    rest_date: str | None = None


class OrderCapacity(View):
    """What decisions added for one order, for its record and the figures."""
    overtime_hours: float
    overtime_by_work_center: dict[str, float]
    outside_steps: list[str]
    split_deliveries: list[CapacityChange]
    changes: list[CapacityChange]


class OrderPlan(View):
    order_id: int | None
    order: str | None
    urgent: bool
    in_plan: bool
    run_id: int | None
    planned_start: str | None
    planned_end: str | None
    promise: Promise | None


class PromiseWithInsertion(PromiseWithoutMoving):
    moved: int | None = None
    slipped: list[RunImpactSlippedItem] | None = None


class PromiseMaterialMaterial(View):
    material: str | None = None
    name: str | None = None
    unit: str | None = None
    required: float | None = None
    from_stock: float | None = None
    from_purchase_orders: float | None = None
    to_purchase: float | None = None
    purchase_orders: list[str] | None = None
    short: bool | None = None
    ready_at: str | None = None


class PromiseMaterialShortage(View):
    material: str | None = None
    quantity: float | None = None
    available_at: str | None = None


class PromiseMaterialPurchaseRequest(View):
    material: str | None = None
    quantity: float | None = None
    order_by: str | None = None
    earliest_arrival: str | None = None


class PromiseMaterial(View):
    ready_at: str | None = None
    waits_for_material: bool | None = None
    materials: list[PromiseMaterialMaterial] | None = None
    shortages: list[PromiseMaterialShortage] | None = None
    purchase_requests: list[PromiseMaterialPurchaseRequest] | None = None


class Promise(View):
    order: str | None
    requested_date: str | None
    due: str | None
    without_moving: PromiseWithoutMoving | None
    with_insertion: PromiseWithInsertion | None
    bottleneck: str | None
    levers: list[PromiseLever] | None
    material: PromiseMaterial | None


class RunSummary(View):
    id: int
    kind: str
    status: str
    origin: str | None
    urgent_order_id: int | None
    summary: SolverResult | None
    created_by: int | None
    created_at: str | None
    accepted_at: LocalTime | None
    version: int


class LeverChosen(View):
    """The capacity pmc's choice recorded and the what-if run that uses it (none without a plan)."""
    changes: list[CapacityChange]
    run: Run | None
