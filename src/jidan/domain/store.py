"""Store urgent replenishment (卖场紧急订货工作流程, K1–K7), as data.

A store's receiving supervisor (收货区主管) raises an urgent requisition (紧急请配单) that the
store manager (店长) approves; headquarters (亿翼公司: its purchasing) answers within one
working day; the supplier delivers within one working day (送货单); the store inspects and
signs (签收单); the supplier hands the signed receipt to headquarters within three working days;
headquarters gives the receiving code and issues the transfer-out (调出单) and the store the
transfer-in (调入单). Each step is one row of :data:`STEPS`: who acts, the guards, who is
responsible, assists and is involved (直接责任人 ● / 配合人 ▲ / 涉及人 △), and its deadline in
working days. Standard library only.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

from jidan.domain import errors
from jidan.domain.calendar import WorkCalendar
from jidan.domain.fulfilment import quantities_within
from jidan.domain.roles import BusinessRoles, Role


class ReqState(StrEnum):
    REQUESTED = "requested"  # raised, waiting for the store manager
    APPROVED = "approved"  # approved, waiting for headquarters' answer (K2)
    ORDERED = "ordered"  # will arrive: waiting for the supplier's delivery (K3)
    DELIVERED = "delivered"  # delivered (送货单): waiting for the store's inspection (K4)
    SIGNED = "signed"  # signed (签收单): waiting for the supplier to hand it in (K5)
    HANDED_IN = "handed_in"  # at headquarters: waiting for the code and transfer-out (K6)
    TRANSFERRED_OUT = "transferred_out"  # 调出单 issued: waiting for the store's 调入单 (K6)
    CLOSED = "closed"
    REJECTED = "rejected"  # the store manager said no
    REFUSED = "refused"  # headquarters: will not arrive


class Party(StrEnum):
    """The columns of the document's responsibility matrix."""

    MANAGER = "manager"  # 店长
    SUPERVISOR = "supervisor"  # 收货区主管
    HEADQUARTERS = "headquarters"  # 亿翼公司
    SUPPLIER = "supplier"  # 供应商


#: Headquarters' part is purchasing's: it orders from the supplier, gives the receiving code and
#: issues the transfer-out (the document's 亿翼公司 does the buying for every store).
HEADQUARTERS = BusinessRoles({Role.PURCHASING})
PARTY_ROLES: dict[Party, frozenset] = {
    Party.MANAGER: frozenset({Role.STORE}), Party.SUPERVISOR: frozenset({Role.STORE}),
    Party.HEADQUARTERS: HEADQUARTERS, Party.SUPPLIER: frozenset({Role.SUPPLIER}),
}
#: Who sees requisitions at all: the stores (their own), headquarters and management (all),
#: suppliers (their own).
VIEWERS = BusinessRoles({Role.STORE, Role.SUPPLIER, Role.PURCHASING, Role.MANAGEMENT})


@dataclass(frozen=True)
class Step:
    """One row: from ``state`` the ``action`` leads to ``target``, taken by ``party`` when every
    guard holds, to be done within ``due_days`` working days of entering ``state``."""

    state: ReqState | None  # None: raising a new requisition
    action: str
    target: ReqState
    party: Party
    guards: tuple[str, ...]
    responsible: Party
    assists: tuple[Party, ...]
    involved: tuple[Party, ...]
    due_days: int | None = None
    reason_required: bool = False


M, S, H, P = Party.MANAGER, Party.SUPERVISOR, Party.HEADQUARTERS, Party.SUPPLIER
R = ReqState
STEPS: tuple[Step, ...] = (
    Step(None, "raise", R.REQUESTED, S, ("store_supervisor",), S, (M,), (H,)),  # 申请 (K1)
    Step(R.REQUESTED, "approve", R.APPROVED, M, ("store_manager", "not_raiser"), M, (S,), (H,)),
    Step(R.REQUESTED, "reject", R.REJECTED, M, ("store_manager", "not_raiser"), M, (S,), (), reason_required=True),
    Step(R.APPROVED, "confirm", R.ORDERED, H, (), H, (P,), (S, M), due_days=1),  # K2: will arrive
    Step(R.APPROVED, "decline", R.REFUSED, H, (), H, (), (S, M), due_days=1, reason_required=True),
    Step(R.ORDERED, "deliver", R.DELIVERED, P, ("own_supplier",), P, (S,), (H,), due_days=1),  # 送货 (K3)
    Step(R.DELIVERED, "sign", R.SIGNED, S, ("store_staff",), S, (P,), (M,)),  # 验收签收 (K4)
    Step(R.SIGNED, "hand_in", R.HANDED_IN, P, ("own_supplier",), P, (H,), (S,), due_days=3),  # 交单 (K5)
    Step(R.HANDED_IN, "transfer_out", R.TRANSFERRED_OUT, H, (), H, (P,), (S,)),  # 打单 (K6)
    Step(R.TRANSFERRED_OUT, "transfer_in", R.CLOSED, S, ("store_staff",), S, (H,), (M,)),  # 调入单 (K6)
)
ACTIONS = tuple(dict.fromkeys(s.action for s in STEPS))
FINAL = frozenset({R.CLOSED, R.REJECTED, R.REFUSED})
#: Which document each act writes (the five printable forms).
DOCUMENTS = {"raise": "requisition", "deliver": "delivery_note", "sign": "receipt",
             "transfer_out": "transfer_out", "transfer_in": "transfer_in"}


@dataclass(frozen=True)
class Facts:
    """What the guards read about the actor and the requisition."""

    actor_id: int
    raised_by: int | None = None
    store_manager_id: int | None = None
    store_supervisor_id: int | None = None
    store_staff: frozenset[int] = frozenset()
    supplier_id: int | None = None


def _guard(name: str, facts: Facts) -> None:
    if name == "store_staff" and facts.actor_id not in facts.store_staff:
        raise errors.Forbidden("only the store's own staff do this", code="store.not_store_staff")
    if name == "store_supervisor" and facts.actor_id != facts.store_supervisor_id:
        raise errors.Forbidden("the store's receiving supervisor raises it", code="store.not_store_supervisor")
    if name == "store_manager" and facts.actor_id != facts.store_manager_id:
        raise errors.Forbidden("only the store's manager approves", code="store.not_store_manager")
    if name == "not_raiser" and facts.actor_id == facts.raised_by:
        raise errors.SelfApproval("nobody approves their own requisition")
    if name == "own_supplier" and facts.actor_id != facts.supplier_id:
        raise errors.Forbidden("only the requisition's supplier does this", code="store.not_own_supplier")


def step_for(state: ReqState | None, action: str, role: Role, facts: Facts,
             admin_does_business: bool = False) -> Step:
    """The row ``action`` fires from ``state`` for this actor; raises the matching error:
    unknown action 422, wrong role 403, wrong state 409, a failed guard 403."""
    rows = [s for s in STEPS if s.action == action]
    if not rows:
        raise errors.ValidationFailed(f"unknown action {action}", fields={"action": "unknown_choice"})
    roles = PARTY_ROLES[rows[0].party]
    if not (role in roles or (isinstance(roles, BusinessRoles) and role == Role.ADMIN and admin_does_business)):
        raise errors.Forbidden(f"role {role} may not {action} a requisition", code="auth.role_not_allowed")
    row = next((s for s in rows if s.state == state), None)
    if row is None:
        raise errors.InvalidTransition(f"cannot {action} a requisition that is {state}",
                                       code="store.invalid_transition")
    for name in row.guards:
        _guard(name, facts)
    return row


def allowed(state: ReqState, role: Role, facts: Facts, admin_does_business: bool = False) -> list[str]:
    """The actions this actor may take now: what the pages offer, every guard checked."""
    out = []
    for row in STEPS:
        if row.state != state:
            continue
        try:
            step_for(state, row.action, role, facts, admin_does_business)
        except errors.JidanError:
            continue
        out.append(row.action)
    return out


def waiting_step(state: ReqState) -> Step | None:
    """The main step a requisition in ``state`` waits for (the first row from it)."""
    return next((s for s in STEPS if s.state == state), None)


def deadline(calendar: WorkCalendar, start: datetime, days: int) -> datetime:
    """``days`` working days after ``start``, at the same time of day: a holiday or rest day in
    between moves it on (N1)."""
    return datetime.combine(calendar.add_working_days(start.date(), days), start.time())


# --- what the forms hold ------------------------------------------------------------------------

LINES_MAX = 50
QUANTITY_MAX = 10_000_000
REASON_MAX = 500


def check_lines(lines: list[tuple[str, int, int]], known: dict[str, int]) -> dict[str, str]:
    """Field errors of a requisition's lines (``lines.<i>.<field>``): (item, quantity, store's
    stock) each, for items headquarters knows; ``known`` is headquarters' free stock per item.
    An urgent requisition is only for what neither the store nor headquarters has enough of."""
    fields: dict[str, str] = {}
    if not lines:
        return {"lines": "required"}
    if len(lines) > LINES_MAX:
        return {"lines": "too_many"}
    seen = set()
    for i, (item, quantity, on_hand) in enumerate(lines):
        key = f"lines.{i}"
        if not item:
            fields[f"{key}.item"] = "required"
        elif item not in known:
            fields[f"{key}.item"] = "unknown_item"
        elif item in seen:
            fields[f"{key}.item"] = "duplicate"
        seen.add(item)
        if quantity is None or quantity <= 0:
            fields[f"{key}.quantity"] = "must_be_positive"
        elif quantity > QUANTITY_MAX:
            fields[f"{key}.quantity"] = "too_large"
        if on_hand is None or on_hand < 0:
            fields[f"{key}.store_stock"] = "must_not_be_negative"
        elif quantity and quantity > 0 and on_hand >= quantity:
            fields[f"{key}.store_stock"] = "store_has_stock"
        if item in known and quantity and 0 < quantity <= known[item] and f"{key}.item" not in fields:
            fields[f"{key}.item"] = "headquarters_has_stock"
    return fields


def check_receipt(delivered: dict[str, int], accepted: dict[str, int], reasons: dict[str, str]) -> dict[str, str]:
    """Field errors of a 签收单: for every delivered item the quantity accepted (the rest is
    rejected), and a reason for what is rejected."""
    fields = quantities_within("accepted", delivered, accepted, "exceeds_delivered")
    for item, quantity in delivered.items():
        got = accepted.get(item)
        if f"accepted.{item}" not in fields and got < quantity and not (reasons.get(item) or "").strip():
            fields[f"reasons.{item}"] = "required"
    return fields


def check_delivery(ordered: dict[str, int], delivered: dict[str, int]) -> dict[str, str]:
    """Field errors of a 送货单: a quantity for each item ordered, none above it, something sent."""
    fields = quantities_within("quantities", ordered, delivered, "exceeds_ordered")
    if not fields and not any(delivered.values()):
        fields["quantities"] = "nothing_delivered"
    return fields


def check_arrival(arrive_on: date | None, today: date) -> str | None:
    if arrive_on is None:
        return "required"
    return "in_past" if arrive_on < today else None


@dataclass(frozen=True)
class Store:
    id: int
    code: str
    name: str
    manager_id: int
    supervisor_id: int
    version: int


@dataclass(frozen=True)
class Requisition:
    """紧急请配单 and what each step adds to it (the other four documents are its parts)."""

    id: int
    number: str
    store_id: int
    status: str
    lines: list  # [{item, name, unit, quantity, store_stock, delivered?, accepted?, rejected?, reason?}]
    note: str | None
    raised_by: int
    raised_at: datetime
    approved_by: int | None
    approved_at: datetime | None
    answered_by: int | None
    answered_at: datetime | None
    supplier_id: int | None
    arrive_on: date | None
    answer_note: str | None  # the reason of a refusal or rejection
    delivery_no: str | None  # 送货单
    delivered_by: int | None
    delivered_at: datetime | None
    receipt_no: str | None  # 签收单
    signed_by: int | None
    signed_at: datetime | None
    handed_in_at: datetime | None
    receiving_code: str | None
    transfer_out_no: str | None  # 调出单
    transfer_out_by: int | None
    transfer_out_at: datetime | None
    transfer_in_no: str | None  # 调入单
    transfer_in_by: int | None
    transfer_in_at: datetime | None
    due_at: datetime | None  # the deadline of the step it waits for
    overdue_at: datetime | None  # when that deadline was missed
    version: int
