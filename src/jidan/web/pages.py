"""The web's page framework (Jinja2 + htmx): templates, language, session and log in, rendering
and error pages. Each area's pages (web/orders.py, web/planning.py, …) build on it: parse the
request, call one service, render. zh-CN by default.

The browser is authenticated by the ``jidan_session`` cookie; every POST carries the session's
CSRF token (form field ``csrf_token`` or the ``X-CSRF-Token`` header that htmx sends), and the
login form its own token, kept in a cookie until the session exists (double submit). Domain
errors are rendered as translated messages with the API's status code.
"""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Annotated
from urllib.parse import quote, urlsplit

from fastapi import APIRouter, Depends, Path as PathParam, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.routing import APIRoute
from fastapi.templating import Jinja2Templates
from jinja2 import Undefined, pass_context
from starlette.datastructures import FormData

from jidan import i18n
from jidan.http.session import (
    LOGIN_CSRF_COOKIE, SESSION_COOKIE, client_address, cookie_secure, csrf_matches, new_login_token,
)
from jidan.http.errors import status_of
from jidan.domain import errors
from jidan.domain.model import Actor
from jidan.domain.roles import API_USERS
from jidan.services import auth
from jidan.services.approvals.signatures import Proof
from jidan.services.context import Context
from jidan.web.forms import FormReader
from jidan.web.homes import home_of

LANG_COOKIE = "jidan_lang"

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
#: A price; "—" where the viewer may not see it (the floor roles, services.orders.views.priced_for).
templates.env.filters["money"] = lambda amount: "—" if amount is None or isinstance(amount, Undefined) \
    else f"{Decimal(amount):,.2f}"


@pass_context
def _unit(context, unit: str) -> str:
    """A unit of measure (products.unit: pcs, kg …) in the page's words; an unknown one as entered."""
    return i18n.t(f"ui.unit.{unit}", context["page"].lang, default=unit)


@pass_context
def _reason(context, reason: str) -> str:
    """A reason in the record: the system's own ("planning run 3") in the page's words, a person's as typed."""
    run = re.fullmatch(r"planning run (\d+)", reason or "")
    return i18n.t("ui.event.reason.planning_run", context["page"].lang, id=run.group(1)) if run else reason


templates.env.filters["unit"] = _unit
templates.env.filters["reason"] = _reason
templates.env.globals["api_users"] = API_USERS
templates.env.globals["people_of"] = lambda page: auth.people(page.ctx, page.actor)  # pick-lists (issue 24)


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
    #: The session began recently enough to sign without the password again (services.auth).
    session_fresh: bool = False

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

    def query_choice(self, name: str, allowed) -> str | None:
        """A query parameter (``?done=``, ``?status=``) when it is one of ``allowed``, else None:
        a hand-edited URL never reaches a template or a service."""
        value = self.request.query_params.get(name)
        return value if value in allowed else None

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
            page.session_token, page.csrf_token = token, session.csrf_token
            page.session_fresh = auth.session_fresh(ctx, session)
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


def signing_proof(page: Page, form: FormData) -> Proof:
    """How a signing form proves the signer: the password typed, else this page's own session
    (which signs only while it is a fresh login)."""
    password = str(form.get("password", ""))[:200]
    return Proof(password=password) if password else Proof(session_token=page.session_token)


def safe_next(value: str | None, default: str = "/") -> str:
    """Only a path on this site, so no form can bounce anyone elsewhere."""
    if value and re.fullmatch(r"/(?![/\\])[^\s\\]*", value):
        return value
    return default


# --- log in and out -----------------------------------------------------------------------

@router.get("/")
def home(page: AnyPage):
    return redirect(home_of(page.actor) if page.actor else "/login")


def _login_page(page: Page, status: int = 200, **data) -> HTMLResponse:
    """The login form with its CSRF token: the browser's own (its cookie), or a new one."""
    token = page.request.cookies.get(LOGIN_CSRF_COOKIE) or new_login_token()
    response = render(page, "login.html", status, login_csrf=token, **data)
    response.set_cookie(LOGIN_CSRF_COOKIE, token, path="/login", httponly=True, samesite="strict",
                        secure=cookie_secure(getattr(page.ctx, "settings", None)))
    return response


@router.get("/login")
def login_form(page: AnyPage, next: str | None = None):
    if page.actor:
        return redirect(safe_next(next))
    return _login_page(page, next=safe_next(next), username="")


@router.post("/login")
def login(page: AnyPage, form: Form):
    read = FormReader(form)
    username, password = read.text("username", 50, one_line=True), str(form.get("password", ""))
    target = safe_next(read.raw("next"))
    try:
        read.check()
        if not csrf_matches(str(form.get("csrf_token") or ""), page.request.cookies.get(LOGIN_CSRF_COOKIE)):
            raise errors.Forbidden("missing or wrong CSRF token", code="auth.csrf")
        session = auth.login(page.ctx, username, password, kind="web", address=client_address(page.request))
    except errors.JidanError as exc:
        return _login_page(page, status_of(exc), error=exc, next=target, username=username)
    response = redirect(target)
    response.set_cookie(SESSION_COOKIE, session["token"], max_age=page.ctx.session_hours * 3600,
                        path="/", httponly=True, samesite="lax",
                        secure=cookie_secure(getattr(page.ctx, "settings", None)))
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/login")
    return response


@router.post("/logout")
def logout(page: UserPage, form: Form):
    check_csrf(page, form)
    auth.logout(page.ctx, page.session_token)
    response = redirect("/login")
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
