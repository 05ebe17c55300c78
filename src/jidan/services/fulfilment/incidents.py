"""Incidents after delivery (I2–I5): the delay plan (突发订单处理延误应急预案) and the four cases of
the order emergency plan (订单应急预案), worked by their lead and supporting departments and told
to the emergency organisation.

An incident records what went wrong and why, a solution with an owner and a deadline (a timer
chases it), follow-ups until it closes, that the customer was told, and any compensation —
proposed by the departments, decided by management, never by the one who proposed it.
"""
from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass
from datetime import datetime
from decimal import Decimal

from jidan.domain import errors
from jidan.domain.delivery import Timer
from jidan.domain.fulfilment import (
    COMPENSATION_APPROVERS, DELAY_CAUSES, INCIDENT_OPENERS, INCIDENT_ROLES, INCIDENT_TYPES, Incident,
    check_compensation, closing_gaps, incident_may_act,
)
from jidan.domain.model import Actor
from jidan.domain.roles import ORDER_VIEWERS, Role
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.notices import timers
from jidan.services.notices.notify import notify, send_email
from jidan.services.notices.answers import answer
from jidan.services.permissions import require_order_access, require_role
from jidan.services.ports import OrderFilter
from jidan.services.fulfilment.common import check_version, iso
from jidan.services.fulfilment.organisation import add_member, leadership_ids, member_ids

SOLUTION_TIMER = "incident.solution_due"
CONTACT_CHANNELS = ("phone", "email", "visit", "other")


@dataclass(frozen=True)
class NewIncident:
    type: str
    order_id: int | None
    description: str
    product: str | None = None  # product code, one of the order's
    carrier: str | None = None  # defaults to the shipment's
    cause: str | None = None  # one of DELAY_CAUSES; required for a logistics delay
    order_number: str | None = None  # instead of the id, as people quote it


def incident_view(uow, row: Incident, with_followups: bool = False) -> dict:
    order = uow.orders.get(row.order_id)
    view = {k: iso(v) for k, v in asdict(row).items()}
    view["compensation_amount"] = (None if row.compensation_amount is None
                                   else f"{row.compensation_amount:.2f}")
    view.update(order_number=order.number, urgent=order.urgent,
                customer={"code": order.customer.code, "name": order.customer.name},
                product=next((ln.product.code for ln in order.lines if ln.product_id == row.product_id), None),
                gaps=closing_gaps(row) if row.status == "open" else {})
    for key in ("solution_owner_id", "opened_by", "compensation_proposed_by", "compensation_decided_by",
                "customer_informed_by", "closed_by"):
        user_id = getattr(row, key)
        user = uow.users.get(user_id) if user_id else None
        view[key.removesuffix("_id") + "_name"] = user.username if user else None
    if with_followups:
        view["followups"] = [{"note": f["note"], "by": f["by"], "at": iso(f["at"])}
                             for f in uow.incidents.followups(row.id)]
    return view


def open_incident(ctx: Context, actor: Actor, cmd: NewIncident) -> dict:
    """Records the incident and tells its departments and the emergency organisation (I2, I4, I5)."""
    require_role(actor, INCIDENT_OPENERS)
    with ctx.uow() as uow:
        fields = {}
        kind = INCIDENT_TYPES.get(cmd.type)
        if kind is None:
            fields["type"] = "unknown_type"
        if cmd.order_id:
            order = uow.orders.get(cmd.order_id)
        else:
            order = uow.orders.by_number(cmd.order_number.strip()) if cmd.order_number else None
        if order is None:
            fields["order_id" if cmd.order_id else "order_number"] = (
                "unknown_order" if cmd.order_id or cmd.order_number else "required")
        description = (cmd.description or "").strip()
        if not description:
            fields["description"] = "required"
        if cmd.cause and cmd.cause not in DELAY_CAUSES:
            fields["cause"] = "unknown_cause"
        elif kind and kind.needs_cause and not cmd.cause:
            fields["cause"] = "required"
        product_id = None
        if cmd.product and order is not None:
            product_id = next((ln.product_id for ln in order.lines if ln.product.code == cmd.product), None)
            if product_id is None:
                fields["product"] = "not_in_order"
        if fields:
            raise errors.ValidationFailed("the incident is not complete", fields=fields)
        if product_id is None and len(order.lines) == 1:
            product_id = order.lines[0].product_id
        shipment = uow.shipments.by_order(order.id)
        now = ctx.now()
        values = {"type": kind.code, "status": "open", "order_id": order.id,
                  "customer_id": order.customer_id, "product_id": product_id,
                  "carrier": (cmd.carrier or "").strip() or (shipment.carrier if shipment else None),
                  "cause": cmd.cause or None, "description": description,
                  "lead_role": kind.lead.value, "support_role": kind.support.value,
                  "compensation_status": "none", "opened_by": actor.user_id, "opened_at": now}
        incident_id = uow.incidents.add(number=f"TMP-{uuid.uuid4().hex[:20]}", **values)
        number = f"INC-{now:%y%m}-{incident_id:05d}"
        uow.incidents.update(incident_id, 1, number=number)
        audit.record(uow, ctx, actor, "incident", incident_id, "open", None, {"number": number, **values})
        notify(uow, now, kind="incident", order_id=order.id, ref=f"incident:{incident_id}",
               roles=[kind.lead, kind.support], users=member_ids(uow), critical=True, exclude=actor,
               subject=ctx.messages.text("ui.ff.mail.incident_subject", incident=number, number=order.number,
                                         customer=order.customer.name),
               body=description, ctx=ctx)
        view = incident_view(uow, uow.incidents.get(incident_id), with_followups=True)
        uow.commit()
        return view


def _load(uow, actor: Actor, incident_id: int, version: int | None = None, *,
          must_be_open: bool = True) -> Incident:
    require_order_access(actor)
    row = uow.incidents.get(incident_id)
    if row is None:
        raise errors.NotFound(f"incident {incident_id} not found", code="not_found")
    check_version(row.version, version, "incident")
    if must_be_open and row.status != "open":
        raise errors.Conflict(f"incident {row.number} is closed", code="incident.closed")
    return row


def _may_work_on(actor: Actor, row: Incident) -> None:
    if not incident_may_act(actor.role, row.type):
        raise errors.Forbidden(f"role {actor.role} is not a department of this incident",
                               code="auth.role_not_allowed")


#: They speak to the customer on every case (I3), so they follow up on any incident.
CUSTOMER_FACING = frozenset({Role.CUSTOMER_SERVICE, Role.SALES})


def _may_follow_up(uow, actor: Actor, row: Incident) -> None:
    """The case's departments and management, the customer-facing roles, the solution's owner
    and the emergency organisation (I5); anyone else, such as a warehouse or logistics clerk on
    a case not theirs, is refused (issue 21)."""
    if (actor.role in CUSTOMER_FACING or actor.user_id == row.solution_owner_id
            or actor.user_id in member_ids(uow)):
        return
    _may_work_on(actor, row)


def _done(uow, ctx: Context, actor: Actor, row: Incident, action: str, old: dict, new: dict) -> dict:
    uow.incidents.update(row.id, row.version, **new)
    audit.record(uow, ctx, actor, "incident", row.id, action, old, new)
    answer(uow, ctx, ref=f"incident:{row.id}", act=action, actor=actor)  # what waited for this step
    view = incident_view(uow, uow.incidents.get(row.id), with_followups=True)
    uow.commit()
    return view


def set_solution(ctx: Context, actor: Actor, incident_id: int, solution: str, owner: str,
                 due_at: datetime, version: int | None = None) -> dict:
    """明确责任人和时间要求: the solution, who carries it out and by when (I2)."""
    require_role(actor, INCIDENT_ROLES)
    with ctx.uow() as uow:
        row = _load(uow, actor, incident_id, version)
        _may_work_on(actor, row)
        fields = {}
        if not (solution or "").strip():
            fields["solution"] = "required"
        user = uow.users.by_username(owner) if owner else None
        if user is None or not user.active or user.role not in ORDER_VIEWERS:
            fields["owner"] = "unknown_user" if owner else "required"
        now = ctx.now()
        if due_at is None:
            fields["due_at"] = "required"
        elif due_at <= now:
            fields["due_at"] = "in_past"
        if fields:
            raise errors.ValidationFailed("the solution is not complete", fields=fields)
        timers.cancel(uow, SOLUTION_TIMER, f"incident:{row.id}")
        timers.schedule(uow, now, kind=SOLUTION_TIMER, ref=f"incident:{row.id}", due_at=due_at,
                        payload={"incident_id": row.id})
        notify(uow, now, kind="incident_solution", order_id=row.order_id, ref=f"incident:{row.id}",
               users=[user.id], needs_ack=True,
               subject=ctx.messages.text("ui.ff.mail.solution_subject", incident=row.number),
               body=ctx.messages.text("ui.ff.mail.solution_body", solution=solution.strip(), due=due_at), ctx=ctx)
        old = {k: getattr(row, k) for k in ("solution", "solution_owner_id", "solution_due_at")}
        return _done(uow, ctx, actor, row, "set_solution", old,
                     {"solution": solution.strip(), "solution_owner_id": user.id, "solution_due_at": due_at})


def add_followup(ctx: Context, actor: Actor, incident_id: int, note: str) -> dict:
    """及时跟进解决进展: one entry in the incident's follow-up log."""
    require_role(actor, INCIDENT_ROLES)
    with ctx.uow() as uow:
        row = _load(uow, actor, incident_id)
        _may_follow_up(uow, actor, row)
        note = (note or "").strip()
        if not note:
            raise errors.ValidationFailed("write what happened", fields={"note": "required"})
        if len(note) > 2000:
            raise errors.ValidationFailed("the note is too long", fields={"note": "too_long"})
        now = ctx.now()
        followup_id = uow.incidents.add_followup(incident_id=row.id, note=note, by_id=actor.user_id, at=now)
        audit.record(uow, ctx, actor, "incident", row.id, "follow_up", None,
                     {"followup_id": followup_id, "note": note})
        view = incident_view(uow, row, with_followups=True)
        uow.commit()
        return view


def inform_customer(ctx: Context, actor: Actor, incident_id: int, how: str, note: str,
                    version: int | None = None) -> dict:
    """与客户沟通 (I3): the customer was told, how, and what; by e-mail it is sent from here."""
    require_role(actor, INCIDENT_ROLES)
    with ctx.uow() as uow:
        row = _load(uow, actor, incident_id, version)
        _may_work_on(actor, row)
        note = (note or "").strip()
        fields = {}
        if how not in CONTACT_CHANNELS:
            fields["how"] = "unknown_channel"
        if not note:
            fields["note"] = "required"
        order = uow.orders.get(row.order_id)
        if how == "email" and not order.customer.email:
            fields["how"] = "no_customer_email"
        if fields:
            raise errors.ValidationFailed("say how and what the customer was told", fields=fields)
        now = ctx.now()
        if how == "email":
            send_email(uow, now, to=[order.customer.email], kind="incident_notice", order_id=order.id,
                       ref=f"incident:{row.id}",
                       subject=ctx.messages.text("ui.ff.mail.incident_customer_subject", number=order.number,
                                                 incident=row.number),
                       body=note)
        uow.incidents.add_followup(incident_id=row.id, note=f"[{how}] {note}", by_id=actor.user_id, at=now)
        return _done(uow, ctx, actor, row, "inform_customer", {"customer_informed_at": iso(row.customer_informed_at)},
                     {"customer_informed_at": now, "customer_informed_by": actor.user_id,
                      "customer_informed_how": how})


def propose_compensation(ctx: Context, actor: Actor, incident_id: int, kind: str, amount: Decimal | None,
                         note: str | None = None, version: int | None = None) -> dict:
    """补偿方案 (I3): refund, gift or discount coupon, with its amount, for management to decide."""
    require_role(actor, INCIDENT_ROLES)
    with ctx.uow() as uow:
        row = _load(uow, actor, incident_id, version)
        _may_work_on(actor, row)
        if row.compensation_status in ("proposed", "approved"):
            raise errors.Conflict("a compensation is already proposed or approved",
                                  code="incident.compensation_exists")
        fields = check_compensation(kind, amount)
        if fields:
            raise errors.ValidationFailed("the compensation is not complete", fields=fields)
        order = uow.orders.get(row.order_id)
        notify(uow, ctx.now(), kind="compensation", order_id=order.id, ref=f"incident:{row.id}",
               roles=sorted(COMPENSATION_APPROVERS), needs_ack=True, exclude=actor,
               subject=ctx.messages.text("ui.ff.mail.compensation_subject", incident=row.number, kind=kind,
                                         amount=amount),
               body=note or "", ctx=ctx)
        return _done(uow, ctx, actor, row, "propose_compensation",
                     {"compensation_status": row.compensation_status},
                     {"compensation_status": "proposed", "compensation_kind": kind,
                      "compensation_amount": amount, "compensation_note": (note or "").strip() or None,
                      "compensation_proposed_by": actor.user_id, "compensation_decided_by": None,
                      "compensation_decided_at": None})


def decide_compensation(ctx: Context, actor: Actor, incident_id: int, approve: bool,
                        version: int | None = None) -> dict:
    """Management approves or refuses the proposed compensation; never its own proposal (B7)."""
    require_role(actor, COMPENSATION_APPROVERS)
    with ctx.uow() as uow:
        row = _load(uow, actor, incident_id, version)
        if row.compensation_status != "proposed":
            raise errors.Conflict("there is no compensation waiting for a decision",
                                  code="incident.no_compensation")
        if row.compensation_proposed_by == actor.user_id:
            raise errors.SelfApproval("nobody approves their own proposal")
        status = "approved" if approve else "rejected"
        return _done(uow, ctx, actor, row, "decide_compensation", {"compensation_status": "proposed"},
                     {"compensation_status": status, "compensation_decided_by": actor.user_id,
                      "compensation_decided_at": ctx.now()})


def close_incident(ctx: Context, actor: Actor, incident_id: int, version: int | None = None) -> dict:
    """Closes a solved incident: solution, customer told, compensation decided (I2, I3)."""
    require_role(actor, INCIDENT_ROLES)
    with ctx.uow() as uow:
        row = _load(uow, actor, incident_id, version)
        if actor.role not in (Role(row.lead_role), Role.MANAGEMENT):
            raise errors.Forbidden("the lead department or management closes an incident",
                                   code="auth.role_not_allowed")
        gaps = closing_gaps(row)
        if gaps:
            raise errors.ValidationFailed("the incident is not ready to close", code="incident.not_ready",
                                          fields=gaps)
        timers.cancel(uow, SOLUTION_TIMER, f"incident:{row.id}")
        return _done(uow, ctx, actor, row, "close", {"status": "open"},
                     {"status": "closed", "closed_by": actor.user_id, "closed_at": ctx.now()})


def on_solution_due(uow, ctx: Context, timer: Timer) -> None:
    """Timer: the solution's deadline passed with the incident still open — the owner, the lead
    department and the emergency leadership hear of it."""
    row = uow.incidents.get(timer.payload["incident_id"])
    if row is None or row.status != "open":
        return
    notify(uow, ctx.now(), kind="incident_overdue", order_id=row.order_id, ref=f"incident:{row.id}",
           roles=[Role(row.lead_role)], users=[row.solution_owner_id, *leadership_ids(uow)], critical=True,
           subject=ctx.messages.text("ui.ff.mail.overdue_subject", incident=row.number),
           body=ctx.messages.text("ui.ff.mail.solution_body", solution=row.solution, due=row.solution_due_at),
           ctx=ctx)
    audit.record(uow, ctx, None, "incident", row.id, "overdue", None,
                 {"solution_due_at": row.solution_due_at, "solution_owner_id": row.solution_owner_id})


def get_incident(ctx: Context, actor: Actor, incident_id: int) -> dict:
    with ctx.uow() as uow:
        return incident_view(uow, _load(uow, actor, incident_id, must_be_open=False), with_followups=True)


def list_incidents(ctx: Context, actor: Actor, status: str | None = None, order_id: int | None = None) -> list[dict]:
    require_order_access(actor)
    with ctx.uow() as uow:
        return [_listed(uow, r) for r in uow.incidents.list(status, order_id)]


def _listed(uow, row: Incident) -> dict:
    """An incident in a list: its view with the order's urgency and the customer's name."""
    view = incident_view(uow, row)
    order = uow.orders.get(row.order_id)
    return view | {"order_urgent": order.urgent, "customer_name": order.customer.name}


def demo_organisation(ctx: Context) -> None:
    """The demo's emergency organisation (I5) and one logistics delay on a shipped order (I2)."""
    with ctx.uow() as uow:
        people = {u.username: Actor(u.id, u.username, Role(u.role), u.display_name) for u in uow.users.list()}
        shipped = [o.id for o in uow.orders.list(OrderFilter(status="shipped", limit=1))[0]]
    admin = people["admin"]
    for username, group, duty in (("management", "leadership", "组长（总经理）"),
                                  ("pmc", "leadership", "生产部负责人"), ("sales", "leadership", "销售部负责人"),
                                  ("customer_service", "team", "客服部"), ("sales2", "team", "销售部"),
                                  ("logistics", "team", "物流部"), ("warehouse", "team", "仓储部")):
        add_member(ctx, admin, username, group, duty)
    if shipped:
        open_incident(ctx, people["customer_service"], NewIncident(
            "logistics_delay", shipped[0], "客户来电：货物未按预计时间到达，承运商改走绕行线路。",
            cause="carrier_route", carrier="德邦物流"))
