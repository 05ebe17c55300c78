"""Planning: promise, what-if runs, accept, the plan in force and the load per work center."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import Field

from jidan.api.deps import ActorDep, CtxDep
from jidan.api.routing import ApiRoute, error_responses
from jidan.api.schemas.planning import LeverChosen, Load, OrderCapacity, OrderPlan, Promise, Run, RunSummary
from jidan.api.schemas import Code, Day, LineIn, Moment, Seconds, Strict
from jidan.domain import errors
from jidan.http.fields import Channel
from jidan.services import planning
from jidan.services.orders.intake import NewLine, NewOrder
from jidan.services.planning import decisions

router = APIRouter(prefix="/planning", tags=["planning"], route_class=ApiRoute)
RunId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class RunIn(Strict):
    """full: plan all approved work; insert: an urgent order; repair: after a disturbance.

    A repair's ``disturbance``: ``machine_down`` (work_center, down_from, down_until),
    ``material_late`` (available_from, and order_id or material) or ``order_changed`` (order_id).
    """

    kind: Literal["full", "insert", "repair"] = "full"
    disturbance: Literal["machine_down", "material_late", "order_changed"] = "machine_down"
    order_id: int | None = Field(None, ge=1, le=2**31 - 1)
    work_center: str | None = Field(None, max_length=30)
    down_from: Moment | None = None
    down_until: Moment | None = None
    material: Code | None = None
    available_from: Moment | None = None
    time_limit: Seconds = Field(5.0, ge=0, le=60)


class AcceptIn(Strict):
    version: int | None = Field(None, ge=1)


class PromiseIn(Strict):
    """An entered order (``order_id``), or one not saved yet: ``customer``, ``requested_date`` and
    ``lines`` (checked as order intake checks them). ``time_limit``: seconds of search from the
    request's start; 0 gives the quick answer."""

    order_id: int | None = Field(None, ge=1, le=2**31 - 1)
    customer: Code | None = None
    requested_date: Day | None = None
    lines: list[LineIn] | None = Field(None, min_length=1, max_length=200)
    channel: Channel = "phone"
    urgent_reason: Annotated[str, Field(max_length=500)] | None = None
    time_limit: Seconds = Field(1.0, ge=0, le=30)


UNSAVED_FIELDS = ("customer", "requested_date", "lines")


@router.post("/promise", response_model=Promise, responses=error_responses(404))
def promise(body: PromiseIn, ctx: CtxDep, actor: ActorDep) -> dict:
    """The first answer to sales: for an entered order, or for one before it is saved."""
    if body.order_id is not None:
        extra = {f: "not_with_order_id" for f in UNSAVED_FIELDS if getattr(body, f) is not None}
        if extra:
            raise errors.ValidationFailed("give an order_id or an order not saved yet, not both", fields=extra)
        return planning.promise(ctx, actor, body.order_id, body.time_limit)
    missing = {f: "required" for f in UNSAVED_FIELDS if getattr(body, f) is None}
    if missing:
        raise errors.ValidationFailed("name an order_id, or the customer, requested date and lines of a new one",
                                      fields=missing)
    order = NewOrder(body.customer, "", body.requested_date,
                     tuple(NewLine(ln.product, ln.quantity, ln.unit_price) for ln in body.lines),
                     body.channel, urgent_reason=body.urgent_reason)
    return planning.promise_unsaved(ctx, actor, order, body.time_limit)


@router.post("/runs", status_code=201, response_model=Run, responses=error_responses(404, 503))
def propose(body: RunIn, ctx: CtxDep, actor: ActorDep) -> dict:
    if body.kind == "full":
        return planning.propose_full(ctx, actor, body.time_limit)
    if body.kind == "repair":
        return _repair(body, ctx, actor)
    if body.order_id is None:
        raise errors.ValidationFailed("an insertion names the urgent order", fields={"order_id": "required"})
    return planning.propose_insertion(ctx, actor, body.order_id, body.time_limit)


REPAIR_FIELDS = {"machine_down": ("work_center", "down_from", "down_until"),
                 "material_late": ("available_from",), "order_changed": ("order_id",)}


def _repair(body: RunIn, ctx, actor) -> dict:
    missing = {f: "required" for f in REPAIR_FIELDS[body.disturbance] if getattr(body, f) is None}
    if missing:
        raise errors.ValidationFailed(f"a {body.disturbance} repair needs {', '.join(missing)}", fields=missing)
    if body.disturbance == "machine_down":
        return planning.propose_repair(ctx, actor, body.work_center, _local(body.down_from),
                                       _local(body.down_until), body.time_limit)
    if body.disturbance == "material_late":
        return planning.propose_material_late(ctx, actor, _local(body.available_from), body.order_id,
                                              body.material, body.time_limit)
    return planning.propose_order_changed(ctx, actor, body.order_id, body.time_limit)


def _local(moment: Moment) -> datetime:
    """Factory-local wall time, as the plan keeps it."""
    return moment.replace(tzinfo=None)


@router.get("/runs", response_model=list[RunSummary])
def recent_runs(ctx: CtxDep, actor: ActorDep, limit: Annotated[int, Query(ge=1, le=100)] = 15) -> list[dict]:
    return planning.recent_runs(ctx, actor, limit)


@router.get("/orders/{order_id}", response_model=OrderPlan)
def order_plan(order_id: RunId, ctx: CtxDep, actor: ActorDep) -> dict:
    """The order in the plan in force and, while it is open, its promise with materials."""
    return planning.order_plan(ctx, actor, order_id)


@router.get("/runs/{run_id}", response_model=Run)
def get_run(run_id: RunId, ctx: CtxDep, actor: ActorDep, schedule: bool = False) -> dict:
    return planning.get_run(ctx, actor, run_id, schedule)


@router.post("/runs/{run_id}/accept", response_model=Run)
def accept(run_id: RunId, ctx: CtxDep, actor: ActorDep, body: AcceptIn | None = None) -> dict:
    return planning.accept(ctx, actor, run_id, (body or AcceptIn()).version)


@router.get("/load", response_model=Load)
def load(ctx: CtxDep, actor: ActorDep, days: Annotated[int, Query(ge=1, le=60)] = 10) -> dict:
    return planning.load(ctx, actor, days)


class LeverIn(Strict):
    """pmc takes one of the order's levers (C5): as the promise offers it, or overtime on the
    ``work_center``, ``days`` and ``hours`` named, or outside processing with ``lead_time_days``."""

    order_id: int = Field(ge=1, le=2**31 - 1)
    lever: Literal["overtime", "outside_processing", "partial_delivery"]
    work_center: Code | None = None
    days: list[Day] = Field(default_factory=list, max_length=31)
    hours: float | None = Field(None, gt=0, le=8)
    lead_time_days: float | None = Field(None, gt=0, le=90)


@router.post("/levers", status_code=201, response_model=LeverChosen, responses=error_responses(404))
def choose_lever(body: LeverIn, ctx: CtxDep, actor: ActorDep) -> dict:
    """Records the capacity the lever names and proposes the run that uses it, for pmc to accept."""
    return decisions.choose_lever(ctx, actor, body.order_id, body.lever, body.work_center, body.days,
                                  body.hours, body.lead_time_days)


@router.get("/orders/{order_id}/capacity", response_model=OrderCapacity, responses=error_responses(404))
def order_capacity(order_id: RunId, ctx: CtxDep, actor: ActorDep) -> dict:
    """Overtime hours and outside work decisions added for the order (M2, M3)."""
    return decisions.order_capacity(ctx, actor, order_id)
