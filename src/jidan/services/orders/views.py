"""The order as every screen and the API show it: one order, the list, its events and versions."""
from __future__ import annotations

from dataclasses import asdict

from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.roles import ORDER_ENTRY, PRICE_VIEWERS
from jidan.services.context import Context
from jidan.services.orders.guards import allowed_actions
from jidan.services.names import display_name
from jidan.services.permissions import load_order, require_order_access
from jidan.services.ports import OrderFilter


def order_view(order: Order) -> dict:
    """The order as every screen and the API show it."""
    return {
        "id": order.id, "number": order.number,
        "customer": {"code": order.customer.code, "name": order.customer.name,
                     "priority_class": order.customer.priority_class},
        "customer_po": order.customer_po,
        "order_date": order.order_date.isoformat(),
        "requested_date": order.requested_date.isoformat(),
        "promised_date": order.promised_date.isoformat() if order.promised_date else None,
        "channel": order.channel, "special_requirements": order.special_requirements,
        "status": str(order.status), "held_from": order.held_from,
        "urgent": order.urgent,
        "urgent_reasons": [r for r in order.urgent_reasons.split(",") if r],
        "urgent_reason": order.urgent_reason,
        "priority": order.priority, "priority_rank": order.priority_rank,
        "amount": f"{order.amount:.2f}",
        "lines": [{"line_no": ln.line_no, "product": ln.product.code, "product_name": ln.product.name,
                   "quantity": ln.quantity, "unit_price": f"{ln.unit_price:.2f}",
                   "amount": f"{ln.amount:.2f}"} for ln in order.lines],
        "revision": order.revision, "version": order.version,
        "created_by": order.created_by, "owner_id": order.owner_id,
        "created_at": order.created_at.isoformat() if order.created_at else None,
    }


#: The keys that carry an order's prices, wherever they sit in a view, an event or a version.
PRICE_KEYS = frozenset({"unit_price", "amount"})


def priced_for(actor: Actor, value):
    """``value`` as this actor may see it: the floor roles get no prices (issue 21)."""
    if actor.role in PRICE_VIEWERS:
        return value
    if isinstance(value, dict):
        return {k: priced_for(actor, v) for k, v in value.items() if k not in PRICE_KEYS}
    if isinstance(value, list):
        return [priced_for(actor, v) for v in value]
    return value


def current_view(uow, ctx: Context, order: Order, actor: Actor) -> dict:
    """The order for this actor, with what they may do now as it stands in ``uow``."""
    return priced_for(actor, order_view(order)) | {"allowed_actions": allowed_actions(uow, ctx, order, actor)}


def snapshot(order: Order) -> dict:
    """The business content of an order (no lock version, no permissions) for audit and versions."""
    view = order_view(order)
    for key in ("version", "created_at", "held_from"):
        view.pop(key)
    return view


def get_order(ctx: Context, actor: Actor, order_id: int) -> dict:
    with ctx.uow() as uow:
        return current_view(uow, ctx, load_order(uow, actor, order_id), actor)


def list_orders(ctx: Context, actor: Actor, f: OrderFilter) -> dict:
    require_order_access(actor)
    with ctx.uow() as uow:
        orders, total = uow.orders.list(f)
        return {"items": [priced_for(actor, order_view(o)) for o in orders], "total": total,
                "limit": f.limit, "offset": f.offset}


def list_choices(ctx: Context, actor: Actor) -> dict:
    """What the order list filters by: the customers and the people who own orders, by name."""
    require_order_access(actor)
    with ctx.uow() as uow:
        return {"customers": [{"code": c.code, "name": c.name} for c in uow.customers.list()],
                "owners": [{"id": u.id, "name": u.display_name} for u in uow.users.list()
                           if u.role in ORDER_ENTRY]}


def order_events(ctx: Context, actor: Actor, order_id: int) -> list[dict]:
    with ctx.uow() as uow:
        load_order(uow, actor, order_id)
        names: dict = {}
        return priced_for(actor, [{k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in asdict(e).items()}
                                  | {"actor_name": display_name(uow, e.actor_id, names)}
                                  for e in uow.audit.for_entity("order", order_id)])


def order_versions(ctx: Context, actor: Actor, order_id: int) -> list[dict]:
    with ctx.uow() as uow:
        load_order(uow, actor, order_id)
        return [{"revision": v.revision, "snapshot": priced_for(actor, v.snapshot),
                 "created_at": v.created_at.isoformat(), "created_by": v.created_by}
                for v in uow.orders.versions(order_id)]
