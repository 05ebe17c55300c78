"""The order pages: the list, the new-order form, one order with its progress and actions."""
from __future__ import annotations

import math
import uuid
from datetime import date
from typing import get_args
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from starlette.datastructures import FormData

from jidan.services.ports import ORDER_SORTS, OrderFilter
from jidan.http.errors import status_of
from jidan.http.fields import Channel
from jidan.domain import errors
from jidan.domain.model import Actor
from jidan.domain.order import (CUSTOMER_PO_MAX, PRICE_LIMIT, PRICE_PLACES, QUANTITY_MAX,
                                SPECIAL_REQUIREMENTS_MAX, URGENT_REASON_MAX)
from jidan.domain.roles import ORDER_ENTRY
from jidan.domain.text import CODE_MAX, has_control
from jidan.domain.states import ACTIONS, MAIN_PATH, TRANSITIONS, OrderState, taken_via
from jidan.services.masterdata import catalogue as masterdata
from jidan.services import planning
from jidan.services.orders import importing, intake, lifecycle, views
from jidan.services.orders.intake import NewLine, NewOrder
from jidan.web.forms import FormReader, typed_values, whole_number
from jidan.web.pages import (
    Form, OrderId, Page, UserPage, WebRoute, check_csrf, redirect, render, signing_proof, templates,
)

PAGE_SIZE = 20
#: The most orders one Excel export holds (the list's filters narrow it).
EXPORT_MOST = 10_000
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
MIN_LINE_ROWS = 3
MAX_LINE_ROWS = 50
CHANNELS = get_args(Channel)
#: Actions that undo or stop work: drawn as red buttons.
DANGER_ACTIONS = {"reject", "cancel", "hold"}
#: Where the order page leads for an action taken through another document (a row's ``via``).
VIA_PAGES = {"shipment": "/orders/{id}/fulfilment#fulfilment"}

router = APIRouter(include_in_schema=False, route_class=WebRoute)
templates.env.globals["order_entry_roles"] = ORDER_ENTRY


# --- order list ---------------------------------------------------------------------------

def _list_query(request: Request) -> dict:
    """The list filters from the query string, leniently: what cannot be read is dropped."""
    params = request.query_params
    status = params.get("status") or ""
    page_no = whole_number(params.get("page", ""), 6) or 1
    sort = params.get("sort") or ""
    customer = (params.get("customer") or "").strip()[:CODE_MAX]
    return {"status": status if status in OrderState._value2member_map_ else "",
            "urgent": params.get("urgent") in ("1", "on", "true"),
            "q": "" if has_control(params.get("q") or "") else (params.get("q") or "").strip()[:60],
            "customer": "" if has_control(customer) else customer,
            "due_from": _date_param(params.get("due_from")), "due_to": _date_param(params.get("due_to")),
            "owner": whole_number(params.get("owner", ""), 9) or "",
            "sort": sort if sort.removeprefix("-") in ORDER_SORTS else "",
            "page": page_no}


def _date_param(value: str | None) -> str:
    try:
        return date.fromisoformat(value or "").isoformat()
    except ValueError:
        return ""


def _query_string(query: dict, **over) -> str:
    merged = {**query, **over}
    return urlencode({k: ("1" if v is True else v) for k, v in merged.items()
                      if v and not (k == "page" and v == 1)})


def _filter(query: dict, limit: int, offset: int = 0) -> OrderFilter:
    return OrderFilter(status=query["status"] or None, urgent=True if query["urgent"] else None,
                       customer_code=query["customer"] or None, text=query["q"] or None, limit=limit,
                       offset=offset, due_from=date.fromisoformat(query["due_from"]) if query["due_from"] else None,
                       due_to=date.fromisoformat(query["due_to"]) if query["due_to"] else None,
                       owner_id=query["owner"] or None, sort=query["sort"])


def _order_list(page: Page) -> dict:
    query = _list_query(page.request)
    result = views.list_orders(page.ctx, page.actor, _filter(query, PAGE_SIZE, (query["page"] - 1) * PAGE_SIZE))
    pages = max(1, math.ceil(result["total"] / PAGE_SIZE))
    choices = views.list_choices(page.ctx, page.actor)
    names = {o["id"]: o["name"] for o in choices["owners"]}

    def sort_link(key: str) -> str:
        """The column's sort: ascending first, descending when it already sorts ascending."""
        return _query_string(query, sort=f"-{key}" if query["sort"] == key else key, page=1)
    return {"result": result, "query": query, "pages": pages, "states": list(OrderState), "choices": choices,
            "owner_name": lambda o: names.get(o.get("owner_id") or o["created_by"], ""), "sort_link": sort_link,
            "qs": lambda **over: _query_string(query, **over)}


@router.get("/orders")
def order_list(page: UserPage):
    return render(page, "orders.html", **_order_list(page))


@router.get("/orders/table")
def order_table(page: UserPage):
    """The table alone, for htmx; the address bar shows the full page's URL."""
    data = _order_list(page)
    response = render(page, "_orders_table.html", **data)
    qs = data["qs"]()
    response.headers["HX-Push-Url"] = "/orders" + (f"?{qs}" if qs else "")
    return response


@router.get("/orders/export.xlsx")
def order_export(page: UserPage):
    """The list as filtered and sorted, every page of it (up to `EXPORT_MOST` orders), as Excel."""
    query = _list_query(page.request)
    data = importing.export_orders(page.ctx, page.actor, _filter(query, EXPORT_MOST))
    return Response(data, media_type=XLSX, headers={"Content-Disposition": 'attachment; filename="orders.xlsx"'})


# --- new order ----------------------------------------------------------------------------

def line_rows(form: FormData | None) -> list[dict]:
    if form is None:
        return [{"product": "", "quantity": "", "unit_price": ""} for _ in range(MIN_LINE_ROWS)]
    products, quantities, prices = (form.getlist(k) for k in ("product", "quantity", "unit_price"))
    count = min(MAX_LINE_ROWS, max(len(products), len(quantities), len(prices)))
    rows = [{"product": str(products[i]).strip() if i < len(products) else "",
             "quantity": str(quantities[i]).strip() if i < len(quantities) else "",
             "unit_price": str(prices[i]).strip() if i < len(prices) else ""} for i in range(count)]
    rows += [{"product": "", "quantity": "", "unit_price": ""} for _ in range(MIN_LINE_ROWS - len(rows))]
    return rows


def parse_lines(rows: list[dict], fields: dict) -> tuple[tuple[NewLine, ...], list[int]]:
    """Filled rows as order lines, with the row number of each (to put errors beside it)."""
    lines, row_of = [], []
    for i, row in enumerate(rows):
        if not any(row.values()):
            continue
        read = FormReader(row, fields, f"lines.{i}.")
        product = read.text("product", CODE_MAX, required=True)
        quantity = read.integer("quantity", required=True, digits=len(str(QUANTITY_MAX)))
        price = read.decimal("unit_price", places=PRICE_PLACES, below=PRICE_LIMIT)
        if product and quantity is not None:
            lines.append(NewLine(product, quantity, price))
            row_of.append(i)
    if not lines and not fields:
        fields["lines"] = "required"
    return tuple(lines), row_of


def _parse_order(form: FormData, rows: list[dict]) -> tuple[NewOrder | None, dict, list[int]]:
    read = FormReader(form)
    customer = read.text("customer", CODE_MAX, required=True)
    customer_po = read.text("customer_po", CUSTOMER_PO_MAX, required=True, one_line=True)
    requested = read.date("requested_date", required=True)
    channel = read.choice("channel", CHANNELS, required=True, code="unknown_channel")
    special = read.text("special_requirements", SPECIAL_REQUIREMENTS_MAX)
    why_urgent = read.text("urgent_reason", URGENT_REASON_MAX)
    lines, row_of = parse_lines(rows, read.fields)
    if read.fields:
        return None, read.fields, row_of
    return NewOrder(customer, customer_po, requested, lines, channel, special or None, why_urgent or None), {}, row_of


def row_fields(fields: dict, row_of: list[int]) -> dict:
    """The service names lines by their place among filled rows; the form by row number."""
    out = {}
    for key, code in fields.items():
        parts = key.split(".")
        place = whole_number(parts[1]) if len(parts) == 3 and parts[0] == "lines" else None
        if place is not None and place < len(row_of):
            key = f"lines.{row_of[place]}.{parts[2]}"
        out[key] = code
    return out


def _order_form(page: Page, status: int = 200, form: FormData | None = None, rows: list[dict] | None = None,
                fields: dict | None = None, error: errors.JidanError | None = None) -> HTMLResponse:
    values = typed_values(form) or {"channel": "phone"}
    values.setdefault("idempotency_key", uuid.uuid4().hex)
    return render(page, "order_new.html", status,
                  customers=masterdata.list_customers(page.ctx, page.actor),
                  products=masterdata.list_products(page.ctx, page.actor, kind="finished"),
                  channels=CHANNELS, values=values, rows=rows or line_rows(None),
                  fields=fields or {}, error=error, today=page.ctx.now().date().isoformat())


@router.get("/orders/new")
def new_order_form(page: UserPage):
    if page.actor.role not in ORDER_ENTRY:
        raise errors.Forbidden("this role may not enter orders", code="auth.role_not_allowed")
    return _order_form(page)


@router.post("/orders/new")
def new_order(page: UserPage, form: Form):
    check_csrf(page, form)
    rows = line_rows(form)
    if "add_line" in form:
        return _order_form(page, form=form, rows=rows + line_rows(None)[:1])
    cmd, fields, row_of = _parse_order(form, rows)
    if cmd is None:
        return _order_form(page, 422, form, rows, fields, errors.ValidationFailed("form not valid"))
    key = str(form.get("idempotency_key", ""))[:100] or None
    try:
        order = intake.create_order(page.ctx, page.actor, cmd, key)
    except errors.JidanError as exc:
        return _order_form(page, status_of(exc), form, rows, row_fields(exc.fields, row_of), exc)
    return redirect(f"/orders/{order['id']}")


@router.get("/orders/new/promise")
def new_order_promise(page: UserPage):
    """The new-order form's live promise (htmx, as the user types): the quick answer for the
    order as filled in so far, before it is saved; a hint until customer, date and a line are there."""
    query = page.request.query_params
    read = FormReader(query)
    customer, requested = read.text("customer", 30, required=True), read.date("requested_date", required=True)
    channel = read.choice("channel", CHANNELS, code="unknown_channel")
    lines, _ = parse_lines(line_rows(query), read.fields)
    answer, error = None, None
    if not read.fields:
        try:
            answer = planning.promise_unsaved(page.ctx, page.actor, NewOrder(
                customer, "", requested, lines, channel or "phone", urgent_reason=read.text("urgent_reason", 500) or None),
                time_limit=0)
        except errors.JidanError as exc:
            error = exc
    return render(page, "planning/_new_order_promise.html", promise=answer, error=error)


# --- one order ----------------------------------------------------------------------------

def _progress(order: dict) -> list[dict]:
    """MAIN_PATH as steps done / current / to do; a held order shows where it was held."""
    status = order["held_from"] if order["status"] == OrderState.ON_HOLD else order["status"]
    path = [s.value for s in MAIN_PATH]
    here = path.index(status) if status in path else -1
    return [{"state": s, "step": "done" if i < here else "current" if i == here else "todo"}
            for i, s in enumerate(path)]


def _actions(order: dict, actor: Actor) -> list[dict]:
    """A button per action the order offers, and a link for each taken through another document."""
    state = OrderState(order["status"])
    buttons = [{"name": a, "reason_required": TRANSITIONS[(state, a)].reason_required,
                "danger": a in DANGER_ACTIONS} for a in order.get("allowed_actions", [])]
    links = [{"name": t.action, "href": VIA_PAGES[t.via].format(id=order["id"])}
             for t in taken_via(state, actor.role)]
    return buttons + links


def _order_page(page: Page, order_id: int, status: int = 200, error: errors.JidanError | None = None,
                reasons: dict | None = None) -> HTMLResponse:
    order = views.get_order(page.ctx, page.actor, order_id)
    return render(page, "order.html", status, order=order, actions=_actions(order, page.actor),
                  progress=_progress(order), events=views.order_events(page.ctx, page.actor, order_id),
                  error=error, reasons=reasons or {}, done=page.query_choice("done", ACTIONS))


@router.get("/orders/{order_id}")
def order_detail(page: UserPage, order_id: OrderId):
    return _order_page(page, order_id)


@router.post("/orders/{order_id}/actions/{action}")
def order_action(page: UserPage, form: Form, order_id: OrderId, action: str):
    check_csrf(page, form)
    read = FormReader(form)
    reason = read.text("reason", 1000) or None
    try:
        if action not in ACTIONS:
            raise errors.ValidationFailed(f"unknown action {action!r}", fields={"action": "unknown_action"})
        version = read.integer("version")
        read.check()
        lifecycle.act(page.ctx, page.actor, order_id, action, reason, version, signing_proof(page, form))
    except errors.JidanError as exc:
        return _order_page(page, order_id, status_of(exc), exc, {action: reason or ""})
    return redirect(f"/orders/{order_id}?done={action}")
