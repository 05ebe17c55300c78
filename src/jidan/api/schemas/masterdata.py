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
    address: str | None = None
    phone: str | None = None
    version: int


class ProductRoutingItem(View):
    seq: int | None = None
    work_center: str | None = None
    name: str | None = None
    setup_minutes: int | None = None
    minutes_per_unit: str | None = None
    inspection: bool | None = None


class ProductBomItem(View):
    component: str | None = None
    quantity_per: str | None = None
    step: int | None = None


class Product(View):
    id: int
    code: str
    name: str | None
    kind: str
    unit: str | None
    unit_price: str | None
    standard_lead_days: int | None
    family: str | None = None
    routing: list[ProductRoutingItem] | None
    bom: list[ProductBomItem] | None
    version: int


class PlantDepartment(View):
    code: str | None = None
    name: str | None = None


class PlantWorkCenter(View):
    code: str | None = None
    name: str | None = None
    department: str | None = None
    capacity: int | None = None


class Plant(View):
    departments: list[PlantDepartment] | None
    work_centers: list[PlantWorkCenter] | None


class AuditCheck(View):
    events: int | None = None
    ok: bool | None = None
    problems: list[Any] | None = None


class Changeover(View):
    from_family: str
    to_family: str
    minutes: int


class SetupChange(View):
    at: str
    by: str | None
    pairs: int


class SetupMatrix(View):
    """A work center's changeover minutes by product family pair (换线时间, issue 25)."""

    work_center: str
    name: str
    version: int
    families: list[str]
    max_minutes: int
    setups: list[Changeover]
    history: list[SetupChange]
