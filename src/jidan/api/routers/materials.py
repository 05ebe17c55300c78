"""Materials (C6): stock, purchase orders and material delivery delay requests."""
from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query
from fastapi.responses import Response
from pydantic import Field

from jidan.api.deps import ActorDep, CtxDep
from jidan.api.routing import WORKBOOK, XLSX, ApiRoute
from jidan.api.schemas.materials import DelayRequest, PurchaseOrder, PurchaseRequest, Stock
from jidan.api.schemas import Code, Day, Strict
from jidan.services.materials import delays, purchasing as materials
from jidan.services.materials import purchase_requests
from jidan.services.materials.purchasing import NewPurchaseOrder
from jidan.services.materials.purchase_requests import OrderRequest

router = APIRouter(tags=["materials"], route_class=ApiRoute)

Quantity = Annotated[Decimal, Field(ge=0, lt=Decimal("1e10"), max_digits=16, decimal_places=3)]
Reason = Annotated[str, Field(min_length=1, max_length=2000)]
Id = Annotated[int, Field(ge=1, le=2**31 - 1)]
RowId = Annotated[int, Path(ge=1, le=2**31 - 1)]


class StockIn(Strict):
    on_hand: Quantity
    version: int | None = Field(None, ge=1)
    reason: Annotated[str, Field(max_length=500)] | None = None


class PurchaseOrderIn(Strict):
    material: Code
    quantity: Annotated[Decimal, Field(gt=0, lt=Decimal("1e10"), max_digits=16, decimal_places=3)]
    due_date: Day
    supplier: str = Field(min_length=1, max_length=50)
    note: Annotated[str, Field(max_length=2000)] | None = None


class PurchaseOrderEditIn(Strict):
    version: int = Field(ge=1)
    quantity: Annotated[Decimal, Field(gt=0, lt=Decimal("1e10"), max_digits=16, decimal_places=3)] | None = None
    due_date: Day | None = None
    note: Annotated[str, Field(max_length=2000)] | None = None


class VersionIn(Strict):
    version: int | None = Field(None, ge=1)


class CancelIn(Strict):
    reason: Reason
    version: int | None = Field(None, ge=1)


class DelayRequestIn(Strict):
    """材料交期延迟申请单: which purchase order, the new date, why."""

    purchase_order_id: Id
    new_date: Day
    reason: Reason


class DelayDecisionIn(Strict):
    decision: Literal["approve", "reject"]
    note: Annotated[str, Field(max_length=2000)] | None = None
    version: int | None = Field(None, ge=1)


PoStatus = Literal["open", "received", "cancelled"]
RequestStatus = Literal["pending", "approved", "rejected"]


@router.get("/materials/stock", response_model=list[Stock])
def list_stock(ctx: CtxDep, actor: ActorDep) -> list[dict]:
    return materials.list_stock(ctx, actor)


@router.put("/materials/{code}/stock", response_model=Stock)
def set_stock(code: str, body: StockIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return materials.set_stock(ctx, actor, code, body.on_hand, body.version, body.reason)


@router.get("/purchase-orders", response_model=list[PurchaseOrder])
def list_purchase_orders(ctx: CtxDep, actor: ActorDep, status: Annotated[PoStatus | None, Query()] = None,
                         material: Annotated[str | None, Query(max_length=30)] = None) -> list[dict]:
    return materials.list_purchase_orders(ctx, actor, status, material)


@router.post("/purchase-orders", status_code=201, response_model=PurchaseOrder)
def create_purchase_order(body: PurchaseOrderIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return materials.create_purchase_order(ctx, actor, NewPurchaseOrder(
        body.material, body.quantity, body.due_date, body.supplier, body.note))


@router.get("/purchase-orders/export.xlsx", response_class=Response, responses=WORKBOOK)
def export_purchase_orders(ctx: CtxDep, actor: ActorDep) -> Response:
    return Response(materials.export_purchase_orders(ctx, actor), media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="purchase-orders.xlsx"'})


@router.get("/purchase-orders/{po_id}", response_model=PurchaseOrder)
def get_purchase_order(po_id: RowId, ctx: CtxDep, actor: ActorDep) -> dict:
    return materials.get_purchase_order(ctx, actor, po_id)


@router.patch("/purchase-orders/{po_id}", response_model=PurchaseOrder)
def edit_purchase_order(po_id: RowId, body: PurchaseOrderEditIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return materials.edit_purchase_order(ctx, actor, po_id, body.version, body.quantity, body.due_date, body.note)


@router.post("/purchase-orders/{po_id}/receive", response_model=PurchaseOrder)
def receive_purchase_order(po_id: RowId, ctx: CtxDep, actor: ActorDep, body: VersionIn | None = None) -> dict:
    return materials.receive_purchase_order(ctx, actor, po_id, (body or VersionIn()).version)


@router.post("/purchase-orders/{po_id}/cancel", response_model=PurchaseOrder)
def cancel_purchase_order(po_id: RowId, body: CancelIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return materials.cancel_purchase_order(ctx, actor, po_id, body.reason, body.version)


@router.get("/material-delay-requests", response_model=list[DelayRequest])
def list_delay_requests(ctx: CtxDep, actor: ActorDep,
                        status: Annotated[RequestStatus | None, Query()] = None) -> list[dict]:
    return delays.list_delay_requests(ctx, actor, status)


@router.post("/material-delay-requests", status_code=201, response_model=DelayRequest)
def request_delay(body: DelayRequestIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return delays.request_delay(ctx, actor, body.purchase_order_id, body.new_date, body.reason)


@router.get("/material-delay-requests/{request_id}", response_model=DelayRequest)
def get_delay_request(request_id: RowId, ctx: CtxDep, actor: ActorDep) -> dict:
    return delays.get_delay_request(ctx, actor, request_id)


@router.post("/material-delay-requests/{request_id}/decision", response_model=DelayRequest)
def decide_delay(request_id: RowId, body: DelayDecisionIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return delays.decide_delay(ctx, actor, request_id, body.decision == "approve", body.note, body.version)


# ---------------------------------------------------------------- purchase requests (请购, C6)
class OrderRequestIn(Strict):
    """The purchase order a request becomes: supplier, due date, quantity (default: the request's)."""

    supplier: str = Field(min_length=1, max_length=50)
    due_date: Day
    quantity: Annotated[Decimal, Field(gt=0, lt=Decimal("1e10"), max_digits=16, decimal_places=3)] | None = None
    note: Annotated[str, Field(max_length=1900)] | None = None
    version: int | None = Field(None, ge=1)


PrStatus = Literal["open", "ordered", "cancelled"]


@router.get("/purchase-requests", response_model=list[PurchaseRequest])
def list_purchase_requests(ctx: CtxDep, actor: ActorDep,
                           status: Annotated[PrStatus | None, Query()] = None) -> list[dict]:
    return purchase_requests.list_requests(ctx, actor, status)


@router.get("/purchase-requests/{request_id}", response_model=PurchaseRequest)
def get_purchase_request(request_id: RowId, ctx: CtxDep, actor: ActorDep) -> dict:
    return purchase_requests.get_request(ctx, actor, request_id)


@router.post("/purchase-requests/{request_id}/order", response_model=PurchaseRequest)
def order_purchase_request(request_id: RowId, body: OrderRequestIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return purchase_requests.order_request(ctx, actor, request_id, OrderRequest(
        body.supplier, body.due_date, body.quantity, body.note), body.version)


@router.post("/purchase-requests/{request_id}/cancel", response_model=PurchaseRequest)
def cancel_purchase_request(request_id: RowId, body: CancelIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return purchase_requests.cancel_request(ctx, actor, request_id, body.reason, body.version)
