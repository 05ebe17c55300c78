"""The customer order (订单) and its lifecycle rules."""
from __future__ import annotations

from dataclasses import dataclass, fields
from datetime import date, datetime
from decimal import Decimal
from typing import Callable

from jidan.domain import errors
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.domain.states import PREVIOUS, TRANSITIONS, OrderState, Transition, leaving
from jidan.domain.text import is_code, text_error
from jidan.domain.urgency import PRIORITY_RANK


#: How an order reached us (A1).
CHANNELS = frozenset({"phone", "online", "email", "fax", "visit", "edi", "import"})

# What an order may hold (A2). Every way in checks these (``order_errors`` and ``line_errors``,
# called by the intake for the API, the form and the import); the API's schema states the same.
CUSTOMER_PO_MAX = 60
SPECIAL_REQUIREMENTS_MAX = 2000
URGENT_REASON_MAX = 500
LINES_MAX = 200
QUANTITY_MAX = 10_000_000
#: Unit prices: at most this many digits, of which this many after the point (below 10^12).
PRICE_DIGITS, PRICE_PLACES = 14, 2
PRICE_LIMIT = Decimal(10) ** (PRICE_DIGITS - PRICE_PLACES)


def note_errors(special_requirements: str | None, urgent_reason: str | None) -> dict[str, str]:
    """Field error codes of an order's free text."""
    found = {"special_requirements": text_error(special_requirements, SPECIAL_REQUIREMENTS_MAX),
             "urgent_reason": text_error(urgent_reason, URGENT_REASON_MAX)}
    return {name: code for name, code in found.items() if code}


def order_errors(customer: str, customer_po: str, special_requirements: str | None,
                 urgent_reason: str | None) -> dict[str, str]:
    """Field error codes of an order's own fields, before anything is looked up."""
    found = {"customer": None if is_code(customer) else "unknown_customer",
             "customer_po": text_error(customer_po, CUSTOMER_PO_MAX, required=True, one_line=True)}
    return {name: code for name, code in found.items() if code} | note_errors(special_requirements, urgent_reason)


def line_errors(product: str, quantity: int, unit_price: Decimal | None) -> dict[str, str]:
    """Field error codes of one order line, before its product is looked up."""
    found = {"product": None if is_code(product) else "unknown_product",
             "quantity": "must_be_positive" if quantity <= 0 else "too_large" if quantity > QUANTITY_MAX else None}
    if unit_price is not None:
        found["unit_price"] = (
            "invalid_number" if not unit_price.is_finite() else
            "must_not_be_negative" if unit_price < 0 else
            "too_large" if unit_price >= PRICE_LIMIT else
            "too_many_decimals" if unit_price.normalize().as_tuple().exponent < -PRICE_PLACES else None)
    return {name: code for name, code in found.items() if code}


@dataclass(frozen=True)
class OrderFacts:
    """What the guards read beyond the order itself; each is asked of the area that knows it.

    ``services.orders.guards`` gathers only the facts a row leaving the order's state reads;
    a fact not gathered stays False (not known to hold), so it is never offered on a guess.
    """

    in_accepted_plan: bool = False         # planning: the accepted plan includes the order (D1)
    final_inspection_passed: bool = False  # quality: every line passed its final inspection (F2)
    shipment_dispatched: bool = False      # fulfilment: its shipment left, the customer told (G3, G4)


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

    def check(self, action: str, actor: Actor, reason: str | None = None,
              facts: OrderFacts | None = None) -> Transition:
        """Every precondition of ``action``; raises the matching domain error.

        Without ``facts`` only what the order itself shows is checked (state, role, requester,
        reason): a service asks that before the work that makes an outside fact true, e.g. a
        shipment's dispatch before ``ship``. The lifecycle's transition always passes them.
        """
        rule = self.transition_for(action)
        if actor.role not in rule.roles:
            raise errors.Forbidden(f"role {actor.role} may not {action} an order", code="auth.role_not_allowed")
        for name in rule.guards:
            guard = GUARDS[name]
            if facts is not None or guard.reads is None:
                guard.check(self, actor, facts or OrderFacts())
        if rule.reason_required and not (reason and reason.strip()):
            raise errors.ValidationFailed("a reason is required", fields={"reason": "required"})
        return rule

    def apply(self, action: str, actor: Actor, reason: str | None = None,
              facts: OrderFacts | None = None) -> tuple[OrderState, OrderState]:
        """Fire ``action``; returns (old, new) state. Illegal actions raise, never no-op."""
        rule = self.check(action, actor, reason, facts)
        old = OrderState(self.status)
        new = OrderState(self.held_from) if rule.target == PREVIOUS else OrderState(rule.target)
        self.held_from = old.value if new == OrderState.ON_HOLD else None
        self.status = new
        return old, new

    def allowed_actions(self, actor: Actor, facts: OrderFacts = OrderFacts()) -> list[str]:
        """Actions this actor may take now (reason requirements aside), every guard checked."""
        allowed = []
        for rule in leaving(self.status):
            try:
                self.check(rule.action, actor, reason="-", facts=facts)
            except errors.JidanError:
                continue
            allowed.append(rule.action)
        return allowed


def facts_read_from(state: OrderState) -> frozenset[str]:
    """The ``OrderFacts`` fields the guards of the rows leaving ``state`` read."""
    return frozenset(GUARDS[name].reads for rule in leaving(state) for name in rule.guards
                     if GUARDS[name].reads)


def check_not_requester(order: Order, actor: Actor, facts: OrderFacts) -> None:
    if actor.user_id == order.created_by:
        raise errors.SelfApproval("nobody reviews or approves their own order")


def check_is_requester(order: Order, actor: Actor, facts: OrderFacts) -> None:
    if actor.user_id != order.created_by:
        raise errors.Forbidden("only the person who entered the order may submit it",
                               code="order.not_requester")


def check_requester_or_manager(order: Order, actor: Actor, facts: OrderFacts) -> None:
    """The order's own people (who entered it, its named owner, D3) or management, never a colleague."""
    if actor.role != Role.MANAGEMENT and actor.user_id not in (order.created_by, order.owner_id):
        raise errors.Forbidden("only the person who entered the order, its owner or management may do this",
                               code="order.not_the_owner")


def check_in_accepted_plan(order: Order, actor: Actor, facts: OrderFacts) -> None:
    if not facts.in_accepted_plan:
        raise errors.Conflict("the order is not in the accepted plan; plan it first",
                              code="order.not_in_accepted_plan")


def check_final_inspection_passed(order: Order, actor: Actor, facts: OrderFacts) -> None:
    if not facts.final_inspection_passed:
        raise errors.Conflict("the final inspection has not passed the order's goods yet",
                              code="quality.final_inspection_required")


def check_shipment_dispatched(order: Order, actor: Actor, facts: OrderFacts) -> None:
    if not facts.shipment_dispatched:
        raise errors.InvalidTransition(
            f"order {order.number} ships only by dispatching its shipment: book the shipment, "
            "then dispatch it (the customer is told first)", code="order.ship_via_shipment")


@dataclass(frozen=True)
class Guard:
    """A precondition named on transition rows; ``reads`` is the ``OrderFacts`` field it needs."""

    check: Callable[[Order, Actor, OrderFacts], None]
    reads: str | None = None


GUARDS: dict[str, Guard] = {
    "check_not_requester": Guard(check_not_requester),
    "check_is_requester": Guard(check_is_requester),
    "check_requester_or_manager": Guard(check_requester_or_manager),
    "check_in_accepted_plan": Guard(check_in_accepted_plan, "in_accepted_plan"),
    "check_final_inspection_passed": Guard(check_final_inspection_passed, "final_inspection_passed"),
    "check_shipment_dispatched": Guard(check_shipment_dispatched, "shipment_dispatched"),
}
assert all(g.reads in {f.name for f in fields(OrderFacts)} for g in GUARDS.values() if g.reads)


@dataclass(frozen=True)
class OrderVersion:
    """The order as approved at one revision (B7, H1): kept whole, never changed."""

    revision: int
    snapshot: dict
    created_at: datetime
    created_by: int


@dataclass(frozen=True)
class FirstAnswer:
    """What a request sent with an ``Idempotency-Key`` answered the first time (A2)."""

    request_hash: str
    status_code: int
    response: dict
