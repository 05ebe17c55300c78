"""The order lifecycle as one table of data (state, action → next state, roles, guards).

The API, the buttons on pages and the permission-matrix test all read ``TRANSITIONS``;
nothing else decides what may happen to an order.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from jidan.domain.roles import Role


class OrderState(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    REVIEWED = "reviewed"
    APPROVED = "approved"
    REJECTED = "rejected"
    PLANNED = "planned"
    RELEASED = "released"
    IN_PRODUCTION = "in_production"
    INSPECTED = "inspected"
    RECEIVED = "received"  # 成品入库
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CLOSED = "closed"
    ON_HOLD = "on_hold"
    CANCELLED = "cancelled"


S = OrderState
R = Role

#: The happy path, in order: used by the UI progress bar and the lifecycle tests.
MAIN_PATH = (
    S.SUBMITTED, S.REVIEWED, S.APPROVED, S.PLANNED, S.RELEASED, S.IN_PRODUCTION,
    S.INSPECTED, S.RECEIVED, S.SHIPPED, S.DELIVERED, S.CLOSED,
)
FINAL_STATES = frozenset({S.CLOSED, S.CANCELLED})
#: Orders on the floor (released, in production, or held there), in that order.
ON_FLOOR = (S.RELEASED, S.IN_PRODUCTION, S.ON_HOLD)
#: States after approval: the order may change only through a change request (B7, H1).
APPROVED_STATES = frozenset(
    {S.APPROVED, S.PLANNED, S.RELEASED, S.IN_PRODUCTION, S.INSPECTED, S.RECEIVED,
     S.SHIPPED, S.DELIVERED, S.CLOSED, S.ON_HOLD}
)
#: States in which an order still needs planning capacity (open work).
OPEN_STATES = frozenset(
    {S.SUBMITTED, S.REVIEWED, S.APPROVED, S.PLANNED, S.RELEASED, S.IN_PRODUCTION, S.ON_HOLD}
)

#: Target meaning "back to the state the order was held from".
PREVIOUS = "previous"


@dataclass(frozen=True)
class Transition:
    action: str
    source: OrderState
    target: OrderState | str
    roles: frozenset[Role]
    #: Names in ``domain.order.GUARDS``: every precondition of the action beyond state and role.
    guards: tuple[str, ...] = field(default=())
    reason_required: bool = False
    #: The document the action is taken through, when it is never fired on its own (the order
    #: page links there instead of offering a button): ship goes with its shipment (G3, G4).
    via: str | None = None


def _rows(action, sources, target, roles, guards=(), reason=False, via=None) -> list[Transition]:
    return [Transition(action, s, target, frozenset(roles), tuple(guards), reason, via) for s in sources]


_HOLDABLE = (S.APPROVED, S.PLANNED, S.RELEASED, S.IN_PRODUCTION)
_TABLE: list[Transition] = [
    *_rows("submit", [S.DRAFT], S.SUBMITTED, [R.SALES, R.CUSTOMER_SERVICE], ["check_is_requester"]),
    # 生产可行性分析 / 预算审核: PMC confirms feasibility, finance may review budget (B3, B4).
    *_rows("review", [S.SUBMITTED], S.REVIEWED, [R.PMC, R.FINANCE], ["check_not_requester"]),
    # 最终审批 (B5): management, never the requester (B7). Review and approval are signed acts on
    # the order's approval chain (services.approvals, docs/workflow.md): these rows say who may
    # ever take part; the chain says which of them, in what order and how many.
    *_rows("approve", [S.REVIEWED], S.APPROVED, [R.MANAGEMENT], ["check_not_requester"]),
    # 势在必接 (B6): management pushes a rejected must-take order through; the reason is its
    # instruction assigning the resources (overtime, outside resources …).
    *_rows("approve", [S.REJECTED], S.APPROVED, [R.MANAGEMENT], ["check_not_requester"], reason=True),
    *_rows("reject", [S.SUBMITTED, S.REVIEWED], S.REJECTED, [R.PMC, R.FINANCE, R.MANAGEMENT],
           ["check_not_requester"], reason=True),
    *_rows("resubmit", [S.REJECTED], S.SUBMITTED, [R.SALES, R.CUSTOMER_SERVICE], ["check_is_requester"]),
    *_rows("plan", [S.APPROVED], S.PLANNED, [R.PMC]),
    # 下达: only an order in the accepted plan (D1).
    *_rows("release", [S.PLANNED], S.RELEASED, [R.PMC], ["check_in_accepted_plan"]),
    *_rows("start_production", [S.RELEASED], S.IN_PRODUCTION, [R.MANUFACTURING]),
    # 终检 with the quality department before receipt (F2).
    *_rows("inspect", [S.IN_PRODUCTION], S.INSPECTED, [R.QUALITY]),
    # 成品入库 only after the final inspection passed every line (F2).
    *_rows("receive", [S.INSPECTED], S.RECEIVED, [R.WAREHOUSE], ["check_final_inspection_passed"]),
    # Goods leave only on a dispatched shipment, the customer told first (G3, G4).
    *_rows("ship", [S.RECEIVED], S.SHIPPED, [R.LOGISTICS, R.SALES], ["check_shipment_dispatched"],
           via="shipment"),
    *_rows("confirm_delivery", [S.SHIPPED], S.DELIVERED, [R.LOGISTICS, R.SALES, R.CUSTOMER_SERVICE]),
    *_rows("close", [S.DELIVERED], S.CLOSED, [R.SALES, R.CUSTOMER_SERVICE]),
    *_rows("hold", _HOLDABLE, S.ON_HOLD, [R.PMC, R.MANAGEMENT], reason=True),
    *_rows("resume", [S.ON_HOLD], PREVIOUS, [R.PMC, R.MANAGEMENT]),
    # Sales cancels only the orders they entered or own (D3); their manager any (issue 21).
    *_rows("cancel", [S.DRAFT, S.SUBMITTED, S.REJECTED], S.CANCELLED,
           [R.SALES, R.CUSTOMER_SERVICE, R.MANAGEMENT], ["check_requester_or_manager"], reason=True),
    *_rows("cancel", [S.REVIEWED, *_HOLDABLE, S.ON_HOLD], S.CANCELLED, [R.MANAGEMENT], reason=True),
]

TRANSITIONS: dict[tuple[OrderState, str], Transition] = {}
for _t in _TABLE:
    assert (_t.source, _t.action) not in TRANSITIONS, f"duplicate row {_t.source}/{_t.action}"
    TRANSITIONS[(_t.source, _t.action)] = _t

ACTIONS: tuple[str, ...] = tuple(dict.fromkeys(t.action for t in _TABLE))


def leaving(state: OrderState) -> list[Transition]:
    """The rows whose source is ``state``, in table order."""
    return [t for t in _TABLE if t.source == state]


def taken_via(state: OrderState, role: Role) -> list[Transition]:
    """The actions this role takes from ``state`` through another document, not on the order."""
    return [t for t in leaving(state) if t.via and role in t.roles]
