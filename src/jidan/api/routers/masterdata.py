"""Customers, products (with routing and BOM), the plant and the calendar."""
from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Query

from jidan.api.deps import ActorDep, CtxDep
from jidan.api.routing import ApiRoute
from jidan.api.schemas.masterdata import AuditCheck, CalendarDay, Customer, Plant, Product, SetupMatrix
from jidan.api.schemas import CalendarDayIn, CustomerIn, Day, ProductFamilyIn, ProductIn, SetupsIn
from jidan.services import audit
from jidan.services.masterdata import calendar
from jidan.services.masterdata import catalogue as masterdata
from jidan.services.masterdata import setups
from jidan.services.masterdata.catalogue import NewBomItem, NewCustomer, NewProduct, NewStep

router = APIRouter(tags=["master data"], route_class=ApiRoute)


@router.get("/customers", response_model=list[Customer])
def list_customers(ctx: CtxDep, actor: ActorDep) -> list[dict]:
    return masterdata.list_customers(ctx, actor)


@router.post("/customers", status_code=201, response_model=Customer)
def create_customer(body: CustomerIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return masterdata.create_customer(ctx, actor, NewCustomer(**body.model_dump()))


@router.get("/products", response_model=list[Product])
def list_products(ctx: CtxDep, actor: ActorDep, kind: str | None = None) -> list[dict]:
    return masterdata.list_products(ctx, actor, kind)


@router.get("/products/{code}", response_model=Product)
def get_product(code: str, ctx: CtxDep, actor: ActorDep) -> dict:
    return masterdata.get_product(ctx, actor, code)


@router.post("/products", status_code=201, response_model=Product)
def create_product(body: ProductIn, ctx: CtxDep, actor: ActorDep) -> dict:
    cmd = NewProduct(
        body.code, body.name, body.unit_price, body.standard_lead_days, body.kind, body.unit,
        tuple(NewStep(s.seq, s.work_center, s.name, s.minutes_per_unit, s.setup_minutes, s.inspection)
              for s in body.routing),
        tuple(NewBomItem(b.component, b.quantity_per, b.step) for b in body.bom), body.family)
    return masterdata.create_product(ctx, actor, cmd)


@router.put("/products/{code}/family", response_model=Product)
def set_product_family(code: str, body: ProductFamilyIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return setups.set_family(ctx, actor, code, body.family, body.version)


@router.get("/plant", response_model=Plant)
def plant(ctx: CtxDep, actor: ActorDep) -> dict:
    return masterdata.plant_view(ctx, actor)


@router.get("/work-centers/{code}/setups", response_model=SetupMatrix)
def work_center_setups(code: str, ctx: CtxDep, actor: ActorDep) -> dict:
    return setups.matrix(ctx, actor, code)


@router.put("/work-centers/{code}/setups", response_model=SetupMatrix)
def replace_work_center_setups(code: str, body: SetupsIn, ctx: CtxDep, actor: ActorDep) -> dict:
    rows = [(s.from_family, s.to_family, s.minutes) for s in body.setups]
    return setups.replace(ctx, actor, code, rows, body.version)


@router.get("/calendar", response_model=list[CalendarDay])
def calendar_days(ctx: CtxDep, actor: ActorDep, start: Day,
                  days: Annotated[int, Query(ge=1, le=366)] = 31) -> list[dict]:
    return calendar.list_days(ctx, start, start + timedelta(days=days - 1))


@router.put("/calendar/{day}", response_model=CalendarDay)
def set_calendar_day(day: Day, body: CalendarDayIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return calendar.set_day(ctx, actor, day, body.working, body.note)


@router.get("/audit/verify", response_model=AuditCheck)
def verify_audit(ctx: CtxDep, actor: ActorDep) -> dict:
    count, problems = audit.verify(ctx, actor)
    return {"events": count, "ok": not problems, "problems": problems}
