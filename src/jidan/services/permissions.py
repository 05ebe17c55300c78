"""Role and record checks shared by every use case."""
from __future__ import annotations

from collections.abc import Collection

from jidan.domain import errors
from jidan.domain.model import Actor
from jidan.domain.roles import ORDER_VIEWERS, BusinessRoles, Role


def may(actor: Actor, roles: Collection) -> bool:
    """Whether the actor's role is among ``roles``; admin takes a business act only where the
    plant lets admin do business (``JIDAN_ADMIN_DOES_BUSINESS``, off by default)."""
    return actor.role in roles or (isinstance(roles, BusinessRoles) and actor.role == Role.ADMIN
                                   and actor.admin_does_business)


def require_role(actor: Actor, roles: Collection) -> None:
    if not may(actor, roles):
        raise errors.Forbidden(f"role {actor.role} may not do this", code="auth.role_not_allowed")


def require_order_access(actor: Actor) -> None:
    """Suppliers and stores never see customer orders; to them the order does not exist."""
    if actor.role not in ORDER_VIEWERS:
        raise errors.NotFound("order not found", code="order.not_found")


def load_order(uow, actor: Actor, order_id: int):
    """The order, if this actor may see it; unknown and hidden orders are both 404."""
    require_order_access(actor)
    order = uow.orders.get(order_id)
    if order is None:
        raise errors.NotFound(f"order {order_id} not found", code="order.not_found")
    return order
