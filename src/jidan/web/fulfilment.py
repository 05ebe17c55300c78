"""Web pages of the warehouse, logistics and customer service (G1–G5, I1–I5, L1–L2, M2, M4).

Each page parses its form, calls one service and renders; a refused form comes back with its
fields marked (422) and nothing written. The printable 成品入库单 and 发货通知单 stand alone
with a print stylesheet. ``/feedback/{token}`` is public: the signed token is the permission.
"""
from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Path as PathParam
from starlette.datastructures import FormData

from jidan.http.errors import status_of
from jidan.domain import errors
from jidan.domain.fulfilment import (
    COMPENSATION_KINDS, DELAY_CAUSES, DOCUMENT_KINDS, EMERGENCY_GROUPS, INCIDENT_TYPES, TRANSPORT_MODES,
)
from jidan.domain.roles import Role
from jidan.services.fulfilment import incidents
from jidan.services.orders import views as orders
from jidan.services.fulfilment import records
from jidan.services.fulfilment import shipping
from jidan.services.fulfilment import receipts
from jidan.services.fulfilment import drawings
from jidan.services.fulfilment import feedback
from jidan.services.fulfilment import organisation
from jidan.services.fulfilment.incidents import CONTACT_CHANNELS, NewIncident
from jidan.services.fulfilment.shipping import NewShipment
from jidan.services.fulfilment.drawings import NewDocument
from jidan.services.fulfilment.receipts import NewReceipt
from jidan.web import printing
from jidan.web.forms import FormReader, typed_values, whole_number
from jidan.web.pages import (
    AnyPage, Form, OrderId, Page, UserPage, WebRoute, check_csrf, redirect, render, safe_next, templates,
)

router = APIRouter(include_in_schema=False, route_class=WebRoute)
RowId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
Token = Annotated[str, PathParam(max_length=500)]

#: Who sees which page in the navigation (the pages themselves check each action).
NAV = {
    "warehouse": {Role.WAREHOUSE, Role.ENGINEERING, Role.MANAGEMENT, Role.PMC},
    "logistics": {Role.LOGISTICS, Role.SALES, Role.MANAGEMENT},
    "incidents": {Role.CUSTOMER_SERVICE, Role.SALES, Role.LOGISTICS, Role.WAREHOUSE, Role.MANAGEMENT},
    "emergency": {Role.ADMIN, Role.MANAGEMENT},
}
templates.env.globals["fulfilment_nav"] = NAV
CHOICES = {"document_kinds": DOCUMENT_KINDS, "modes": TRANSPORT_MODES, "causes": DELAY_CAUSES,
           "incident_types": INCIDENT_TYPES, "compensation_kinds": COMPENSATION_KINDS,
           "contact_channels": CONTACT_CHANNELS, "groups": EMERGENCY_GROUPS}


def _page(page: Page, name: str, status: int = 200, **data):
    return render(page, f"fulfilment/{name}", status, nav=NAV, choices=CHOICES, **data)


# --- the order page's fulfilment panel -------------------------------------------------------

def _panel_data(page: Page, order_id: int) -> dict:
    ctx, actor = page.ctx, page.actor
    order = orders.get_order(ctx, actor, order_id)
    try:
        receipt = receipts.get_receipt(ctx, actor, order_id)
    except errors.NotFound:
        receipt = None
    return {"order": order, "receipt": receipt,
            "documents": drawings.documents_for_order(ctx, actor, order_id),
            "shipment": shipping.shipment_for_order(ctx, actor, order_id),
            "feedback": feedback.feedback_for_order(ctx, actor, order_id),
            "incidents": incidents.list_incidents(ctx, actor, order_id=order_id),
            "holders": drawings.holder_choices(ctx, actor), "now": ctx.now().isoformat()}


@router.get("/orders/{order_id}/fulfilment")
def fulfilment_panel(page: UserPage, order_id: OrderId):
    """The panel alone for htmx; a whole page for a browser without JS."""
    data = _panel_data(page, order_id)
    if page.request.headers.get("hx-request"):
        return _page(page, "_panel.html", **data)
    return _page(page, "panel_page.html", **data)


def _panel_error(page: Page, order_id: int, exc: errors.JidanError, form: FormData, form_name: str):
    return _page(page, "panel_page.html", status_of(exc), error=exc, form_name=form_name,
                 values=typed_values(form), fields=exc.fields, **_panel_data(page, order_id))


# --- warehouse: 成品入库单 and lent documents ------------------------------------------------------

@router.get("/warehouse")
def warehouse_page(page: UserPage):
    return _page(page, "warehouse.html", to_receive=receipts.orders_to_receive(page.ctx, page.actor),
                 documents=drawings.documents_out(page.ctx, page.actor))


def _receipt_form(page: Page, order_id: int, status: int = 200, form: FormData | None = None,
                  fields: dict | None = None, error: errors.JidanError | None = None):
    order = orders.get_order(page.ctx, page.actor, order_id)
    documents = [d for d in drawings.documents_for_order(page.ctx, page.actor, order_id) if d["status"] == "out"]
    values = typed_values(form) or {f"qty_{ln['line_no']}": str(ln["quantity"]) for ln in order["lines"]}
    collect = set(form.getlist("collect")) if form else {str(d["id"]) for d in documents}
    return _page(page, "receipt_form.html", status, order=order, documents=documents, values=values,
                 collect=collect, fields=fields or {}, error=error)


@router.get("/orders/{order_id}/receipt/new")
def receipt_form(page: UserPage, order_id: OrderId):
    """The form only while receiving is possible (the transition row's guards, as the order's
    actions read them); else the order's fulfilment panel, which shows the receipt made."""
    if "receive" not in orders.get_order(page.ctx, page.actor, order_id)["allowed_actions"]:
        return redirect(f"/orders/{order_id}/fulfilment#fulfilment")
    return _receipt_form(page, order_id)


@router.post("/orders/{order_id}/receipt/new")
def receive(page: UserPage, form: Form, order_id: OrderId):
    check_csrf(page, form)
    order = orders.get_order(page.ctx, page.actor, order_id)
    read = FormReader(form)
    quantities = {}
    for line in order["lines"]:
        key = f"qty_{line['line_no']}"
        quantity = read.integer(key)
        if quantity is not None:
            quantities[line["line_no"]] = quantity
    location = read.text("location", 60)
    handed_over_by = read.text("handed_over_by", 100)
    note = read.text("note", 2000)
    collect = []
    for i, value in enumerate(form.getlist("collect")):
        if (doc_id := whole_number(str(value))) is not None:
            collect.append(doc_id)
        else:
            read.fail(f"collect.{i}", "unknown_document")
    try:
        read.check("the receipt is not complete")
        receipts.receive_goods(page.ctx, page.actor, order_id, NewReceipt(
            quantities, location, handed_over_by or None, note or None, tuple(collect), read.version()))
    except errors.JidanError as exc:
        shown = {re.sub(r"^quantities(\.|$)", lambda m: "qty_" if m.group(1) else "lines", k): v
                 for k, v in exc.fields.items()}
        return _receipt_form(page, order_id, status_of(exc), form, shown, exc)
    return redirect(f"/orders/{order_id}/receipt")


@router.get("/orders/{order_id}/receipt")
@router.get("/orders/{order_id}/receipt.pdf")
def receipt_print(page: UserPage, order_id: OrderId):
    """成品入库单, printable (and as PDF); 急单 in the top-right corner of an urgent order's (G1)."""
    receipt = receipts.get_receipt(page.ctx, page.actor, order_id)
    return printing.form(page, "fulfilment/receipt_print.html", f"成品入库单-{receipt['number']}", receipt=receipt,
                         documents=drawings.documents_for_order(page.ctx, page.actor, order_id))


@router.post("/orders/{order_id}/documents")
def issue_document(page: UserPage, form: Form, order_id: OrderId):
    check_csrf(page, form)
    read = FormReader(form)
    cmd = NewDocument(read.text("doc_no", 40), read.text("title", 200),
                      read.text("kind", 20), read.text("holder_department", 30) or None,
                      read.text("holder", 50) or None)
    try:
        read.check("the document is not complete")
        drawings.issue_document(page.ctx, page.actor, order_id, cmd)
    except errors.JidanError as exc:
        return _panel_error(page, order_id, exc, form, "issue_document")
    return redirect(f"/orders/{order_id}#fulfilment")


@router.post("/documents/{doc_id}/{action}")
def document_action(page: UserPage, form: Form, doc_id: RowId, action: str):
    """collect (warehouse), return (engineering) or hand-over of one lent document."""
    check_csrf(page, form)
    doc = drawings.get_document(page.ctx, page.actor, doc_id)
    read = FormReader(form)
    version = read.version()
    try:
        if action == "collect":
            drawings.collect_document(page.ctx, page.actor, doc_id, version)
        elif action == "return":
            drawings.return_document(page.ctx, page.actor, doc_id, version)
        elif action == "hand-over":
            department = read.text("holder_department", 30) or None
            holder = read.text("holder", 50) or None
            read.check("say who takes the document")
            drawings.hand_over(page.ctx, page.actor, doc_id, department, holder, version)
        else:
            raise errors.NotFound(f"no action {action!r}", code="not_found")
    except errors.ValidationFailed as exc:
        return _panel_error(page, doc["order_id"], exc, form, f"hand_over_{doc_id}")
    return redirect(safe_next(read.raw("next"), "/warehouse"))


# --- logistics: shipment and 发货通知单 ------------------------------------------------------------

@router.get("/logistics")
def logistics_page(page: UserPage):
    return _page(page, "logistics.html", board=shipping.logistics_board(page.ctx, page.actor))


def _read_shipment(read: FormReader) -> NewShipment:
    packages = read.integer("packages")
    weight = read.decimal("weight_kg")
    mode = read.text("transport_mode", 10)
    carrier = read.text("carrier", 100)
    tracking = read.text("tracking_no", 60)
    arrival = read.datetime("expected_arrival")
    cost = read.decimal("freight_cost")
    reason = read.text("mode_reason", 2000)
    note = read.text("note", 2000)
    read.check("the shipment is not complete")
    return NewShipment(packages, weight, mode, carrier, tracking, arrival, cost, reason or None, note or None)


def _shipment_form(page: Page, order_id: int, status: int = 200, form: FormData | None = None,
                   fields: dict | None = None, error: errors.JidanError | None = None):
    order = orders.get_order(page.ctx, page.actor, order_id)
    shipment = shipping.shipment_for_order(page.ctx, page.actor, order_id)
    values = typed_values(form)
    if not values and shipment:
        values = {k: str(shipment[k] or "") for k in ("packages", "weight_kg", "transport_mode", "carrier",
                                                      "tracking_no", "freight_cost", "mode_reason", "note")}
        values["expected_arrival"] = shipment["expected_arrival"][:16]
    values.setdefault("transport_mode", TRANSPORT_MODES[0] if order["urgent"] else "truck")
    return _page(page, "shipment_form.html", status, order=order, shipment=shipment, values=values,
                 fields=fields or {}, error=error, suggested=TRANSPORT_MODES[0] if order["urgent"] else "truck")


@router.get("/orders/{order_id}/shipment/new")
def shipment_form(page: UserPage, order_id: OrderId):
    return _shipment_form(page, order_id)


@router.post("/orders/{order_id}/shipment/new")
def book_shipment(page: UserPage, form: Form, order_id: OrderId):
    check_csrf(page, form)
    read = FormReader(form)
    try:
        cmd = _read_shipment(read)
        shipment = shipping.shipment_for_order(page.ctx, page.actor, order_id)
        if shipment:
            shipping.update_shipment(page.ctx, page.actor, shipment["id"], cmd, read.version())
        else:
            shipping.book_shipment(page.ctx, page.actor, order_id, cmd)
    except errors.JidanError as exc:
        return _shipment_form(page, order_id, status_of(exc), form, exc.fields, exc)
    return redirect(f"/orders/{order_id}/fulfilment")


@router.post("/shipments/{shipment_id}/dispatch")
def dispatch(page: UserPage, form: Form, shipment_id: RowId):
    check_csrf(page, form)
    read = FormReader(form)
    phone_note = read.text("phone_note", 2000)
    shipment = shipping.get_shipment(page.ctx, page.actor, shipment_id)
    try:
        read.check("the note is too long")
        shipping.dispatch(page.ctx, page.actor, shipment_id, read.version(), phone_note or None)
    except errors.JidanError as exc:
        return _panel_error(page, shipment["order_id"], exc, form, "dispatch")
    return redirect(f"/orders/{shipment['order_id']}/fulfilment")


@router.post("/shipments/{shipment_id}/deliver")
def deliver(page: UserPage, form: Form, shipment_id: RowId):
    check_csrf(page, form)
    read = FormReader(form)
    signed_by = read.text("signed_by", 100)
    delivered_at = read.datetime("delivered_at")
    shipment = shipping.get_shipment(page.ctx, page.actor, shipment_id)
    try:
        read.check("the delivery is not complete")
        shipping.confirm_delivery(page.ctx, page.actor, shipment_id, signed_by, delivered_at, read.version())
    except errors.JidanError as exc:
        return _panel_error(page, shipment["order_id"], exc, form, "deliver")
    return redirect(f"/orders/{shipment['order_id']}/fulfilment")


@router.get("/orders/{order_id}/shipment")
@router.get("/orders/{order_id}/shipment.pdf")
def shipment_print(page: UserPage, order_id: OrderId):
    """发货通知单, printable (and as PDF), 急单 in the top-right corner when urgent (G3, G4)."""
    shipment = shipping.shipment_for_order(page.ctx, page.actor, order_id)
    if shipment is None:
        raise errors.NotFound("the order has no shipment yet", code="not_found")
    return printing.form(page, "fulfilment/shipment_print.html", f"发货通知单-{shipment['number']}", shipment=shipment)


@router.get("/orders/{order_id}/record")
def record_page(page: UserPage, order_id: OrderId):
    """The order's record: planned vs actual, quality, delays, cost, who missed which deadline."""
    return _page(page, "record.html", record=records.order_record(page.ctx, page.actor, order_id))


@router.post("/orders/{order_id}/feedback-requests")
def ask_feedback(page: UserPage, form: Form, order_id: OrderId):
    check_csrf(page, form)
    feedback.request_feedback(page.ctx, page.actor, order_id)
    return redirect(f"/orders/{order_id}/fulfilment")


# --- the customer's feedback page (no login) --------------------------------------------------

@router.get("/feedback/{token}")
def feedback_page(page: AnyPage, token: Token):
    try:
        delivery = feedback.feedback_form(page.ctx, token)
    except errors.JidanError as exc:
        return _page(page, "feedback.html", status_of(exc), refused=exc, token=token)
    return _page(page, "feedback.html", delivery=delivery, token=token, values={}, fields={})


@router.post("/feedback/{token}")
def feedback_answer(page: AnyPage, form: Form, token: Token):
    """Protected by the signed single-use token in the address, not by a session."""
    read = FormReader(form)
    rating = read.integer("rating")
    comment = read.text("comment", 2000)
    try:
        if read.fields:
            feedback.feedback_form(page.ctx, token)  # a dead link says so before any field error
            read.check("the feedback is not complete")
        feedback.submit_feedback(page.ctx, token, rating, comment)
    except errors.JidanError as exc:
        if isinstance(exc, errors.ValidationFailed):
            return _page(page, "feedback.html", 422, delivery=feedback.feedback_form(page.ctx, token),
                         token=token, values=typed_values(form), fields=exc.fields, error=exc)
        return _page(page, "feedback.html", status_of(exc), refused=exc, token=token)
    return _page(page, "feedback.html", thanks=True, rating=rating, token=token)


# --- customer service: incidents and the emergency organisation -------------------------------

@router.get("/incidents")
def incidents_page(page: UserPage):
    status = page.query_choice("status", ("open", "closed"))
    return _page(page, "incidents.html", items=incidents.list_incidents(page.ctx, page.actor, status),
                 state_filter=status)


def _incident_form(page: Page, status: int = 200, form: FormData | None = None, fields: dict | None = None,
                   error: errors.JidanError | None = None):
    values = typed_values(form) or {"order_number": page.request.query_params.get("order", "")[:30],
                               "type": page.request.query_params.get("type", "")[:30]}
    return _page(page, "incident_new.html", status, values=values, fields=fields or {}, error=error)


@router.get("/incidents/new")
def incident_form(page: UserPage):
    return _incident_form(page)


@router.post("/incidents/new")
def open_incident(page: UserPage, form: Form):
    check_csrf(page, form)
    read = FormReader(form)
    cmd = NewIncident(read.text("type", 30), None,
                      read.text("description", 2000),
                      read.text("product", 30) or None, read.text("carrier", 100) or None,
                      read.text("cause", 30) or None, read.text("order_number", 30) or None)
    try:
        read.check("the incident is not complete")
        incident = incidents.open_incident(page.ctx, page.actor, cmd)
    except errors.JidanError as exc:
        return _incident_form(page, status_of(exc), form, exc.fields, exc)
    return redirect(f"/incidents/{incident['id']}")


def _incident_page(page: Page, incident_id: int, status: int = 200, error: errors.JidanError | None = None,
                   form_name: str | None = None, form: FormData | None = None):
    incident = incidents.get_incident(page.ctx, page.actor, incident_id)
    return _page(page, "incident.html", status, incident=incident, error=error, form_name=form_name,
                 values=typed_values(form), fields=error.fields if error else {})


@router.get("/incidents/{incident_id}")
def incident_page(page: UserPage, incident_id: RowId):
    return _incident_page(page, incident_id)


def _incident_action(page: Page, form: FormData, incident_id: int, action: str) -> None:
    read = FormReader(form)
    version = read.version()
    ctx, actor = page.ctx, page.actor
    if action == "solution":
        solution = read.text("solution", 2000)
        owner = read.text("owner", 50)
        due_at = read.datetime("due_at")
        if not read.fields:
            incidents.set_solution(ctx, actor, incident_id, solution, owner, due_at, version)
    elif action == "follow-up":
        note = read.text("note", 2000)
        if not read.fields:
            incidents.add_followup(ctx, actor, incident_id, note)
    elif action == "inform":
        how = read.text("how", 10)
        note = read.text("note", 2000)
        if not read.fields:
            incidents.inform_customer(ctx, actor, incident_id, how, note, version)
    elif action == "compensation":
        kind = read.text("kind", 10)
        amount = read.decimal("amount")
        note = read.text("note", 2000)
        if not read.fields:
            incidents.propose_compensation(ctx, actor, incident_id, kind, amount, note or None, version)
    elif action == "decision":
        decision = read.choice("decision", ("approve", "reject"), required=True, code="required")
        if decision:
            incidents.decide_compensation(ctx, actor, incident_id, decision == "approve", version)
    elif action == "close":
        incidents.close_incident(ctx, actor, incident_id, version)
    else:
        raise errors.NotFound(f"no action {action!r}", code="not_found")
    read.check("the form is not complete")


@router.post("/incidents/{incident_id}/{action}")
def incident_action(page: UserPage, form: Form, incident_id: RowId, action: str):
    check_csrf(page, form)
    try:
        _incident_action(page, form, incident_id, action)
    except errors.JidanError as exc:
        if isinstance(exc, errors.NotFound):
            raise
        return _incident_page(page, incident_id, status_of(exc), exc, action, form)
    return redirect(f"/incidents/{incident_id}")


def _emergency(page: Page, status: int = 200, form: FormData | None = None,
               error: errors.JidanError | None = None):
    return _page(page, "emergency.html", status, organisation=organisation.organisation(page.ctx, page.actor),
                 values=typed_values(form), fields=error.fields if error else {}, error=error)


@router.get("/emergency-organisation")
def emergency_page(page: UserPage):
    return _emergency(page)


@router.post("/emergency-organisation")
def emergency_change(page: UserPage, form: Form):
    check_csrf(page, form)
    read = FormReader(form)
    try:
        member = read.raw("remove")
        if member:
            if (member_id := whole_number(member)) is None:
                raise errors.NotFound("no such member", code="not_found")
            organisation.remove_member(page.ctx, page.actor, member_id, read.version())
        else:
            username = read.text("username", 50)
            group = read.text("group", 12)
            duty = read.text("duty", 100)
            read.check("the member is not complete")
            organisation.add_member(page.ctx, page.actor, username, group, duty)
    except (errors.ValidationFailed, errors.Duplicate) as exc:
        return _emergency(page, status_of(exc), form, exc)
    return redirect("/emergency-organisation")
