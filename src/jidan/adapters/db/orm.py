"""Maps the plain domain classes onto the tables (imperative mapping, cosmicpython style)."""
from __future__ import annotations

from sqlalchemy.orm import registry, relationship

from jidan.adapters.db import tables as t
from jidan.domain.model import BomItem, Customer, Department, Product, RoutingStep, User, WorkCenter
from jidan.domain.order import Order, OrderLine

mapper_registry = registry(metadata=t.metadata)
_started = False


def start_mappers() -> None:
    """Idempotent: safe to call from every entry point."""
    global _started
    if _started:
        return
    _started = True
    m = mapper_registry.map_imperatively
    m(Department, t.departments)
    m(WorkCenter, t.work_centers)
    m(Customer, t.customers, version_id_col=t.customers.c.version)
    m(RoutingStep, t.routing_steps)
    m(BomItem, t.bom_items)
    m(Product, t.products, version_id_col=t.products.c.version, properties={
        "routing": relationship(RoutingStep, order_by=t.routing_steps.c.seq,
                                cascade="all, delete-orphan", lazy="selectin"),
        "bom": relationship(BomItem, cascade="all, delete-orphan", lazy="selectin",
                            foreign_keys=[t.bom_items.c.product_id],
                            order_by=t.bom_items.c.id),
    })
    m(User, t.users, version_id_col=t.users.c.version)
    m(OrderLine, t.order_lines, properties={"product": relationship(Product, lazy="joined")})
    m(Order, t.orders, version_id_col=t.orders.c.version, properties={
        "lines": relationship(OrderLine, order_by=t.order_lines.c.line_no,
                              cascade="all, delete-orphan", lazy="selectin"),
        "customer": relationship(Customer, lazy="joined"),
    })
