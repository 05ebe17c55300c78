"""Pages of the emergency state (J1–J4): the banner on every page while one holds, management's
declare / lift / drill actions on the emergency organisation page, the drill page and the
printable review report. Each form calls one service; a refused one comes back with its fields
marked (422) and nothing written."""
from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from fastapi import APIRouter, Path as PathParam
from starlette.datastructures import FormData

from jidan.domain import errors
from jidan.domain.emergency import CAUSES, SCOPES
from jidan.http.errors import status_of
from jidan.services.emergency import drills, record, replan, review, states
from jidan.services.emergency.states import Declaration, Improvement, Lifting
from jidan.web import printing
from jidan.web.forms import typed_values
from jidan.web.pages import Form, Page, UserPage, WebRoute, check_csrf, redirect, render, signing_proof, templates

router = APIRouter(include_in_schema=False, route_class=WebRoute)
RowId = Annotated[int, PathParam(ge=1, le=2**31 - 1)]
DrillId = Annotated[str, PathParam(pattern="^[0-9a-f]{12}$")]
HOME = "/emergency-organisation"


def banner(page: Page) -> dict | None:
    """The emergency that holds, looked up once per request (every page shows it)."""
    if page.actor is None:
        return None
    state = page.request.state
    if not hasattr(state, "emergency_banner"):
        state.emergency_banner = record.current(page.ctx)
    return state.emergency_banner


def section(page: Page) -> dict:
    """What the emergency organisation page shows of the emergency state and the drills."""
    ctx, actor = page.ctx, page.actor
    history = record.list_states(ctx, actor)
    return {"current": next((h for h in history if h["active"]), None), "history": history,
            "rule": list(ctx.emergency_priority), "causes": CAUSES, "scopes": SCOPES,
            "drills": drills.list_drills(ctx, actor) if ctx.drills is not None else [],
            "now": ctx.now().isoformat(timespec="minutes")}


templates.env.globals["emergency_banner"] = banner
templates.env.globals["emergency_section"] = section


def _text(form: FormData, name: str, limit: int) -> str:
    return str(form.get(name) or "")[:limit]


def _moment(form: FormData, name: str, fields: dict) -> datetime | None:
    raw = _text(form, name, 40).strip()
    if not raw:
        return None
    try:
        return datetime.fromisoformat(raw)
    except ValueError:
        fields[name] = "invalid_datetime"
        return None


def _declaration(form: FormData) -> Declaration:
    fields: dict = {}
    starts, ends = _moment(form, "starts_at", fields), _moment(form, "expected_end_at", fields)
    if fields:
        raise errors.ValidationFailed("the emergency is not complete", fields=fields)
    targets = tuple(t.strip() for t in _text(form, "targets", 2000).replace("，", ",").split(",") if t.strip())
    return Declaration(_text(form, "cause", 20), _text(form, "scope", 20), starts, ends,
                       _text(form, "description", 4000), targets)


def _lifting(form: FormData) -> Lifting:
    """The improvements field: one per line, ``department|text|owner|YYYY-MM-DD``."""
    improvements, fields = [], {}
    for n, line in enumerate(ln for ln in _text(form, "improvements", 20000).splitlines() if ln.strip()):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) != 4:
            fields["improvements"] = "bad_line"
            continue
        try:
            due = date.fromisoformat(parts[3])
        except ValueError:
            fields[f"improvements.{n}.due"] = "invalid_date"
            continue
        improvements.append(Improvement(parts[0], parts[1], parts[2], due))
    if fields:
        raise errors.ValidationFailed("the improvements are not complete", fields=fields)
    return Lifting(_text(form, "what_happened", 4000), _text(form, "causes", 4000), _text(form, "costs", 4000),
                   tuple(improvements))


def _again(page: Page, form: FormData, exc: errors.JidanError, which: str):
    """The emergency page again with the refused form's fields marked."""
    return render(page, "emergency/page.html", status_of(exc), error=exc, fields=exc.fields,
                  values=typed_values(form), which=which)


@router.get("/emergency")
def emergency_page(page: UserPage):
    return render(page, "emergency/page.html", values={}, fields={}, which=None)


@router.post("/emergency/declare")
def declare(page: UserPage, form: Form):
    check_csrf(page, form)
    try:
        states.declare(page.ctx, page.actor, _declaration(form), signing_proof(page, form))
    except errors.ValidationFailed as exc:
        return _again(page, form, exc, "declare")
    return redirect(HOME + "#emergency")


@router.post("/emergency/{state_id}/replan")
def propose_replan(page: UserPage, form: Form, state_id: RowId):
    check_csrf(page, form)
    replan.propose(page.ctx, page.actor, state_id)
    return redirect(HOME + "#emergency")


@router.post("/emergency/{state_id}/lift")
def lift(page: UserPage, form: Form, state_id: RowId):
    check_csrf(page, form)
    try:
        version = int(str(form.get("version") or 0)) or None
        states.lift(page.ctx, page.actor, state_id, _lifting(form), signing_proof(page, form), version)
    except errors.ValidationFailed as exc:
        return _again(page, form, exc, "lift")
    return redirect(f"/emergency/{state_id}/review")


@router.get("/emergency/{state_id}/review")
@router.get("/emergency/{state_id}/review.pdf")
def review_print(page: UserPage, state_id: RowId):
    """紧急状态总结报告 (J4), printable and as PDF like every form."""
    return printing.form(page, "emergency/review_print.html", f"紧急状态总结报告-{state_id}",
                         em=review.report(page.ctx, page.actor, state_id), back=HOME + "#emergency")


@router.post("/emergency-drills")
def start_drill(page: UserPage, form: Form):
    check_csrf(page, form)
    try:
        participants = tuple(p.strip() for p in _text(form, "participants", 2000).replace("，", ",").split(",")
                             if p.strip())
        drill = drills.start(page.ctx, page.actor, _declaration(form), participants, signing_proof(page, form))
    except errors.ValidationFailed as exc:
        return _again(page, form, exc, "drill")
    return redirect(f"/emergency-drills/{drill['id']}")


def _drill_page(page: Page, drill_id: str, status: int = 200, error: errors.JidanError | None = None,
                form: FormData | None = None):
    return render(page, "emergency/drill.html", status, drill=drills.get(page.ctx, page.actor, drill_id),
                  error=error, fields=error.fields if error else {}, values=typed_values(form))


@router.get("/emergency-drills/{drill_id}")
def drill_page(page: UserPage, drill_id: DrillId):
    return _drill_page(page, drill_id)


@router.post("/emergency-drills/{drill_id}")
def drill_action(page: UserPage, form: Form, drill_id: DrillId):
    """One form per drill action: advance the clock, acknowledge, re-plan, lift, end."""
    check_csrf(page, form)
    action = _text(form, "action", 20)
    ctx, actor = page.ctx, page.actor
    try:
        if action == "advance":
            try:
                hours = float(_text(form, "hours", 10))
            except ValueError:
                raise errors.ValidationFailed("hours", fields={"hours": "out_of_range"}) from None
            drills.advance(ctx, actor, drill_id, hours)
        elif action == "ack":
            notice = _text(form, "notice", 12)
            if not notice.isdigit():
                raise errors.NotFound("no such notice", code="notice.not_found")
            drills.acknowledge(ctx, actor, drill_id, int(notice))
        elif action == "replan":
            drills.propose(ctx, actor, drill_id)
        elif action == "lift":
            drills.lift(ctx, actor, drill_id, _lifting(form), signing_proof(page, form))
        elif action == "end":
            drills.end(ctx, actor, drill_id)
            return redirect(HOME + "#drills")
        else:
            raise errors.ValidationFailed("unknown action", fields={"action": "unknown_action"})
    except errors.ValidationFailed as exc:
        return _drill_page(page, drill_id, status_of(exc), exc, form)
    return redirect(f"/emergency-drills/{drill_id}")
