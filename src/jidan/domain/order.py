"""The customer order (订单) and its lifecycle rules."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from jidan.domain import errors
from jidan.domain.model import Actor
from jidan.domain.states import PREVIOUS, TRANSITIONS, OrderState, Transition
from jidan.domain.urgency import PRIORITY_RANK


#: How an order reached us (A1).
CHANNELS = frozenset({"phone", "online", "email", "fax", "visit", "edi", "import"})


class OrderLine:
    def __init__(self, line_no: int, product_id: int, quantity: int, unit_price: Decimal):
        self.line_no, self.product_id = line_no, product_id
        self.quantity, self.unit_price = quantity, unit_price

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


class Order:
    def __init__(self, *, number: str, customer_id: int, customer_po: str, order_date: date,
                 requested_date: date, lines: list[OrderLine], created_by: int,
                 channel: str = "phone", special_requirements: str | None = None,
                 status: OrderState = OrderState.SUBMITTED, created_at: datetime | None = None):
        self.number, self.customer_id, self.customer_po = number, customer_id, customer_po
        self.order_date, self.requested_date = order_date, requested_date
        self.lines = lines
        self.created_by = created_by
        self.channel, self.special_requirements = channel, special_requirements
        self.status = OrderState(status)
        self.held_from: str | None = None
        self.urgent = False
        self.urgent_reasons = ""
        self.urgent_reason: str | None = None
        self.priority = "normal"
        self.revision = 1
        self.owner_id: int | None = None
        self.promised_date: date | None = None
        self.created_at = created_at

    @property
    def amount(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal(0))

    @property
    def priority_rank(self) -> int:
        return PRIORITY_RANK[self.priority]

    def transition_for(self, action: str) -> Transition:
        rule = TRANSITIONS.get((OrderState(self.status), action))
        if rule is None:
            raise errors.InvalidTransition(
                f"action {action!r} is not allowed when the order is {self.status}"
            )
        return rule

    def check(self, action: str, actor: Actor, reason: str | None = None) -> Transition:
        """Every precondition of ``action``; raises the matching domain error."""
        rule = self.transition_for(action)
        if actor.role not in rule.roles:
            raise errors.Forbidden(f"role {actor.role} may not {action} an order", code="auth.role_not_allowed")
        for guard in rule.guards:
            GUARDS[guard](self, actor)
        if rule.reason_required and not (reason and reason.strip()):
            raise errors.ValidationFailed("a reason is required", fields={"reason": "required"})
        return rule

    def apply(self, action: str, actor: Actor, reason: str | None = None) -> tuple[OrderState, OrderState]:
        """Fire ``action``; returns (old, new) state. Illegal actions raise, never no-op."""
        rule = self.check(action, actor, reason)
        old = OrderState(self.status)
        new = OrderState(self.held_from) if rule.target == PREVIOUS else OrderState(rule.target)
        self.held_from = old.value if new == OrderState.ON_HOLD else None
        self.status = new
        return old, new

    def allowed_actions(self, actor: Actor) -> list[str]:
        """Actions this actor may take now (reason requirements aside)."""
        allowed = []
        for (state, action), _rule in TRANSITIONS.items():
            if state != self.status:
                continue
            try:
                self.check(action, actor, reason="-")
            except errors.JidanError:
                continue
            allowed.append(action)
        return allowed


def check_not_requester(order: Order, actor: Actor) -> None:
    if actor.user_id == order.created_by:
        raise errors.SelfApproval("nobody reviews or approves their own order")


def check_is_requester(order: Order, actor: Actor) -> None:
    if actor.user_id != order.created_by:
        raise errors.Forbidden("only the person who entered the order may submit it",
                               code="order.not_requester")


GUARDS = {"check_not_requester": check_not_requester, "check_is_requester": check_is_requester}
