"""Approval chains (审批流程, B1): admin configures which steps an order's review needs.

A chain is a rule: its conditions (amount, urgent, key customer) pick it for an order, its steps
(stage, role, N of M, deadline) become the order's review record when the review opens; a review
keeps its frozen copy, so editing a chain never changes an ongoing review.
"""
from __future__ import annotations

from jidan.domain import errors
from jidan.domain.approval import (
    ChainRecord, ChainRule, ChainStepRecord, Conditions, OrderFacts, Phase, StepRule, check_chain, choose_chain,
)
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.roles import Role
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.permissions import require_order_access, require_role


def order_facts(order: Order) -> OrderFacts:
    """What a chain's conditions look at."""
    return OrderFacts(order.amount, order.urgent, order.customer.key)


def rules(uow) -> list[ChainRule]:
    return [chain_rule(r) for r in uow.chains.all()]


def chain_for(uow, order: Order, chains: list[ChainRule] | None = None) -> ChainRule | None:
    """The chain that applies to the order now (None when admin left no chain for it)."""
    return choose_chain(rules(uow) if chains is None else chains, order_facts(order))


def frozen_steps(chain: ChainRule, order: Order) -> list[dict]:
    """The chain's steps that apply to the order, as its review record keeps them."""
    return [s.snapshot() for s in chain.steps_for(order_facts(order))]


def _conditions(row: ChainRecord | ChainStepRecord) -> Conditions:
    return Conditions(row.min_amount, row.urgent_only, row.key_customer_only)


def _hours(step: ChainStepRecord) -> float | None:
    return float(step.deadline_hours) if step.deadline_hours is not None else None


def chain_rule(row: ChainRecord) -> ChainRule:
    steps = tuple(StepRule(s.stage, Role(s.role), s.name, Phase(s.phase), s.required, _conditions(s), _hours(s))
                  for s in row.steps)
    return ChainRule(row.code, row.name, steps, row.rank, _conditions(row), row.active)


def _chain_view(row: ChainRecord) -> dict:
    def money(value):
        return f"{value:.2f}" if value is not None else None
    return {"code": row.code, "name": row.name, "rank": row.rank,
            "min_amount": money(row.min_amount), "urgent_only": row.urgent_only,
            "key_customer_only": row.key_customer_only, "active": row.active,
            "version": row.version,
            "updated_at": row.updated_at.isoformat() if row.updated_at else None,
            "steps": [{"stage": s.stage, "role": s.role, "name": s.name, "phase": s.phase,
                       "required": s.required, "min_amount": money(s.min_amount),
                       "urgent_only": s.urgent_only, "key_customer_only": s.key_customer_only,
                       "deadline_hours": _hours(s)} for s in row.steps]}


def list_chains(ctx: Context, actor: Actor) -> list[dict]:
    require_order_access(actor)
    with ctx.uow() as uow:
        return [_chain_view(row) for row in uow.chains.all()]


def save_chain(ctx: Context, actor: Actor, chain: ChainRule, version: int | None) -> dict:
    """Admin creates (``version`` None) or replaces a chain; ongoing reviews keep their frozen steps."""
    require_role(actor, {Role.ADMIN})
    check_chain(chain)
    with ctx.uow() as uow:
        rows = uow.chains.all()
        current = next((r for r in rows if r.code == chain.code), None)
        others = [chain_rule(r) for r in rows if r.code != chain.code]
        if not any(c.active and c.conditions.always for c in [*others, chain]):
            raise errors.ValidationFailed("one active chain must apply to every order",
                                          code="approval.no_default_chain",
                                          fields={"active": "no_default_chain"})
        values = {"name": chain.name.strip(), "rank": chain.rank,
                  "min_amount": chain.conditions.min_amount, "urgent_only": chain.conditions.urgent_only,
                  "key_customer_only": chain.conditions.key_customer_only, "active": chain.active,
                  "updated_at": ctx.now(), "updated_by": actor.user_id}
        if current is None:
            if version is not None:
                raise errors.NotFound(f"chain {chain.code} not found", code="approval.chain_not_found")
            chain_id = uow.chains.add(code=chain.code, **values)
        else:
            if version is None:
                raise errors.Duplicate(f"chain {chain.code} exists", code="approval.chain_exists",
                                       fields={"code": "duplicate"})
            if version != current.version:
                raise errors.StaleVersion("the chain changed since you read it", current_version=current.version)
            chain_id = current.id
            uow.chains.update(chain_id, version, **values)
        uow.chains.replace_steps(chain_id, [
            {"stage": s.stage, "role": s.role.value, "name": s.name.strip(), "phase": s.phase.value,
             "required": s.required, "min_amount": s.conditions.min_amount,
             "urgent_only": s.conditions.urgent_only, "key_customer_only": s.conditions.key_customer_only,
             "deadline_hours": s.deadline_hours} for s in chain.steps])
        saved = next(r for r in uow.chains.all() if r.id == chain_id)
        view = _chain_view(saved)
        audit.record(uow, ctx, actor, "approval_chain", chain.code, "save",
                     _chain_view(current) if current else None, view)
        uow.commit()
        return view
