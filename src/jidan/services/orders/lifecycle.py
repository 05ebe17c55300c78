"""Every lifecycle action of an order: checked against its transition row, audited, followed up.

The row's guards are every precondition (``domain.states``); the facts they read come from the
areas through ``guards.gather`` and what runs after an action from ``ctx.hooks`` (wired in
``services/wiring.py``), so the areas build on this module and it imports none of them.
"""
from __future__ import annotations

from jidan.domain import errors
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.states import OrderState
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.orders import guards
from jidan.services.orders.views import current_view, snapshot
from jidan.services.permissions import load_order


def check_version(order: Order, expected: int | None) -> None:
    if expected is not None and expected != order.version:
        raise errors.StaleVersion(
            f"order is at version {order.version}, not {expected}; reload it",
            current_version=order.version)


def act(ctx: Context, actor: Actor, order_id: int, action: str, reason: str | None = None,
        expected_version: int | None = None, proof=None) -> dict:
    """Fires one lifecycle action from the TRANSITIONS table and audits old → new.

    An action another area takes goes there (``ctx.hooks.taken_by``): review, approve and reject
    are signed opinions on the order's approval chain, and the order moves when the chain's steps
    are satisfied (``services.approvals``; ``proof`` is its ``Proof``).
    """
    taker = ctx.hooks.taken_by.get(action)
    if taker is not None:
        return taker.take(ctx, actor, order_id, action, reason, expected_version, proof)
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        check_version(order, expected_version)
        transition(uow, ctx, actor, order, action, reason)
        uow.commit()
        return current_view(uow, ctx, order, actor)


def transition(uow, ctx: Context, actor: Actor, order: Order, action: str,
               reason: str | None = None) -> tuple[OrderState, OrderState]:
    """Checks and fires one action in the caller's unit of work: guards, approval snapshot, audit,
    then what runs after it."""
    old, new = order.apply(action, actor, reason, guards.gather(uow, ctx, order))
    if action == "approve":
        uow.orders.add_version(order, audit.plain(snapshot(order)), ctx.now(), actor.user_id)
    uow.flush()
    audit.record(uow, ctx, actor, "order", order.id, action,
                 {"status": old.value}, {"status": new.value}, reason)
    ctx.hooks.run_after(uow, ctx, actor, order, action, reason)
    return old, new
