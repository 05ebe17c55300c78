"""Orders: intake, the lifecycle actions, events and versions."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query, UploadFile
from fastapi.responses import Response

from jidan.services.ports import OrderFilter
from jidan.api.deps import ActorDep, CtxDep, ProofDep
from jidan.api.routing import WORKBOOK, XLSX, ApiRoute
from jidan.api.schemas.orders import ImportResult, Order, OrderEvent, OrderPage, OrderVersion
from jidan.api.schemas import ActionIn, LineIn, OrderEditIn, OrderIn, OwnerIn
from jidan.domain import errors
from jidan.domain.states import ACTIONS, OrderState
from jidan.domain.text import CODE_MAX
from jidan.http.fields import Id, Line, Offset, line_param
from jidan.services.orders import importing
from jidan.services.orders import intake, lifecycle, views
from jidan.services.orders.intake import NewLine, NewOrder, OrderEdit

router = APIRouter(prefix="/orders", tags=["orders"], route_class=ApiRoute)


def _lines(lines: list[LineIn]) -> tuple[NewLine, ...]:
    return tuple(NewLine(ln.product, ln.quantity, ln.unit_price) for ln in lines)


def new_order(body: OrderIn) -> NewOrder:
    return NewOrder(body.customer, body.customer_po, body.requested_date, _lines(body.lines),
                    body.channel, body.special_requirements, body.urgent_reason, body.draft)


@router.get("", response_model=OrderPage)
def list_orders(ctx: CtxDep, actor: ActorDep,
                status: Annotated[OrderState | None, Query()] = None,
                urgent: bool | None = None,
                customer: Annotated[Line | None, line_param(Query, max_length=CODE_MAX)] = None,
                q: Annotated[Line | None, line_param(Query, max_length=60)] = None,
                limit: Annotated[int, Query(ge=1, le=500)] = 50,
                offset: Offset = 0) -> dict:
    f = OrderFilter(status.value if status else None, urgent, customer, q, limit, offset)
    return views.list_orders(ctx, actor, f)


@router.post("", status_code=201, response_model=Order)
def create_order(body: OrderIn, ctx: CtxDep, actor: ActorDep,
                 idempotency_key: Annotated[str | None, Header(max_length=100)] = None) -> dict:
    return intake.create_order(ctx, actor, new_order(body), idempotency_key)


@router.post("/import", response_model=ImportResult)
def import_orders(file: UploadFile, ctx: CtxDep, actor: ActorDep) -> dict:
    """Excel (.xlsx) or CSV; all rows or none (see docs/import.md). A plain ``def``: FastAPI runs
    it in a worker thread, so reading the sheet never holds up the event loop (other requests)."""
    return importing.import_orders(ctx, actor, file.filename or "upload", file.file.read())


@router.get("/export.xlsx", response_class=Response, responses=WORKBOOK)
def export_orders(ctx: CtxDep, actor: ActorDep, urgent: bool | None = None) -> Response:
    data = importing.export_orders(ctx, actor, OrderFilter(urgent=urgent, limit=10_000))
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": 'attachment; filename="orders.xlsx"'})


@router.get("/import-template.xlsx", response_class=Response, responses=WORKBOOK)
def import_template(ctx: CtxDep, actor: ActorDep) -> Response:
    return Response(importing.template(ctx), headers={
        "Content-Disposition": 'attachment; filename="order-import-template.xlsx"'},
        media_type=XLSX)


@router.get("/{order_id}", response_model=Order)
def get_order(order_id: Id, ctx: CtxDep, actor: ActorDep) -> dict:
    return views.get_order(ctx, actor, order_id)


@router.patch("/{order_id}", response_model=Order)
def edit_order(order_id: Id, body: OrderEditIn, ctx: CtxDep, actor: ActorDep) -> dict:
    edit = OrderEdit(body.version, body.requested_date, body.special_requirements,
                     body.urgent_reason, _lines(body.lines) if body.lines is not None else None)
    return intake.edit_order(ctx, actor, order_id, edit)


@router.post("/{order_id}/actions/{action}", response_model=Order)
def act(order_id: Id, action: Annotated[str, Path(json_schema_extra={"enum": list(ACTIONS)})], ctx: CtxDep, actor: ActorDep,
        proof: ProofDep, body: ActionIn | None = None) -> dict:
    if action not in ACTIONS:
        raise errors.ValidationFailed(f"unknown action {action!r}", fields={"action": "unknown_action"})
    body = body or ActionIn()
    return lifecycle.act(ctx, actor, order_id, action, body.reason, body.version, proof(body.password))


@router.put("/{order_id}/owner", response_model=Order)
def set_owner(order_id: Id, body: OwnerIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return intake.set_owner(ctx, actor, order_id, body.username, body.version)


@router.get("/{order_id}/events", response_model=list[OrderEvent])
def events(order_id: Id, ctx: CtxDep, actor: ActorDep) -> list[dict]:
    return views.order_events(ctx, actor, order_id)


@router.get("/{order_id}/versions", response_model=list[OrderVersion])
def versions(order_id: Id, ctx: CtxDep, actor: ActorDep) -> list[dict]:
    return views.order_versions(ctx, actor, order_id)
