"""The quarterly review (每季度流程评审, issue 22): a printable report of a quarter's figures with
the previous quarter's beside them, and the section where each department enters its
improvement actions (a form per department) and their owners complete them.

Management and pmc see the whole report; another department sees the improvements section with
its own form. Charts are drawn by static/analytics.js from the page's JSON, each with its table.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path as PathParam
from starlette.datastructures import FormData

from jidan.domain import errors
from jidan.domain.improvements import NOTE_MAX, TEXT_MAX
from jidan.http.errors import status_of
from jidan.services.analytics import dashboard as board
from jidan.services.analytics.figures import ANALYSTS
from jidan.services.improvements import actions, quarterly
from jidan.services.permissions import may
from jidan.web.analytics import SHOWN, Words, _ids, _pareto
from jidan.web import printing
from jidan.web.forms import FormReader, typed_values, whole_number
from jidan.web.pages import Form, Page, UserPage, WebRoute, check_csrf, redirect, render

router = APIRouter(include_in_schema=False, route_class=WebRoute)
Quarter = Annotated[str, PathParam(max_length=7)]
RowId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]


def _percent(rate):
    return None if rate is None else round(rate * 100, 1)


def _charts(page: Page, data: dict, words: Words) -> dict:
    """The report's charts: this quarter against the previous one, causes, departments, capacity."""
    t = page.t
    this, last = data["figures"], data["previous_figures"]
    rates = [("requested", "ui.rev.cmp.on_time_requested"), ("promised", "ui.rev.cmp.on_time_promised")]
    league = {r["department"]: r["missed"] for r in data["accountability"]}
    before = {r["department"]: r["missed"] for r in data["previous_accountability"]}
    departments = sorted(set(league) | set(before), key=lambda d: (-league.get(d, 0), d))
    return {
        "on_time": {"type": "bar", "percent": True, "labels": [t(key) for _, key in rates],
                    "series": [{"name": quarter, "values": [_percent(f["on_time"][k]["rate"]) for k, _ in rates]}
                               for quarter, f in ((data["previous"], last), (data["quarter"], this))]},
        "causes": _pareto(page, this["delay_causes"], words),
        "departments": {"type": "bar", "labels": [words.department(d) for d in departments],
                        "series": [{"name": data["previous"], "values": [before.get(d, 0) for d in departments]},
                                   {"name": data["quarter"], "values": [league.get(d, 0) for d in departments]}]},
        "capacity": {"type": "bar", "percent": True, "labels": [r["work_center"] for r in this["capacity"]["use"]],
                     "series": [{"name": t("ui.an.capacity.use"),
                                 "values": [_percent(r["use"]) for r in this["capacity"]["use"]]}]},
    }


def _page(page: Page, quarter: str, status: int = 200, *, form: FormData | None = None,
          fields: dict | None = None, error: errors.JidanError | None = None, department: str | None = None):
    year, n = quarterly.parse_quarter(quarter)
    improvements = quarterly.improvements(page.ctx, page.actor, year, n)
    data, charts, numbers, words = None, {}, {}, Words(page, {})
    if may(page.actor, ANALYSTS):
        data = quarterly.review(page.ctx, page.actor, year, n)
        names = board.names(page.ctx, page.actor, _ids([data["figures"], data["accountability"]], set()))
        numbers, words = names["orders"], Words(page, names["departments"])
        charts = _charts(page, data, words)
    shown = dict(data=data, improvements=improvements, charts=charts,
                 numbers=numbers, words=words, shown=SHOWN, quarter=quarter, year=year, n=n,
                 previous=quarterly.label(*quarterly.previous(year, n)), following=_following(year, n),
                 values=typed_values(form), fields=fields or {}, error=error, failed_department=department)
    if page.request.url.path.endswith(".pdf"):
        return printing.form(page, "reviews/quarterly.html", f"季度流程评审-{quarter}", **shown)
    return render(page, "reviews/quarterly.html", status, letterhead=printing.letterhead(page.ctx), **shown)


def _following(year: int, n: int) -> str:
    return quarterly.label(year + 1, 1) if n == 4 else quarterly.label(year, n + 1)


@router.get("/reviews/quarterly")
def current_quarter(page: UserPage):
    return redirect(f"/reviews/quarterly/{quarterly.label(*quarterly.quarter_of(page.ctx.now().date()))}")


@router.get("/reviews/quarterly/{quarter}")
@router.get("/reviews/quarterly/{quarter}.pdf")
def quarterly_page(page: UserPage, quarter: Quarter):
    return _page(page, quarter)


@router.post("/reviews/quarterly/{quarter}/actions")
def add_action(page: UserPage, form: Form, quarter: Quarter):
    """One department's improvement, as a tracked action with its owner and due date."""
    check_csrf(page, form)
    year, n = quarterly.parse_quarter(quarter)
    read = FormReader(form)
    department = read.text("department", 40, required=True, one_line=True)
    text = read.text("text", TEXT_MAX, required=True)
    owner = whole_number(read.raw("owner_id"))
    if owner is None:
        read.fail("owner_id", "required")
    due = read.date("due", required=True)
    try:
        if read.fields:
            raise errors.ValidationFailed("the improvement action is not complete", code="improvement.invalid",
                                          fields=read.fields)
        actions.add(page.ctx, page.actor, source=quarterly.SOURCE, source_id=quarterly.source_id(year, n),
                    department=department, text=text, owner_id=owner, due=due)
    except errors.ValidationFailed as exc:
        return _page(page, quarter, status_of(exc), form=form, fields=exc.fields, error=exc, department=department)
    return redirect(f"/reviews/quarterly/{quarter}#dept-{department}")


@router.post("/reviews/quarterly/{quarter}/actions/{action_id}/complete")
def complete_action(page: UserPage, form: Form, quarter: Quarter, action_id: RowId):
    check_csrf(page, form)
    quarterly.parse_quarter(quarter)
    read = FormReader(form)
    note = read.text("note", NOTE_MAX, required=True)
    version = whole_number(read.raw("version"))
    try:
        if read.fields:
            raise errors.ValidationFailed("say what was done", code="improvement.invalid", fields=read.fields)
        done = actions.complete(page.ctx, page.actor, action_id, version=version, note=note)
    except errors.ValidationFailed as exc:
        return _page(page, quarter, status_of(exc), form=form, fields={f"{action_id}.{k}": v
                                                                       for k, v in exc.fields.items()}, error=exc)
    return redirect(f"/reviews/quarterly/{quarter}#dept-{done['department']}")
