"""Master data and people: plain classes, mapped onto tables from the outside (adapters.db)."""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from jidan.domain.roles import Role


class Department:
    def __init__(self, code: str, name: str):
        self.code, self.name = code, name


class WorkCenter:
    """A line, machine group or work group (生产线 / 工作组) with parallel capacity."""

    def __init__(self, code: str, name: str, department_code: str, capacity: int = 1):
        self.code, self.name = code, name
        self.department_code = department_code
        self.capacity = capacity
        self.setups_version = 0  # its changeover matrix's version (domain/setups.py)


class Customer:
    def __init__(self, code: str, name: str, priority_class: str = "normal", email: str | None = None,
                 contact: str | None = None, address: str | None = None, phone: str | None = None):
        self.code, self.name = code, name
        self.priority_class = priority_class  # key | normal
        self.email, self.contact = email, contact
        self.address, self.phone = address, phone  # delivery address and telephone (发货通知单)

    @property
    def key(self) -> bool:
        return self.priority_class == "key"


class RoutingStep:
    """One operation (工序) of a product's routing: where, how long, inspected or not (F1)."""

    def __init__(self, seq: int, work_center_code: str, name: str, setup_minutes: int,
                 minutes_per_unit: Decimal, inspection: bool = False):
        self.seq, self.work_center_code, self.name = seq, work_center_code, name
        self.setup_minutes, self.minutes_per_unit = setup_minutes, minutes_per_unit
        self.inspection = inspection

    def minutes(self, quantity: int) -> int:
        """The step's working minutes for a quantity, its set-up included."""
        return self.setup_minutes + math.ceil(self.minutes_per_unit * quantity)


class BomItem:
    """A component (原材料) needed per unit of the parent product, by the routing step that
    consumes it (``step_seq``; none: the first step), so only that step waits for it."""

    def __init__(self, component_code: str, quantity_per: Decimal, step_seq: int | None = None):
        self.component_code, self.quantity_per, self.step_seq = component_code, quantity_per, step_seq


class Product:
    def __init__(self, code: str, name: str, unit_price: Decimal, standard_lead_days: int,
                 kind: str = "finished", routing: list[RoutingStep] | None = None,
                 bom: list[BomItem] | None = None, unit: str = "pcs", family: str | None = None):
        self.code, self.name = code, name
        self.family = family  # 产品族: changing family on a line may take a set-up (domain/setups.py)
        self.unit_price = unit_price
        self.standard_lead_days = standard_lead_days
        self.kind = kind  # finished | material
        self.unit = unit
        self.routing = routing or []
        self.bom = bom or []


class User:
    def __init__(self, username: str, display_name: str, role: Role, password_hash: str,
                 email: str | None = None, active: bool = True):
        self.username, self.display_name = username, display_name
        self.role = Role(role)
        self.password_hash = password_hash
        self.email = email
        self.active = active


@dataclass(frozen=True)
class Actor:
    """Who is acting, as the audit trail records them."""

    user_id: int
    username: str
    role: Role
    display_name: str = ""
    #: An admin of a plant that lets admin take the business acts too (``BusinessRoles``).
    admin_does_business: bool = False


@dataclass(frozen=True)
class AuthSession:
    """A login (API token or web cookie), known by its token's hash; the CSRF token guards its
    writes, ``created_at`` says how fresh its password is for signing."""

    id: int
    token_hash: str
    user_id: int
    kind: str
    csrf_token: str
    created_at: datetime
    expires_at: datetime


@dataclass(frozen=True)
class CalendarDay:
    """The site's own edit of one day (N1): worked (调休, overtime) or closed."""

    day: date
    working: bool
    note: str | None = None
