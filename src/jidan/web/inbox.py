"""The inbox page (D2, E6): what still waits for the user, grouped by order with the newest
first, filtered by kind, order, urgent or overdue with the count of each (issue 24), pages;
deadlines counting down, Acknowledge buttons; what is done folded away, with who answered it.

Works without JavaScript (plain forms, redirect back); htmx refreshes the list every minute so
the remaining times count down, and swaps an item in place after Acknowledge / Mark read.
"""
from __future__ import annotations

import re
from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path as PathParam, Query

from jidan.http.errors import status_of
from jidan.domain import errors
from jidan.services.notices import inbox
from jidan.services.ports import InboxFilter
from jidan.web.forms import FormReader
from jidan.web.pages import Form, Page, UserPage, WebRoute, check_csrf, redirect, render, templates

router = APIRouter(include_in_schema=False, route_class=WebRoute)
NoticeId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]


def _open_count(page: Page) -> int:
    """The number on the navigation link; 0 when there is no user."""
    if page is None or page.actor is None:
        return 0
    return inbox.open_count(page.ctx, page.actor)


def remaining(page: Page, seconds: int) -> str:
    """"2 小时 10 分钟" / "2 h 10 min": what is left, or how late, in words."""
    minutes = abs(seconds) // 60
    days, rest = divmod(minutes, 24 * 60)
    hours, mins = divmod(rest, 60)
    parts = []
    if days:
        parts.append(page.t("ui.inbox.days", n=days))
    if hours:
        parts.append(page.t("ui.inbox.hours", n=hours))
    if mins or not parts:
        parts.append(page.t("ui.inbox.minutes", n=mins))
    return " ".join(parts[:2])


def acts(page: Page, names: list[str]) -> str:
    """"开始生产 / 确认收到": the acts that answer a notice, in words; none for plain information."""
    return " / ".join(page.t(f"ui.notice.act.{name}") for name in names if name != "read")


templates.env.globals["inbox_open_count"] = _open_count
templates.env.globals["inbox_remaining"] = remaining
templates.env.globals["notice_acts"] = acts
PageNo = Annotated[int, Query(alias="page", ge=1, le=100_000)]


def _filter(page: Page) -> InboxFilter:
    """The filter in the address (?kind=&order=&urgent=1&overdue=1); what is malformed is ignored,
    so a hand-edited URL still shows the inbox."""
    query = page.request.query_params
    kind = query.get("kind") or ""
    order = query.get("order") or ""
    return InboxFilter(kind=kind if re.fullmatch(r"[a-z_.]{1,40}", kind) else None,
                       order_id=int(order) if order.isdigit() and 0 < int(order) < 2**31 else None,
                       urgent=query.get("urgent") == "1", overdue=query.get("overdue") == "1")


def filter_url(f: dict, number: int = 1, base: str = "/inbox", **change) -> str:
    """``base`` (the inbox) with the filter ``f`` changed by ``change`` (None or False drops one)."""
    wanted = {**f, **change}
    params = {"kind": wanted["kind"], "order": wanted["order_id"],
              "urgent": "1" if wanted["urgent"] else None, "overdue": "1" if wanted["overdue"] else None,
              "page": number if number > 1 else None}
    return base + ("?" + urlencode({k: v for k, v in params.items() if v}) if any(params.values()) else "")


templates.env.globals["inbox_url"] = filter_url


def _page(page: Page, status: int = 200, error: errors.JidanError | None = None, number: int = 1):
    data = inbox.list_inbox(page.ctx, page.actor, page=number, f=_filter(page))
    partial = page.request.headers.get("hx-request") and page.request.headers.get("hx-target") == "inbox-list"
    return render(page, "_inbox_list.html" if partial else "inbox.html", status, inbox=data,
                  error=error, partial=bool(partial))


@router.get("/inbox")
def inbox_page(page: UserPage, number: PageNo = 1):
    return _page(page, number=number)


def _act(page: Page, form, notice_id: int, action) -> object:
    check_csrf(page, form)
    try:
        action(page.ctx, page.actor, notice_id, FormReader(form).version())
    except errors.JidanError as exc:
        if isinstance(exc, (errors.NotFound, errors.Forbidden)):
            raise
        return _page(page, status_of(exc), exc)
    if page.request.headers.get("hx-request"):
        return _page(page)  # the list, swapped in place
    return redirect(f"/inbox#n{notice_id}")


@router.post("/inbox/{notice_id}/ack")
def acknowledge(page: UserPage, form: Form, notice_id: NoticeId):
    return _act(page, form, notice_id, inbox.acknowledge)


@router.post("/inbox/{notice_id}/read")
def mark_read(page: UserPage, form: Form, notice_id: NoticeId):
    return _act(page, form, notice_id, inbox.mark_read)
