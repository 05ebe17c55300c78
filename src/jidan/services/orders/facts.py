"""The facts the transition guards read, each asked of the area that knows it (``ctx.hooks.facts``).

Only the facts a row leaving the order's state reads are asked, so an order page costs at most
one query more; the view (``views``) and the transition (``lifecycle``) both read them here, so
what is offered and what is allowed agree.
"""
from __future__ import annotations

from jidan.domain.order import Order, OrderFacts, facts_read_from
from jidan.services.context import Context


def gather(uow, ctx: Context, order: Order) -> OrderFacts:
    return OrderFacts(**{name: ctx.hooks.facts[name](uow, order)
                         for name in facts_read_from(order.status) if name in ctx.hooks.facts})
