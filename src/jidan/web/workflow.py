"""Review, approval and change-request pages (B1–B7, A6, H1–H3): the order panel, the review
record and its printable form, the approvals waiting for me, change requests, chains, deputies.

Every page works without JavaScript (forms post and redirect back); the order page loads the
panel with htmx. Signing asks for the password unless the login is fresh.
"""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, Path as PathParam

from jidan.api.errors import status_of
from jidan.domain import errors
from jidan.domain.approval import (
    CHANGEABLE_STATES, INSTRUCTION_LEVERS, ChainRule, Conditions, Opinion, Phase, StepRule,
)
from jidan.domain.roles import ORDER_ENTRY, ORDER_VIEWERS, Role
from jidan.services import approvals, changes, orders
from jidan.services.approvals import Decision, Proof
from jidan.services.changes import ChangeInput
from jidan.web.routes import (
    Form, Page, UserPage, WebRoute, _line_rows, _parse_lines, _row_fields, check_csrf, redirect, render,
    templates,
)

router = APIRouter(include_in_schema=False, route_class=WebRoute)
templates.env.globals["workflow_nav"] = lambda actor: actor is not None and actor.role in ORDER_VIEWERS
RowId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
Code = Annotated[str, PathParam(min_length=1, max_length=30, pattern=r"^[A-Za-z0-9_.\-]+$")]
OPINIONS = [o.value for o in Opinion]
MAX_STEP_ROWS = 12


# ----------------------------------------------------------------------------- form reading
def _text(form, name: str, limit: int) -> str:
    return str(form.get(name, "")).strip()[:limit]


def _date(form, name: str, fields: dict) -> date | None:
    value = _text(form, name, 20)
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fields[name] = "invalid_date"
        return None


def _datetime(form, name: str, fields: dict) -> datetime | None:
    value = _text(form, name, 30)
    if not value:
        fields[name] = "required"
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=None, second=0, microsecond=0)
    except ValueError:
        fields[name] = "invalid_date"
        return None


def _version(form) -> int | None:
    value = _text(form, "version", 12)
    return int(value) if value.isdigit() else None


def _proof(page: Page, form) -> Proof:
    password = str(form.get("password", ""))[:200]
    return Proof(password=password) if password else Proof(session_token=page.session_token)


def _decision(form, fields: dict) -> Decision:
    opinion = _text(form, "opinion", 30) or Opinion.AGREE.value
    if opinion not in OPINIONS:
        fields["opinion"] = "invalid_choice"
        opinion = Opinion.AGREE.value
    levers = tuple(str(v) for v in form.getlist("levers") if str(v) in INSTRUCTION_LEVERS)
    return Decision(Opinion(opinion), _text(form, "comment", 1000) or None, _date(form, "suggested_date", fields),
                    _date(form, "committed_date", fields), levers, _text(form, "on_behalf_of", 50) or None)


def _fail(fields: dict) -> None:
    if fields:
        raise errors.ValidationFailed("the form is not valid", fields=fields)


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
    done = page.request.query_params.get("done")
    return render(page, "workflow/review.html", status, rec=_record(page, order_id), error=error,
                  values=values or {}, done=done if done in ("opened", "signed", "sent") else None,
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
    fields: dict = {}
    values = {k: _text(form, k, 1000) for k in ("opinion", "comment", "suggested_date", "committed_date",
                                                 "on_behalf_of")}
    try:
        decision = _decision(form, fields)
        _fail(fields)
        approvals.sign(page.ctx, page.actor, order_id, decision, _proof(page, form), _version(form))
    except errors.JidanError as exc:
        return _review_page(page, order_id, status_of(exc), exc, values)
    return redirect(f"/orders/{order_id}/review?done=signed")


@router.get("/orders/{order_id}/review/print")
def review_print(page: UserPage, order_id: RowId):
    """紧急订单评审记录表, printable."""
    return render(page, "workflow/review_print.html", rec=_record(page, order_id))


@router.get("/orders/{order_id}/letters/{letter_id}")
def letter_print(page: UserPage, order_id: RowId, letter_id: RowId):
    """确认函, printable, exactly as stored."""
    letter, order = approvals.letter(page.ctx, page.actor, order_id, letter_id)
    return render(page, "workflow/letter_print.html", letter=letter, order=order)


@router.post("/orders/{order_id}/letters/{letter_id}/send")
def send_letter(page: UserPage, form: Form, order_id: RowId, letter_id: RowId):
    check_csrf(page, form)
    to = [a.strip() for a in _text(form, "to", 500).replace("；", ",").replace(";", ",").split(",") if a.strip()]
    try:
        approvals.send_letter(page.ctx, page.actor, order_id, letter_id, to or None, _version(form))
    except errors.JidanError as exc:
        return _review_page(page, order_id, status_of(exc), exc)
    return redirect(f"/orders/{order_id}/review?done=sent")


# ----------------------------------------------------------------------------- what waits for me
@router.get("/approvals")
def approvals_page(page: UserPage):
    return render(page, "workflow/approvals.html", pending=approvals.pending(page.ctx, page.actor))


# ----------------------------------------------------------------------------- change requests
def _change_form(page: Page, order_id: int, status: int = 200, form=None, rows=None, fields=None, error=None):
    order = orders.get_order(page.ctx, page.actor, order_id)
    if form is not None:
        values = {k: str(form.get(k, "")) for k in form.keys()}
    else:
        values = {"requested_date": order["requested_date"], "special_requirements": order["special_requirements"] or ""}
        rows = [{"product": ln["product"], "quantity": str(ln["quantity"]), "unit_price": ln["unit_price"]}
                for ln in order["lines"]]
    from jidan.services import masterdata
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
    rows = _line_rows(form)
    if "add_line" in form:
        return _change_form(page, order_id, form=form, rows=rows + _line_rows(None)[:1])
    fields: dict = {}
    requested = _date(form, "requested_date", fields)
    lines, row_of = _parse_lines(rows, fields)
    reason, confirmation = _text(form, "reason", 1000), _text(form, "customer_confirmation", 500)
    for name, value in (("reason", reason), ("customer_confirmation", confirmation)):
        if not value:
            fields[name] = "required"
    if fields:
        return _change_form(page, order_id, 422, form, rows, fields, errors.ValidationFailed("form not valid"))
    try:
        view = changes.request_change(page.ctx, page.actor, order_id, ChangeInput(
            reason, confirmation, requested, lines, str(form.get("special_requirements", ""))[:2000],
            _version(form)))
    except errors.JidanError as exc:
        return _change_form(page, order_id, status_of(exc), form, rows, _row_fields(exc.fields, row_of), exc)
    return redirect(f"/changes/{view['id']}")


@router.get("/changes")
def change_list(page: UserPage):
    status = page.request.query_params.get("status") or None
    status = status if status in ("pending", "approved", "rejected", "withdrawn") else None
    return render(page, "workflow/changes.html", items=changes.list_changes(page.ctx, page.actor, status=status),
                  shown=status)


def _change_page(page: Page, change_id: int, status: int = 200, error=None, values=None):
    done = page.request.query_params.get("done")
    return render(page, "workflow/change.html", status, cr=changes.get_change(page.ctx, page.actor, change_id),
                  error=error, values=values or {}, opinions=OPINIONS,
                  done=done if done in ("signed", "withdrawn") else None)


@router.get("/changes/{change_id}")
def change_page(page: UserPage, change_id: RowId):
    return _change_page(page, change_id)


@router.get("/changes/{change_id}/print")
def change_print(page: UserPage, change_id: RowId):
    """变更申请表, printable."""
    return render(page, "workflow/change_print.html", cr=changes.get_change(page.ctx, page.actor, change_id))


@router.post("/changes/{change_id}/sign")
def change_sign(page: UserPage, form: Form, change_id: RowId):
    check_csrf(page, form)
    fields: dict = {}
    values = {k: _text(form, k, 1000) for k in ("opinion", "comment", "suggested_date")}
    try:
        decision = _decision(form, fields)
        _fail(fields)
        changes.sign_change(page.ctx, page.actor, change_id, decision, _proof(page, form), _version(form))
    except errors.JidanError as exc:
        return _change_page(page, change_id, status_of(exc), exc, values)
    return redirect(f"/changes/{change_id}?done=signed")


@router.post("/changes/{change_id}/withdraw")
def change_withdraw(page: UserPage, form: Form, change_id: RowId):
    check_csrf(page, form)
    try:
        changes.withdraw_change(page.ctx, page.actor, change_id, _version(form))
    except errors.JidanError as exc:
        return _change_page(page, change_id, status_of(exc), exc)
    return redirect(f"/changes/{change_id}?done=withdrawn")


# ----------------------------------------------------------------------------- chains (admin)
def _chains_page(page: Page, status: int = 200, error=None, edited: str | None = None):
    done = page.request.query_params.get("done")
    return render(page, "workflow/chains.html", status, chains=approvals.list_chains(page.ctx, page.actor),
                  error=error, edited=edited, roles=[r.value for r in Role], phases=[p.value for p in Phase],
                  blank_rows=MAX_STEP_ROWS, done=done if done == "saved" else None)


@router.get("/workflow/chains")
def chains_page(page: UserPage):
    return _chains_page(page)


def _amount(value: str, name: str, fields: dict) -> Decimal | None:
    if not value:
        return None
    try:
        amount = Decimal(value)
        if not amount.is_finite() or amount < 0 or amount >= Decimal("1e12"):
            raise InvalidOperation
        return amount.quantize(Decimal("0.01"))
    except InvalidOperation:
        fields[name] = "invalid_number"
        return None


def _whole(value: str, name: str, fields: dict, default: int | None = None) -> int | None:
    if not value:
        if default is None:
            fields[name] = "required"
        return default
    if not value.isdigit() or len(value) > 6:
        fields[name] = "invalid_integer"
        return default
    return int(value)


def _read_chain(code: str, form, fields: dict) -> ChainRule:
    """The chain from the edit form: one row of step inputs per step; blank rows are dropped."""
    columns = {k: form.getlist(k) for k in ("stage", "role", "step_name", "phase", "required", "step_min_amount",
                                            "deadline_hours")}
    flags = {k: set(form.getlist(k)) for k in ("urgent_only", "key_customer_only")}
    steps = []
    for i in range(min(MAX_STEP_ROWS, len(columns["role"]))):
        row = {k: (str(v[i]).strip() if i < len(v) else "") for k, v in columns.items()}
        if not row["role"]:
            continue
        where = f"steps.{i}"
        if row["role"] not in Role._value2member_map_:
            fields[f"{where}.role"] = "unknown_role"
            continue
        if row["phase"] not in Phase._value2member_map_:
            fields[f"{where}.phase"] = "invalid_choice"
            continue
        hours = _amount(row["deadline_hours"], f"{where}.deadline_hours", fields)
        steps.append(StepRule(_whole(row["stage"], f"{where}.stage", fields, 1), Role(row["role"]), row["step_name"][:100],
                              Phase(row["phase"]), _whole(row["required"], f"{where}.required", fields, 1),
                              Conditions(_amount(row["step_min_amount"], f"{where}.min_amount", fields),
                                         str(i) in flags["urgent_only"], str(i) in flags["key_customer_only"]),
                              float(hours) if hours is not None else None))
    return ChainRule(code, _text(form, "name", 100), tuple(steps),
                     _whole(_text(form, "rank", 6), "rank", fields, 100),
                     Conditions(_amount(_text(form, "chain_min_amount", 20), "min_amount", fields),
                                "chain_urgent_only" in form, "chain_key_customer_only" in form),
                     "active" in form)


@router.post("/workflow/chains/{code}")
def chain_save(page: UserPage, form: Form, code: Code):
    return _save_chain(page, form, code, code)


@router.post("/workflow/chains")
def chain_create(page: UserPage, form: Form):
    """A new chain: its code comes from the form."""
    code = _text(form, "code", 30)
    return _save_chain(page, form, code, "new")


def _save_chain(page: Page, form, code: str, edited: str):
    check_csrf(page, form)
    fields: dict = {}
    if not code or not all(c.isascii() and (c.isalnum() or c in "_.-") for c in code):
        fields["code"] = "required"
    chain = _read_chain(code, form, fields)
    try:
        _fail(fields)
        approvals.save_chain(page.ctx, page.actor, chain, _version(form))
    except errors.JidanError as exc:
        return _chains_page(page, status_of(exc), exc, edited=edited)
    return redirect("/workflow/chains?done=saved")


# ----------------------------------------------------------------------------- deputies
def _delegations_page(page: Page, status: int = 200, error=None, values=None):
    done = page.request.query_params.get("done")
    return render(page, "workflow/delegations.html", status,
                  delegations=approvals.list_delegations(page.ctx, page.actor), error=error, values=values or {},
                  done=done if done in ("saved", "revoked") else None)


@router.get("/workflow/delegations")
def delegations_page(page: UserPage):
    return _delegations_page(page)


@router.post("/workflow/delegations")
def delegation_add(page: UserPage, form: Form):
    check_csrf(page, form)
    fields: dict = {}
    values = {k: _text(form, k, 500) for k in ("deputy", "starts_at", "ends_at", "reason", "principal")}
    starts, ends = _datetime(form, "starts_at", fields), _datetime(form, "ends_at", fields)
    if not values["deputy"]:
        fields["deputy"] = "required"
    try:
        _fail(fields)
        approvals.add_delegation(page.ctx, page.actor, values["deputy"], starts, ends, values["reason"] or None,
                                 values["principal"] or None)
    except errors.JidanError as exc:
        return _delegations_page(page, status_of(exc), exc, values)
    return redirect("/workflow/delegations?done=saved")


@router.post("/workflow/delegations/{delegation_id}/revoke")
def delegation_revoke(page: UserPage, form: Form, delegation_id: RowId):
    check_csrf(page, form)
    try:
        approvals.revoke_delegation(page.ctx, page.actor, delegation_id, _version(form))
    except errors.JidanError as exc:
        return _delegations_page(page, status_of(exc), exc)
    return redirect("/workflow/delegations?done=revoked")
