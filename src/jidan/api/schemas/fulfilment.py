"""Response models of the fulfilment routes."""
from __future__ import annotations

from typing import Any

from jidan.api.schemas.execution import InspectionDefect
from jidan.api.schemas.orders import OrderView
from jidan.api.schemas.planning import OrderCapacity
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
    link: str | None = None
    sent_to: str | None = None


class ShipmentCustomer(View):
    code: str | None = None
    name: str | None = None
    email: str | None = None
    contact: str | None = None


class ShipmentLine(View):
    line_no: int | None = None
    product: str | None = None
    product_name: str | None = None
    quantity: int | None = None
    unit: str | None = None


class ShipmentRecord(View):
    """A shipment as it is kept; the views below add the order's number and more."""
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
    note: str | None
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
    order_number: str | None = None


class Shipment(ShipmentRecord):
    """One shipment with its order's customer and lines."""
    urgent: bool
    suggested_mode: str | None
    customer: ShipmentCustomer | None
    lines: list[ShipmentLine] | None


class IncidentCustomer(View):
    code: str | None = None
    name: str | None = None


class IncidentGaps(View):
    customer_informed: str | None = None
    solution: str | None = None
    compensation: str | None = None


class IncidentFollowup(View):
    note: str | None = None
    by: str | None = None
    at: str | None = None


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
    followups: list[IncidentFollowup] | None = None
    order_urgent: bool | None = None
    customer_name: str | None = None


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
    holder: str | None = None
    order_number: str | None = None
    order_urgent: bool | None = None


class EmergencyTeamMember(EmergencyMember):
    """A member as the organisation chart lists them, with the user's name, role and state."""
    version: int | None = None
    display_name: str | None = None
    role: str | None = None
    active: bool | None = None


class EmergencyOrganisation(View):
    leadership: list[EmergencyTeamMember] | None
    team: list[EmergencyTeamMember] | None


class FeedbackFormLine(View):
    product: str | None = None
    quantity: int | None = None


class FeedbackForm(View):
    order_number: str | None = None
    customer_po: str | None = None
    customer: str | None = None
    lines: list[FeedbackFormLine] | None = None
    delivered_at: str | None = None
    expires_at: str | None = None


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


class OrderToShip(OrderView):
    """An order received in the warehouse, with the transport mode its urgency suggests."""
    suggested_mode: str | None = None


class ShipmentOnBoard(ShipmentRecord):
    order_urgent: bool | None = None


class LogisticsBoard(View):
    to_ship: list[OrderToShip] | None
    booked: list[ShipmentOnBoard] | None
    in_transit: list[ShipmentOnBoard] | None


class OrderRecordOrder(View):
    id: int | None = None
    number: str | None = None
    customer: str | None = None
    urgent: bool | None = None
    priority: str | None = None
    status: str | None = None
    due: str | None = None
    created_at: str | None = None
    received_at: str | None = None
    delivered_at: str | None = None
    lead_time_hours: float | None = None
    on_time: bool | None = None


class OrderRecordOperation(View):
    operation: str | None = None
    kind: str | None = None
    line_no: int | None = None
    work_center: str | None = None
    department: str | None = None
    quantity: int | None = None
    status: str | None = None
    planned_start: str | None = None
    planned_end: str | None = None
    planned_minutes: int | None = None
    actual_start: str | None = None
    actual_end: str | None = None
    worked_minutes: int | None = None
    good: int | None = None
    scrap: int | None = None
    finish_delay_minutes: int | None = None


class OrderRecordResource(View):
    work_center: str | None = None
    department: str | None = None
    planned_hours: float | None = None
    worked_hours: float | None = None


class OrderRecordTotals(View):
    planned_hours: float | None = None
    worked_hours: float | None = None
    good: int | None = None
    scrap: int | None = None


class OrderRecordQualityInspection(View):
    stage: str | None = None
    line_no: int | None = None
    result: str | None = None
    passed: int | None = None
    failed: int | None = None
    defects: list[InspectionDefect] | None = None
    disposition: str | None = None
    at: str | None = None


class OrderRecordQuality(View):
    inspections: list[OrderRecordQualityInspection] | None = None
    failed_quantity: int | None = None
    final_passed: bool | None = None


class OrderRecordDelay(View):
    source: str | None = None
    kind: str | None = None
    cause: str | None = None
    description: str | None = None
    number: str | None = None
    compensation: str | None = None
    at: str | None = None
    estimated_delay_minutes: int | None = None
    measure: str | None = None


class OrderRecordShipment(View):
    mode: str | None = None
    carrier: str | None = None
    dispatched_at: str | None = None
    expected_arrival: str | None = None
    delivered_at: str | None = None


class OrderRecordDocument(View):
    doc_no: str | None = None
    due_at: str | None = None
    returned_at: str | None = None
    overdue_department: str | None = None


class OrderRecordCostOfUrgency(View):
    freight: str | None = None
    compensation: str | None = None
    total: str | None = None


class OrderRecordFeedback(View):
    rating: int | None = None
    comment: str | None = None
    at: str | None = None


class OrderRecordDeadline(View):
    what: str | None = None
    ref: str | None = None
    due: str | None = None
    done: str | None = None
    state: str | None = None
    late_hours: float | None = None
    department: str | None = None
    holder: str | None = None  # the department that held it, met or not
    held_by: str | None = None  # the people who held it, by name


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
    capacity: OrderCapacity | None = None  # overtime and outside work decisions added (B6, C5)
    feedback: list[OrderRecordFeedback] | None
    customer_rating: int | None = None  # the latest, also after the record froze
    deadlines: list[OrderRecordDeadline] | None
    missed_by_department: dict[str, Any] | None
    missing: list[str] | None
    as_of: str | None
    frozen_at: str | None


class ReceiptLine(View):
    line_no: int | None = None
    product: str | None = None
    product_name: str | None = None
    unit: str | None = None
    ordered: int | None = None
    received: int | None = None


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
    inspected_by_name: str | None = None
    inspected_at: str | None
    version: int
