"""Figures for decisions (M3) and the accountability league table (M4), for BI tools too:
JSON, and the same numbers as Excel or CSV. Management and pmc (403 otherwise)."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response

from jidan.api.deps import ActorDep, CtxDep
from jidan.api.routing import WORKBOOK, XLSX, ApiRoute
from jidan.api.schemas import Code, Day
from jidan.api.schemas.analytics import Accountability, Figures
from jidan.services.analytics import exports
from jidan.services.analytics.figures import Filters, accountability, default_period, figures

router = APIRouter(prefix="/analytics", tags=["analytics"], route_class=ApiRoute)

Start = Annotated[Day | None, Query(description="First day of the period (default: 12 weeks before `end`).")]
End = Annotated[Day | None, Query(description="Last day of the period, inclusive (default: today).")]
Id = Annotated[int | None, Query(ge=1, le=2**31 - 1)]
Department = Annotated[Code | None, Query(description="A department (work group) code, e.g. SMT.")]
Urgent = Annotated[bool | None, Query(description="Only urgent orders (true) or only the others (false).")]
CSV = {200: {"description": "A CSV file (UTF-8 with BOM).", "content": {"text/csv": {"schema": {"type": "string"}}}}}


def _filters(customer_id, product_id, department, urgent) -> Filters:
    return Filters(customer_id=customer_id, product_id=product_id, department=department, urgent=urgent)


@router.get("/figures", response_model=Figures)
def get_figures(ctx: CtxDep, actor: ActorDep, start: Start = None, end: End = None, customer_id: Id = None,
                product_id: Id = None, department: Department = None, urgent: Urgent = None) -> dict:
    """On-time delivery, lead time, the cost of urgency, delay causes, exceptions, rework and
    scrap, capacity use, approval and acknowledgement times, drawings returned late."""
    start, end = default_period(ctx, start, end)
    return figures(ctx, actor, start, end, _filters(customer_id, product_id, department, urgent))


@router.get("/accountability", response_model=list[Accountability])
def get_accountability(ctx: CtxDep, actor: ActorDep, start: Start = None, end: End = None) -> list[dict]:
    """Missed deadlines due in the period per department that held them, most first."""
    start, end = default_period(ctx, start, end)
    return accountability(ctx, actor, start, end)


@router.get("/figures.xlsx", response_class=Response, responses=WORKBOOK)
def export_xlsx(ctx: CtxDep, actor: ActorDep, start: Start = None, end: End = None, customer_id: Id = None,
                product_id: Id = None, department: Department = None, urgent: Urgent = None) -> Response:
    start, end = default_period(ctx, start, end)
    data = exports.export(ctx, actor, start, end, _filters(customer_id, product_id, department, urgent), "xlsx")
    return Response(data, media_type=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="figures-{start}-{end}.xlsx"'})


@router.get("/figures.csv", response_class=Response, responses=CSV)
def export_csv(ctx: CtxDep, actor: ActorDep, start: Start = None, end: End = None, customer_id: Id = None,
               product_id: Id = None, department: Department = None, urgent: Urgent = None) -> Response:
    start, end = default_period(ctx, start, end)
    data = exports.export(ctx, actor, start, end, _filters(customer_id, product_id, department, urgent), "csv")
    return Response(data, media_type="text/csv; charset=utf-8",
                    headers={"Content-Disposition": f'attachment; filename="figures-{start}-{end}.csv"'})
