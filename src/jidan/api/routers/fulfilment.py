"""Warehouse, drawings, shipping, feedback, incidents and order records (G1–G5, I1–I5, L1–L2, M2, M4)."""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from fastapi import APIRouter, Path, Query, Response
from pydantic import Field

from jidan.api.deps import ActorDep, CtxDep
from jidan.api.routing import ApiRoute
from jidan.api.schemas.fulfilment import Document, EmergencyMember, EmergencyOrganisation, Feedback, FeedbackForm, FeedbackGiven, FeedbackRequest, Incident, LogisticsBoard, OrderRecord, Receipt, Shipment
from jidan.api.schemas.orders import OrderView as OrderToReceive
from jidan.api.schemas import LocalMoment, Strict
from jidan.services.fulfilment import incidents
from jidan.services.fulfilment import records
from jidan.services.fulfilment import shipping
from jidan.services.fulfilment import receipts
from jidan.services.fulfilment import drawings
from jidan.services.fulfilment import feedback
from jidan.services.fulfilment import organisation
from jidan.services.fulfilment.incidents import NewIncident
from jidan.services.fulfilment.shipping import NewShipment
from jidan.services.fulfilment.drawings import NewDocument
from jidan.services.fulfilment.receipts import NewReceipt

router = APIRouter(tags=["fulfilment"], route_class=ApiRoute)
#: The customer's feedback link: no login, the signed token is the permission.
public = APIRouter(tags=["fulfilment"], route_class=ApiRoute)

Short = Annotated[str, Field(max_length=100)]
Note = Annotated[str, Field(max_length=2000)]
Version = Annotated[int, Field(ge=1)]
#: Row ids are 32-bit integers in every database we run on.
Id = Annotated[int, Path(ge=1, le=2**31 - 1)]
Money = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]


class VersionIn(Strict):
    version: Version | None = None


class ReceiptLineIn(Strict):
    line_no: int = Field(ge=1, le=10_000)
    quantity: int = Field(ge=0, le=10_000_000)


class ReceiptIn(Strict):
    lines: list[ReceiptLineIn] = Field(min_length=1, max_length=200)
    location: str = Field(max_length=60)
    handed_over_by: Short | None = None
    note: Note | None = None
    collect: list[int] = Field(default_factory=list, max_length=200)
    version: Version | None = None


class DocumentIn(Strict):
    doc_no: str = Field(max_length=40)
    title: str = Field(max_length=200)
    kind: str = Field("drawing", max_length=20)
    holder_department: str | None = Field(None, max_length=30)
    holder: str | None = Field(None, max_length=50)


class HandOverIn(Strict):
    holder_department: str | None = Field(None, max_length=30)
    holder: str | None = Field(None, max_length=50)
    version: Version | None = None


class ShipmentIn(Strict):
    packages: int = Field(ge=0, le=100_000)
    weight_kg: Decimal = Field(ge=0, max_digits=12, decimal_places=2)
    transport_mode: str = Field(max_length=10)
    carrier: Short
    tracking_no: str = Field(max_length=60)
    expected_arrival: LocalMoment
    freight_cost: Money | None = None
    mode_reason: Note | None = None
    note: Note | None = None


class ShipmentEditIn(ShipmentIn):
    version: Version


class DispatchIn(Strict):
    version: Version | None = None
    phone_note: Note | None = None


class DeliveryIn(Strict):
    signed_by: Short
    delivered_at: LocalMoment | None = None
    version: Version | None = None


class FeedbackIn(Strict):
    rating: int | None = None
    comment: Note | None = None


class IncidentIn(Strict):
    type: str = Field(max_length=30)
    order_id: int = Field(ge=1, le=2**31 - 1)
    description: Note
    product: str | None = Field(None, max_length=30)
    carrier: Short | None = None
    cause: str | None = Field(None, max_length=30)


class SolutionIn(Strict):
    solution: Note
    owner: str = Field(max_length=50)
    due_at: LocalMoment
    version: Version | None = None


class FollowUpIn(Strict):
    note: Note


class InformedIn(Strict):
    how: str = Field(max_length=10)
    note: Note
    version: Version | None = None


class CompensationIn(Strict):
    kind: str = Field(max_length=10)
    amount: Money | None = None
    note: Note | None = None
    version: Version | None = None


class CompensationDecisionIn(Strict):
    approve: bool
    version: Version | None = None


class MemberIn(Strict):
    username: str = Field(max_length=50)
    group: str = Field(max_length=12)
    duty: Short


def _shipment(body: ShipmentIn) -> NewShipment:
    return NewShipment(body.packages, body.weight_kg, body.transport_mode, body.carrier, body.tracking_no,
                       body.expected_arrival, body.freight_cost, body.mode_reason, body.note)


# --- warehouse: 成品入库单 and lent documents ------------------------------------------------------

@router.post("/orders/{order_id}/receipt", status_code=201, response_model=Receipt)
def receive(order_id: Id, body: ReceiptIn, ctx: CtxDep, actor: ActorDep) -> dict:
    cmd = NewReceipt({ln.line_no: ln.quantity for ln in body.lines}, body.location, body.handed_over_by,
                     body.note, tuple(body.collect), body.version)
    return receipts.receive_goods(ctx, actor, order_id, cmd)


@router.get("/orders/{order_id}/receipt", response_model=Receipt)
def receipt(order_id: Id, ctx: CtxDep, actor: ActorDep) -> dict:
    return receipts.get_receipt(ctx, actor, order_id)


@router.get("/warehouse/to-receive", response_model=list[OrderToReceive])
def to_receive(ctx: CtxDep, actor: ActorDep) -> list[dict]:
    return receipts.orders_to_receive(ctx, actor)


@router.post("/orders/{order_id}/documents", status_code=201, response_model=Document)
def issue_document(order_id: Id, body: DocumentIn, ctx: CtxDep, actor: ActorDep) -> dict:
    cmd = NewDocument(body.doc_no, body.title, body.kind, body.holder_department, body.holder)
    return drawings.issue_document(ctx, actor, order_id, cmd)


@router.get("/orders/{order_id}/documents", response_model=list[Document])
def order_documents(order_id: Id, ctx: CtxDep, actor: ActorDep) -> list[dict]:
    return drawings.documents_for_order(ctx, actor, order_id)


@router.get("/documents", response_model=list[Document])
def documents_out(ctx: CtxDep, actor: ActorDep) -> list[dict]:
    """Every temporary drawing or engineering data not yet back with engineering, overdue first."""
    return drawings.documents_out(ctx, actor)


@router.post("/documents/{doc_id}/hand-over", response_model=Document)
def hand_over(doc_id: Id, body: HandOverIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return drawings.hand_over(ctx, actor, doc_id, body.holder_department, body.holder, body.version)


@router.post("/documents/{doc_id}/collect", response_model=Document)
def collect(doc_id: Id, ctx: CtxDep, actor: ActorDep, body: VersionIn | None = None) -> dict:
    return drawings.collect_document(ctx, actor, doc_id, (body or VersionIn()).version)


@router.post("/documents/{doc_id}/return", response_model=Document)
def return_document(doc_id: Id, ctx: CtxDep, actor: ActorDep, body: VersionIn | None = None) -> dict:
    return drawings.return_document(ctx, actor, doc_id, (body or VersionIn()).version)


# --- shipping -----------------------------------------------------------------------------------

@router.get("/logistics/board", response_model=LogisticsBoard)
def logistics_board(ctx: CtxDep, actor: ActorDep) -> dict:
    return shipping.logistics_board(ctx, actor)


@router.post("/orders/{order_id}/shipment", status_code=201, response_model=Shipment)
def book_shipment(order_id: Id, body: ShipmentIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return shipping.book_shipment(ctx, actor, order_id, _shipment(body))


@router.get("/orders/{order_id}/shipment", response_model=Shipment | None)
def order_shipment(order_id: Id, ctx: CtxDep, actor: ActorDep) -> dict | None:
    return shipping.shipment_for_order(ctx, actor, order_id)


@router.get("/shipments/{shipment_id}", response_model=Shipment)
def get_shipment(shipment_id: Id, ctx: CtxDep, actor: ActorDep) -> dict:
    return shipping.get_shipment(ctx, actor, shipment_id)


@router.put("/shipments/{shipment_id}", response_model=Shipment)
def edit_shipment(shipment_id: Id, body: ShipmentEditIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return shipping.update_shipment(ctx, actor, shipment_id, _shipment(body), body.version)


@router.post("/shipments/{shipment_id}/dispatch", response_model=Shipment)
def dispatch(shipment_id: Id, ctx: CtxDep, actor: ActorDep, body: DispatchIn | None = None) -> dict:
    """Tells the customer (e-mail) and ships the order, in one step (G4)."""
    body = body or DispatchIn()
    return shipping.dispatch(ctx, actor, shipment_id, body.version, body.phone_note)


@router.post("/shipments/{shipment_id}/deliver", response_model=Shipment)
def deliver(shipment_id: Id, body: DeliveryIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return shipping.confirm_delivery(ctx, actor, shipment_id, body.signed_by, body.delivered_at, body.version)


@router.get("/orders/{order_id}/feedback", response_model=list[Feedback])
def order_feedback(order_id: Id, ctx: CtxDep, actor: ActorDep) -> list[dict]:
    return feedback.feedback_for_order(ctx, actor, order_id)


@router.post("/orders/{order_id}/feedback-requests", status_code=201, response_model=FeedbackRequest)
def ask_feedback(order_id: Id, ctx: CtxDep, actor: ActorDep) -> dict:
    return feedback.request_feedback(ctx, actor, order_id)


@public.get("/feedback/{token}", response_model=FeedbackForm)
def feedback_form(token: Annotated[str, Path(max_length=500)], ctx: CtxDep) -> dict:
    return feedback.feedback_form(ctx, token)


@public.post("/feedback/{token}", response_model=FeedbackGiven)
def give_feedback(token: Annotated[str, Path(max_length=500)], body: FeedbackIn, ctx: CtxDep) -> dict:
    return feedback.submit_feedback(ctx, token, body.rating, body.comment)


# --- incidents and the emergency organisation ---------------------------------------------------

@router.post("/incidents", status_code=201, response_model=Incident)
def open_incident(body: IncidentIn, ctx: CtxDep, actor: ActorDep) -> dict:
    cmd = NewIncident(body.type, body.order_id, body.description, body.product, body.carrier, body.cause)
    return incidents.open_incident(ctx, actor, cmd)


@router.get("/incidents", response_model=list[Incident])
def list_incidents(ctx: CtxDep, actor: ActorDep,
                   status: Annotated[str | None, Query(pattern="^(open|closed)$")] = None,
                   order_id: Annotated[int | None, Query(ge=1, le=2**31 - 1)] = None) -> list[dict]:
    return incidents.list_incidents(ctx, actor, status, order_id)


@router.get("/incidents/{incident_id}", response_model=Incident)
def get_incident(incident_id: Id, ctx: CtxDep, actor: ActorDep) -> dict:
    return incidents.get_incident(ctx, actor, incident_id)


@router.put("/incidents/{incident_id}/solution", response_model=Incident)
def set_solution(incident_id: Id, body: SolutionIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return incidents.set_solution(ctx, actor, incident_id, body.solution, body.owner, body.due_at, body.version)


@router.post("/incidents/{incident_id}/follow-ups", status_code=201, response_model=Incident)
def follow_up(incident_id: Id, body: FollowUpIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return incidents.add_followup(ctx, actor, incident_id, body.note)


@router.post("/incidents/{incident_id}/customer-informed", response_model=Incident)
def customer_informed(incident_id: Id, body: InformedIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return incidents.inform_customer(ctx, actor, incident_id, body.how, body.note, body.version)


@router.post("/incidents/{incident_id}/compensation", response_model=Incident)
def propose_compensation(incident_id: Id, body: CompensationIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return incidents.propose_compensation(ctx, actor, incident_id, body.kind, body.amount, body.note,
                                          body.version)


@router.post("/incidents/{incident_id}/compensation/decision", response_model=Incident)
def decide_compensation(incident_id: Id, body: CompensationDecisionIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return incidents.decide_compensation(ctx, actor, incident_id, body.approve, body.version)


@router.post("/incidents/{incident_id}/close", response_model=Incident)
def close_incident(incident_id: Id, ctx: CtxDep, actor: ActorDep, body: VersionIn | None = None) -> dict:
    return incidents.close_incident(ctx, actor, incident_id, (body or VersionIn()).version)


@router.get("/emergency-organisation", response_model=EmergencyOrganisation)
def emergency_organisation(ctx: CtxDep, actor: ActorDep) -> dict:
    return organisation.organisation(ctx, actor)


@router.post("/emergency-organisation/members", status_code=201, response_model=EmergencyMember)
def add_member(body: MemberIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return organisation.add_member(ctx, actor, body.username, body.group, body.duty)


@router.delete("/emergency-organisation/members/{member_id}", status_code=204)
def remove_member(member_id: Id, ctx: CtxDep, actor: ActorDep,
                  version: Annotated[int | None, Query(ge=1)] = None) -> Response:
    organisation.remove_member(ctx, actor, member_id, version)
    return Response(status_code=204)


# --- records (M2, M4) ---------------------------------------------------------------------------

@router.get("/orders/{order_id}/record", response_model=OrderRecord)
def order_record(order_id: Id, ctx: CtxDep, actor: ActorDep) -> dict:
    """Planned vs actual, quality, delays, cost of urgency and missed deadlines by department."""
    return records.order_record(ctx, actor, order_id)
