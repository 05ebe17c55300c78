"""Web pages (Jinja2 + htmx): parse the request, call one service, render. zh-CN by default.

The browser is authenticated by the ``jidan_session`` cookie; every POST but the login form
carries the session's CSRF token (form field ``csrf_token`` or the ``X-CSRF-Token`` header that
htmx sends). Domain errors are rendered as translated messages with the API's status code.
"""
from __future__ import annotations

import math
import re
import secrets
import uuid
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated, get_args
from urllib.parse import quote, urlencode, urlsplit

from fastapi import APIRouter, Depends, Path as PathParam, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from jidan import i18n
from jidan.services.ports import OrderFilter
from jidan.http.session import SESSION_COOKIE
from jidan.http.errors import status_of
from jidan.http.fields import Channel
from jidan.domain import errors
from jidan.domain.model import Actor
from jidan.domain.roles import ORDER_ENTRY
from jidan.domain.states import ACTIONS, MAIN_PATH, TRANSITIONS, OrderState
from jidan.services import auth
from jidan.services.masterdata import catalogue as masterdata
from jidan.services.orders import lifecycle as orders
from jidan.services.context import Context
from jidan.services.orders.lifecycle import NewLine, NewOrder
from jidan.web.forms import FormReader, typed_values, whole_number

LANG_COOKIE = "jidan_lang"
PAGE_SIZE = 20
MIN_LINE_ROWS = 3
MAX_LINE_ROWS = 50
CHANNELS = get_args(Channel)
#: Actions that undo or stop work: drawn as red buttons.
DANGER_ACTIONS = {"reject", "cancel", "hold"}

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
templates.env.globals["order_entry_roles"] = ORDER_ENTRY
templates.env.filters["money"] = lambda amount: f"{Decimal(amount):,.2f}"


class LoginRequired(Exception):
    """No valid session: the page sends the browser to the login form."""


@dataclass
class Page:
    """What every page knows about the request: language, user and the session's CSRF token."""

    request: Request
    ctx: Context
    lang: str
    actor: Actor | None = None
    session_token: str = ""
    csrf_token: str = ""

    def t(self, key: str, **values) -> str:
        return i18n.t(key, self.lang, **values)

    def error_text(self, error: errors.JidanError | str) -> str:
        """The text of an error (or of a field's error code) from any area, in the page's language.

        Every page shows errors through here. A code no table knows shows the text of its kind
        (409 "conflicts with existing data", 404 "not found" …), never the bare code.
        """
        if isinstance(error, str):
            return i18n.t(f"error.{error}", self.lang, default=error)
        kind = next(c.code for c in type(error).__mro__ if f"error.{getattr(c, 'code', '')}" in i18n.CATALOGUE)
        return i18n.t(f"error.{error.code}", self.lang, default=i18n.t(f"error.{kind}", self.lang))

    def switch_language_url(self) -> str:
        """This page in the other language; after a POST, the page the form came from."""
        other = "en" if self.lang == "zh" else "zh"
        if self.request.method != "GET":
            path = self.request.url.path.split("/actions/")[0]
            return ("/orders" if path == "/logout" else path) + f"?lang={other}"
        url = self.request.url.include_query_params(lang=other)
        return f"{url.path}?{url.query}"


def _language(request: Request, ctx: Context) -> str:
    settings = getattr(ctx, "settings", None)
    return (i18n.language(request.query_params.get("lang"))
            or i18n.language(request.cookies.get(LANG_COOKIE))
            or i18n.language(settings.default_language if settings else None)
            or i18n.DEFAULT_LANGUAGE)


def current_page(request: Request) -> Page:
    """The page context, with the user when the session cookie is valid."""
    ctx = request.app.state.ctx
    page = Page(request, ctx, _language(request, ctx))
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        try:
            page.actor, session = auth.session_user(ctx, token)
            page.session_token, page.csrf_token = token, session["csrf_token"]
        except errors.NotAuthenticated:
            page.actor = None  # an expired session is just a visitor; protected pages send it to /login
    request.state.page = page
    return page


def user_page(page: Annotated[Page, Depends(current_page)]) -> Page:
    if page.actor is None:
        raise LoginRequired
    return page


async def form_data(request: Request) -> FormData:
    return await request.form()


AnyPage = Annotated[Page, Depends(current_page)]
UserPage = Annotated[Page, Depends(user_page)]
Form = Annotated[FormData, Depends(form_data)]
#: Row ids are 32-bit integers in every database we run on.
OrderId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]


def render(page: Page, name: str, status: int = 200, **data) -> HTMLResponse:
    return templates.TemplateResponse(page.request, name, {"page": page, "t": page.t, **data},
                                      status_code=status)


def redirect(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _to_login(request: Request) -> Response:
    """To the login form, then back here; an htmx request comes back to the page it was made from."""
    if request.headers.get("hx-request"):
        here = urlsplit(request.headers.get("hx-current-url", ""))
        back = here.path + (f"?{here.query}" if here.query else "")
    else:
        back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    url = "/login"
    if request.method == "GET" and back.startswith("/") and urlsplit(back).path not in ("/", "/login"):
        url += "?next=" + quote(back)
    if request.headers.get("hx-request"):
        return Response(status_code=200, headers={"HX-Redirect": url})
    return redirect(url)


def _error_page(request: Request, exc: errors.JidanError) -> HTMLResponse:
    page = getattr(request.state, "page", None) or Page(request, request.app.state.ctx,
                                                         _language(request, request.app.state.ctx))
    return render(page, "error.html", status_of(exc), error=exc)


class WebRoute(APIRoute):
    """Sends anonymous visitors to the login form, renders domain errors, remembers ?lang=."""

    def get_route_handler(self):
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                response = await handler(request)
            except LoginRequired:
                response = _to_login(request)
            except errors.JidanError as exc:
                response = _error_page(request, exc)
            except RequestValidationError:
                response = _error_page(request, errors.ValidationFailed("the request is not valid"))
            lang = i18n.language(request.query_params.get("lang"))
            if lang and lang != request.cookies.get(LANG_COOKIE):
                response.set_cookie(LANG_COOKIE, lang, max_age=365 * 24 * 3600, path="/",
                                    samesite="lax", httponly=True)
            return response

        return route


router = APIRouter(include_in_schema=False, route_class=WebRoute)


def check_csrf(page: Page, form: FormData) -> None:
    sent = str(form.get("csrf_token") or page.request.headers.get("x-csrf-token") or "")
    if not page.csrf_token or not secrets.compare_digest(sent.encode(), page.csrf_token.encode()):
        raise errors.Forbidden("missing or wrong CSRF token", code="auth.csrf")


def safe_next(value: str | None, default: str = "/orders") -> str:
    """Only a path on this site, so no form can bounce anyone elsewhere."""
    if value and re.fullmatch(r"/(?![/\\])[^\s\\]*", value):
        return value
    return default


# --- log in and out -----------------------------------------------------------------------

@router.get("/")
def home(page: AnyPage):
    return redirect("/orders" if page.actor else "/login")


@router.get("/login")
def login_form(page: AnyPage, next: str | None = None):
    if page.actor:
        return redirect(safe_next(next))
    return render(page, "login.html", next=safe_next(next), username="")


@router.post("/login")
def login(page: AnyPage, form: Form):
    read = FormReader(form)
    username, password = read.raw("username"), str(form.get("password", ""))
    target = safe_next(read.raw("next"))
    try:
        session = auth.login(page.ctx, username, password, kind="web")
    except errors.JidanError as exc:
        return render(page, "login.html", status_of(exc), error=exc, next=target, username=username)
    response = redirect(target)
    settings = getattr(page.ctx, "settings", None)
    response.set_cookie(SESSION_COOKIE, session["token"], max_age=page.ctx.session_hours * 3600,
                        path="/", httponly=True, samesite="lax",
                        secure=bool(settings and settings.cookie_secure))
    return response


@router.post("/logout")
def logout(page: UserPage, form: Form):
    check_csrf(page, form)
    auth.logout(page.ctx, page.session_token)
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# --- order list ---------------------------------------------------------------------------

def _list_query(request: Request) -> dict:
    """The list filters from the query string, leniently: what cannot be read is dropped."""
    params = request.query_params
    status = params.get("status") or ""
    page_no = whole_number(params.get("page", ""), 6) or 1
    return {"status": status if status in OrderState._value2member_map_ else "",
            "urgent": params.get("urgent") in ("1", "on", "true"),
            "q": (params.get("q") or "").strip()[:60],
            "page": page_no}


def _query_string(query: dict, **over) -> str:
    merged = {**query, **over}
    return urlencode({k: ("1" if v is True else v) for k, v in merged.items()
                      if v and not (k == "page" and v == 1)})


def _order_list(page: Page) -> dict:
    query = _list_query(page.request)
    f = OrderFilter(status=query["status"] or None, urgent=True if query["urgent"] else None,
                    text=query["q"] or None, limit=PAGE_SIZE, offset=(query["page"] - 1) * PAGE_SIZE)
    result = orders.list_orders(page.ctx, page.actor, f)
    pages = max(1, math.ceil(result["total"] / PAGE_SIZE))
    return {"result": result, "query": query, "pages": pages, "states": list(OrderState),
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
        product = read.text("product", 30, required=True)
        quantity = read.integer("quantity", required=True, digits=7)
        price = read.decimal("unit_price")
        if product and quantity is not None:
            lines.append(NewLine(product, quantity, price))
            row_of.append(i)
    if not lines and not fields:
        fields["lines"] = "required"
    return tuple(lines), row_of


def _parse_order(form: FormData, rows: list[dict]) -> tuple[NewOrder | None, dict, list[int]]:
    read = FormReader(form)
    customer, customer_po = read.text("customer", 30, required=True), read.text("customer_po", 60, required=True)
    requested = read.date("requested_date", required=True)
    channel = read.choice("channel", CHANNELS, required=True, code="unknown_channel")
    special, why_urgent = read.text("special_requirements", 2000), read.text("urgent_reason", 500)
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
        order = orders.create_order(page.ctx, page.actor, cmd, key)
    except errors.JidanError as exc:
        return _order_form(page, status_of(exc), form, rows, row_fields(exc.fields, row_of), exc)
    return redirect(f"/orders/{order['id']}")


# --- one order ----------------------------------------------------------------------------

def _progress(order: dict) -> list[dict]:
    """MAIN_PATH as steps done / current / to do; a held order shows where it was held."""
    status = order["held_from"] if order["status"] == OrderState.ON_HOLD else order["status"]
    path = [s.value for s in MAIN_PATH]
    here = path.index(status) if status in path else -1
    return [{"state": s, "step": "done" if i < here else "current" if i == here else "todo"}
            for i, s in enumerate(path)]


def _actions(order: dict) -> list[dict]:
    state = OrderState(order["status"])
    return [{"name": a, "reason_required": TRANSITIONS[(state, a)].reason_required,
             "danger": a in DANGER_ACTIONS} for a in order.get("allowed_actions", [])]


def _order_page(page: Page, order_id: int, status: int = 200, error: errors.JidanError | None = None,
                reasons: dict | None = None) -> HTMLResponse:
    order = orders.get_order(page.ctx, page.actor, order_id)
    done = page.request.query_params.get("done")
    return render(page, "order.html", status, order=order, actions=_actions(order),
                  progress=_progress(order), events=orders.order_events(page.ctx, page.actor, order_id),
                  error=error, reasons=reasons or {}, done=done if done in ACTIONS else None)


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
        orders.act(page.ctx, page.actor, order_id, action, reason, version)
    except errors.JidanError as exc:
        return _order_page(page, order_id, status_of(exc), exc, {action: reason or ""})
    return redirect(f"/orders/{order_id}?done={action}")
