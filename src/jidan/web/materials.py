"""Material pages (C6): stock, purchase orders, purchase requests (请购) from the plan's
shortages, and the material delivery delay request (材料交期延迟申请单) with its printable form.
Plain forms; every POST carries the CSRF token.

A supplier sees only its own purchase orders and requests; everyone else's are 404 to it.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path as PathParam
from starlette.datastructures import FormData

from jidan.http.errors import status_of
from jidan.domain import errors
from jidan.domain.material import (
    BUYERS, DELAY_DECIDERS, DELAY_REQUESTERS, PURCHASE_REQUEST_STATUSES, RECEIVERS, REQUEST_BUYERS, REQUEST_VIEWERS,
)
from jidan.domain.roles import Role
from jidan.services.materials import delays, purchasing as materials
from jidan.services.materials import purchase_requests
from jidan.services.materials.purchasing import STOCK_VIEWERS, NewPurchaseOrder
from jidan.services.materials.purchase_requests import OrderRequest
from jidan.web import printing
from jidan.services.permissions import may
from jidan.web.forms import FormReader, typed_values
from jidan.web.pages import Form, Page, UserPage, WebRoute, check_csrf, redirect, render, templates

router = APIRouter(include_in_schema=False, route_class=WebRoute)
RowId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
MaterialCode = Annotated[str, PathParam(max_length=30)]


def material_nav(actor) -> str | None:
    """Where the materials link of the header leads for this user, if anywhere."""
    if actor.role in STOCK_VIEWERS:
        return "/materials"
    return "/purchase-orders" if actor.role == Role.SUPPLIER else None


templates.env.globals["material_nav"] = material_nav
templates.env.globals["may"] = may  # a business act's button only where the server allows it
templates.env.globals["material_roles"] = {"buyers": BUYERS, "receivers": RECEIVERS,
                                           "deciders": DELAY_DECIDERS, "requesters": DELAY_REQUESTERS,
                                           "request_viewers": REQUEST_VIEWERS}


# ---------------------------------------------------------------- stock
def _stock_page(page: Page, status: int = 200, error: errors.JidanError | None = None, focus: str | None = None):
    return render(page, "materials/stock.html", status, stock=materials.list_stock(page.ctx, page.actor),
                  error=error, focus=focus, done=page.query_choice("done", ("stock",)))


@router.get("/materials")
def stock_page(page: UserPage):
    return _stock_page(page)


@router.post("/materials/{code}/stock")
def set_stock(page: UserPage, form: Form, code: MaterialCode):
    check_csrf(page, form)
    read = FormReader(form)
    try:
        on_hand, reason = read.decimal("on_hand", required=True, places=3), read.text("reason", 500)
        read.check("the quantity is not valid")
        materials.set_stock(page.ctx, page.actor, code, on_hand, read.version(), reason or None)
    except errors.JidanError as exc:
        return _stock_page(page, status_of(exc), exc, code)
    return redirect("/materials?done=stock")


# ---------------------------------------------------------------- purchase orders
def _po_list(page: Page, status: int = 200, error: errors.JidanError | None = None, form: FormData | None = None):
    wanted = page.query_choice("status", ("open", "received", "cancelled"))
    material = (page.request.query_params.get("material") or "").strip()[:30] or None
    can_buy = may(page.actor, BUYERS)
    return render(page, "materials/purchase_orders.html", status,
                  orders=materials.list_purchase_orders(page.ctx, page.actor, wanted, material), wanted=wanted,
                  error=error, fields=error.fields if error else {}, values=typed_values(form),
                  suppliers=materials.suppliers(page.ctx, page.actor) if can_buy else [],
                  material_list=materials.list_stock(page.ctx, page.actor) if can_buy else [],
                  today=page.ctx.now().date().isoformat())


@router.get("/purchase-orders")
def purchase_orders_page(page: UserPage):
    return _po_list(page)


@router.post("/purchase-orders")
def create_purchase_order(page: UserPage, form: Form):
    check_csrf(page, form)
    read = FormReader(form)
    try:
        cmd = NewPurchaseOrder(read.text("material", 30, required=True), read.decimal("quantity", required=True, places=3),
                               read.date("due_date", required=True), read.text("supplier", 50, required=True),
                               read.text("note", 2000) or None)
        read.check("the purchase order is not valid")
        po = materials.create_purchase_order(page.ctx, page.actor, cmd)
    except errors.JidanError as exc:
        return _po_list(page, status_of(exc), exc, form)
    return redirect(f"/purchase-orders/{po['id']}?done=create")


def _po_page(page: Page, po_id: int, status: int = 200, error: errors.JidanError | None = None,
             form: FormData | None = None):
    po = materials.get_purchase_order(page.ctx, page.actor, po_id)
    return render(page, "materials/purchase_order.html", status, po=po, error=error,
                  fields=error.fields if error else {}, values=typed_values(form),
                  done=page.query_choice("done", ("create", "receive", "cancel", "delay")),
                  can_receive=may(page.actor, RECEIVERS) and po["status"] == "open",
                  can_cancel=may(page.actor, BUYERS) and po["status"] == "open",
                  can_request=may(page.actor, DELAY_REQUESTERS) and po["status"] == "open" and not po["pending_delay"])


@router.get("/purchase-orders/{po_id}")
def purchase_order_page(page: UserPage, po_id: RowId):
    return _po_page(page, po_id)


@router.post("/purchase-orders/{po_id}/{action}")
def purchase_order_action(page: UserPage, form: Form, po_id: RowId, action: str):
    check_csrf(page, form)
    read = FormReader(form)
    try:
        if action == "receive":
            materials.receive_purchase_order(page.ctx, page.actor, po_id, read.version())
        elif action == "cancel":
            reason = read.text("reason", 2000)
            read.check("the cancellation is not valid")
            materials.cancel_purchase_order(page.ctx, page.actor, po_id, reason, read.version())
        elif action == "delay":
            new_date, reason = read.date("new_date", required=True), read.text("reason", 2000, required=True)
            read.check("the delay request is not valid")
            request = delays.request_delay(page.ctx, page.actor, po_id, new_date, reason)
            return redirect(f"/material-delay-requests/{request['id']}?done=request")
        else:
            raise errors.NotFound("no such action", code="not_found")
    except errors.JidanError as exc:
        return _po_page(page, po_id, status_of(exc), exc, form)
    return redirect(f"/purchase-orders/{po_id}?done={action}")


# ---------------------------------------------------------------- delay requests
def _request_list(page: Page, status: int = 200, error: errors.JidanError | None = None):
    wanted = page.query_choice("status", ("pending", "approved", "rejected"))
    return render(page, "materials/delay_requests.html", status, error=error, wanted=wanted,
                  requests=delays.list_delay_requests(page.ctx, page.actor, wanted),
                  can_decide=may(page.actor, DELAY_DECIDERS))


@router.get("/material-delay-requests")
def delay_requests_page(page: UserPage):
    return _request_list(page)


def _request_page(page: Page, request_id: int, status: int = 200, error: errors.JidanError | None = None,
                  form: FormData | None = None):
    request = delays.get_delay_request(page.ctx, page.actor, request_id)
    return render(page, "materials/delay_request.html", status, req=request, error=error,
                  fields=error.fields if error else {}, values=typed_values(form),
                  done=page.query_choice("done", ("request", "approve", "reject")),
                  can_decide=(may(page.actor, DELAY_DECIDERS) and request["status"] == "pending"
                              and request["requested_by_id"] != page.actor.user_id))


@router.get("/material-delay-requests/{request_id}")
def delay_request_page(page: UserPage, request_id: RowId):
    return _request_page(page, request_id)


@router.get("/material-delay-requests/{request_id}/print")
@router.get("/material-delay-requests/{request_id}/print.pdf")
def delay_request_print(page: UserPage, request_id: RowId):
    """材料交期延迟申请单, laid out for paper (and as PDF)."""
    req = delays.get_delay_request(page.ctx, page.actor, request_id)
    return printing.form(page, "materials/delay_request_print.html", f"材料交期延迟申请单-{req['number']}", req=req)


@router.post("/material-delay-requests/{request_id}/decision")
def decide(page: UserPage, form: Form, request_id: RowId):
    check_csrf(page, form)
    read = FormReader(form)
    back = read.raw("back")
    try:
        decision = read.choice("decision", ("approve", "reject"), required=True, code="unknown_action")
        note = read.text("note", 2000)
        read.check("approve or reject")
        delays.decide_delay(page.ctx, page.actor, request_id, decision == "approve", note or None, read.version())
    except errors.JidanError as exc:
        if back == "list":
            return _request_list(page, status_of(exc), exc)
        return _request_page(page, request_id, status_of(exc), exc, form)
    return redirect(f"/material-delay-requests/{request_id}?done={decision}")


# ---------------------------------------------------------------- purchase requests (请购)
def _pr_list(page: Page):
    wanted = page.query_choice("status", PURCHASE_REQUEST_STATUSES)
    return render(page, "materials/purchase_requests.html",
                  requests=purchase_requests.list_requests(page.ctx, page.actor, wanted), wanted=wanted)


@router.get("/purchase-requests")
def purchase_requests_page(page: UserPage):
    return _pr_list(page)


def _pr_page(page: Page, request_id: int, status: int = 200, error: errors.JidanError | None = None,
             form: FormData | None = None, action: str | None = None):
    request = purchase_requests.get_request(page.ctx, page.actor, request_id)
    can_act = may(page.actor, REQUEST_BUYERS) and request["status"] == "open"
    return render(page, "materials/purchase_request.html", status, pr=request, error=error, action=action,
                  fields=error.fields if error else {}, values=typed_values(form),
                  done=page.query_choice("done", ("order", "cancel")), can_act=can_act,
                  suppliers=materials.suppliers(page.ctx, page.actor) if can_act else [],
                  today=page.ctx.now().date().isoformat())


@router.get("/purchase-requests/{request_id}")
def purchase_request_page(page: UserPage, request_id: RowId):
    return _pr_page(page, request_id)


@router.post("/purchase-requests/{request_id}/{action}")
def purchase_request_action(page: UserPage, form: Form, request_id: RowId, action: str):
    """Order (a purchase order with supplier, quantity and date) or cancel (with a reason)."""
    check_csrf(page, form)
    read = FormReader(form)
    try:
        if action == "order":
            cmd = OrderRequest(read.text("supplier", 50, required=True), read.date("due_date", required=True),
                               read.decimal("quantity", places=3), read.text("note", 1900) or None)
            read.check("the purchase order is not valid")
            purchase_requests.order_request(page.ctx, page.actor, request_id, cmd, read.version())
        elif action == "cancel":
            reason = read.text("reason", 2000)
            read.check("the cancellation is not valid")
            purchase_requests.cancel_request(page.ctx, page.actor, request_id, reason, read.version())
        else:
            raise errors.NotFound("no such action", code="not_found")
    except errors.JidanError as exc:
        return _pr_page(page, request_id, status_of(exc), exc, form, action)
    return redirect(f"/purchase-requests/{request_id}?done={action}")
