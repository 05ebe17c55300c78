"""Pages of the store urgent replenishment (K1–K7): the store's and the supplier's homes, the
requisition form, each requisition with its steps and the act that waits, and the five
printable documents. Forms are read here and checked by the same service the API calls, so a
refused form comes back with its fields marked (422) and nothing written.
"""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path as PathParam
from starlette.datastructures import FormData

from jidan.domain import errors
from jidan.domain.roles import Role
from jidan.domain.store import DOCUMENTS, LINES_MAX
from jidan.http.errors import status_of
from jidan.services.store import requisitions
from jidan.services.store.requisitions import NewRequisition, StepInput
from jidan.web import printing
from jidan.web.forms import FormReader, typed_values
from jidan.web.pages import Form, Page, UserPage, WebRoute, check_csrf, redirect, render, templates

router = APIRouter(include_in_schema=False, route_class=WebRoute)
RowId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
Action = Literal["approve", "reject", "confirm", "decline", "deliver", "sign", "hand_in", "transfer_out",
                 "transfer_in"]
Document = Literal[tuple(DOCUMENTS.values())]
#: Empty rows the form offers for items.
FORM_ROWS = 5


def nav_of(actor) -> str | None:
    """The top bar's link for the roles of this flow."""
    if actor.role == Role.SUPPLIER:
        return "/supplier"
    return "/store" if actor.role in (Role.STORE, Role.PURCHASING, Role.MANAGEMENT) else None


templates.env.globals["store_nav"] = nav_of


def _home(page: Page, title: str):
    ctx, actor = page.ctx, page.actor
    stores = requisitions.list_stores(ctx, actor)
    raises = any(s["my_part"] == "supervisor" for s in stores)
    return render(page, "store/home.html", title=title, waiting=requisitions.waiting_on(ctx, actor),
                  rows=requisitions.list_requisitions(ctx, actor), stores=stores, raises=raises)


@router.get("/store")
def store_home(page: UserPage):
    """The store's home (and headquarters' list): what waits on the user, then every requisition."""
    if page.actor.role == Role.SUPPLIER:
        return redirect("/supplier")
    title = "ui.store.home.store_title" if page.actor.role == Role.STORE else "ui.store.home.hq_title"
    return _home(page, title)


@router.get("/supplier")
def supplier_home(page: UserPage):
    """The supplier's home: the requisitions it was chosen for, what waits on it first."""
    if page.actor.role != Role.SUPPLIER:
        raise errors.Forbidden("this is the suppliers' page", code="auth.role_not_allowed")
    return _home(page, "ui.store.home.supplier_title")


def _new_form(page: Page, status: int = 200, form: FormData | None = None, fields: dict | None = None,
              error: errors.JidanError | None = None):
    return render(page, "store/new.html", status, items=requisitions.item_choices(page.ctx, page.actor),
                  stores=requisitions.list_stores(page.ctx, page.actor), rows=range(FORM_ROWS),
                  values=typed_values(form), fields=fields or {}, error=error)


@router.get("/store/requisitions/new")
def new_requisition(page: UserPage):
    return _new_form(page)


@router.post("/store/requisitions/new")
def raise_requisition(page: UserPage, form: Form):
    check_csrf(page, form)
    read = FormReader(form)
    lines, rows = [], []
    for i in range(LINES_MAX):
        item = read.text(f"lines.{i}.item", 30, one_line=True)
        quantity = read.integer(f"lines.{i}.quantity", signed=True)
        on_hand = read.integer(f"lines.{i}.store_stock", signed=True, default=0)
        if item or quantity is not None:
            lines.append((item, quantity, on_hand))
            rows.append(i)
    note = read.text("note", 2000)
    store = read.text("store", 20, one_line=True)
    try:
        read.check("the requisition is not valid")
        made = requisitions.raise_requisition(page.ctx, page.actor, NewRequisition(lines, note or None, store or None))
    except errors.JidanError as exc:
        # The service numbers the rows it was given; the form shows them where they were typed.
        shown = {}
        for key, code in exc.fields.items():
            parts = key.split(".")
            if parts[0] == "lines" and len(parts) == 3 and parts[1].isdigit() and int(parts[1]) < len(rows):
                key = f"lines.{rows[int(parts[1])]}.{parts[2]}"
            shown[key] = code
        return _new_form(page, status_of(exc), form, shown, exc)
    return redirect(f"/store/requisitions/{made['id']}")


def _detail(page: Page, requisition_id: int, status: int = 200, form: FormData | None = None,
            fields: dict | None = None, error: errors.JidanError | None = None, action: str | None = None):
    req = requisitions.get_requisition(page.ctx, page.actor, requisition_id)
    suppliers = requisitions.supplier_choices(page.ctx, page.actor) if "confirm" in req["allowed_actions"] else []
    return render(page, "store/requisition.html", status, req=req, suppliers=suppliers,
                  values=typed_values(form), fields=fields or {}, error=error, failed=action,
                  back=nav_of(page.actor) or "/")


@router.get("/store/requisitions/{requisition_id}")
def requisition_page(page: UserPage, requisition_id: RowId):
    return _detail(page, requisition_id)


@router.post("/store/requisitions/{requisition_id}/actions/{action}")
def take_step(page: UserPage, form: Form, requisition_id: RowId, action: Action):
    check_csrf(page, form)
    read = FormReader(form)
    req = requisitions.get_requisition(page.ctx, page.actor, requisition_id)
    items = [ln["item"] for ln in req["lines"]]
    counts, reasons = {}, {}
    if action in ("deliver", "sign"):
        key = "quantities" if action == "deliver" else "accepted"
        for item in items:
            value = read.integer(f"{key}.{item}", signed=True)
            if value is not None:
                counts[item] = value
            if action == "sign":
                reasons[item] = read.text(f"reasons.{item}", 500)
    cmd = StepInput(version=read.version(), reason=read.text("reason", 500) or None,
                    supplier=read.text("supplier", 50, one_line=True) or None, arrive_on=read.date("arrive_on"),
                    quantities=counts if action == "deliver" else {}, accepted=counts if action == "sign" else {},
                    reasons=reasons, receiving_code=read.text("receiving_code", 40, one_line=True) or None)
    try:
        read.check(f"the {action} is not valid")
        requisitions.act(page.ctx, page.actor, requisition_id, action, cmd)
    except errors.JidanError as exc:
        if isinstance(exc, errors.NotFound):
            raise
        return _detail(page, requisition_id, status_of(exc), form, exc.fields, exc, action)
    return redirect(f"/store/requisitions/{requisition_id}")


@router.get("/store/requisitions/{requisition_id}/print/{document}")
@router.get("/store/requisitions/{requisition_id}/print/{document}.pdf")
def print_document(page: UserPage, requisition_id: RowId, document: Document):
    """One of the five documents, printable; one not made yet is 404."""
    req = requisitions.get_requisition(page.ctx, page.actor, requisition_id)
    if document not in req["documents"]:
        raise errors.NotFound(f"{req['number']} has no {document} yet", code="store.requisition_not_found")
    return printing.form(page, "store/print.html", f"{req['number']}-{document}", req=req, document=document)
