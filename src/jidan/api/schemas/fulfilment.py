"""Response models of the fulfilment routes."""
from __future__ import annotations

from typing import Any

from jidan.api.schemas.view import View


class EmergencyMember(View):
    id: int
    username: str
    user_id: int | None
    group_name: str | None
    duty: str
    added_by: int | None
    added_at: str | None


class FeedbackRequest(View):
    id: int | None = None
    link: str | None = None
    sent_to: str | None = None


class ShipmentCustomer(View):
    code: str
    name: str
    email: str | None
    contact: Any


class ShipmentLine(View):
    line_no: int
    product: str
    product_name: str | None
    quantity: int
    unit: str


class Shipment(View):
    id: int
    number: str
    order_id: int | None
    status: str
    packages: int
    weight_kg: str
    transport_mode: str
    mode_reason: str | None
    carrier: str
    tracking_no: str
    expected_arrival: str
    freight_cost: str | None
    note: Any
    booked_by: int | None
    booked_at: str | None
    customer_told_at: str | None
    customer_told_how: str | None
    customer_told_note: str | None
    dispatched_by: int | None
    dispatched_at: str | None
    delivered_at: str | None
    delivered_confirmed_by: int | None
    signed_by: str | None
    version: int
    order_number: str
    urgent: bool
    suggested_mode: str
    customer: ShipmentCustomer
    lines: list[ShipmentLine]


class IncidentCustomer(View):
    code: str
    name: str


class IncidentGaps(View):
    customer_informed: str | None = None
    solution: str | None = None
    compensation: str | None = None


class IncidentFollowup(View):
    note: str | None
    by: str
    at: str


class Incident(View):
    id: int
    number: str
    type: str
    status: str
    order_id: int | None
    customer_id: int | None
    product_id: int | None
    carrier: str | None
    cause: str | None
    description: str
    lead_role: str
    support_role: str
    solution: str | None
    solution_owner_id: int | None
    solution_due_at: str | None
    customer_informed_at: str | None
    customer_informed_by: int | None
    customer_informed_how: str | None
    compensation_status: str
    compensation_kind: str | None
    compensation_amount: str | None
    compensation_note: str | None
    compensation_proposed_by: int | None
    compensation_decided_by: int | None
    compensation_decided_at: str | None
    opened_by: int | None
    opened_at: str | None
    closed_by: int | None
    closed_at: str | None
    version: int
    order_number: str
    urgent: bool
    customer: IncidentCustomer
    product: str
    gaps: IncidentGaps
    solution_owner_name: str | None
    opened_by_name: str | None
    compensation_proposed_by_name: str | None
    compensation_decided_by_name: str | None
    customer_informed_by_name: str | None
    closed_by_name: str | None
    followups: list[IncidentFollowup] | None = None
    order_urgent: bool | None = None
    customer_name: str | None | None = None


class Document(View):
    id: int
    order_id: int | None
    doc_no: str
    title: str
    kind: str
    status: str
    holder_department: str
    holder_id: int | None
    issued_by: int | None
    issued_at: str | None
    collected_by: int | None
    collected_at: str | None
    due_at: str | None
    returned_to: int | None
    returned_at: str | None
    overdue_department: str | None
    escalated_at: str | None
    version: int
    overdue: bool
    returned_late: bool
    holder: str | None = None
    order_number: str | None = None
    order_urgent: bool | None = None


class EmergencyOrganisationLeadershipItem(View):
    id: int
    user_id: int | None
    group_name: str | None
    duty: str
    added_by: int | None
    added_at: str | None
    version: int
    username: str
    display_name: str | None
    role: str
    active: bool


class EmergencyOrganisation(View):
    leadership: list[EmergencyOrganisationLeadershipItem]
    team: list[EmergencyOrganisationLeadershipItem]


class FeedbackFormLine(View):
    product: str | None = None
    quantity: int | None = None


class FeedbackForm(View):
    order_number: str | None = None
    customer_po: str | None = None
    customer: str | None = None
    lines: list[FeedbackFormLine] | None = None
    delivered_at: str | None | None = None
    expires_at: str | None | None = None


class FeedbackGiven(View):
    order_number: str
    rating: int


class Feedback(View):
    id: int
    sent_to: str
    created_at: str | None
    expires_at: str | None
    used_at: str | None
    rating: int | None
    comment: str | None


class LogisticsBoardToShipItemCustomer(View):
    code: str
    name: str
    priority_class: str


class LogisticsBoardToShipItemLine(View):
    line_no: int
    product: str
    product_name: str | None
    quantity: int
    unit_price: str
    amount: str


class LogisticsBoardToShipItem(View):
    id: int
    number: str
    customer: LogisticsBoardToShipItemCustomer
    customer_po: str
    order_date: str | None
    requested_date: str | None
    promised_date: str | None
    channel: str
    special_requirements: Any
    status: str
    held_from: Any
    urgent: bool
    urgent_reasons: list[str]
    urgent_reason: Any
    priority: str
    priority_rank: int
    amount: str
    lines: list[LogisticsBoardToShipItemLine]
    revision: int
    version: int
    created_by: int | None
    owner_id: int | None
    created_at: str | None
    suggested_mode: str


class LogisticsBoardInTransitItem(View):
    id: int | None = None
    number: str | None = None
    order_id: int | None | None = None
    status: str | None = None
    packages: int | None = None
    weight_kg: str | None = None
    transport_mode: str | None = None
    mode_reason: Any = None
    carrier: str | None = None
    tracking_no: str | None = None
    expected_arrival: str | None = None
    freight_cost: str | None = None
    note: Any = None
    booked_by: int | None | None = None
    booked_at: str | None | None = None
    customer_told_at: str | None | None = None
    customer_told_how: str | None = None
    customer_told_note: str | None | None = None
    dispatched_by: int | None | None = None
    dispatched_at: str | None | None = None
    delivered_at: Any = None
    delivered_confirmed_by: Any = None
    signed_by: Any = None
    version: int | None = None
    order_number: str | None = None
    order_urgent: bool | None = None


class LogisticsBoard(View):
    to_ship: list[LogisticsBoardToShipItem]
    booked: list[Any]
    in_transit: list[LogisticsBoardInTransitItem]


class OrderRecordOrder(View):
    id: int
    number: str
    customer: str
    urgent: bool
    priority: str
    status: str
    due: str | None
    created_at: str | None
    received_at: str | None
    delivered_at: str | None
    lead_time_hours: float | None
    on_time: bool | None


class OrderRecordOperation(View):
    operation: str
    kind: str
    line_no: int
    work_center: str
    department: str
    quantity: int
    status: str
    planned_start: str
    planned_end: str
    planned_minutes: int
    actual_start: str | None
    actual_end: str | None
    worked_minutes: int
    good: int | None
    scrap: int | None
    finish_delay_minutes: int | None


class OrderRecordResource(View):
    work_center: str
    department: str
    planned_hours: float
    worked_hours: float


class OrderRecordTotals(View):
    planned_hours: float
    worked_hours: float
    good: int
    scrap: int


class OrderRecordQualityInspection(View):
    stage: str
    line_no: int
    result: str
    passed: int
    failed: int
    defects: list[dict[str, Any]]
    disposition: str | None
    at: str


class OrderRecordQuality(View):
    inspections: list[OrderRecordQualityInspection]
    failed_quantity: int
    final_passed: bool


class OrderRecordDelay(View):
    source: str
    kind: str
    cause: str
    description: str
    number: str | None = None
    compensation: str | None = None
    at: str
    estimated_delay_minutes: int | None = None
    measure: str | None = None


class OrderRecordShipment(View):
    mode: str
    carrier: str
    dispatched_at: str | None
    expected_arrival: str
    delivered_at: str | None


class OrderRecordDocument(View):
    doc_no: str
    due_at: str | None
    returned_at: str | None
    overdue_department: str | None


class OrderRecordCostOfUrgency(View):
    freight: str
    compensation: str
    total: str


class OrderRecordDeadline(View):
    what: str
    ref: str
    due: str | None
    done: str | None
    state: str
    late_hours: float
    department: str | None


class OrderRecord(View):
    order: OrderRecordOrder
    operations: list[OrderRecordOperation]
    resources: list[OrderRecordResource]
    totals: OrderRecordTotals
    quality: OrderRecordQuality
    delays: list[OrderRecordDelay]
    shipment: OrderRecordShipment | None
    documents: list[OrderRecordDocument]
    cost_of_urgency: OrderRecordCostOfUrgency
    feedback: list[Any]
    deadlines: list[OrderRecordDeadline]
    missed_by_department: dict[str, Any]
    missing: list[str]
    as_of: str
    frozen_at: str | None


class ReceiptLine(View):
    line_no: int
    product: str
    product_name: str | None
    unit: str
    ordered: int
    received: int


class Receipt(View):
    id: int
    number: str
    order_id: int | None
    order_number: str
    urgent: bool
    customer: IncidentCustomer
    lines: list[ReceiptLine]
    location: str
    handed_over_by: str | None
    note: str | None
    received_by: str | None
    received_by_name: str | None
    received_at: str | None
    inspected_by: str | None
    inspected_at: str | None
    version: int


class OrderToReceive(View):
    id: int
    number: str
    customer: LogisticsBoardToShipItemCustomer
    customer_po: str
    order_date: str | None
    requested_date: str | None
    promised_date: str | None
    channel: str
    special_requirements: Any
    status: str
    held_from: Any
    urgent: bool
    urgent_reasons: list[str]
    urgent_reason: Any
    priority: str
    priority_rank: int
    amount: str
    lines: list[LogisticsBoardToShipItemLine]
    revision: int
    version: int
    created_by: int | None
    owner_id: Any
    created_at: str | None
