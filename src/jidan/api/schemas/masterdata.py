"""Response models of the masterdata routes."""
from __future__ import annotations

from typing import Any

from jidan.api.schemas.view import View


class CalendarDay(View):
    day: str
    working: bool
    note: str | None = None


class Customer(View):
    id: int
    code: str
    name: str
    priority_class: str
    email: str | None
    contact: str | None
    version: int


class ProductRoutingItem(View):
    seq: int
    work_center: str
    name: str
    setup_minutes: int
    minutes_per_unit: str
    inspection: bool


class ProductBomItem(View):
    component: str
    quantity_per: str
    step: int | None


class Product(View):
    id: int
    code: str
    name: str
    kind: str
    unit: str
    unit_price: str
    standard_lead_days: int
    routing: list[ProductRoutingItem]
    bom: list[ProductBomItem]
    version: int


class PlantDepartment(View):
    code: str
    name: str


class PlantWorkCenter(View):
    code: str
    name: str
    department: str
    capacity: int


class Plant(View):
    departments: list[PlantDepartment]
    work_centers: list[PlantWorkCenter]


class AuditCheck(View):
    events: int | None = None
    ok: bool | None = None
    problems: list[Any] | None = None
