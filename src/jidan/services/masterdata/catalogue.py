"""Customers, products (with routing and BOM) and the plant: the master data orders stand on."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import NamedTuple

from jidan.domain import errors
from jidan.domain.model import Actor, BomItem, Customer, Product, RoutingStep
from jidan.domain.roles import ALL_ROLES, MASTER_DATA, Role
from jidan.domain.setups import family_error, family_of
from jidan.domain.text import is_code, text_error
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.permissions import require_role

READERS = ALL_ROLES - {Role.SUPPLIER, Role.STORE}
#: The longest names the master data holds (the API's schema states the same).
NAME_MAX, CONTACT_MAX, STEP_NAME_MAX, UNIT_MAX = 200, 100, 100, 10
ADDRESS_MAX, PHONE_MAX = 300, 40


def customer_view(c: Customer) -> dict:
    return {"id": c.id, "code": c.code, "name": c.name, "priority_class": c.priority_class,
            "email": c.email, "contact": c.contact, "address": c.address, "phone": c.phone,
            "version": c.version}


def product_view(p: Product) -> dict:
    return {
        "id": p.id, "code": p.code, "name": p.name, "kind": p.kind, "unit": p.unit,
        "unit_price": f"{p.unit_price:.2f}", "standard_lead_days": p.standard_lead_days, "family": p.family,
        "routing": [{"seq": s.seq, "work_center": s.work_center_code, "name": s.name,
                     "setup_minutes": s.setup_minutes, "minutes_per_unit": str(s.minutes_per_unit),
                     "inspection": s.inspection} for s in p.routing],
        "bom": [{"component": b.component_code, "quantity_per": str(b.quantity_per), "step": b.step_seq}
                for b in p.bom],
        "version": p.version,
    }


@dataclass(frozen=True)
class NewCustomer:
    code: str
    name: str
    priority_class: str = "normal"
    email: str | None = None
    contact: str | None = None
    address: str | None = None
    phone: str | None = None


@dataclass(frozen=True)
class NewStep:
    seq: int
    work_center: str
    name: str
    minutes_per_unit: Decimal
    setup_minutes: int = 0
    inspection: bool = False


class NewBomItem(NamedTuple):
    """A component per unit; ``step``: the routing step (seq) that consumes it, none: the first."""

    component: str
    quantity_per: Decimal
    step: int | None = None


@dataclass(frozen=True)
class NewProduct:
    code: str
    name: str
    unit_price: Decimal
    standard_lead_days: int
    kind: str = "finished"
    unit: str = "pcs"
    routing: tuple[NewStep, ...] = ()
    bom: tuple[NewBomItem | tuple[str, Decimal], ...] = ()
    family: str | None = None
    """产品族 (issue 25): changing family on a work center may take a set-up; blank: none."""


def _customer_errors(cmd: NewCustomer) -> dict[str, str]:
    """Names are one line (a line break in one breaks every e-mail it is written into, issue 21)."""
    found = {"code": None if is_code(cmd.code) else "invalid_code",
             "name": text_error(cmd.name, NAME_MAX, required=True, one_line=True),
             "email": text_error(cmd.email, NAME_MAX, one_line=True),
             "contact": text_error(cmd.contact, CONTACT_MAX, one_line=True),
             "address": text_error(cmd.address, ADDRESS_MAX, one_line=True),
             "phone": text_error(cmd.phone, PHONE_MAX, one_line=True)}
    return {name: code for name, code in found.items() if code}


def _product_errors(cmd: NewProduct) -> dict[str, str]:
    found = {"code": None if is_code(cmd.code) else "invalid_code",
             "name": text_error(cmd.name, NAME_MAX, required=True, one_line=True),
             "unit": text_error(cmd.unit, UNIT_MAX, required=True, one_line=True),
             "family": family_error(cmd.family)}
    found |= {f"routing.{i}.name": text_error(s.name, STEP_NAME_MAX, required=True, one_line=True)
              for i, s in enumerate(cmd.routing)}
    return {name: code for name, code in found.items() if code}


def list_customers(ctx: Context, actor: Actor) -> list[dict]:
    require_role(actor, READERS)
    with ctx.uow() as uow:
        return [customer_view(c) for c in uow.customers.list()]


def create_customer(ctx: Context, actor: Actor | None, cmd: NewCustomer) -> dict:
    if actor is not None:
        require_role(actor, MASTER_DATA)
    if fields := _customer_errors(cmd):
        raise errors.ValidationFailed("the customer is not valid", fields=fields)
    with ctx.uow() as uow:
        if uow.customers.by_code(cmd.code):
            raise errors.Duplicate(f"customer {cmd.code} exists", code="customer.duplicate",
                                   fields={"code": "duplicate"})
        customer = Customer(cmd.code, cmd.name, cmd.priority_class, cmd.email, cmd.contact,
                            cmd.address, cmd.phone)
        uow.customers.add(customer)
        uow.flush()
        view = customer_view(customer)
        audit.record(uow, ctx, actor, "customer", customer.id, "create", None, view)
        uow.commit()
        return view


def list_products(ctx: Context, actor: Actor, kind: str | None = None) -> list[dict]:
    require_role(actor, READERS)
    with ctx.uow() as uow:
        return [product_view(p) for p in uow.products.list(kind)]


def get_product(ctx: Context, actor: Actor, code: str) -> dict:
    require_role(actor, READERS)
    with ctx.uow() as uow:
        product = uow.products.by_code(code)
        if product is None:
            raise errors.NotFound(f"product {code} not found", code="product.not_found")
        return product_view(product)


def create_product(ctx: Context, actor: Actor | None, cmd: NewProduct) -> dict:
    """A product with its routing (工序) and bill of materials, checked against the plant."""
    if actor is not None:
        require_role(actor, MASTER_DATA)
    with ctx.uow() as uow:
        fields = _product_errors(cmd)
        if "code" not in fields and uow.products.by_code(cmd.code):
            raise errors.Duplicate(f"product {cmd.code} exists", code="product.duplicate",
                                   fields={"code": "duplicate"})
        for i, step in enumerate(cmd.routing):
            if not is_code(step.work_center) or uow.plant.work_center(step.work_center) is None:
                fields[f"routing.{i}.work_center"] = "unknown_work_center"
        bom = [NewBomItem(*b) for b in cmd.bom]
        components = uow.products.by_codes({b.component for b in bom if is_code(b.component)})
        steps = {s.seq for s in cmd.routing}
        for i, item in enumerate(bom):
            if item.component not in components:
                fields[f"bom.{i}.component"] = "unknown_product"
            if item.step is not None and item.step not in steps:
                fields[f"bom.{i}.step"] = "unknown_step"
        if len({s.seq for s in cmd.routing}) != len(cmd.routing):
            fields["routing"] = "duplicate_seq"
        if fields:
            raise errors.ValidationFailed("the product is not valid", fields=fields)
        product = Product(
            cmd.code, cmd.name, cmd.unit_price, cmd.standard_lead_days, cmd.kind,
            [RoutingStep(s.seq, s.work_center, s.name, s.setup_minutes, s.minutes_per_unit, s.inspection)
             for s in cmd.routing],
            [BomItem(b.component, b.quantity_per, b.step) for b in bom], cmd.unit, family_of(cmd.family))
        uow.products.add(product)
        uow.flush()
        view = product_view(product)
        audit.record(uow, ctx, actor, "product", product.id, "create", None, view)
        uow.commit()
        return view


def plant_view(ctx: Context, actor: Actor) -> dict:
    require_role(actor, READERS)
    with ctx.uow() as uow:
        return {
            "departments": [{"code": d.code, "name": d.name} for d in uow.plant.departments()],
            "work_centers": [{"code": w.code, "name": w.name, "department": w.department_code,
                              "capacity": w.capacity} for w in uow.plant.work_centers()],
        }
