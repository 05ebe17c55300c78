"""Pages of the floor (D1, E1–E5, F1–F2): work-center screens for tablets, the order's execution
panel, the production notice and the exception report as printable forms, and the forms that
report exceptions and record inspections. Each handler reads the form, calls one service, renders.
"""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path as PathParam
from starlette.datastructures import FormData

from jidan.http.errors import status_of
from jidan.domain import errors
from jidan.domain.execution import (
    EXCEPTION_REPORTERS, INSPECTORS, OPERATORS, Disposition, ExceptionKind, Measure, Stage, TaskState,
)
from jidan.domain.roles import Role
from jidan.services.execution import exceptions
from jidan.services.execution import boards, customer_updates, defects, reports
from jidan.services.execution import production_notice as notice
from jidan.services.execution import progress as order_progress
from jidan.services.orders import views
from jidan.services.execution import quality
from jidan.web import printing
from jidan.web.forms import FormReader, typed_values, whole_number
from jidan.web.pages import Form, OrderId, Page, UserPage, WebRoute, check_csrf, redirect, render, templates

router = APIRouter(include_in_schema=False, route_class=WebRoute)
RowId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
CenterCode = Annotated[str, PathParam(min_length=1, max_length=20, pattern=r"^[A-Za-z0-9_.\-]+$")]

#: Who sees the floor's pages in the navigation (the services check each action).
NAV = {
    "workcenters": {Role.MANUFACTURING, Role.PMC, Role.QUALITY, Role.MANAGEMENT, Role.ADMIN},
    "exceptions": {Role.PMC, Role.MANAGEMENT, Role.MANUFACTURING, Role.QUALITY, Role.SALES,
                   Role.CUSTOMER_SERVICE},
}
templates.env.globals["execution_nav"] = NAV
ROLES = {"operators": OPERATORS, "reporters": EXCEPTION_REPORTERS, "inspectors": INSPECTORS,
         "contacts": customer_updates.CUSTOMER_CONTACTS}
CHOICES = {"kinds": [k.value for k in ExceptionKind], "measures": [m.value for m in Measure],
           "stages": [s.value for s in Stage], "dispositions": [d.value for d in Disposition]}
REPORTS = ("start", "pause", "resume", "finish")
DEFECT_ROWS = 3


def _page(page: Page, name: str, status: int = 200, **data):
    return render(page, f"execution/{name}", status, roles=ROLES, choices=CHOICES, **data)


# --- work centers (E1) ------------------------------------------------------------------------

@router.get("/workcenters")
def work_centers(page: UserPage):
    centers = boards.work_centers(page.ctx, page.actor)
    groups: dict[str, list[dict]] = {}
    for c in centers:
        groups.setdefault(c["department"], []).append(c)
    return _page(page, "workcenters.html", groups=groups)


def _board(page: Page, code: str, status: int = 200, error: errors.JidanError | None = None,
           task_id: int | None = None, form: FormData | None = None, fragment: bool = False):
    board = boards.work_center_board(page.ctx, page.actor, code)
    name = "_board_tasks.html" if fragment else "board.html"
    return _page(page, name, status, board=board, error=error, error_task=task_id, values=typed_values(form),
                 done=page.query_choice("done", REPORTS))


@router.get("/workcenters/{code}")
def work_center(page: UserPage, code: CenterCode):
    return _board(page, code)


@router.get("/workcenters/{code}/tasks")
def work_center_tasks(page: UserPage, code: CenterCode):
    """The task list alone, refreshed by htmx every minute."""
    return _board(page, code, fragment=True)


@router.post("/workcenters/{code}/tasks/{task_id}/{action}")
def report(page: UserPage, form: Form, code: CenterCode, task_id: RowId, action: str):
    check_csrf(page, form)
    read = FormReader(form)
    try:
        if action not in REPORTS:
            raise errors.ValidationFailed("unknown report", fields={"action": "unknown_action"})
        good, scrap = read.integer("good_qty", signed=True), read.integer("scrap_qty", signed=True)
        hours = read.decimal("hours", below=10**6)
        note = read.text("note", 500) or None
        read.check()
        reports.report(page.ctx, page.actor, task_id, reports.Report(
            action, good, scrap, hours if action == "finish" else None, note, read.version()))
    except errors.JidanError as exc:
        return _board(page, code, status_of(exc), exc, task_id, form)
    return redirect(f"/workcenters/{code}?done={action}#task-{task_id}")


# --- the order's execution panel (E2, E3) -----------------------------------------------------

def _panel_data(page: Page, order_id: int) -> dict:
    ctx, actor = page.ctx, page.actor
    return {"order": views.get_order(ctx, actor, order_id),
            "progress": order_progress.progress(ctx, actor, order_id),
            "exceptions": exceptions.for_order(ctx, actor, order_id),
            "quality": quality.for_order(ctx, actor, order_id)}


@router.get("/orders/{order_id}/execution")
def order_panel(page: UserPage, order_id: OrderId):
    """The panel alone for htmx; a whole page for a browser without JS."""
    data = _panel_data(page, order_id)
    if page.request.headers.get("hx-request"):
        return _page(page, "_panel.html", **data)
    return _page(page, "order_page.html", done=page.query_choice("done", ("progress_update", "inspection")), **data)


@router.post("/orders/{order_id}/progress-update")
def progress_update(page: UserPage, form: Form, order_id: OrderId):
    check_csrf(page, form)
    read = FormReader(form)
    try:
        note = read.text("note", 1000) or None
        read.check()
        customer_updates.send_progress_update(page.ctx, page.actor, order_id, note)
    except errors.JidanError as exc:
        return _page(page, "order_page.html", status_of(exc), error=exc, fields=exc.fields,
                     values=typed_values(form), **_panel_data(page, order_id))
    return redirect(f"/orders/{order_id}/execution?done=progress_update")


@router.get("/orders/{order_id}/production-notice")
@router.get("/orders/{order_id}/production-notice.pdf")
def production_notice(page: UserPage, order_id: OrderId):
    """紧急订单生产通知单, printable (and as PDF)."""
    view = notice.production_notice(page.ctx, page.actor, order_id)
    return printing.form(page, "execution/notice_print.html", f"生产通知单-{view['number']}", notice=view)


# --- process exceptions (E4, E5) --------------------------------------------------------------

def _exception_form(page: Page, order_id: int, status: int = 200, form: FormData | None = None,
                    error: errors.JidanError | None = None):
    values = typed_values(form) or {k: page.request.query_params.get(k, "") for k in ("task_id", "work_center", "kind")}
    progress = order_progress.progress(page.ctx, page.actor, order_id)
    return _page(page, "exception_form.html", status, order=views.get_order(page.ctx, page.actor, order_id),
                 tasks=progress["tasks"], values=values, fields=error.fields if error else {}, error=error,
                 now=page.ctx.now().isoformat(timespec="minutes"), centers=boards.center_choices(page.ctx, page.actor))


@router.get("/orders/{order_id}/exceptions/new")
def exception_form(page: UserPage, order_id: OrderId):
    return _exception_form(page, order_id)


@router.post("/orders/{order_id}/exceptions/new")
def report_exception(page: UserPage, form: Form, order_id: OrderId):
    check_csrf(page, form)
    read = FormReader(form)
    try:
        kind = read.choice("kind", CHOICES["kinds"], required=True, code="unknown_kind")
        description = read.text("description", 2000, required=True) or None
        delay = read.integer("estimated_delay_minutes", required=True, signed=True)
        if delay is not None and delay < 0:
            read.fail("estimated_delay_minutes", "must_not_be_negative")
        task_id, center = read.integer("task_id", signed=True), read.text("work_center", 20) or None
        down_from, down_until = read.datetime("down_from"), read.datetime("down_until")
        read.check()
        made = exceptions.report_exception(page.ctx, page.actor, exceptions.NewException(
            order_id, kind, description, delay, task_id, center, down_from, down_until))
    except errors.JidanError as exc:
        return _exception_form(page, order_id, status_of(exc), form, exc)
    return redirect(f"/exceptions/{made['id']}?done=report")


@router.get("/exceptions")
def exception_list(page: UserPage):
    return _page(page, "exceptions.html", items=exceptions.open_exceptions(page.ctx, page.actor))


def _exception_page(page: Page, exception_id: int, status: int = 200, error: errors.JidanError | None = None,
                    action: str | None = None, form: FormData | None = None):
    return _page(page, "exception.html", status, ex=exceptions.get_exception(page.ctx, page.actor, exception_id),
                 error=error, fields=error.fields if error else {}, failed_action=action, values=typed_values(form),
                 done=page.query_choice("done", ("report", "replan", "apply", "approve", "reject", "inform_customer", "close")))


@router.get("/exceptions/{exception_id}")
def exception_detail(page: UserPage, exception_id: RowId):
    return _exception_page(page, exception_id)


@router.get("/exceptions/{exception_id}/print")
@router.get("/exceptions/{exception_id}/print.pdf")
def exception_print(page: UserPage, exception_id: RowId):
    """紧急订单制程异常申报单, printable (and as PDF)."""
    ex = exceptions.get_exception(page.ctx, page.actor, exception_id)
    return printing.form(page, "execution/exception_print.html", f"制程异常申报单-{ex['number']}", ex=ex,
                         choices=CHOICES)


@router.post("/exceptions/{exception_id}/actions/{action}")
def exception_action(page: UserPage, form: Form, exception_id: RowId, action: str):
    check_csrf(page, form)
    read = FormReader(form)
    ctx, actor, version = page.ctx, page.actor, read.version()
    try:
        if action == "replan":
            exceptions.replan(ctx, actor, exception_id, 2.0, version)
        elif action == "apply":
            text = read.text("application", 2000, required=True) or None
            measure = read.choice("requested_measure", CHOICES["measures"], code="unknown_measure")
            read.check()
            exceptions.apply_to_management(ctx, actor, exception_id, text, measure, version)
        elif action in ("approve", "reject"):
            measure = read.choice("measure", CHOICES["measures"], required=action == "approve",
                                  code="unknown_measure")
            new_date, note = read.date("new_date"), read.text("note", 1000, required=action == "reject") or None
            read.check()
            exceptions.decide(ctx, actor, exception_id, action == "approve", measure, new_date, note, version)
        elif action == "inform_customer":
            message = read.text("message", 1000) or None
            read.check()
            exceptions.inform_customer(ctx, actor, exception_id, message, version)
        elif action == "close":
            note = read.text("note", 1000) or None
            read.check()
            exceptions.close(ctx, actor, exception_id, note, version)
        else:
            raise errors.ValidationFailed("unknown action", fields={"action": "unknown_action"})
    except errors.JidanError as exc:
        return _exception_page(page, exception_id, status_of(exc), exc, action, form)
    return redirect(f"/exceptions/{exception_id}?done={action}")


# --- inspections (F1, F2) ---------------------------------------------------------------------

def _inspection_form(page: Page, order_id: int, status: int = 200, form: FormData | None = None,
                     error: errors.JidanError | None = None):
    params = page.request.query_params
    values = typed_values(form) or {"stage": params.get("stage") or ("in_process" if params.get("task_id") else "final"),
                               "task_id": params.get("task_id", ""), "failed_qty": "0"}
    rows = list(zip(form.getlist("defect_code"), form.getlist("defect_count"))) if form else []
    rows = [(str(c), str(n)) for c, n in rows][:DEFECT_ROWS] + [("", "")] * max(0, DEFECT_ROWS - len(rows))
    found = quality.for_order(page.ctx, page.actor, order_id)
    # only steps the floor has started can be inspected: the form offers no other
    found = {**found, "points": [p for p in found["points"] if p["status"] != TaskState.PLANNED]}
    return _page(page, "inspection_form.html", status, order=views.get_order(page.ctx, page.actor, order_id),
                 quality=found, values=values, defect_rows=rows,
                 fields=error.fields if error else {}, error=error,
                 defect_codes=defects.catalogue(page.ctx, page.actor, active_only=True))


@router.get("/orders/{order_id}/inspections/new")
def inspection_form(page: UserPage, order_id: OrderId):
    return _inspection_form(page, order_id)


@router.post("/orders/{order_id}/inspections/new")
def record_inspection(page: UserPage, form: Form, order_id: OrderId):
    check_csrf(page, form)
    read = FormReader(form)
    try:
        stage = read.choice("stage", CHOICES["stages"], required=True, code="unknown_stage")
        passed = read.integer("passed_qty", required=True, signed=True)
        failed = read.integer("failed_qty", signed=True) or 0
        task_id = read.integer("task_id", signed=True) if stage == "in_process" else None
        line_no = read.integer("line_no", signed=True) if stage == "final" else None
        disposition = read.choice("disposition", CHOICES["dispositions"], code="unknown_disposition")
        rework_from = read.integer("rework_from_seq", signed=True)
        note = read.text("note", 1000) or None
        defects = []
        for k, (code, count) in enumerate(zip(form.getlist("defect_code"), form.getlist("defect_count"))):
            code, count = str(code).strip()[:40], str(count).strip()
            if not code and not count:
                continue
            if not code:
                read.fail(f"defects.{k}.code", "required")
            number = whole_number(count, 7)
            if not number:
                read.fail(f"defects.{k}.count", "must_be_positive")
            else:
                defects.append((code, number))
        read.check()
        quality.record_inspection(page.ctx, page.actor, quality.NewInspection(
            order_id, stage, passed, failed, task_id, line_no, tuple(defects), note,
            disposition if failed else None, rework_from if failed else None))
    except errors.JidanError as exc:
        return _inspection_form(page, order_id, status_of(exc), form, exc)
    return redirect(f"/orders/{order_id}/execution?done=inspection")


# --- the defect-code catalogue (issue 24) -----------------------------------------------------

def _defect_page(page: Page, status: int = 200, error: errors.JidanError | None = None,
                 form: FormData | None = None):
    return _page(page, "defect_codes.html", status, codes=defects.catalogue(page.ctx, page.actor),
                 error=error, fields=error.fields if error else {}, values=typed_values(form),
                 done=page.query_choice("done", ("saved",)))


@router.get("/defect-codes")
def defect_codes(page: UserPage):
    return _defect_page(page)


@router.post("/defect-codes")
def save_defect_code(page: UserPage, form: Form):
    """Adds a code or changes one (admin): the same form for both, the code names the row."""
    check_csrf(page, form)
    read = FormReader(form)
    try:
        code = read.text("code", 40, one_line=True, required=True)
        name_zh, name_en = read.text("name_zh", 100, one_line=True), read.text("name_en", 100, one_line=True)
        read.check()
        defects.save(page.ctx, page.actor, code, name_zh or "", name_en or "", form.get("active") == "on",
                     read.version())
    except errors.JidanError as exc:
        return _defect_page(page, status_of(exc), exc, form)
    return redirect("/defect-codes?done=saved")
