"""Temporary drawings and engineering data lent out with an order (临时图纸 / 工程资料, L1, L2,
M4): issued by engineering, handed on along the flow, collected with the goods by the warehouse,
due back within 24 hours of the receipt; a late return counts against the department holding it.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime

from jidan.domain.delivery import Timer
from jidan.domain import errors
from jidan.domain.fulfilment import DOCUMENT_KINDS, Drawing, drawing_due
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.roles import ORDER_VIEWERS, Role
from jidan.domain.states import OPEN_STATES, OrderState
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.notices import timers
from jidan.services.notices.notify import notify
from jidan.services.notices.answers import answer
from jidan.services.permissions import load_order, require_order_access, require_role
from jidan.services.fulfilment.common import check_version, iso

ISSUERS = frozenset({Role.ENGINEERING})
#: 仓库成品收料人员: the finished-goods clerks, who take documents back with the goods.
COLLECTORS = frozenset({Role.WAREHOUSE})
#: Who passes a lent document on along the flow (随流程流动).
HANDLERS = frozenset({Role.ENGINEERING, Role.PMC, Role.MANUFACTURING, Role.QUALITY, Role.WAREHOUSE})
#: Orders that may still take lent documents: not yet received.
ISSUE_STATES = OPEN_STATES | {OrderState.INSPECTED}
RETURN_TIMER = "drawing.return_due"


@dataclass(frozen=True)
class NewDocument:
    doc_no: str
    title: str
    kind: str = "drawing"
    holder_department: str | None = None
    holder: str | None = None  # username


def departments(uow) -> list[str]:
    """Who may hold a document: the functional departments (roles) and the workshops."""
    return [r.value for r in Role if r in ORDER_VIEWERS] + [d.code for d in uow.plant.departments()]


def department_roles(uow, department: str) -> list[Role]:
    """The role to tell about a department: itself when it is one, else the workshop's manufacturing."""
    return [Role(department)] if department in Role._value2member_map_ else [Role.MANUFACTURING]


def _resolve_holder(uow, department: str | None, username: str | None) -> tuple[str, int | None, dict]:
    fields, user = {}, None
    if username:
        user = uow.users.by_username(username)
        if user is None or not user.active:
            fields["holder"] = "unknown_user"
    if department:
        if department not in departments(uow):
            fields["holder_department"] = "unknown_department"
    elif user is not None:
        department = str(user.role)
    elif "holder" not in fields:
        fields["holder_department"] = "required"
    return department or "", user.id if user else None, fields


def drawing_view(row: Drawing, now: datetime, uow=None) -> dict:
    view = {k: iso(v) for k, v in asdict(row).items()}
    view["overdue"] = row.status != "returned" and row.due_at is not None and now > row.due_at
    view["returned_late"] = bool(row.returned_at and row.due_at and row.returned_at > row.due_at)
    if uow is not None and row.holder_id:
        view["holder"] = uow.users.get(row.holder_id).username
    return view


def issue_document(ctx: Context, actor: Actor, order_id: int, cmd: NewDocument) -> dict:
    """技术课 issues a temporary drawing or engineering data with the order (L1)."""
    require_role(actor, ISSUERS)
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        if order.status not in ISSUE_STATES:
            raise errors.InvalidTransition(f"order {order.number} is {order.status}: too late to issue documents")
        fields = {}
        doc_no, title = (cmd.doc_no or "").strip(), (cmd.title or "").strip()
        if not doc_no:
            fields["doc_no"] = "required"
        if not title:
            fields["title"] = "required"
        if cmd.kind not in DOCUMENT_KINDS:
            fields["kind"] = "unknown_kind"
        department, holder_id, holder_fields = _resolve_holder(uow, cmd.holder_department, cmd.holder)
        fields.update(holder_fields)
        if fields:
            raise errors.ValidationFailed("the document is not complete", fields=fields)
        if uow.drawings.find(order.id, doc_no):
            raise errors.Duplicate(f"{doc_no} was already issued with {order.number}",
                                   fields={"doc_no": "duplicate"})
        values = {"order_id": order.id, "doc_no": doc_no, "title": title, "kind": cmd.kind,
                  "status": "out", "holder_department": department, "holder_id": holder_id,
                  "issued_by": actor.user_id, "issued_at": ctx.now()}
        doc_id = uow.drawings.add(**values)
        audit.record(uow, ctx, actor, "engineering_document", doc_id, "issue", None, values)
        view = drawing_view(uow.drawings.get(doc_id), ctx.now(), uow)
        uow.commit()
        return view


def _load_document(uow, actor: Actor, doc_id: int) -> Drawing:
    require_order_access(actor)
    doc = uow.drawings.get(doc_id)
    if doc is None:
        raise errors.NotFound(f"document {doc_id} not found", code="not_found")
    return doc


def hand_over(ctx: Context, actor: Actor, doc_id: int, department: str | None, username: str | None,
              version: int | None = None) -> dict:
    """The document moves on with the work to another department or person."""
    require_role(actor, HANDLERS)
    with ctx.uow() as uow:
        doc = _load_document(uow, actor, doc_id)
        check_version(doc.version, version, "document")
        if doc.status != "out":
            raise errors.Conflict("only a document out on the floor is handed over",
                                  code="document.not_out")
        new_department, holder_id, fields = _resolve_holder(uow, department, username)
        if fields:
            raise errors.ValidationFailed("say who takes the document", fields=fields)
        old = {"holder_department": doc.holder_department, "holder_id": doc.holder_id}
        new = {"holder_department": new_department, "holder_id": holder_id}
        uow.drawings.update(doc.id, doc.version, **new)
        audit.record(uow, ctx, actor, "engineering_document", doc.id, "hand_over", old, new)
        view = drawing_view(uow.drawings.get(doc_id), ctx.now(), uow)
        uow.commit()
        return view


def to_collect(uow, order: Order, doc_ids: tuple[int, ...]) -> tuple[list[Drawing], dict[str, str]]:
    """The documents the clerk takes with the goods (L1), and field errors for any that is not
    out on the floor with this order."""
    docs, fields = [], {}
    for i, doc_id in enumerate(doc_ids):
        doc = uow.drawings.get(doc_id)
        if doc is None or doc.order_id != order.id or doc.status != "out":
            fields[f"collect.{i}"] = "unknown_document"
        docs.append(doc)
    return docs, fields


def collect(uow, ctx, actor: Actor, doc: Drawing) -> None:
    new = {"status": "collected", "holder_department": Role.WAREHOUSE.value,
           "holder_id": actor.user_id, "collected_by": actor.user_id, "collected_at": ctx.now()}
    uow.drawings.update(doc.id, doc.version, **new)
    audit.record(uow, ctx, actor, "engineering_document", doc.id, "collect",
                 {"status": doc.status, "holder_department": doc.holder_department,
                  "holder_id": doc.holder_id}, new)


def collect_document(ctx: Context, actor: Actor, doc_id: int, version: int | None = None) -> dict:
    """仓库成品收料人员收回: the finished-goods clerk takes a document back from the floor (L1)."""
    require_role(actor, COLLECTORS)
    with ctx.uow() as uow:
        doc = _load_document(uow, actor, doc_id)
        check_version(doc.version, version, "document")
        if doc.status != "out":
            raise errors.Conflict("the document is not out on the floor", code="document.not_out")
        collect(uow, ctx, actor, doc)
        view = drawing_view(uow.drawings.get(doc_id), ctx.now(), uow)
        uow.commit()
        return view


def return_document(ctx: Context, actor: Actor, doc_id: int, version: int | None = None) -> dict:
    """统一交技术课负责人: engineering takes the document back; late returns count against the
    department that held it (L2, M4)."""
    require_role(actor, ISSUERS)
    with ctx.uow() as uow:
        doc = _load_document(uow, actor, doc_id)
        check_version(doc.version, version, "document")
        if doc.status == "returned":
            raise errors.Conflict("the document is back already", code="document.returned")
        now = ctx.now()
        new = {"status": "returned", "returned_to": actor.user_id, "returned_at": now}
        if doc.due_at and now > doc.due_at and not doc.overdue_department:
            new["overdue_department"] = doc.holder_department
        uow.drawings.update(doc.id, doc.version, **new)
        timers.cancel(uow, RETURN_TIMER, f"drawing:{doc.id}")
        answer(uow, ctx, ref=f"drawing:{doc.id}", act="return", actor=actor)
        audit.record(uow, ctx, actor, "engineering_document", doc.id, "return",
                     {"status": doc.status, "holder_department": doc.holder_department}, new)
        view = drawing_view(uow.drawings.get(doc_id), now, uow)
        uow.commit()
        return view


def fall_due(uow, ctx: Context, actor: Actor, order: Order, received_at: datetime) -> None:
    """On receipt, every document not back yet falls due to engineering within 24 hours (L2)."""
    for doc in uow.drawings.for_order(order.id):
        if doc.status == "returned":
            continue
        due = drawing_due(received_at)
        uow.drawings.update(doc.id, doc.version, due_at=due)
        timers.schedule(uow, received_at, kind=RETURN_TIMER, ref=f"drawing:{doc.id}", due_at=due,
                        payload={"drawing_id": doc.id})
        audit.record(uow, ctx, actor, "engineering_document", doc.id, "due",
                     {"due_at": doc.due_at}, {"due_at": due})


def on_return_due(uow, ctx: Context, timer: Timer) -> None:
    """Timer: 24 hours after receipt the document is not back — it counts against the
    department holding it, and engineering, that department and management are told (L2, M4)."""
    doc = uow.drawings.get(timer.payload["drawing_id"])
    if doc is None or doc.status == "returned":
        return
    now = ctx.now()
    department = doc.holder_department
    uow.drawings.update(doc.id, doc.version, overdue_department=department, escalated_at=now)
    audit.record(uow, ctx, None, "engineering_document", doc.id, "overdue",
                 {"overdue_department": None}, {"overdue_department": department, "due_at": doc.due_at})
    order = uow.orders.get(doc.order_id)
    notify(uow, now, kind="drawing_overdue", order_id=order.id, ref=f"drawing:{doc.id}",
           roles=[Role.ENGINEERING, Role.MANAGEMENT, *department_roles(uow, department)],
           users=[doc.holder_id] if doc.holder_id else (), critical=True,
           subject=ctx.messages.text("ui.ff.mail.drawing_overdue_subject", doc_no=doc.doc_no, number=order.number),
           body=ctx.messages.text("ui.ff.mail.drawing_overdue_body", title=doc.title, due=doc.due_at,
                                  department=department),
           ctx=ctx)


def get_document(ctx: Context, actor: Actor, doc_id: int) -> dict:
    with ctx.uow() as uow:
        return drawing_view(_load_document(uow, actor, doc_id), ctx.now(), uow)


def holder_choices(ctx: Context, actor: Actor) -> dict:
    """Departments and people a lent document can be with, for the forms."""
    require_order_access(actor)
    with ctx.uow() as uow:
        workshops = {d.code: d.name for d in uow.plant.departments()}
        return {"roles": [r.value for r in Role if r in ORDER_VIEWERS and r != Role.ADMIN],
                "workshops": workshops,
                "users": [{"username": u.username, "display_name": u.display_name, "role": str(u.role)}
                          for u in uow.users.list() if u.active and u.role in ORDER_VIEWERS]}


def documents_for_order(ctx: Context, actor: Actor, order_id: int) -> list[dict]:
    with ctx.uow() as uow:
        order = load_order(uow, actor, order_id)
        return [drawing_view(d, ctx.now(), uow) for d in uow.drawings.for_order(order.id)]


def documents_out(ctx: Context, actor: Actor) -> list[dict]:
    """Every document not yet back with engineering, overdue first (the warehouse page)."""
    require_order_access(actor)
    with ctx.uow() as uow:
        return [{**drawing_view(d, ctx.now(), uow), "order_number": number, "order_urgent": urgent}
                for d, number, urgent in uow.drawings.not_returned()]


def demo_documents(ctx: Context, golden: dict) -> None:
    """The demo's temporary drawing TD-0042, issued with the golden order and held by SMT (L1)."""
    with ctx.uow() as uow:
        engineer = uow.users.by_username("engineering")
        actor = Actor(engineer.id, engineer.username, Role.ENGINEERING, engineer.display_name)
    issue_document(ctx, actor, golden["id"], NewDocument("TD-0042", "SCB-200 临时图纸 rev.B（急单用）",
                                                         holder_department="SMT"))
