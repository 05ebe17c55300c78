"""Material pages (C6): stock, purchase orders, and the material delivery delay request
(材料交期延迟申请单) with its printable form. Plain forms; every POST carries the CSRF token.

A supplier sees only its own purchase orders and requests; everyone else's are 404 to it.
"""
from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Path as PathParam
from starlette.datastructures import FormData

from jidan.api.errors import status_of
from jidan.domain import errors
from jidan.domain.material import BUYERS, DELAY_DECIDERS, DELAY_REQUESTERS, RECEIVERS
from jidan.domain.roles import Role
from jidan.services import materials
from jidan.services.materials import STOCK_VIEWERS, NewPurchaseOrder
from jidan.web.routes import Form, Page, UserPage, WebRoute, check_csrf, redirect, render, templates

router = APIRouter(include_in_schema=False, route_class=WebRoute)
RowId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
MaterialCode = Annotated[str, PathParam(max_length=30)]


def material_nav(actor) -> str | None:
    """Where the materials link of the header leads for this user, if anywhere."""
    if actor.role in STOCK_VIEWERS:
        return "/materials"
    return "/purchase-orders" if actor.role == Role.SUPPLIER else None


templates.env.globals["material_nav"] = material_nav
templates.env.globals["material_roles"] = {"buyers": BUYERS, "receivers": RECEIVERS,
                                           "deciders": DELAY_DECIDERS, "requesters": DELAY_REQUESTERS}


def _text(form: FormData, name: str, limit: int = 2000) -> str:
    return str(form.get(name, "")).strip()[:limit + 1]


def _quantity(form: FormData, name: str, fields: dict) -> Decimal | None:
    text = _text(form, name, 30)
    if not text:
        fields[name] = "required"
        return None
    try:
        value = Decimal(text)
        if not value.is_finite():
            raise InvalidOperation
        return value
    except InvalidOperation:
        fields[name] = "invalid_number"
        return None


def _date(form: FormData, name: str, fields: dict) -> date | None:
    text = _text(form, name, 20)
    if not text:
        fields[name] = "required"
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        fields[name] = "invalid_date"
        return None


def _version(form: FormData) -> int | None:
    text = _text(form, "version", 9)
    return int(text) if text.isdigit() and len(text) <= 9 else None


def _values(form: FormData | None) -> dict:
    return {k: str(v) for k, v in form.items() if k != "csrf_token"} if form else {}


# ---------------------------------------------------------------- stock
def _stock_page(page: Page, status: int = 200, error: errors.JidanError | None = None, focus: str | None = None):
    done = page.request.query_params.get("done")
    return render(page, "materials/stock.html", status, stock=materials.list_stock(page.ctx, page.actor),
                  error=error, focus=focus, done=done == "stock")


@router.get("/materials")
def stock_page(page: UserPage):
    return _stock_page(page)


@router.post("/materials/{code}/stock")
def set_stock(page: UserPage, form: Form, code: MaterialCode):
    check_csrf(page, form)
    fields: dict[str, str] = {}
    on_hand = _quantity(form, "on_hand", fields)
    try:
        if fields:
            raise errors.ValidationFailed("the quantity is not valid", fields=fields)
        materials.set_stock(page.ctx, page.actor, code, on_hand, _version(form), _text(form, "reason", 500) or None)
    except errors.JidanError as exc:
        return _stock_page(page, status_of(exc), exc, code)
    return redirect("/materials?done=stock")


# ---------------------------------------------------------------- purchase orders
def _po_list(page: Page, status: int = 200, error: errors.JidanError | None = None, form: FormData | None = None):
    wanted = page.request.query_params.get("status")
    wanted = wanted if wanted in ("open", "received", "cancelled") else None
    material = (page.request.query_params.get("material") or "").strip()[:30] or None
    can_buy = page.actor.role in BUYERS
    return render(page, "materials/purchase_orders.html", status,
                  orders=materials.list_purchase_orders(page.ctx, page.actor, wanted, material), wanted=wanted,
                  error=error, fields=error.fields if error else {}, values=_values(form),
                  suppliers=materials.suppliers(page.ctx, page.actor) if can_buy else [],
                  material_list=materials.list_stock(page.ctx, page.actor) if can_buy else [],
                  today=page.ctx.now().date().isoformat())


@router.get("/purchase-orders")
def purchase_orders_page(page: UserPage):
    return _po_list(page)


@router.post("/purchase-orders")
def create_purchase_order(page: UserPage, form: Form):
    check_csrf(page, form)
    fields: dict[str, str] = {}
    quantity = _quantity(form, "quantity", fields)
    due = _date(form, "due_date", fields)
    for name in ("material", "supplier"):
        if not _text(form, name):
            fields[name] = "required"
    try:
        if fields:
            raise errors.ValidationFailed("the purchase order is not valid", fields=fields)
        po = materials.create_purchase_order(page.ctx, page.actor, NewPurchaseOrder(
            _text(form, "material", 30), quantity, due, _text(form, "supplier", 50), _text(form, "note") or None))
    except errors.JidanError as exc:
        return _po_list(page, status_of(exc), exc, form)
    return redirect(f"/purchase-orders/{po['id']}?done=create")


def _po_page(page: Page, po_id: int, status: int = 200, error: errors.JidanError | None = None,
             form: FormData | None = None):
    po = materials.get_purchase_order(page.ctx, page.actor, po_id)
    done = page.request.query_params.get("done")
    role = page.actor.role
    return render(page, "materials/purchase_order.html", status, po=po, error=error,
                  fields=error.fields if error else {}, values=_values(form),
                  done=done if done in ("create", "receive", "cancel", "delay") else None,
                  can_receive=role in RECEIVERS and po["status"] == "open",
                  can_cancel=role in BUYERS and po["status"] == "open",
                  can_request=role in DELAY_REQUESTERS and po["status"] == "open" and not po["pending_delay"])


@router.get("/purchase-orders/{po_id}")
def purchase_order_page(page: UserPage, po_id: RowId):
    return _po_page(page, po_id)


@router.post("/purchase-orders/{po_id}/{action}")
def purchase_order_action(page: UserPage, form: Form, po_id: RowId, action: str):
    check_csrf(page, form)
    fields: dict[str, str] = {}
    try:
        if action == "receive":
            materials.receive_purchase_order(page.ctx, page.actor, po_id, _version(form))
        elif action == "cancel":
            materials.cancel_purchase_order(page.ctx, page.actor, po_id, _text(form, "reason"), _version(form))
        elif action == "delay":
            new_date = _date(form, "new_date", fields)
            if not _text(form, "reason"):
                fields["reason"] = "required"
            if fields:
                raise errors.ValidationFailed("the delay request is not valid", fields=fields)
            request = materials.request_delay(page.ctx, page.actor, po_id, new_date, _text(form, "reason"))
            return redirect(f"/material-delay-requests/{request['id']}?done=request")
        else:
            raise errors.NotFound("no such action", code="not_found")
    except errors.JidanError as exc:
        return _po_page(page, po_id, status_of(exc), exc, form)
    return redirect(f"/purchase-orders/{po_id}?done={action}")


# ---------------------------------------------------------------- delay requests
def _request_list(page: Page, status: int = 200, error: errors.JidanError | None = None):
    wanted = page.request.query_params.get("status")
    wanted = wanted if wanted in ("pending", "approved", "rejected") else None
    return render(page, "materials/delay_requests.html", status, error=error, wanted=wanted,
                  requests=materials.list_delay_requests(page.ctx, page.actor, wanted),
                  can_decide=page.actor.role in DELAY_DECIDERS)


@router.get("/material-delay-requests")
def delay_requests_page(page: UserPage):
    return _request_list(page)


def _request_page(page: Page, request_id: int, status: int = 200, error: errors.JidanError | None = None,
                  form: FormData | None = None):
    request = materials.get_delay_request(page.ctx, page.actor, request_id)
    done = page.request.query_params.get("done")
    return render(page, "materials/delay_request.html", status, req=request, error=error,
                  fields=error.fields if error else {}, values=_values(form),
                  done=done if done in ("request", "approve", "reject") else None,
                  can_decide=(page.actor.role in DELAY_DECIDERS and request["status"] == "pending"
                              and request["requested_by_id"] != page.actor.user_id))


@router.get("/material-delay-requests/{request_id}")
def delay_request_page(page: UserPage, request_id: RowId):
    return _request_page(page, request_id)


@router.get("/material-delay-requests/{request_id}/print")
def delay_request_print(page: UserPage, request_id: RowId):
    """材料交期延迟申请单, laid out for paper."""
    return render(page, "materials/delay_request_print.html",
                  req=materials.get_delay_request(page.ctx, page.actor, request_id))


@router.post("/material-delay-requests/{request_id}/decision")
def decide(page: UserPage, form: Form, request_id: RowId):
    check_csrf(page, form)
    decision = _text(form, "decision", 10)
    back = _text(form, "back", 10)
    try:
        if decision not in ("approve", "reject"):
            raise errors.ValidationFailed("approve or reject", fields={"decision": "unknown_action"})
        materials.decide_delay(page.ctx, page.actor, request_id, decision == "approve", _text(form, "note") or None,
                               _version(form))
    except errors.JidanError as exc:
        if back == "list":
            return _request_list(page, status_of(exc), exc)
        return _request_page(page, request_id, status_of(exc), exc, form)
    return redirect(f"/material-delay-requests/{request_id}?done={decision}")
