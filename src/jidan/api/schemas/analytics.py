"""The figures (M3) and the accountability league table (M4) as the API answers them.

Every figure carries the ids of the orders behind it (``*_ids`` / ``order_ids``:
``GET /api/v1/orders/{id}``). Rates are fractions (0.95 = 95 %), hours are decimal hours, money
is a decimal string in the plant's currency.
"""
from __future__ import annotations

from jidan.api.schemas.view import View


class Period(View):
    start: str
    end: str


class OnTimeAgainst(View):
    rate: float | None = None
    on_time: int
    late: int
    open: int
    on_time_ids: list[int]
    late_ids: list[int]


class OnTime(View):
    requested: OnTimeAgainst
    promised: OnTimeAgainst


class Spread(View):
    count: int
    median: float | None = None
    p90: float | None = None
    order_ids: list[int]


class Stage(Spread):
    stage: str


class LeadTime(View):
    unit: str
    total: Spread
    stages: list[Stage]


class Urgency(View):
    orders: int
    urgent: int
    share: float | None = None
    urgent_ids: list[int]
    overtime_hours: float
    overtime_ids: list[int]
    outside_processing: int
    outside_hours: float
    outside_ids: list[int]
    expedited_freight: str
    expedited_ids: list[int]
    compensation: str
    compensation_ids: list[int]
    total_cost: str
    slipped_by_insertion: int
    slipped_hours: float
    slipped_ids: list[int]


class DelayCause(View):
    cause: str
    count: int
    days: float
    cumulative_share: float | None = None
    order_ids: list[int]


class Counted(View):
    count: int
    order_ids: list[int]


class Exceptions(View):
    total: int
    by_kind: list[Counted]
    by_work_center: list[Counted]


class ReworkScrap(View):
    inspections: int
    failed: int
    rework_qty: int
    rework_ids: list[int]
    scrap_qty: int
    scrap_ids: list[int]
    rework_tasks: int


class CapacityUse(View):
    work_center: str
    department: str | None = None
    available_hours: float
    planned_hours: float
    worked_hours: float
    use: float | None = None


class Bottleneck(View):
    week: str
    work_center: str | None = None
    use: float


class Capacity(View):
    use: list[CapacityUse]
    bottleneck_by_week: list[Bottleneck]


class ApprovalStep(Spread):
    role: str
    step: str


class Acknowledgement(Spread):
    department: str
    notices: int
    late: int
    escalated: int


class DepartmentCount(View):
    department: str
    count: int


class DrawingsLate(View):
    due: int
    late: int
    still_out: int
    by_department: list[DepartmentCount]
    order_ids: list[int]


class Figures(View):
    period: Period
    filters: dict
    as_of: str
    orders: int
    on_time: OnTime
    lead_time: LeadTime
    urgency: Urgency
    delay_causes: list[DelayCause]
    exceptions: Exceptions
    rework_scrap: ReworkScrap
    capacity: Capacity
    approvals: list[ApprovalStep]
    acknowledgements: list[Acknowledgement]
    drawings_late: DrawingsLate


class MissedByKind(View):
    acknowledgement: int
    review_step: int
    production_step: int
    drawing_return: int
    shipping: int


class Accountability(View):
    department: str
    missed: int
    late_hours: float
    by_kind: MissedByKind
    order_ids: list[int]
