"""Review, approval and change-request pages (B1–B7, A6, H1–H3): the order panel, the review
record and its printable form, the approvals waiting for me, change requests, chains, deputies.

Every page works without JavaScript (forms post and redirect back); the order page loads the
panel with htmx. Signing asks for the password unless the login is fresh.
"""
from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Path as PathParam

from jidan.http.errors import status_of
from jidan.domain import errors
from jidan.domain.approval import (
    CHANGEABLE_STATES, INSTRUCTION_LEVERS, PHASE_ACTION, ChainRule, Conditions, Opinion, Phase, StepRule,
)
from jidan.domain.roles import ORDER_ENTRY, ORDER_VIEWERS, Role
from jidan.services.approvals import chains as approval_chains
from jidan.services.approvals import review as approvals
from jidan.services.approvals import changes
from jidan.services.approvals import letters as confirmations
from jidan.services.approvals import delegations
from jidan.services.orders import views
from jidan.services.approvals import signing
from jidan.services.approvals.signatures import Decision
from jidan.services.approvals.changes import ChangeInput
from jidan.domain.text import has_control
from jidan.web import printing
from jidan.web.forms import FormReader, typed_values, whole_number
from jidan.web.orders import line_rows, parse_lines, row_fields
from jidan.web.pages import (
    Form, Page, UserPage, WebRoute, check_csrf, redirect, render, signing_proof, templates,
)

router = APIRouter(include_in_schema=False, route_class=WebRoute)
templates.env.globals["workflow_nav"] = lambda actor: actor is not None and actor.role in ORDER_VIEWERS
#: The order page's buttons that are signatures (they ask for the password when the login is not fresh).
templates.env.globals["signed_actions"] = frozenset(PHASE_ACTION.values()) | {"reject"}
RowId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
Code = Annotated[str, PathParam(min_length=1, max_length=30, pattern=r"^[A-Za-z0-9_.\-]+$")]
OPINIONS = [o.value for o in Opinion]
MAX_STEP_ROWS = 12


# ----------------------------------------------------------------------------- form reading
def _decision(read: FormReader) -> Decision:
    """The signer's opinion from the sign form; refuses it (422) when a field cannot be read."""
    opinion = read.choice("opinion", OPINIONS, code="invalid_choice") or Opinion.AGREE.value
    levers = tuple(str(v) for v in read.form.getlist("levers") if str(v) in INSTRUCTION_LEVERS)
    decision = Decision(Opinion(opinion), read.text("comment", 1000) or None, read.date("suggested_date"),
                        read.date("committed_date"), levers, read.text("on_behalf_of", 50) or None)
    read.check()
    return decision


# ----------------------------------------------------------------------------- order panel and review record
def _sign_forms(can: dict) -> list[dict]:
    """One sign form per identity (myself, or the approver I stand in for) with the opinions open to it."""
    forms: dict = {}
    for key in ("sign", "disagree"):
        for step in can[key]:
            entry = forms.setdefault(step["on_behalf_of"], {"on_behalf_of": step["on_behalf_of"],
                                                            "agree": None, "disagree": None})
            entry["agree" if key == "sign" else "disagree"] = step
    return list(forms.values())


def _record(page: Page, order_id: int) -> dict:
    rec = approvals.review_record(page.ctx, page.actor, order_id)
    rec["sign_forms"] = _sign_forms(rec["can"])
    rec["changeable"] = (page.actor.role in ORDER_ENTRY and rec["order"]["status"] in CHANGEABLE_STATES)
    rec["changes"] = changes.list_changes(page.ctx, page.actor, order_id)
    return rec


def _review_page(page: Page, order_id: int, status: int = 200, error: errors.JidanError | None = None,
                 values: dict | None = None):
    return render(page, "workflow/review.html", status, rec=_record(page, order_id), error=error,
                  values=values or {}, done=page.query_choice("done", ("opened", "signed", "sent")),
                  levers=INSTRUCTION_LEVERS, opinions=OPINIONS)


@router.get("/orders/{order_id}/workflow")
def panel(page: UserPage, order_id: RowId):
    """The order page's panel (loaded by htmx)."""
    return render(page, "workflow/_panel.html", rec=_record(page, order_id), error=None, values={},
                  levers=INSTRUCTION_LEVERS, opinions=OPINIONS, done=None)


@router.get("/orders/{order_id}/review")
def review_page(page: UserPage, order_id: RowId):
    return _review_page(page, order_id)


@router.post("/orders/{order_id}/review/open")
def open_review(page: UserPage, form: Form, order_id: RowId):
    check_csrf(page, form)
    try:
        approvals.open_review(page.ctx, page.actor, order_id)
    except errors.JidanError as exc:
        return _review_page(page, order_id, status_of(exc), exc)
    return redirect(f"/orders/{order_id}/review?done=opened")


@router.post("/orders/{order_id}/review/sign")
def sign(page: UserPage, form: Form, order_id: RowId):
    check_csrf(page, form)
    read = FormReader(form)
    try:
        signing.sign(page.ctx, page.actor, order_id, _decision(read), signing_proof(page, form), read.version())
    except errors.JidanError as exc:
        return _review_page(page, order_id, status_of(exc), exc, typed_values(form))
    return redirect(f"/orders/{order_id}/review?done=signed")


@router.get("/orders/{order_id}/review/print")
@router.get("/orders/{order_id}/review/print.pdf")
def review_print(page: UserPage, order_id: RowId):
    """紧急订单评审记录表, printable (and as PDF)."""
    rec = _record(page, order_id)
    return printing.form(page, "workflow/review_print.html", f"评审记录表-{rec['order']['number']}", rec=rec)


@router.get("/orders/{order_id}/letters/{letter_id}")
@router.get("/orders/{order_id}/letters/{letter_id}.pdf")
def letter_print(page: UserPage, order_id: RowId, letter_id: RowId):
    """确认函, printable (and as PDF), exactly as stored."""
    letter, order = confirmations.letter(page.ctx, page.actor, order_id, letter_id)
    return printing.form(page, "workflow/letter_print.html", f"确认函-{order['number']}", letter=letter, order=order)


@router.post("/orders/{order_id}/letters/{letter_id}/send")
def send_letter(page: UserPage, form: Form, order_id: RowId, letter_id: RowId):
    check_csrf(page, form)
    read = FormReader(form)
    to = [a.strip() for a in read.text("to", 500).replace("；", ",").replace(";", ",").split(",") if a.strip()]
    try:
        read.check()
        confirmations.send_letter(page.ctx, page.actor, order_id, letter_id, to or None, read.version())
    except errors.JidanError as exc:
        return _review_page(page, order_id, status_of(exc), exc)
    return redirect(f"/orders/{order_id}/review?done=sent")


# ----------------------------------------------------------------------------- what waits for me
APPROVALS_PAGE = 20
#: The most signatures one batch gives (each is checked, signed and audited on its own).
BATCH_MOST = 50


def _approvals_query(page: Page) -> dict:
    """The approvals filters from the query string, leniently: what cannot be read is dropped."""
    params = page.request.query_params
    q = (params.get("q") or "").strip()[:60]
    return {"q": "" if has_control(q) else q,
            "kind": params.get("kind") if params.get("kind") in ("review", "change") else "",
            "urgent": params.get("urgent") in ("1", "on", "true"),
            "page": whole_number(params.get("page", ""), 6) or 1}


def _approvals_page(page: Page, status: int = 200, error: errors.JidanError | None = None,
                    results: list[dict] | None = None):
    query = _approvals_query(page)
    pending = approvals.pending(page.ctx, page.actor, query["kind"], query["urgent"], query["q"], query["page"],
                                APPROVALS_PAGE)
    return render(page, "workflow/approvals.html", status, pending=pending, shown=pending["shown"],
                  items=pending["items"], query=query, pages=pending["pages"], error=error,
                  results=results or [], qs=lambda **over: urlencode(
                      {k: ("1" if v is True else v) for k, v in {**query, **over}.items()
                       if v and not (k == "page" and v == 1)}))


@router.get("/approvals")
def approvals_page(page: UserPage):
    return _approvals_page(page)


@router.post("/approvals/sign")
def sign_batch(page: UserPage, form: Form):
    """Agrees to each chosen review step, one signature at a time: each is checked, signed and
    audited on its own (one failing stops none of the others); the password is typed once."""
    check_csrf(page, form)
    chosen = list(dict.fromkeys(n for n in (whole_number(str(v), 10) for v in form.getlist("order")) if n))
    if not chosen or len(chosen) > BATCH_MOST:
        return _approvals_page(page, 422, errors.ValidationFailed(
            "choose the orders to sign", fields={"order": "required" if not chosen else "too_many_rows"}))
    proof, results = signing_proof(page, form), []
    comment = FormReader(form).text("comment", 1000) or None
    for order_id in chosen:
        try:
            signed = signing.sign(page.ctx, page.actor, order_id, Decision(Opinion.AGREE, comment), proof)
            results.append({"order_id": order_id, "number": signed["order"]["number"], "error": None})
        except errors.JidanError as exc:
            results.append({"order_id": order_id, "number": None, "error": exc})
    failed = [r for r in results if r["error"]]
    return _approvals_page(page, status_of(failed[0]["error"]) if len(failed) == len(results) else 200,
                           results=results)


# ----------------------------------------------------------------------------- change requests
def _change_form(page: Page, order_id: int, status: int = 200, form=None, rows=None, fields=None, error=None):
    order = views.get_order(page.ctx, page.actor, order_id)
    if form is not None:
        values = typed_values(form)
    else:
        values = {"requested_date": order["requested_date"], "special_requirements": order["special_requirements"] or ""}
        rows = [{"product": ln["product"], "quantity": str(ln["quantity"]), "unit_price": ln["unit_price"]}
                for ln in order["lines"]]
    from jidan.services.masterdata import catalogue as masterdata
    return render(page, "workflow/change_new.html", status, order=order, values=values, rows=rows,
                  fields=fields or {}, error=error,
                  products=masterdata.list_products(page.ctx, page.actor, kind="finished"))


@router.get("/orders/{order_id}/changes/new")
def change_form(page: UserPage, order_id: RowId):
    if page.actor.role not in ORDER_ENTRY:
        raise errors.Forbidden("only sales raises change requests", code="auth.role_not_allowed")
    return _change_form(page, order_id)


@router.post("/orders/{order_id}/changes/new")
def change_create(page: UserPage, form: Form, order_id: RowId):
    check_csrf(page, form)
    rows = line_rows(form)
    if "add_line" in form:
        return _change_form(page, order_id, form=form, rows=rows + line_rows(None)[:1])
    read = FormReader(form)
    requested = read.date("requested_date")
    lines, row_of = parse_lines(rows, read.fields)
    reason = read.text("reason", 1000, required=True)
    confirmation = read.text("customer_confirmation", 500, required=True)
    special = read.text("special_requirements", 2000)
    if read.fields:
        return _change_form(page, order_id, 422, form, rows, read.fields, errors.ValidationFailed("form not valid"))
    try:
        view = changes.request_change(page.ctx, page.actor, order_id, ChangeInput(
            reason, confirmation, requested, lines, special, read.version()))
    except errors.JidanError as exc:
        return _change_form(page, order_id, status_of(exc), form, rows, row_fields(exc.fields, row_of), exc)
    return redirect(f"/changes/{view['id']}")


@router.get("/changes")
def change_list(page: UserPage):
    status = page.query_choice("status", ("pending", "approved", "rejected", "withdrawn"))
    return render(page, "workflow/changes.html", items=changes.list_changes(page.ctx, page.actor, status=status),
                  shown=status)


def _change_page(page: Page, change_id: int, status: int = 200, error=None, values=None):
    return render(page, "workflow/change.html", status, cr=changes.get_change(page.ctx, page.actor, change_id),
                  error=error, values=values or {}, opinions=OPINIONS,
                  done=page.query_choice("done", ("signed", "withdrawn")))


@router.get("/changes/{change_id}")
def change_page(page: UserPage, change_id: RowId):
    return _change_page(page, change_id)


@router.get("/changes/{change_id}/print")
@router.get("/changes/{change_id}/print.pdf")
def change_print(page: UserPage, change_id: RowId):
    """变更申请表, printable (and as PDF)."""
    cr = changes.get_change(page.ctx, page.actor, change_id)
    return printing.form(page, "workflow/change_print.html", f"变更申请表-{cr['number']}", cr=cr)


@router.post("/changes/{change_id}/sign")
def change_sign(page: UserPage, form: Form, change_id: RowId):
    check_csrf(page, form)
    read = FormReader(form)
    try:
        changes.sign_change(page.ctx, page.actor, change_id, _decision(read), signing_proof(page, form), read.version())
    except errors.JidanError as exc:
        return _change_page(page, change_id, status_of(exc), exc, typed_values(form))
    return redirect(f"/changes/{change_id}?done=signed")


@router.post("/changes/{change_id}/withdraw")
def change_withdraw(page: UserPage, form: Form, change_id: RowId):
    check_csrf(page, form)
    try:
        changes.withdraw_change(page.ctx, page.actor, change_id, FormReader(form).version())
    except errors.JidanError as exc:
        return _change_page(page, change_id, status_of(exc), exc)
    return redirect(f"/changes/{change_id}?done=withdrawn")


# ----------------------------------------------------------------------------- chains (admin)
def _chains_page(page: Page, status: int = 200, error=None, edited: str | None = None):
    return render(page, "workflow/chains.html", status, chains=approval_chains.list_chains(page.ctx, page.actor),
                  error=error, edited=edited, roles=[r.value for r in Role], phases=[p.value for p in Phase],
                  blank_rows=MAX_STEP_ROWS, done=page.query_choice("done", ("saved",)))


@router.get("/workflow/chains")
def chains_page(page: UserPage):
    return _chains_page(page)


def _read_chain(code: str, read: FormReader) -> ChainRule:
    """The chain from the edit form: one row of step inputs per step; blank rows are dropped."""
    form = read.form
    columns = {k: form.getlist(k) for k in ("stage", "role", "step_name", "phase", "required", "step_min_amount",
                                            "deadline_hours")}
    flags = {k: set(form.getlist(k)) for k in ("urgent_only", "key_customer_only")}
    steps = []
    for i in range(min(MAX_STEP_ROWS, len(columns["role"]))):
        row = {k.removeprefix("step_"): (str(v[i]) if i < len(v) else "") for k, v in columns.items()}
        step = FormReader(row, read.fields, f"steps.{i}.")
        role = step.choice("role", Role._value2member_map_, code="unknown_role")
        if role is None:
            continue
        phase = step.choice("phase", Phase._value2member_map_, required=True, code="invalid_choice")
        if phase is None:
            continue
        hours = step.decimal("deadline_hours", low=0)
        steps.append(StepRule(step.integer("stage", digits=6, default=1), Role(role), step.raw("name")[:100],
                              Phase(phase), step.integer("required", digits=6, default=1),
                              Conditions(step.decimal("min_amount", low=0),
                                         str(i) in flags["urgent_only"], str(i) in flags["key_customer_only"]),
                              float(hours) if hours is not None else None))
    return ChainRule(code, read.text("name", 100), tuple(steps), read.integer("rank", digits=6, default=100),
                     Conditions(read.decimal("chain_min_amount", low=0), read.checkbox("chain_urgent_only"),
                                read.checkbox("chain_key_customer_only")),
                     read.checkbox("active"))


@router.post("/workflow/chains/{code}")
def chain_save(page: UserPage, form: Form, code: Code):
    return _save_chain(page, form, code, code)


@router.post("/workflow/chains")
def chain_create(page: UserPage, form: Form):
    """A new chain: its code comes from the form."""
    return _save_chain(page, form, FormReader(form).raw("code")[:30], "new")


def _save_chain(page: Page, form, code: str, edited: str):
    check_csrf(page, form)
    read = FormReader(form)
    if not code or not all(c.isascii() and (c.isalnum() or c in "_.-") for c in code):
        read.fail("code", "required")
    chain = _read_chain(code, read)
    try:
        read.check()
        approval_chains.save_chain(page.ctx, page.actor, chain, read.version())
    except errors.JidanError as exc:
        return _chains_page(page, status_of(exc), exc, edited=edited)
    return redirect("/workflow/chains?done=saved")


# ----------------------------------------------------------------------------- deputies
def _delegations_page(page: Page, status: int = 200, error=None, values=None):
    return render(page, "workflow/delegations.html", status,
                  delegations=delegations.list_delegations(page.ctx, page.actor), error=error, values=values or {},
                  done=page.query_choice("done", ("saved", "revoked")))


@router.get("/workflow/delegations")
def delegations_page(page: UserPage):
    return _delegations_page(page)


@router.post("/workflow/delegations")
def delegation_add(page: UserPage, form: Form):
    check_csrf(page, form)
    read = FormReader(form)
    deputy = read.text("deputy", 50, required=True)
    starts = read.datetime("starts_at", required=True, code="invalid_date")
    ends = read.datetime("ends_at", required=True, code="invalid_date")
    reason, principal = read.text("reason", 500), read.text("principal", 50)
    try:
        read.check()
        delegations.add_delegation(page.ctx, page.actor, deputy, starts, ends, reason or None, principal or None,
                                   role_exception=form.get("role_exception") == "1")
    except errors.JidanError as exc:
        return _delegations_page(page, status_of(exc), exc, typed_values(form))
    return redirect("/workflow/delegations?done=saved")


@router.post("/workflow/delegations/{delegation_id}/revoke")
def delegation_revoke(page: UserPage, form: Form, delegation_id: RowId):
    check_csrf(page, form)
    try:
        delegations.revoke_delegation(page.ctx, page.actor, delegation_id, FormReader(form).version())
    except errors.JidanError as exc:
        return _delegations_page(page, status_of(exc), exc)
    return redirect("/workflow/delegations?done=revoked")
