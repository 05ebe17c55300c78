"""Store urgent replenishment (卖场紧急订货, K1–K7): the requisition and each step's act.

Every act is one transaction: its row of ``domain.store.STEPS`` checked (role, state, guards),
the requisition updated against the version the user saw, audited, the notices that waited for
the act answered, the next party told, and the next step's working-day deadline set as a timer
(:func:`on_step_due` escalates it when missed, K7). A supplier sees only the requisitions it was
chosen for and a store only its own; any other is 404, as with purchase orders.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from jidan.domain import errors
from jidan.domain.delivery import Timer, next_level
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.domain.store import (
    DOCUMENTS, FINAL, PARTY_ROLES, REASON_MAX, STEPS, VIEWERS, Facts, Party, ReqState, Requisition, Store,
    allowed, check_arrival, check_delivery, check_lines, check_receipt, deadline, step_for, waiting_step,
)
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.masterdata.calendar import effective_calendar
from jidan.services.names import display_name
from jidan.services.notices import timers
from jidan.services.notices.answers import answer
from jidan.services.notices.notify import notify
from jidan.services.permissions import may, require_role

#: The timer of a step's deadline (K2 one working day, K3 one, K5 three).
STEP_DUE = "store.step_due"
ADMINS = frozenset({Role.ADMIN})


@dataclass(frozen=True)
class NewRequisition:
    """What the receiving supervisor fills in: per line the item, the quantity wanted and what
    the store still has of it; the store when they run more than one."""

    lines: list[tuple[str, int, int]]
    note: str | None = None
    store: str | None = None


@dataclass(frozen=True)
class StepInput:
    """What an act adds; each act reads its own fields (the others stay empty)."""

    version: int | None = None
    reason: str | None = None  # reject, decline
    supplier: str | None = None  # confirm: the supplier's username
    arrive_on: date | None = None  # confirm
    quantities: dict[str, int] = field(default_factory=dict)  # deliver: per item
    accepted: dict[str, int] = field(default_factory=dict)  # sign: per item
    reasons: dict[str, str] = field(default_factory=dict)  # sign: why the rest is rejected
    receiving_code: str | None = None  # transfer_out (none: one is made)


# ---------------------------------------------------------------- stores
def add_store(ctx: Context, actor: Actor, code: str, name: str, manager: str, supervisor: str) -> dict:
    """Admin sets up a store with its manager (店长) and receiving supervisor (收货区主管)."""
    require_role(actor, ADMINS)
    with ctx.uow() as uow:
        fields = {}
        code, name = (code or "").strip(), (name or "").strip()
        if not code or len(code) > 20:
            fields["code"] = "required" if not code else "too_long"
        elif uow.stores.by_code(code):
            fields["code"] = "duplicate"
        if not name or len(name) > 100:
            fields["name"] = "required" if not name else "too_long"
        people = {}
        for key, username in (("manager", manager), ("supervisor", supervisor)):
            user = uow.users.by_username(username or "")
            if user is None or user.role != Role.STORE or not user.active:
                fields[key] = "unknown_store_user"
            people[key] = user
        if not fields and people["manager"].id == people["supervisor"].id:
            fields["supervisor"] = "same_as_manager"  # the manager approves what the supervisor raises
        if fields:
            raise errors.ValidationFailed("the store is not valid", fields=fields)
        store_id = uow.stores.add(code=code, name=name, manager_id=people["manager"].id,
                                  supervisor_id=people["supervisor"].id)
        audit.record(uow, ctx, actor, "store", store_id, "create", None,
                     {"code": code, "name": name, "manager": manager, "supervisor": supervisor})
        uow.commit()
        return _store_view(uow, uow.stores.get(store_id), {})


def list_stores(ctx: Context, actor: Actor) -> list[dict]:
    """The stores an actor works with: a store user its own, everyone else all."""
    require_role(actor, VIEWERS | ADMINS)
    with ctx.uow() as uow:
        rows = uow.stores.of_user(actor.user_id) if actor.role == Role.STORE else uow.stores.list()
        names: dict = {}
        return [_store_view(uow, s, names) | {"my_part": _part(actor, s)} for s in rows]


def _part(actor: Actor, store: Store) -> str | None:
    """The actor's part in the store: its manager, its receiving supervisor, or none."""
    if actor.user_id == store.manager_id:
        return Party.MANAGER.value
    return Party.SUPERVISOR.value if actor.user_id == store.supervisor_id else None


def _store_view(uow, store: Store, names: dict) -> dict:
    return {"id": store.id, "code": store.code, "name": store.name,
            "manager": display_name(uow, store.manager_id, names),
            "supervisor": display_name(uow, store.supervisor_id, names), "version": store.version}


def item_choices(ctx: Context, actor: Actor) -> list[dict]:
    """What a store may ask for: the catalogue's items."""
    require_role(actor, VIEWERS)
    with ctx.uow() as uow:
        return [{"code": p.code, "name": p.name, "unit": p.unit} for p in uow.products.list()]


def supplier_choices(ctx: Context, actor: Actor) -> list[dict]:
    """The suppliers headquarters can order from (the supplier logins, as for purchase orders)."""
    require_role(actor, PARTY_ROLES[Party.HEADQUARTERS])
    with ctx.uow() as uow:
        return [{"username": u.username, "name": u.display_name or u.username}
                for u in uow.users.list() if u.role == Role.SUPPLIER and u.active]


# ---------------------------------------------------------------- seeing requisitions
def _visible(uow, actor: Actor, row: Requisition | None) -> bool:
    if row is None:
        return False
    if actor.role == Role.SUPPLIER:
        return row.supplier_id == actor.user_id
    if actor.role == Role.STORE:
        return any(s.id == row.store_id for s in uow.stores.of_user(actor.user_id))
    return True


def _load(uow, actor: Actor, requisition_id: int, lock: bool = False) -> Requisition:
    """The requisition if the actor may see it; another store's or supplier's is 404."""
    if not may(actor, VIEWERS):
        raise errors.Forbidden(f"role {actor.role} does not see store requisitions", code="auth.role_not_allowed")
    row = uow.requisitions.get(requisition_id, lock=lock)
    if not _visible(uow, actor, row):
        raise errors.NotFound(f"requisition {requisition_id} not found", code="store.requisition_not_found")
    return row


def _facts(actor: Actor, row: Requisition | None, store: Store) -> Facts:
    return Facts(actor.user_id, row.raised_by if row else None, store.manager_id, store.supervisor_id,
                 frozenset({store.manager_id, store.supervisor_id}), row.supplier_id if row else None)


def list_requisitions(ctx: Context, actor: Actor, status: str | None = None) -> list[dict]:
    """The requisitions the actor may see, oldest first."""
    if not may(actor, VIEWERS):
        raise errors.Forbidden(f"role {actor.role} does not see store requisitions", code="auth.role_not_allowed")
    if status is not None and status not in ReqState.__members__.values():
        raise errors.ValidationFailed("unknown status", fields={"status": "unknown_choice"})
    with ctx.uow() as uow:
        return [_view(uow, ctx, actor, r) for r in _rows(uow, actor, [status] if status else None)]


def _rows(uow, actor: Actor, status=None) -> list[Requisition]:
    if actor.role == Role.SUPPLIER:
        return uow.requisitions.list(supplier_id=actor.user_id, status=status)
    if actor.role == Role.STORE:
        return uow.requisitions.list(store_ids=[s.id for s in uow.stores.of_user(actor.user_id)], status=status)
    return uow.requisitions.list(status=status)


def waiting_on(ctx: Context, actor: Actor) -> list[dict]:
    """What waits on the actor (the home page): overdue first, then by deadline, oldest first."""
    if not may(actor, VIEWERS):
        return []
    with ctx.uow() as uow:
        open_states = [s.value for s in ReqState if s not in FINAL]
        views = [_view(uow, ctx, actor, r) for r in _rows(uow, actor, open_states)]
    mine = [v for v in views if v["allowed_actions"]]
    return sorted(mine, key=lambda v: (not v["overdue"], v["due_at"] or "9999", v["raised_at"], v["id"]))


def get_requisition(ctx: Context, actor: Actor, requisition_id: int) -> dict:
    with ctx.uow() as uow:
        return _view(uow, ctx, actor, _load(uow, actor, requisition_id), detail=True)


def _made(row: Requisition, action: str) -> bool:
    """Whether the document ``action`` writes exists (by its number)."""
    return {"raise": row.number, "deliver": row.delivery_no, "sign": row.receipt_no,
            "transfer_out": row.transfer_out_no, "transfer_in": row.transfer_in_no}[action] is not None


def _view(uow, ctx: Context, actor: Actor, row: Requisition, detail: bool = False) -> dict:
    names: dict = {}
    store = uow.stores.get(row.store_id)

    def person(user_id: int | None) -> str | None:
        return display_name(uow, user_id, names)

    state = ReqState(row.status)
    who = {Party.MANAGER: person(store.manager_id), Party.SUPERVISOR: person(store.supervisor_id),
           Party.HEADQUARTERS: None, Party.SUPPLIER: person(row.supplier_id)}
    waiting = None if state in FINAL else waiting_step(state)
    # Each step as the trail recorded it: who did it and when (a list shows no steps).
    done = {e.action: (e.actor_id, e.at) for e in uow.audit.for_entity("store_requisition", row.id)} if detail else {}
    steps = []
    for step in STEPS if detail else ():
        by, at = done.get(step.action, (None, None))
        steps.append({"action": step.action, "responsible": step.responsible.value,
                      "assists": [p.value for p in step.assists], "involved": [p.value for p in step.involved],
                      "responsible_name": who[step.responsible], "due_days": step.due_days,
                      "done_by": person(by) if at else None, "done_at": _iso(at),
                      "current": waiting is not None and step.state == state})
    now = ctx.now()
    overdue = row.due_at is not None and state not in FINAL and (row.overdue_at is not None or row.due_at <= now)
    return {
        "id": row.id, "number": row.number, "status": row.status,
        "store": {"id": store.id, "code": store.code, "name": store.name},
        "lines": row.lines, "note": row.note,
        "raised_by": person(row.raised_by), "raised_at": _iso(row.raised_at),
        "approved_by": person(row.approved_by), "approved_at": _iso(row.approved_at),
        "answered_by": person(row.answered_by), "answered_at": _iso(row.answered_at),
        "supplier": person(row.supplier_id), "arrive_on": _iso(row.arrive_on), "answer_note": row.answer_note,
        "delivery_no": row.delivery_no, "delivered_at": _iso(row.delivered_at),
        "receipt_no": row.receipt_no, "signed_by": person(row.signed_by), "signed_at": _iso(row.signed_at),
        "handed_in_at": _iso(row.handed_in_at), "receiving_code": row.receiving_code,
        "transfer_out_no": row.transfer_out_no, "transfer_out_by": person(row.transfer_out_by),
        "transfer_out_at": _iso(row.transfer_out_at),
        "transfer_in_no": row.transfer_in_no, "transfer_in_by": person(row.transfer_in_by),
        "transfer_in_at": _iso(row.transfer_in_at),
        "waiting_for": waiting.action if waiting else None,
        "responsible": waiting.responsible.value if waiting else None,
        "due_at": _iso(row.due_at) if waiting else None, "overdue": overdue,
        "documents": [doc for action, doc in DOCUMENTS.items() if _made(row, action)],
        "steps": steps,
        "allowed_actions": allowed(state, actor.role, _facts(actor, row, store), actor.admin_does_business),
        "version": row.version,
    }


def _iso(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


# ---------------------------------------------------------------- the acts
def raise_requisition(ctx: Context, actor: Actor, cmd: NewRequisition) -> dict:
    """The receiving supervisor asks headquarters for what neither has enough of (K1)."""
    require_role(actor, PARTY_ROLES[Party.SUPERVISOR])
    with ctx.uow() as uow:
        store = _store_of(uow, actor, cmd.store)
        step = step_for(None, "raise", actor.role, _facts(actor, None, store))
        products = {p.code: p for p in uow.products.list()}
        stock = {r.material_code: int(r.on_hand) for r in uow.stock.all()}
        fields = check_lines(cmd.lines, {code: stock.get(code, 0) for code in products})
        note = (cmd.note or "").strip()
        if len(note) > 2000:
            fields["note"] = "too_long"
        if fields:
            raise errors.ValidationFailed("the requisition is not valid", fields=fields)
        lines = [{"item": item, "name": products[item].name, "unit": products[item].unit, "quantity": quantity,
                  "store_stock": on_hand} for item, quantity, on_hand in cmd.lines]
        now = ctx.now()
        row_id = uow.requisitions.add(store_id=store.id, status=step.target.value, lines=lines, note=note or None,
                                      raised_by=actor.user_id, raised_at=now)
        row = uow.requisitions.get(row_id)
        audit.record(uow, ctx, actor, "store_requisition", row_id, "raise", None,
                     {"number": row.number, "store": store.code, "lines": lines, "note": note or None})
        _tell(uow, ctx, actor, row, store, step.target)
        uow.commit()
        return _view(uow, ctx, actor, uow.requisitions.get(row_id), detail=True)


def _store_of(uow, actor: Actor, code: str | None) -> Store:
    """The store named, or the actor's own when they run one; a store not theirs is 404."""
    mine = uow.stores.of_user(actor.user_id)
    if code:
        store = next((s for s in mine if s.code == code), None)
        if store is None:
            raise errors.ValidationFailed("not one of your stores", fields={"store": "unknown_store"})
        return store
    if len(mine) != 1:
        raise errors.ValidationFailed("which store?", fields={"store": "required" if mine else "unknown_store"})
    return mine[0]


def act(ctx: Context, actor: Actor, requisition_id: int, action: str, cmd: StepInput) -> dict:
    """Takes one step of the requisition: approve, reject, confirm, decline, deliver, sign,
    hand_in, transfer_out or transfer_in, with what that step records."""
    with ctx.uow() as uow:
        row = _load(uow, actor, requisition_id, lock=True)
        store = uow.stores.get(row.store_id)
        step = step_for(ReqState(row.status), action, actor.role, _facts(actor, row, store),
                        actor.admin_does_business)
        if cmd.version is not None and cmd.version != row.version:
            raise errors.StaleVersion(f"requisition is at version {row.version}, not {cmd.version}; reload it",
                                      current_version=row.version)
        values, reason = _record(uow, ctx, actor, row, action, cmd)
        if step.reason_required and not reason:
            raise errors.ValidationFailed("a reason is required", fields={"reason": "required"})
        now = ctx.now()
        timers.cancel(uow, STEP_DUE, f"requisition:{row.id}")
        due = None
        nxt = waiting_step(step.target)
        if step.target not in FINAL and nxt is not None and nxt.due_days:
            due = deadline(effective_calendar(uow, ctx), now, nxt.due_days)
            timers.schedule(uow, now, kind=STEP_DUE, ref=f"requisition:{row.id}", due_at=due,
                            payload={"requisition_id": row.id, "status": step.target.value})
        uow.requisitions.update(row.id, row.version, status=step.target.value, due_at=due, overdue_at=None, **values)
        audit.record(uow, ctx, actor, "store_requisition", row.id, action, {"status": row.status},
                     {"status": step.target.value, **{k: _iso(v) for k, v in values.items()}}, reason)
        answer(uow, ctx, ref=f"requisition:{row.id}", act=action, actor=actor)
        _tell(uow, ctx, actor, uow.requisitions.get(row.id), store, step.target)
        uow.commit()
        return _view(uow, ctx, actor, uow.requisitions.get(row.id), detail=True)


def _record(uow, ctx: Context, actor: Actor, row: Requisition, action: str, cmd: StepInput) -> tuple[dict, str | None]:
    """The columns ``action`` writes, every input checked (422 names each bad field)."""
    now, fields = ctx.now(), {}
    reason = (cmd.reason or "").strip() or None
    if reason and len(reason) > REASON_MAX:
        fields["reason"] = "too_long"
    values: dict = {}
    if action in ("approve", "reject"):
        values = {"approved_by": actor.user_id, "approved_at": now}
        if action == "reject":
            values["answer_note"] = reason
    elif action == "decline":
        values = {"answered_by": actor.user_id, "answered_at": now, "answer_note": reason}
    elif action == "confirm":
        supplier = uow.users.by_username(cmd.supplier or "")
        if supplier is None or supplier.role != Role.SUPPLIER or not supplier.active:
            fields["supplier"] = "unknown_supplier"
        problem = check_arrival(cmd.arrive_on, now.date())
        if problem:
            fields["arrive_on"] = problem
        values = {"answered_by": actor.user_id, "answered_at": now, "arrive_on": cmd.arrive_on,
                  "supplier_id": supplier.id if supplier else None, "answer_note": reason}
    elif action == "deliver":
        fields.update(check_delivery({ln["item"]: ln["quantity"] for ln in row.lines}, cmd.quantities))
        values = {"delivered_by": actor.user_id, "delivered_at": now, "delivery_no": f"SD-{row.id:05d}",
                  "lines": [ln | {"delivered": cmd.quantities.get(ln["item"])} for ln in row.lines]}
    elif action == "sign":
        delivered = {ln["item"]: ln.get("delivered") or 0 for ln in row.lines}
        fields.update(check_receipt(delivered, cmd.accepted, cmd.reasons))
        if any(len(r or "") > REASON_MAX for r in cmd.reasons.values()):
            fields["reasons"] = "too_long"
        values = {"signed_by": actor.user_id, "signed_at": now, "receipt_no": f"SR-{row.id:05d}",
                  "lines": [ln | {"accepted": cmd.accepted.get(ln["item"]),
                                  "rejected": delivered[ln["item"]] - (cmd.accepted.get(ln["item"]) or 0),
                                  "reject_reason": (cmd.reasons.get(ln["item"]) or "").strip() or None}
                            for ln in row.lines]}
    elif action == "hand_in":
        values = {"handed_in_at": now}
    elif action == "transfer_out":
        code = (cmd.receiving_code or "").strip() or f"RC-{now:%y%m%d}-{row.id:05d}"
        if len(code) > 40:
            fields["receiving_code"] = "too_long"
        values = {"receiving_code": code, "transfer_out_no": f"TO-{row.id:05d}",
                  "transfer_out_by": actor.user_id, "transfer_out_at": now}
    elif action == "transfer_in":
        values = {"transfer_in_no": f"TI-{row.id:05d}", "transfer_in_by": actor.user_id, "transfer_in_at": now}
    if fields:
        raise errors.ValidationFailed(f"the {action} is not valid", fields=fields)
    return values, reason


# ---------------------------------------------------------------- telling and chasing
def _party_people(uow, row: Requisition, store: Store, party: Party) -> tuple[list[int], list[Role]]:
    """(users, roles) standing for a party of the matrix."""
    if party == Party.MANAGER:
        return [store.manager_id], []
    if party == Party.SUPERVISOR:
        return [store.supervisor_id], []
    if party == Party.SUPPLIER:
        return ([row.supplier_id] if row.supplier_id else []), []
    return [], [Role.PURCHASING]


def _tell(uow, ctx: Context, actor: Actor, row: Requisition, store: Store, state: ReqState) -> None:
    """Tells whoever acts next (or, at the end, who raised it) what waits on them."""
    step = None if state in FINAL else waiting_step(state)
    party = step.responsible if step else Party.SUPERVISOR
    users, roles = _party_people(uow, row, store, party)
    if state in FINAL:
        users = [row.raised_by, store.manager_id]
    due = row.due_at.isoformat(" ", "minutes") if row.due_at else "—"
    notify(uow, ctx.now(), ctx=ctx, kind=f"store.{state.value}", users=users, roles=roles, exclude=actor,
           ref=f"requisition:{row.id}", critical=True,
           subject=ctx.messages.text(f"ui.store.msg.{state.value}", number=row.number, store=store.name),
           body=ctx.messages.text("ui.store.msg.body", number=row.number, store=store.name, due=due))


def on_step_due(uow, ctx: Context, timer: Timer) -> None:
    """Timer: the step's working-day deadline passed and it is not done — the responsible party
    and the level above it are told, and must acknowledge (which escalates further, K7)."""
    row = uow.requisitions.get(timer.payload["requisition_id"])
    if row is None or row.status != timer.payload["status"]:
        return
    store = uow.stores.get(row.store_id)
    step = waiting_step(ReqState(row.status))
    now = ctx.now()
    uow.requisitions.update(row.id, row.version, overdue_at=now)
    audit.record(uow, ctx, None, "store_requisition", row.id, "overdue", {"overdue_at": None},
                 {"overdue_at": now.isoformat(), "waiting_for": step.action, "due_at": _iso(row.due_at)},
                 "the working-day deadline passed")
    users, roles = _party_people(uow, row, store, step.responsible)
    held = {r.value for r in PARTY_ROLES[step.responsible]}
    above = next_level(ctx.delivery.ladder, held, ctx.delivery.top)
    notify(uow, now, ctx=ctx, kind="store.overdue", users=users,
           roles=[*roles, *(Role(r) for r in sorted(above) if r in Role._value2member_map_)],
           ref=f"requisition:{row.id}", critical=True, needs_ack=True,
           subject=ctx.messages.text("ui.store.msg.overdue", number=row.number, store=store.name,
                                     step=ctx.messages.text(f"ui.store.action.{step.action}")),
           body=ctx.messages.text("ui.store.msg.overdue_body", number=row.number,
                                  due=row.due_at.isoformat(" ", "minutes") if row.due_at else "—"))
