"""Planning: promise, what-if runs, accept, the plan in force and the load per work center."""
from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Query
from pydantic import Field

from jidan.api.deps import ActorDep, CtxDep
from jidan.api.schemas import Strict
from jidan.domain import errors
from jidan.services import planning

router = APIRouter(prefix="/planning", tags=["planning"])


class RunIn(Strict):
    """full: plan all approved work; insert: an urgent order; repair: a work center is down."""

    kind: Literal["full", "insert", "repair"] = "full"
    order_id: int | None = Field(None, ge=1)
    work_center: str | None = Field(None, max_length=30)
    down_from: datetime | None = None
    down_until: datetime | None = None
    time_limit: float = Field(5.0, ge=0, le=60)


class AcceptIn(Strict):
    version: int | None = Field(None, ge=1)


class PromiseIn(Strict):
    order_id: int = Field(ge=1)
    time_limit: float = Field(1.0, ge=0, le=30)


@router.post("/promise")
def promise(body: PromiseIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return planning.promise(ctx, actor, body.order_id, body.time_limit)


@router.post("/runs", status_code=201)
def propose(body: RunIn, ctx: CtxDep, actor: ActorDep) -> dict:
    if body.kind == "full":
        return planning.propose_full(ctx, actor, body.time_limit)
    if body.kind == "repair":
        missing = {f: "required" for f in ("work_center", "down_from", "down_until") if getattr(body, f) is None}
        if missing:
            raise errors.ValidationFailed("a repair names the work center and the downtime", fields=missing)
        return planning.propose_repair(ctx, actor, body.work_center, body.down_from.replace(tzinfo=None),
                                       body.down_until.replace(tzinfo=None), body.time_limit)
    if body.order_id is None:
        raise errors.ValidationFailed("an insertion names the urgent order", fields={"order_id": "required"})
    return planning.propose_insertion(ctx, actor, body.order_id, body.time_limit)


@router.get("/runs/{run_id}")
def get_run(run_id: int, ctx: CtxDep, actor: ActorDep, schedule: bool = False) -> dict:
    return planning.get_run(ctx, actor, run_id, schedule)


@router.post("/runs/{run_id}/accept")
def accept(run_id: int, ctx: CtxDep, actor: ActorDep, body: AcceptIn | None = None) -> dict:
    return planning.accept(ctx, actor, run_id, (body or AcceptIn()).version)


@router.get("/load")
def load(ctx: CtxDep, actor: ActorDep, days: Annotated[int, Query(ge=1, le=60)] = 10) -> dict:
    return planning.load(ctx, actor, days)
