"""What the transition guards read, and so what an order offers an actor now.

The facts come from the areas that know them (``ctx.hooks.facts``), and only those a row leaving
the order's state reads, so an order page costs at most one query more. The view (``views``) and
the transition (``lifecycle``) both read them here, so what is offered and what is allowed agree.
"""
from __future__ import annotations

from jidan.domain.model import Actor
from jidan.domain.order import Order, OrderFacts, facts_read_from
from jidan.services.context import Context


def gather(uow, ctx: Context, order: Order) -> OrderFacts:
    return OrderFacts(**{name: ctx.hooks.facts[name](uow, order)
                         for name in facts_read_from(order.status) if name in ctx.hooks.facts})


def allowed_actions(uow, ctx: Context, order: Order, actor: Actor) -> list[str]:
    """The actions this actor may take now: every guard of the row, and for an action another
    area takes (the signed ones), that area's word that it would."""
    return [action for action in order.allowed_actions(actor, gather(uow, ctx, order))
            if action not in ctx.hooks.taken_by
            or ctx.hooks.taken_by[action].offers(uow, ctx, order, actor, action)]
