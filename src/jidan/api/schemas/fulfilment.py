"""Response models of the fulfilment routes."""
from __future__ import annotations

from typing import Any

from jidan.api.schemas.view import View


class EmergencyMember(View):
    id: int
    username: str
    user_id: int | None
    group_name: str | None
    duty: str | None
    added_by: int | None
    added_at: str | None


class FeedbackRequest(View):
    id: int | None = None
    link: str | None | None = None
    sent_to: str | None | None = None


class ShipmentCustomer(View):
    code: str
    name: str | None
    email: str | None
    contact: Any


class ShipmentLine(View):
    line_no: int | None
    product: str | None
    product_name: str | None
    quantity: int | None
    unit: str | None


class Shipment(View):
    id: int
    number: str
    order_id: int | None
    status: str
    packages: int | None
    weight_kg: str | None
    transport_mode: str | None
    mode_reason: str | None
    carrier: str | None
    tracking_no: str | None
    expected_arrival: str | None
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
    order_number: str | None
    urgent: bool
    suggested_mode: str | None
    customer: ShipmentCustomer | None
    lines: list[ShipmentLine] | None


class IncidentCustomer(View):
    code: str
    name: str | None


class IncidentGaps(View):
    customer_informed: str | None | None = None
    solution: str | None | None = None
    compensation: str | None | None = None


class IncidentFollowup(View):
    note: str | None
    by: str | None
    at: str | None


class Incident(View):
    id: int
    number: str
    type: str | None
    status: str
    order_id: int | None
    customer_id: int | None
    product_id: int | None
    carrier: str | None
    cause: str | None
    description: str | None
    lead_role: str | None
    support_role: str | None
    solution: str | None
    solution_owner_id: int | None
    solution_due_at: str | None
    customer_informed_at: str | None
    customer_informed_by: int | None
    customer_informed_how: str | None
    compensation_status: str | None
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
    order_number: str | None
    urgent: bool
    customer: IncidentCustomer | None
    product: str | None
    gaps: IncidentGaps | None
    solution_owner_name: str | None
    opened_by_name: str | None
    compensation_proposed_by_name: str | None
    compensation_decided_by_name: str | None
    customer_informed_by_name: str | None
    closed_by_name: str | None
    followups: list[IncidentFollowup] | None | None = None
    order_urgent: bool | None = None
    customer_name: str | None | None = None


class Document(View):
    id: int
    order_id: int | None
    doc_no: str | None
    title: str | None
    kind: str
    status: str
    holder_department: str | None
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
    holder: str | None | None = None
    order_number: str | None | None = None
    order_urgent: bool | None = None


class EmergencyOrganisationLeadershipItem(View):
    id: int
    user_id: int | None
    group_name: str | None
    duty: str | None
    added_by: int | None
    added_at: str | None
    version: int
    username: str
    display_name: str | None
    role: str
    active: bool


class EmergencyOrganisation(View):
    leadership: list[EmergencyOrganisationLeadershipItem] | None
    team: list[EmergencyOrganisationLeadershipItem] | None


class FeedbackFormLine(View):
    product: str | None | None = None
    quantity: int | None | None = None


class FeedbackForm(View):
    order_number: str | None | None = None
    customer_po: str | None | None = None
    customer: str | None | None = None
    lines: list[FeedbackFormLine] | None | None = None
    delivered_at: str | None | None = None
    expires_at: str | None | None = None


class FeedbackGiven(View):
    order_number: str | None
    rating: int | None


class Feedback(View):
    id: int
    sent_to: str | None
    created_at: str | None
    expires_at: str | None
    used_at: str | None
    rating: int | None
    comment: str | None


class LogisticsBoardToShipItemCustomer(View):
    code: str
    name: str | None
    priority_class: str | None


class LogisticsBoardToShipItemLine(View):
    line_no: int | None
    product: str | None
    product_name: str | None
    quantity: int | None
    unit_price: str | None
    amount: str | None


class LogisticsBoardToShipItem(View):
    id: int
    number: str
    customer: LogisticsBoardToShipItemCustomer | None
    customer_po: str | None
    order_date: str | None
    requested_date: str | None
    promised_date: str | None
    channel: str | None
    special_requirements: Any
    status: str
    held_from: Any
    urgent: bool
    urgent_reasons: list[str] | None
    urgent_reason: Any
    priority: str | None
    priority_rank: int | None
    amount: str | None
    lines: list[LogisticsBoardToShipItemLine] | None
    revision: int | None
    version: int
    created_by: int | None
    owner_id: int | None
    created_at: str | None
    suggested_mode: str | None


class LogisticsBoardInTransitItem(View):
    id: int | None = None
    number: str | None = None
    order_id: int | None | None = None
    status: str | None = None
    packages: int | None | None = None
    weight_kg: str | None | None = None
    transport_mode: str | None | None = None
    mode_reason: Any = None
    carrier: str | None | None = None
    tracking_no: str | None | None = None
    expected_arrival: str | None | None = None
    freight_cost: str | None | None = None
    note: Any = None
    booked_by: int | None | None = None
    booked_at: str | None | None = None
    customer_told_at: str | None | None = None
    customer_told_how: str | None | None = None
    customer_told_note: str | None | None = None
    dispatched_by: int | None | None = None
    dispatched_at: str | None | None = None
    delivered_at: Any = None
    delivered_confirmed_by: Any = None
    signed_by: Any = None
    version: int | None = None
    order_number: str | None | None = None
    order_urgent: bool | None = None


class LogisticsBoard(View):
    to_ship: list[LogisticsBoardToShipItem] | None
    booked: list[Any] | None
    in_transit: list[LogisticsBoardInTransitItem] | None


class OrderRecordOrder(View):
    id: int
    number: str
    customer: str | None
    urgent: bool
    priority: str | None
    status: str
    due: str | None
    created_at: str | None
    received_at: str | None
    delivered_at: str | None
    lead_time_hours: float | None
    on_time: bool | None


class OrderRecordOperation(View):
    operation: str | None
    kind: str
    line_no: int | None
    work_center: str | None
    department: str | None
    quantity: int | None
    status: str
    planned_start: str | None
    planned_end: str | None
    planned_minutes: int | None
    actual_start: str | None
    actual_end: str | None
    worked_minutes: int | None
    good: int | None
    scrap: int | None
    finish_delay_minutes: int | None


class OrderRecordResource(View):
    work_center: str | None
    department: str | None
    planned_hours: float | None
    worked_hours: float | None


class OrderRecordTotals(View):
    planned_hours: float | None
    worked_hours: float | None
    good: int | None
    scrap: int | None


class OrderRecordQualityInspection(View):
    stage: str | None
    line_no: int | None
    result: str | None
    passed: int | None
    failed: int | None
    defects: list[dict[str, Any]] | None
    disposition: str | None
    at: str | None


class OrderRecordQuality(View):
    inspections: list[OrderRecordQualityInspection] | None
    failed_quantity: int | None
    final_passed: bool


class OrderRecordDelay(View):
    source: str | None
    kind: str
    cause: str | None
    description: str | None
    number: str | None = None
    compensation: str | None | None = None
    at: str | None
    estimated_delay_minutes: int | None | None = None
    measure: str | None | None = None


class OrderRecordShipment(View):
    mode: str | None
    carrier: str | None
    dispatched_at: str | None
    expected_arrival: str | None
    delivered_at: str | None


class OrderRecordDocument(View):
    doc_no: str | None
    due_at: str | None
    returned_at: str | None
    overdue_department: str | None


class OrderRecordCostOfUrgency(View):
    freight: str | None
    compensation: str | None
    total: str | None


class OrderRecordDeadline(View):
    what: str | None
    ref: str | None
    due: str | None
    done: str | None
    state: str | None
    late_hours: float | None
    department: str | None


class OrderRecord(View):
    order: OrderRecordOrder | None
    operations: list[OrderRecordOperation] | None
    resources: list[OrderRecordResource] | None
    totals: OrderRecordTotals | None
    quality: OrderRecordQuality | None
    delays: list[OrderRecordDelay] | None
    shipment: OrderRecordShipment | None
    documents: list[OrderRecordDocument] | None
    cost_of_urgency: OrderRecordCostOfUrgency | None
    feedback: list[Any] | None
    deadlines: list[OrderRecordDeadline] | None
    missed_by_department: dict[str, Any] | None
    missing: list[str] | None
    as_of: str | None
    frozen_at: str | None


class ReceiptLine(View):
    line_no: int | None
    product: str | None
    product_name: str | None
    unit: str | None
    ordered: int | None
    received: int | None


class Receipt(View):
    id: int
    number: str
    order_id: int | None
    order_number: str | None
    urgent: bool
    customer: IncidentCustomer | None
    lines: list[ReceiptLine] | None
    location: str | None
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
    customer: LogisticsBoardToShipItemCustomer | None
    customer_po: str | None
    order_date: str | None
    requested_date: str | None
    promised_date: str | None
    channel: str | None
    special_requirements: Any
    status: str
    held_from: Any
    urgent: bool
    urgent_reasons: list[str] | None
    urgent_reason: Any
    priority: str | None
    priority_rank: int | None
    amount: str | None
    lines: list[LogisticsBoardToShipItemLine] | None
    revision: int | None
    version: int
    created_by: int | None
    owner_id: Any
    created_at: str | None
