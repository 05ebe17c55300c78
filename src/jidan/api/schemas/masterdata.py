"""Response models of the masterdata routes."""
from __future__ import annotations

from typing import Any

from jidan.api.schemas.view import View


class CalendarDay(View):
    day: str | None
    working: bool
    note: str | None = None


class Customer(View):
    id: int
    code: str
    name: str | None
    priority_class: str | None
    email: str | None
    contact: str | None
    version: int


class ProductRoutingItem(View):
    seq: int | None
    work_center: str | None
    name: str | None
    setup_minutes: int | None
    minutes_per_unit: str | None
    inspection: bool


class ProductBomItem(View):
    component: str | None
    quantity_per: str | None
    step: int | None


class Product(View):
    id: int
    code: str
    name: str | None
    kind: str
    unit: str | None
    unit_price: str | None
    standard_lead_days: int | None
    routing: list[ProductRoutingItem] | None
    bom: list[ProductBomItem] | None
    version: int


class PlantDepartment(View):
    code: str
    name: str | None


class PlantWorkCenter(View):
    code: str
    name: str | None
    department: str | None
    capacity: int | None


class Plant(View):
    departments: list[PlantDepartment] | None
    work_centers: list[PlantWorkCenter] | None


class AuditCheck(View):
    events: int | None | None = None
    ok: bool | None = None
    problems: list[Any] | None | None = None
