"""Warehouse, shipping and after-delivery rules (G1–G5, I1–I5, L1–L2, M2, M4), as data.

成品入库单 (finished goods receipt), 临时图纸 / 工程资料 (temporary drawings lent out with an
urgent order), shipment and 发货通知, customer feedback, and the incidents of the delay plan
(突发订单处理延误应急预案) and the order emergency plan (订单应急预案). Standard library only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from jidan.domain.roles import Role
from jidan.domain.states import OrderState

R = Role
S = OrderState

# --- 成品入库单 (G1) ---------------------------------------------------------------------------

@dataclass(frozen=True)
class Receipt:
    """成品入库单: what the warehouse took in per order line, where, from whom."""

    id: int
    number: str
    order_id: int
    lines: list[dict]  # [{line_no, product, product_name, unit, ordered, received}]
    location: str  # 仓位
    handed_over_by: str | None  # 交库人
    note: str | None
    received_by: int
    received_at: datetime
    version: int


def quantities_within(field: str, limits: dict, given: dict, over: str,
                      unknown: str = "unknown_item") -> dict[str, str]:
    """Field errors of quantities given per item against each item's limit: one for every item,
    none negative or above its limit, no item that is not there."""
    fields = {f"{field}.{item}": unknown for item in given if item not in limits}
    for item, limit in limits.items():
        got = given.get(item)
        if got is None:
            fields[f"{field}.{item}"] = "required"
        elif got < 0:
            fields[f"{field}.{item}"] = "must_not_be_negative"
        elif got > limit:
            fields[f"{field}.{item}"] = over
    return fields


def check_receipt(ordered: dict[int, int], received: dict[int, int]) -> dict[str, str]:
    """Field errors of a receipt (``quantities.<line_no>``): a quantity for every order line,
    none above what was ordered, something received."""
    fields = quantities_within("quantities", ordered, received, "exceeds_ordered", "unknown_line")
    if not fields and not any(received.values()):
        fields["quantities"] = "nothing_received"
    return fields


# --- temporary drawings and engineering data (L1, L2) -----------------------------------------

#: 技术课发出的临时图纸或工程资料 … 必须在订单完成24小时内交回: hours after receipt (completion).
DRAWING_RETURN_HOURS = 24
DOCUMENT_KINDS = ("drawing", "engineering_data")


@dataclass(frozen=True)
class Drawing:
    """A temporary drawing or engineering data lent out with an order, and who holds it."""

    id: int
    order_id: int
    doc_no: str
    title: str
    kind: str  # one of DOCUMENT_KINDS
    status: str  # out | collected | returned
    holder_department: str  # department code or role
    holder_id: int | None
    issued_by: int
    issued_at: datetime
    collected_by: int | None
    collected_at: datetime | None
    due_at: datetime | None
    returned_to: int | None
    returned_at: datetime | None
    overdue_department: str | None  # who held it when it fell due (M4)
    escalated_at: datetime | None
    version: int


def drawing_due(received_at: datetime) -> datetime:
    return received_at + timedelta(hours=DRAWING_RETURN_HOURS)


# --- shipment (G3–G5) --------------------------------------------------------------------------

@dataclass(frozen=True)
class Shipment:
    """Packing, transport and tracking of an order's goods, who told the customer, who signed."""

    id: int
    number: str
    order_id: int
    status: str  # booked | dispatched | delivered
    packages: int
    weight_kg: Decimal
    transport_mode: str
    mode_reason: str | None  # why an urgent order goes slower than suggested
    carrier: str
    tracking_no: str
    expected_arrival: datetime
    freight_cost: Decimal | None
    note: str | None
    booked_by: int
    booked_at: datetime
    customer_told_at: datetime | None
    customer_told_how: str | None  # email | phone
    customer_told_note: str | None
    dispatched_by: int | None
    dispatched_at: datetime | None
    delivered_at: datetime | None
    delivered_confirmed_by: int | None
    signed_by: str | None
    version: int


#: Transport modes, fastest first: the first is suggested for urgent orders (G3: 航空运输).
TRANSPORT_MODES = ("air", "express", "truck")
#: Cheapest that is fine when nothing is pressing.
STANDARD_MODE = "truck"


def suggested_mode(urgent: bool) -> str:
    """选择最快捷的运输方式: the fastest for an urgent order, the standard one otherwise."""
    return TRANSPORT_MODES[0] if urgent else STANDARD_MODE


def slower_than_suggested(urgent: bool, mode: str) -> bool:
    """An urgent order sent slower than suggested needs a written reason."""
    return TRANSPORT_MODES.index(mode) > TRANSPORT_MODES.index(suggested_mode(urgent))


# --- customer feedback (I1) --------------------------------------------------------------------

RATINGS = range(1, 6)


@dataclass(frozen=True)
class FeedbackRequest:
    """One feedback link sent after delivery, and the customer's answer once they give it."""

    id: int
    order_id: int
    nonce: str  # the link's secret, compared in constant time
    sent_to: str | None
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None
    rating: int | None
    comment: str | None
    version: int


# --- incidents (I2–I5) ------------------------------------------------------------------------

#: 延误原因 (I2): 配送员路线、交通拥堵、库存错误、物流处理不当 … and production, other.
DELAY_CAUSES = ("carrier_route", "traffic", "warehouse_stock_error", "logistics_handling",
                "production", "other")
#: 补偿方案 (I3): 退款、赠品、折扣券.
COMPENSATION_KINDS = ("refund", "gift", "coupon")


@dataclass(frozen=True)
class IncidentType:
    """One case of the order emergency plan and who answers for it (I4): lead → supporting."""

    code: str
    lead: Role
    support: Role
    needs_cause: bool = False


#: 订单应急预案 四、应急预案: 订单错误, 物流延误, 客户投诉, 售后服务.
INCIDENT_TYPES: dict[str, IncidentType] = {t.code: t for t in (
    IncidentType("order_error", R.CUSTOMER_SERVICE, R.SALES),
    IncidentType("logistics_delay", R.LOGISTICS, R.CUSTOMER_SERVICE, needs_cause=True),
    IncidentType("customer_complaint", R.CUSTOMER_SERVICE, R.SALES),
    IncidentType("after_sales", R.CUSTOMER_SERVICE, R.SALES),
)}

#: Who works on incidents: the departments of the plan, and management above them.
INCIDENT_ROLES = frozenset({R.CUSTOMER_SERVICE, R.SALES, R.LOGISTICS, R.WAREHOUSE, R.MANAGEMENT})
#: Who may open one: the departments that hear of trouble first.
INCIDENT_OPENERS = frozenset({R.CUSTOMER_SERVICE, R.SALES, R.LOGISTICS, R.MANAGEMENT})
#: Compensation costs money: management decides, never the person who proposed it.
COMPENSATION_APPROVERS = frozenset({R.MANAGEMENT})

#: 应急组织机构 (I5): 应急领导小组 (总经理 + 各部门负责人) and 应急小组 (客服、销售、物流、仓储).
EMERGENCY_GROUPS = ("leadership", "team")
EMERGENCY_TEAM_ROLES = frozenset({R.CUSTOMER_SERVICE, R.SALES, R.LOGISTICS, R.WAREHOUSE})


@dataclass(frozen=True)
class Incident:
    """One incident after delivery (I2–I4): what went wrong, the solution with its owner and
    deadline, that the customer was told, and the compensation with who proposed and decided it."""

    id: int
    number: str
    type: str  # one of INCIDENT_TYPES
    status: str  # open | closed
    order_id: int
    customer_id: int
    product_id: int | None
    carrier: str | None
    cause: str | None  # one of DELAY_CAUSES
    description: str
    lead_role: str
    support_role: str
    solution: str | None
    solution_owner_id: int | None
    solution_due_at: datetime | None
    customer_informed_at: datetime | None
    customer_informed_by: int | None
    customer_informed_how: str | None
    compensation_status: str  # none | proposed | approved | rejected
    compensation_kind: str | None  # one of COMPENSATION_KINDS
    compensation_amount: Decimal | None
    compensation_note: str | None
    compensation_proposed_by: int | None
    compensation_decided_by: int | None
    compensation_decided_at: datetime | None
    opened_by: int
    opened_at: datetime
    closed_by: int | None
    closed_at: datetime | None
    version: int


def incident_may_act(role: Role, incident_type: str) -> bool:
    """The lead and supporting departments of the case, and management, work on an incident."""
    kind = INCIDENT_TYPES[incident_type]
    return role in (kind.lead, kind.support, R.MANAGEMENT)


def closing_gaps(incident: Incident) -> dict[str, str]:
    """What still stops an incident from being closed (I2, I3), as field errors."""
    gaps = {}
    if not incident.solution:
        gaps["solution"] = "required"
    if not incident.customer_informed_at:
        gaps["customer_informed"] = "required"
    if incident.compensation_status == "proposed":
        gaps["compensation"] = "undecided"
    return gaps


def check_compensation(kind: str, amount: Decimal | None) -> dict[str, str]:
    fields = {}
    if kind not in COMPENSATION_KINDS:
        fields["kind"] = "unknown_kind"
    if amount is None:
        fields["amount"] = "required"
    elif amount <= 0:
        fields["amount"] = "must_be_positive"
    return fields


# --- records and accountability (M2, M4) ------------------------------------------------------

#: The department that holds an order in each state: when the customer's date passes while the
#: order sits there, the miss is theirs (M4, 追究相关部门负责人责任).
STATE_HOLDER: dict[OrderState, Role] = {
    S.DRAFT: R.SALES, S.SUBMITTED: R.PMC, S.REVIEWED: R.MANAGEMENT, S.APPROVED: R.PMC,
    S.REJECTED: R.SALES, S.PLANNED: R.PMC, S.RELEASED: R.MANUFACTURING,
    S.IN_PRODUCTION: R.MANUFACTURING, S.INSPECTED: R.WAREHOUSE, S.RECEIVED: R.LOGISTICS,
    S.SHIPPED: R.LOGISTICS, S.ON_HOLD: R.MANAGEMENT,
}


def state_at(moment: datetime, history: list[tuple[datetime, str]]) -> str | None:
    """The order's state at ``moment`` from its (when, new state) history, oldest first."""
    state = None
    for at, new in history:
        if at > moment:
            break
        state = new
    return state


def holder_at(moment: datetime, history: list[tuple[datetime, str]]) -> str | None:
    state = state_at(moment, history)
    holder = STATE_HOLDER.get(OrderState(state)) if state else None
    return holder.value if holder else None


@dataclass(frozen=True)
class OrderRecord:
    """The record of a completed order (M2, M4), frozen when it closed: JSON-safe."""

    id: int
    order_id: int
    record: dict
    created_at: datetime


@dataclass(frozen=True)
class Deadline:
    """One dated promise in an order's life and who held it (M4); judged at ``as_of``."""

    what: str  # delivery_date | acknowledgement | review_step | operation | drawing_return | arrival | incident_solution
    ref: str
    due: datetime
    done: datetime | None
    department: str | None  # who answers for it if it is missed
    held_by: str | None = None  # the people who held it, by name

    def missed(self, as_of: datetime) -> bool:
        return (self.done or as_of) > self.due

    def as_dict(self, as_of: datetime) -> dict:
        missed = self.missed(as_of)
        late = (self.done or as_of) - self.due
        return {"what": self.what, "ref": self.ref, "due": self.due.isoformat(),
                "done": self.done.isoformat() if self.done else None,
                "state": ("missed" if missed else "met") if self.done else ("overdue" if missed else "open"),
                "late_hours": round(late.total_seconds() / 3600, 2) if missed else 0,
                "department": self.department if missed else None,
                "holder": self.department, "held_by": self.held_by}


def accountability(deadlines: list[Deadline], as_of: datetime) -> dict[str, int]:
    """Missed deadlines counted per department that held them, most first (M4)."""
    counts: dict[str, int] = {}
    for d in deadlines:
        if d.missed(as_of):
            key = d.department or "unattributed"
            counts[key] = counts.get(key, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
