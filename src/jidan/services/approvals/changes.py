"""Changing an approved order (变更申请表, H1–H3, B7): the only way an approved order changes.

Sales raises the request after confirming it with the customer; the departments the change
affects review it in parallel (a date → pmc; a quantity → pmc and finance; lines or specs → pmc
and engineering …, ``domain.approval.CHANGE_REVIEWERS``), each with a signed opinion. When all
agree, the order becomes a new revision (the old one stays in ``order_versions``), pmc is asked to
re-plan and production is told. One disagreement rejects the request.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from jidan.domain import errors
from jidan.domain.approval import (
    CHANGEABLE_STATES, ChangeRequestRecord, Meaning, Opinion, OrderContent, Signature, change_kinds, change_reviewers,
)
from jidan.domain.model import Actor
from jidan.domain.order import Order
from jidan.domain.roles import ORDER_ENTRY, Role
from jidan.domain.states import OrderState
from jidan.services import audit
from jidan.services.approvals import delegations
from jidan.services.approvals import letters as confirmations
from jidan.services.approvals.deadlines import STEP_DUE, overdue
from jidan.services.approvals.signatures import Decision, Proof, login_time, record_signature, sig_view, signing_method
from jidan.services.context import Context
from jidan.services.names import display_name, urgent_mark
from jidan.services.notices import answers, notify, timers
from jidan.services.orders import intake, lifecycle, views
from jidan.services.orders.intake import NewLine, OrderEdit
from jidan.services.permissions import load_order, require_order_access, require_role
from jidan.services.planning import runs

#: Before approval the order is simply edited by the person who entered it.
EDITABLE_STATES = frozenset({OrderState.DRAFT, OrderState.SUBMITTED, OrderState.REVIEWED,
                             OrderState.REJECTED})


@dataclass(frozen=True)
class ChangeInput:
    """What sales asks to change, why, and how the customer confirmed it (H1)."""

    reason: str
    customer_confirmation: str
    requested_date: date | None = None
    lines: tuple[NewLine, ...] | None = None
    special_requirements: str | None = None
    order_version: int | None = None

    def check(self) -> None:
        fields = {}
        for name, limit in (("reason", 1000), ("customer_confirmation", 500)):
            value = (getattr(self, name) or "").strip()
            if not value:
                fields[name] = "required"
            elif len(value) > limit:
                fields[name] = "too_long"
        if self.special_requirements is not None and len(self.special_requirements) > 2000:
            fields["special_requirements"] = "too_long"
        if fields:
            raise errors.ValidationFailed("the change request is not complete", fields=fields)


def _content(order: Order) -> dict:
    return {"requested_date": order.requested_date.isoformat(),
            "special_requirements": order.special_requirements,
            "lines": [{"product": ln.product.code, "product_name": ln.product.name, "quantity": ln.quantity,
                       "unit_price": f"{ln.unit_price:.2f}"} for ln in order.lines]}


def _as_content(view: dict) -> OrderContent:
    return OrderContent(date.fromisoformat(view["requested_date"]),
                        tuple((ln["product"], ln["quantity"], Decimal(ln["unit_price"])) for ln in view["lines"]),
                        view["special_requirements"])


def request_change(ctx: Context, actor: Actor, order_id: int, change: ChangeInput) -> dict:
    """Sales asks for a change the customer confirmed; the affected departments are asked to review."""
    require_role(actor, ORDER_ENTRY)
    change.check()
    with ctx.uow() as uow:
        uow.reviews.lock_order(order_id)
        order = load_order(uow, actor, order_id)
        lifecycle.check_version(order, change.order_version)
        if order.status in EDITABLE_STATES:
            raise errors.Conflict("before approval the order is edited directly", code="change.edit_directly")
        if order.status not in CHANGEABLE_STATES:
            raise errors.Conflict(f"an order that is {order.status} can no longer change",
                                  code="change.not_changeable")
        if uow.change_requests.list(order_id=order.id, status="pending"):
            raise errors.Conflict("a change request for this order is still pending", code="change.pending_exists")
        previous = _content(order)
        proposed = dict(previous)
        if change.requested_date is not None:
            if date_error := intake.requested_date_error(ctx, change.requested_date):
                raise errors.ValidationFailed("the requested date is not valid",
                                              fields={"requested_date": date_error})
            proposed["requested_date"] = change.requested_date.isoformat()
        if change.lines is not None:
            proposed["lines"] = [{"product": ln.product.code, "product_name": ln.product.name,
                                  "quantity": ln.quantity, "unit_price": f"{ln.unit_price:.2f}"}
                                 for ln in intake.build_lines(uow, ctx, change.lines)]
        if change.special_requirements is not None:
            proposed["special_requirements"] = change.special_requirements.strip() or None
        kinds = change_kinds(_as_content(previous), _as_content(proposed))
        if not kinds:
            raise errors.ValidationFailed("the request changes nothing", code="change.nothing_changes",
                                          fields={"changes": "nothing_changes"})
        roles = [r.value for r in change_reviewers(kinds)]
        now = ctx.now()
        due_at = notify.ack_deadline(uow, ctx, now, ctx.change_review_hours)
        change_id = uow.change_requests.add(
            order_id=order.id, base_revision=order.revision, kinds=kinds, roles=roles, previous=previous,
            proposed=proposed, reason=change.reason.strip(), customer_confirmation=change.customer_confirmation.strip(),
            status="pending", due={r: due_at.isoformat() for r in roles}, replan_required=False,
            requested_by=actor.user_id, requested_at=now)
        row = uow.change_requests.get(change_id)
        for role in roles:
            timers.schedule(uow, now, kind=STEP_DUE, ref=f"{row.subject}:{role}", due_at=due_at,
                            payload={"subject": row.subject, "step": role})
        audit.record(uow, ctx, actor, "change_request", change_id, "create", None,
                     {"order": order.number, "base_revision": order.revision, "kinds": kinds, "roles": roles,
                      "proposed": proposed}, change.reason)
        text = ctx.messages.text
        notify.notify(uow, now, kind="change.requested", order_id=order.id, ref=row.subject,
                      roles=[Role(r) for r in roles], exclude=actor, ctx=ctx,
                      subject=text("ui.appr.change.requested.subject", urgent=urgent_mark(ctx, order),
                                   number=row.number, order=order.number),
                      body=text("ui.appr.change.requested.body",
                                kinds=text("ui.appr.sep.list").join(text(f"ui.wf.kind.{k}") for k in kinds),
                                reason=change.reason.strip(), due=due_at))
        view = _view(uow, ctx, actor, row, order, {})
        uow.commit()
        return view


def sign_change(ctx: Context, actor: Actor, change_id: int, decision: Decision, proof: Proof | None = None,
                version: int | None = None) -> dict:
    """A department's signed opinion on a change request; all agreeing applies it (H2, H3)."""
    require_order_access(actor)
    decision.check()
    started = login_time(ctx, actor, proof)
    with ctx.uow() as uow:
        row = _load(uow, change_id)
        uow.reviews.lock_order(row.order_id)
        row = _load(uow, change_id)
        order = load_order(uow, actor, row.order_id)
        if version is not None and version != row.version:
            raise errors.StaleVersion("the change request changed since you read it",
                                      current_version=row.version)
        if row.status != "pending":
            raise errors.Conflict(f"the change request is {row.status}", code="change.not_pending")
        signer, principal = delegations.signer_of(uow, ctx, actor, decision.on_behalf_of)
        if {signer.user_id, principal} & {row.requested_by, order.created_by}:
            raise errors.SelfApproval("nobody approves their own change request",
                                      code="change.self_approval")
        if signer.role.value not in row.roles:
            raise errors.Forbidden("this change does not need your department's review",
                                   code="approval.not_an_approver")
        sigs = uow.reviews.signatures([row.subject])
        if any(s.step_key == signer.role.value for s in sigs):
            raise errors.Conflict("your department has already signed", code="approval.already_signed")
        if order.revision != row.base_revision:
            raise errors.Conflict("the order changed since this request; raise a new one",
                                  code="change.stale_revision")
        method = signing_method(uow, ctx, signer, proof, started)
        disagree = decision.opinion == Opinion.DISAGREE
        record_signature(uow, ctx, signer, principal, order, row.subject, signer.role.value,
                         Meaning.REJECTED if disagree else Meaning.APPROVED, decision, method,
                         change_id=row.id, revision=row.base_revision)
        timers.cancel(uow, STEP_DUE, f"{row.subject}:{signer.role.value}")
        if disagree:
            _close(uow, ctx, signer, order, row, "rejected", decision.comment)
        elif {s.step_key for s in sigs} | {signer.role.value} >= set(row.roles):
            _apply(uow, ctx, signer, order, row, sigs, decision)
        uow.commit()
    return get_change(ctx, actor, change_id)


def _close(uow, ctx, actor: Actor, order: Order, row: ChangeRequestRecord, status: str, note: str | None) -> None:
    for role in row.roles:
        timers.cancel(uow, STEP_DUE, f"{row.subject}:{role}")
    uow.change_requests.update(row.id, row.version, status=status, decided_at=ctx.now())
    audit.record(uow, ctx, actor, "change_request", row.id, status, {"status": "pending"},
                 {"status": status}, note)
    answers.answer(uow, ctx, ref=row.subject, act="decide", actor=actor)
    if status == "rejected":
        notify.notify(uow, ctx.now(), kind="change.rejected", order_id=order.id, ref=row.subject,
                      users=[row.requested_by], exclude=actor, ctx=ctx,
                      subject=ctx.messages.text("ui.appr.change.rejected.subject", urgent=urgent_mark(ctx, order),
                                                number=row.number, order=order.number),
                      body=ctx.messages.text("ui.appr.rejected.reason", reason=note or ""))


def _apply(uow, ctx, signer: Actor, order: Order, row: ChangeRequestRecord, sigs: list[Signature], decision: Decision) -> None:
    """The order becomes a new revision; pmc re-plans, production and sales are told (H3)."""
    proposed = row.proposed
    before = views.snapshot(order)
    in_plan = runs.in_accepted_plan(uow, order.id)
    edit = OrderEdit(order.version, date.fromisoformat(proposed["requested_date"]),
                     proposed["special_requirements"] or "",
                     lines=tuple(NewLine(ln["product"], ln["quantity"], Decimal(ln["unit_price"]))
                                 for ln in proposed["lines"]))
    suggested = [s.suggested_date for s in sigs if s.suggested_date]
    if decision.suggested_date:
        suggested.append(decision.suggested_date)
    intake.revise(uow, ctx, order, edit)
    order.revision = row.base_revision + 1
    if "date" in row.kinds or suggested:
        order.promised_date = max(suggested) if suggested else order.requested_date
    uow.flush()
    now = ctx.now()
    uow.orders.add_version(order, audit.plain(views.snapshot(order)), now, signer.user_id)
    old, new = audit.changed(audit.plain(before), audit.plain(views.snapshot(order)))
    text = ctx.messages.text
    audit.record(uow, ctx, signer, "order", order.id, "edit", old, new,
                 text("ui.appr.change.approved.audit", number=row.number, revision=order.revision))
    uow.change_requests.update(row.id, row.version, status="approved", decided_at=now,
                               new_revision=order.revision, replan_required=in_plan)
    audit.record(uow, ctx, signer, "change_request", row.id, "approved", {"status": "pending"},
                 {"status": "approved", "new_revision": order.revision, "replan_required": in_plan})
    answers.answer(uow, ctx, ref=row.subject, act="decide", actor=signer)
    what = text("ui.appr.sep.list").join(row.kinds)
    urgent = urgent_mark(ctx, order)
    notify.notify(uow, now, kind="change.approved", order_id=order.id, ref=row.subject, roles=[Role.PMC],
                  needs_ack=True, ctx=ctx,
                  subject=text("ui.appr.change.approved.pmc_subject", urgent=urgent, order=order.number,
                               revision=order.revision),
                  body=text("ui.appr.change.approved.changes", kinds=what)
                  + (text("ui.appr.change.approved.replan") if in_plan else ""))
    if order.status in (OrderState.RELEASED, OrderState.IN_PRODUCTION, OrderState.ON_HOLD):
        notify.notify(uow, now, kind="change.approved", order_id=order.id, ref=row.subject,
                      roles=[Role.MANUFACTURING], ctx=ctx,
                      subject=text("ui.appr.change.approved.floor_subject", urgent=urgent, order=order.number,
                                   revision=order.revision),
                      body=text("ui.appr.change.approved.floor_body", kinds=what))
    letter = confirmations.make_letter(uow, ctx, signer, order, order.promised_date or order.requested_date)
    notify.notify(uow, now, kind="change.approved", order_id=order.id, ref=f"letter:{letter}",
                  users=[row.requested_by], exclude=signer, ctx=ctx,
                  subject=text("ui.appr.change.approved.sales_subject", urgent=urgent, number=row.number),
                  body=text("ui.appr.change.approved.sales_body", order=order.number, revision=order.revision))


def withdraw_change(ctx: Context, actor: Actor, change_id: int, version: int | None = None) -> dict:
    """The requester takes a pending request back (the customer changed their mind)."""
    with ctx.uow() as uow:
        row = _load(uow, change_id)
        order = load_order(uow, actor, row.order_id)
        if row.requested_by != actor.user_id:
            raise errors.Forbidden("only the requester may withdraw it", code="order.not_requester")
        if version is not None and version != row.version:
            raise errors.StaleVersion("the change request changed since you read it",
                                      current_version=row.version)
        if row.status != "pending":
            raise errors.Conflict(f"the change request is {row.status}", code="change.not_pending")
        _close(uow, ctx, actor, order, row, "withdrawn", None)
        uow.commit()
    return get_change(ctx, actor, change_id)


def _load(uow, change_id: int) -> ChangeRequestRecord:
    row = uow.change_requests.get(change_id)
    if row is None:
        raise errors.NotFound(f"change request {change_id} not found", code="change.not_found")
    return row


def _view(uow, ctx, actor: Actor, row: ChangeRequestRecord, order: Order, names: dict) -> dict:
    sigs = uow.reviews.signatures([row.subject])
    by_role = {s.step_key: s for s in sigs}
    now = ctx.now()
    steps = []
    for role in row.roles:
        sig = by_role.get(role)
        due = row.due.get(role)
        steps.append({"role": role, "due_at": due,
                      "overdue": bool(row.status == "pending" and not sig and due and due < now.isoformat()),
                      "signature": sig_view(uow, sig, names) if sig else None})
    can_sign = (row.status == "pending" and actor.user_id not in (row.requested_by, order.created_by)
                and Role(actor.role).value in row.roles and Role(actor.role).value not in by_role)
    return {"id": row.id, "number": row.number, "order_id": order.id, "order_number": order.number,
            "urgent": order.urgent, "customer": order.customer.name, "order_status": str(order.status),
            "order_revision": order.revision, "base_revision": row.base_revision,
            "new_revision": row.new_revision, "kinds": row.kinds, "roles": row.roles,
            "previous": views.priced_for(actor, row.previous), "proposed": views.priced_for(actor, row.proposed),
            "reason": row.reason,
            "customer_confirmation": row.customer_confirmation, "status": row.status,
            "replan_required": row.replan_required,
            "requested_by": display_name(uow, row.requested_by, names),
            "requested_at": row.requested_at.isoformat(timespec="seconds"),
            "decided_at": row.decided_at.isoformat(timespec="seconds") if row.decided_at else None,
            "steps": steps, "version": row.version,
            "can": {"sign": can_sign, "withdraw": row.status == "pending" and actor.user_id == row.requested_by}}


def get_change(ctx: Context, actor: Actor, change_id: int) -> dict:
    with ctx.uow() as uow:
        row = _load(uow, change_id)
        order = load_order(uow, actor, row.order_id)
        return _view(uow, ctx, actor, row, order, {})


def list_changes(ctx: Context, actor: Actor, order_id: int | None = None, status: str | None = None) -> list[dict]:
    """Change requests, pending first; of one order when ``order_id`` is given."""
    require_order_access(actor)
    with ctx.uow() as uow:
        if order_id is not None:
            load_order(uow, actor, order_id)
        names: dict = {}
        return [_view(uow, ctx, actor, row, uow.orders.get(row.order_id), names)
                for row in uow.change_requests.list(order_id=order_id, status=status)]


def pending_changes(uow, actor: Actor, roles: list, names: dict) -> list[dict]:
    """Change requests waiting for this actor's department (or a principal's), for the approvals page."""
    items = []
    for row in uow.change_requests.list(status="pending"):
        order = uow.orders.get(row.order_id)
        signed = {s.step_key for s in uow.reviews.signatures([row.subject])}
        for role, principal in roles:
            if (role.value not in row.roles or role.value in signed
                    or {actor.user_id, principal} & {row.requested_by, order.created_by}):
                continue
            items.append(views.priced_for(actor, {"kind": "change", "order_id": order.id, "number": order.number,
                          "customer": order.customer.name, "urgent": order.urgent, "priority": order.priority,
                          "priority_rank": order.priority_rank, "status": str(order.status),
                          "amount": f"{order.amount:.2f}", "requested_date": order.requested_date.isoformat(),
                          "step": role.value, "step_name": row.number, "required": 1, "count": 0,
                          "due_at": row.due.get(role.value), "on_behalf_of": display_name(uow, principal, names),
                          "review_open": True, "change_id": row.id, "kinds": row.kinds}))
    return items


def on_review_due(uow, ctx, change_id: int, role: str) -> None:
    """A department let a change request pass its deadline: remind and escalate."""
    row = uow.change_requests.get(change_id)
    if row is None or row.status != "pending":
        return
    if any(s.step_key == role for s in uow.reviews.signatures([row.subject])):
        return
    order = uow.orders.get(row.order_id)
    overdue(uow, ctx, order, row.subject, role,
            ctx.messages.text("ui.appr.change.review_step", number=row.number), row.due.get(role))
