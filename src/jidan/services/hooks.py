"""What the order lifecycle asks of the other areas, as function references on ``Context.hooks``.

``services/wiring.py`` fills it, called once from bootstrap: a reader opens that one module to see
what runs after each action, how each guard's fact is found out, and which actions another area
takes. The lifecycle calls through these, so the areas may import ``orders`` and never the other
way round. A Context built without them (a unit test) has none: nothing runs after an action,
no outside fact holds, and every action goes through the plain transition.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Callable

from jidan.domain.model import Actor
from jidan.domain.order import Order

# ``ctx`` is the Context that holds these hooks (typed Any: context.py imports this module).
#: Work after an action, in its unit of work: ``hook(uow, ctx, actor, order, reason)``.
Hook = Callable[[Any, Any, Actor, Order, "str | None"], None]
#: How one ``OrderFacts`` field is found out: ``fact(uow, order) -> bool``.
Fact = Callable[[Any, Order], bool]
#: After an edit made a new revision: ``revised(uow, ctx, actor, order)``.
Revised = Callable[[Any, Any, Actor, Order], None]


def _never(uow, order: Order) -> bool:
    return False


def _change_only(uow, ctx, actor: Actor, change: Callable[[], None], time_limit: float,
                 disturbance: dict) -> tuple[list[Order], Callable | None]:
    change()
    return [], None


@dataclass(frozen=True)
class Taker:
    """An action another area takes instead of the plain transition (the signed ones)."""

    #: ``take(ctx, actor, order_id, action, reason, expected_version, proof) -> order view``.
    take: Callable[..., dict]
    #: ``offers(uow, ctx, order, actor, action)``: whether it would take it now, so it is offered.
    offers: Callable[[Any, Any, Order, Actor, str], bool]


@dataclass
class Hooks:
    after: dict[str, list[Hook]] = field(default_factory=dict)
    facts: dict[str, Fact] = field(default_factory=dict)
    taken_by: dict[str, Taker] = field(default_factory=dict)
    #: Whether anyone has signed for the order's current content (an edit then makes a new revision).
    signed_for: Fact = _never
    revised: list[Revised] = field(default_factory=list)
    #: A material change and the re-plan it calls for (planning reads materials, so materials
    #: reaches planning only through this): ``(uow, ctx, actor, change, time_limit, disturbance)``
    #: → (orders affected, the repair to propose once the caller committed, or None):
    #: ``repair(then)`` → the run's id, ``then(uow, run_id)`` written with the run.
    after_material_change: Callable[..., tuple[list[Order], "Callable | None"]] = _change_only

    def run_after(self, uow, ctx, actor: Actor, order: Order, action: str,
                  reason: str | None) -> None:
        for hook in self.after.get(action, ()):
            hook(uow, ctx, actor, order, reason)
