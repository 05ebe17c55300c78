"""Store urgent replenishment (卖场紧急订货, K1–K7): stores, requisitions and their steps."""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from pydantic import Field

from jidan.api.deps import ActorDep, CtxDep
from jidan.api.routing import ApiRoute
from jidan.api.schemas import Day, Strict
from jidan.api.schemas.store import Choice, Requisition, Store
from jidan.services.store import requisitions
from jidan.services.store.requisitions import NewRequisition, StepInput

router = APIRouter(tags=["store"], route_class=ApiRoute)

RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]
Item = Annotated[str, Field(min_length=1, max_length=30)]
#: The bounds of the number only; whether it makes sense is the service's rule (as on the form).
Count = Annotated[int, Field(ge=-10**9, le=10**9)]
Reason = Annotated[str, Field(max_length=500)]
Action = Literal["approve", "reject", "confirm", "decline", "deliver", "sign", "hand_in",
                 "transfer_out", "transfer_in"]
Status = Literal["requested", "approved", "ordered", "delivered", "signed", "handed_in",
                 "transferred_out", "closed", "rejected", "refused"]


class StoreIn(Strict):
    code: str = Field(min_length=1, max_length=20)
    name: str = Field(min_length=1, max_length=100)
    manager: str = Field(max_length=50)
    supervisor: str = Field(max_length=50)


class LineIn(Strict):
    item: Item
    quantity: Count
    store_stock: Count = 0


class RequisitionIn(Strict):
    lines: list[LineIn] = Field(max_length=50)
    note: Annotated[str, Field(max_length=2000)] | None = None
    store: Annotated[str, Field(max_length=20)] | None = None


class ItemCount(Strict):
    item: Item
    quantity: Count
    reason: Reason | None = None


class StepIn(Strict):
    """What the step records: reject/decline a ``reason``; confirm the ``supplier`` and
    ``arrive_on``; deliver the ``quantities`` sent; sign the ``quantities`` accepted, with a
    ``reason`` for what is rejected; transfer_out an optional ``receiving_code``."""

    version: int | None = Field(None, ge=1)
    reason: Reason | None = None
    supplier: Annotated[str, Field(max_length=50)] | None = None
    arrive_on: Day | None = None
    quantities: list[ItemCount] = Field(default_factory=list, max_length=50)
    receiving_code: Annotated[str, Field(max_length=40)] | None = None


@router.post("/stores", status_code=201, response_model=Store)
def add_store(body: StoreIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return requisitions.add_store(ctx, actor, body.code, body.name, body.manager, body.supervisor)


@router.get("/stores", response_model=list[Store])
def stores(ctx: CtxDep, actor: ActorDep) -> list[dict]:
    return requisitions.list_stores(ctx, actor)


@router.get("/store/items", response_model=list[Choice])
def items(ctx: CtxDep, actor: ActorDep) -> list[dict]:
    return requisitions.item_choices(ctx, actor)


@router.get("/store/suppliers", response_model=list[Choice])
def suppliers(ctx: CtxDep, actor: ActorDep) -> list[dict]:
    return requisitions.supplier_choices(ctx, actor)


@router.post("/store/requisitions", status_code=201, response_model=Requisition)
def raise_requisition(body: RequisitionIn, ctx: CtxDep, actor: ActorDep) -> dict:
    """紧急请配单: the receiving supervisor asks for what neither the store nor headquarters has (K1)."""
    cmd = NewRequisition([(ln.item, ln.quantity, ln.store_stock) for ln in body.lines], body.note, body.store)
    return requisitions.raise_requisition(ctx, actor, cmd)


@router.get("/store/requisitions", response_model=list[Requisition])
def list_requisitions(ctx: CtxDep, actor: ActorDep, status: Annotated[Status | None, Query()] = None) -> list[dict]:
    """The requisitions the user may see (a store its own, a supplier those it was chosen for)."""
    return requisitions.list_requisitions(ctx, actor, status)


@router.get("/store/waiting", response_model=list[Requisition])
def waiting(ctx: CtxDep, actor: ActorDep) -> list[dict]:
    """What waits on the user, overdue first, then by deadline, oldest first."""
    return requisitions.waiting_on(ctx, actor)


@router.get("/store/requisitions/{requisition_id}", response_model=Requisition)
def get_requisition(requisition_id: RowId, ctx: CtxDep, actor: ActorDep) -> dict:
    return requisitions.get_requisition(ctx, actor, requisition_id)


@router.post("/store/requisitions/{requisition_id}/actions/{action}", response_model=Requisition)
def take_step(requisition_id: RowId, action: Action, ctx: CtxDep, actor: ActorDep,
              body: StepIn | None = None) -> dict:
    """One step of the flow (K1–K6); 409 when the requisition is not at that step."""
    body = body or StepIn()
    counts = {q.item: q.quantity for q in body.quantities}
    cmd = StepInput(version=body.version, reason=body.reason, supplier=body.supplier, arrive_on=body.arrive_on,
                    quantities=counts if action == "deliver" else {},
                    accepted=counts if action == "sign" else {},
                    reasons={q.item: q.reason for q in body.quantities if q.reason},
                    receiving_code=body.receiving_code)
    return requisitions.act(ctx, actor, requisition_id, action, cmd)
