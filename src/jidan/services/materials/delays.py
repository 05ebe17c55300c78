"""The material delivery delay request (材料交期延迟申请单, C6).

Purchasing, or the supplier of a purchase order, asks for a later date; pmc decides. An approved
delay moves the purchase order's date and proposes a material-late repair of the plan for the
orders it makes late, whose people are told.
"""
from __future__ import annotations

from datetime import date

from jidan.domain import errors
from jidan.domain.material import (
    DELAY_DECIDERS, DELAY_REQUEST_FLOW, DELAY_REQUESTERS, DelayRequest, PurchaseOrder, check_decider, check_delay, next_status,
)
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.materials.purchasing import PO_VIEWERS, check_version, own_purchase_order
from jidan.services.materials.views import request_view
from jidan.services.notices.notify import notify
from jidan.services.notices.answers import answer
from jidan.services.permissions import may, require_role


def _own_request(uow, actor: Actor, request_id: int, lock: bool = False) -> DelayRequest:
    require_role(actor, PO_VIEWERS)
    row = uow.delay_requests.get(request_id, lock=lock)
    if row is not None and actor.role == Role.SUPPLIER:
        po = uow.purchase_orders.get(row.purchase_order_id)
        row = row if po.supplier_id == actor.user_id else None
    if row is None:
        raise errors.NotFound(f"delay request {request_id} not found", code="delay_request.not_found")
    return row



def request_delay(ctx: Context, actor: Actor, po_id: int, new_date: date, reason: str) -> dict:
    """Purchasing, or the supplier of the order, asks for a later date; pmc is told (C6)."""
    require_role(actor, DELAY_REQUESTERS)
    with ctx.uow() as uow:
        row = own_purchase_order(uow, actor, po_id, lock=True)
        if len(reason) > 2000:
            raise errors.ValidationFailed("the reason is too long", fields={"reason": "too_long"})
        check_delay(row.due_date, new_date, reason or "")
        if row.status != "open":
            raise errors.Conflict(f"the purchase order is {row.status}", code="purchase_order.not_open")
        if uow.delay_requests.list(status="pending", purchase_order_id=po_id):
            raise errors.Conflict("a delay request for this purchase order is already waiting",
                                  code="delay_request.already_pending")
        request_id = uow.delay_requests.add(
            purchase_order_id=po_id, material_code=row.material_code, old_date=row.due_date,
            new_date=new_date, reason=reason.strip(), status="pending", requested_by=actor.user_id,
            requested_at=ctx.now())
        req = uow.delay_requests.get(request_id)
        audit.record(uow, ctx, actor, "material_delay_request", request_id, "request", None,
                     {"number": req.number, "purchase_order": row.number, "material": row.material_code,
                      "old_date": row.due_date, "new_date": new_date}, reason)
        notify(uow, ctx.now(), ctx=ctx, kind="material_delay_request", roles=[Role.PMC], exclude=actor,
               ref=f"delay_request:{request_id}",
               subject=ctx.messages.text("ui.materials.msg.delay_requested", number=req.number,
                                         material=row.material_code, purchase_order=row.number,
                                         old_date=row.due_date, new_date=new_date), body=reason)
        uow.commit()
        return request_view(uow, uow.delay_requests.get(request_id), actor)


def list_delay_requests(ctx: Context, actor: Actor, status: str | None = None) -> list[dict]:
    """Pending first, newest first; a supplier gets only those on its own orders."""
    require_role(actor, PO_VIEWERS)
    with ctx.uow() as uow:
        rows = uow.delay_requests.list(status=status,
                                       supplier_id=actor.user_id if actor.role == Role.SUPPLIER else None)
        return [request_view(uow, r, actor) for r in rows]


def get_delay_request(ctx: Context, actor: Actor, request_id: int) -> dict:
    with ctx.uow() as uow:
        return request_view(uow, _own_request(uow, actor, request_id), actor)


def decide_delay(ctx: Context, actor: Actor, request_id: int, approve: bool, note: str | None = None,
                 version: int | None = None, time_limit: float = 0.0) -> dict:
    """pmc approves (the date moves, the plan is repaired as a proposal, people are told) or rejects.
    The repair is solved once the decision is committed, never inside its transaction (issue 21)."""
    with ctx.uow() as uow:
        req = _own_request(uow, actor, request_id, lock=True)
        check_decider(may(actor, DELAY_DECIDERS), req.requested_by, actor.user_id)
        check_version(req, version)
        note = (note or "").strip() or None
        if not approve and not note:
            raise errors.ValidationFailed("a rejection says why", fields={"note": "required"})
        status = next_status(DELAY_REQUEST_FLOW, req.status, "approve" if approve else "reject", "delay_request")
        po = uow.purchase_orders.get(req.purchase_order_id, lock=True)
        affected, repair = [], None
        if approve:
            if po.status != "open":
                raise errors.Conflict(f"the purchase order is {po.status}", code="purchase_order.not_open")
            affected, repair = _move_purchase_order(uow, ctx, actor, req, po, time_limit)
        uow.delay_requests.update(request_id, req.version, status=status, decided_by=actor.user_id,
                                  decided_at=ctx.now(), decision_note=note,
                                  affected_orders=[o.number for o in affected])
        audit.record(uow, ctx, actor, "material_delay_request", request_id, "approve" if approve else "reject",
                     {"status": req.status}, {"status": status, "affected_orders": [o.number for o in affected]},
                     note)
        answer(uow, ctx, ref=f"delay_request:{request_id}", act="decide", actor=actor)
        if repair is None:
            _tell(uow, ctx, actor, req, po, approve, note, affected, None)
        uow.commit()
        affected_ids = [o.id for o in affected]
    if repair is not None:  # the repair solves once the decision is committed; people hear of it with it
        def repaired(uow, run_id: int) -> None:
            row = uow.delay_requests.get(request_id)
            uow.delay_requests.update(request_id, row.version, repair_run_id=run_id)
            audit.record(uow, ctx, actor, "material_delay_request", request_id, "repair", None,
                         {"repair_run_id": run_id})
            _tell(uow, ctx, actor, row, uow.purchase_orders.get(row.purchase_order_id), True, note,
                  [uow.orders.get(i) for i in affected_ids], run_id)
        repair(repaired)
    with ctx.uow() as uow:
        return request_view(uow, uow.delay_requests.get(request_id), actor)


def _move_purchase_order(uow, ctx: Context, actor: Actor, req: DelayRequest, po: PurchaseOrder,
                         time_limit: float):
    """The new date into the purchase order; the orders it makes late, and their repair (C7) to
    propose once the decision is committed.

    Planning does the repair (``ctx.hooks.after_material_change``, wired in services/wiring.py),
    so materials never imports planning, which reads materials."""
    def move() -> None:
        uow.purchase_orders.update(po.id, po.version, due_date=req.new_date)
        audit.record(uow, ctx, actor, "purchase_order", po.id, "delay", {"due_date": po.due_date},
                     {"due_date": req.new_date}, f"{req.number}: {req.reason}")
    return ctx.hooks.after_material_change(uow, ctx, actor, move, time_limit, {
        "kind": "material_late", "material": req.material_code, "purchase_order": po.number,
        "delay_request": req.number, "available_from": req.new_date.isoformat()})


def _tell(uow, ctx: Context, actor: Actor, req: DelayRequest, po: PurchaseOrder, approve: bool,
          note: str | None, affected: list, run_id: int | None) -> None:
    """The requester and the supplier hear the decision; on approval pmc and the affected orders' sales too."""
    text = ctx.messages.text
    verdict = text("ui.materials.msg.approved" if approve else "ui.materials.msg.rejected")
    subject = text("ui.materials.msg.delay_decided", number=req.number, verdict=verdict, material=req.material_code,
                   purchase_order=po.number, old_date=req.old_date, new_date=req.new_date)
    notify(uow, ctx.now(), ctx=ctx, kind="material_delay_decision", users=[req.requested_by, po.supplier_id],
           exclude=actor, ref=f"delay_request:{req.id}", subject=subject, body=note or "")
    if not approve:
        return
    orders = text("ui.materials.msg.list_separator").join(o.number for o in affected) or text("ui.materials.msg.none")
    plan = text("ui.materials.msg.repair_run", run=run_id) if run_id else ""
    notify(uow, ctx.now(), ctx=ctx, kind="material_delay_approved", roles=[Role.PMC], exclude=actor,
           ref=f"delay_request:{req.id}",
           subject=text("ui.materials.msg.delay_affects", subject=subject, orders=orders, plan=plan)[:200])
    for order in affected:
        notify(uow, ctx.now(), ctx=ctx, kind="material_delay_approved", order_id=order.id,
               users=[order.created_by], exclude=actor, ref=f"delay_request:{req.id}",
               subject=text("ui.materials.msg.delay_for_order",
                            urgent=text("ui.materials.msg.urgent_tag") if order.urgent else "", order=order.number,
                            material=req.material_code, new_date=req.new_date, plan=plan)[:200])
