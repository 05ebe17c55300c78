"""Tracked improvement actions (改善措施, M4): a department's undertaking from the quarterly
review or an emergency, with an owner and a due date.

The owner is told when the action is added (the notice its completion answers), reminded at the
opening of the working day before it falls due, and when the deadline passes unmet the
department's head and the level above it (finally 总经办) are told with a notice that escalates
like every other (``services.notices``). Deadlines are on the working calendar
(``domain.improvements``).
"""
from __future__ import annotations

from dataclasses import asdict
from datetime import date

from jidan.domain import errors
from jidan.domain.delivery import Timer, next_level
from jidan.domain.improvements import NOTE_MAX, SOURCES, TEXT_MAX, ImprovementAction, deadline, reminder
from jidan.domain.model import Actor
from jidan.domain.roles import ORDER_VIEWERS, Role
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.fulfilment.drawings import department_roles, departments
from jidan.services.fulfilment.common import check_version, iso
from jidan.services.masterdata.calendar import effective_calendar
from jidan.services.names import display_name
from jidan.services.notices import timers
from jidan.services.notices.answers import answer
from jidan.services.notices.notify import notify
from jidan.services.permissions import require_order_access

#: Timers of an action's deadline: the reminder before it and the escalation when it is missed.
REMIND = "improvement.remind"
MISSED = "improvement.missed"
#: Who may enter any department's actions; everyone else their own department's (``_may_assign``).
LEADS = frozenset({Role.MANAGEMENT, Role.PMC})


def _ref(action_id: int) -> str:
    return f"improvement:{action_id}"


def add(ctx: Context, actor: Actor, *, source: str, source_id: int, department: str, text: str,
        owner_id: int, due: date) -> dict:
    """Adds one tracked action; 422 with field errors when it is not complete or not possible."""
    require_order_access(actor)
    with ctx.uow() as uow:
        now = ctx.now()
        text = (text or "").strip()
        fields = {}
        if source not in SOURCES:
            fields["source"] = "unknown_source"
        if not isinstance(source_id, int) or isinstance(source_id, bool) or source_id <= 0:
            fields["source_id"] = "invalid"
        if department not in departments(uow) or department == Role.ADMIN.value:
            fields["department"] = "unknown_department"
        elif not _may_assign(uow, actor, source, department):
            raise errors.Forbidden("only management, pmc or the department itself enters its actions",
                                   code="improvement.not_your_department")
        if not text:
            fields["text"] = "required"
        elif len(text) > TEXT_MAX:
            fields["text"] = "too_long"
        owner = uow.users.get(owner_id) if isinstance(owner_id, int) else None
        if owner is None or not owner.active or owner.role not in ORDER_VIEWERS:
            fields["owner_id"] = "unknown_user"
        if not isinstance(due, date):
            fields["due"] = "required"
        elif due < now.date():
            fields["due"] = "in_the_past"
        if fields:
            raise errors.ValidationFailed("the improvement action is not complete", code="improvement.invalid",
                                          fields=fields)
        calendar = effective_calendar(uow, ctx)
        due_at = deadline(calendar, ctx.shifts, due)
        values = {"source": source, "source_id": source_id, "department": department, "text": text,
                  "owner_id": owner_id, "due": due, "due_at": due_at, "status": "open",
                  "created_by": actor.user_id, "created_at": now}
        action_id = uow.improvements.add(**values)
        audit.record(uow, ctx, actor, "improvement_action", action_id, "add", None, values)
        ref = _ref(action_id)
        remind_at = reminder(calendar, ctx.shifts, due_at)
        if remind_at > now:
            timers.schedule(uow, now, kind=REMIND, ref=ref, due_at=remind_at, payload={"action_id": action_id})
        timers.schedule(uow, now, kind=MISSED, ref=ref, due_at=due_at, payload={"action_id": action_id})
        notify(uow, now, kind="improvement_action", users=[owner_id], ref=ref, ctx=ctx,
               subject=ctx.messages.text("ui.rev.mail.action_subject", department=department),
               body=ctx.messages.text("ui.rev.mail.action_body", text=text, due=due_at))
        view = _view(uow, uow.improvements.get(action_id), now, {})
        uow.commit()
        return view


def _may_assign(uow, actor: Actor, source: str, department: str) -> bool:
    """Management and pmc assign any department's actions, a department its own; after an
    emergency, so does a member of the emergency organisation (应急组织, I5)."""
    return (actor.role in LEADS or department == str(actor.role)
            or (source == "emergency" and uow.emergency_org.by_user(actor.user_id) is not None))


def list_for(ctx: Context, actor: Actor, *, source: str, source_id: int) -> list[dict]:
    """The actions of one review or emergency, by department and due date."""
    require_order_access(actor)
    if source not in SOURCES:
        raise errors.ValidationFailed("unknown source", code="improvement.invalid",
                                      fields={"source": "unknown_source"})
    with ctx.uow() as uow:
        names: dict = {}
        return [_view(uow, row, ctx.now(), names) for row in uow.improvements.for_source(source, source_id)]


def complete(ctx: Context, actor: Actor, action_id: int, *, version: int, note: str) -> dict:
    """The owner (or management) marks the action done, saying what was done; 409 when stale."""
    require_order_access(actor)
    with ctx.uow() as uow:
        row = uow.improvements.get(action_id)
        if row is None:
            raise errors.NotFound(f"improvement action {action_id} not found", code="not_found")
        if actor.user_id != row.owner_id and actor.role != Role.MANAGEMENT:
            raise errors.Forbidden("only the owner or management completes an action",
                                   code="improvement.not_owner")
        check_version(row.version, version, "improvement action")
        if row.status == "done":
            raise errors.Conflict("the action is done already", code="improvement.done")
        note = (note or "").strip()
        if not note or len(note) > NOTE_MAX:
            raise errors.ValidationFailed("say what was done", code="improvement.invalid",
                                          fields={"note": "required" if not note else "too_long"})
        now = ctx.now()
        new = {"status": "done", "completed_by": actor.user_id, "completed_at": now, "completion_note": note}
        uow.improvements.update(row.id, row.version, **new)
        for kind in (REMIND, MISSED):
            timers.cancel(uow, kind, _ref(row.id))
        answer(uow, ctx, ref=_ref(row.id), act="complete", actor=actor)
        audit.record(uow, ctx, actor, "improvement_action", row.id, "complete", {"status": row.status}, new)
        view = _view(uow, uow.improvements.get(row.id), now, {})
        uow.commit()
        return view


def on_remind(uow, ctx: Context, timer: Timer) -> None:
    """Timer: the working day before the deadline, the owner of an open action is reminded."""
    row = uow.improvements.get(timer.payload["action_id"])
    if row is None or row.status != "open":
        return
    notify(uow, ctx.now(), kind="improvement_action.reminder", users=[row.owner_id], ref=_ref(row.id), ctx=ctx,
           subject=ctx.messages.text("ui.rev.mail.remind_subject", department=row.department),
           body=ctx.messages.text("ui.rev.mail.action_body", text=row.text, due=row.due_at))


def on_missed(uow, ctx: Context, timer: Timer) -> None:
    """Timer: the deadline passed with the action open — the owner, the department's head and the
    level above are told, with a notice that escalates further until acknowledged (E6, M4)."""
    row = uow.improvements.get(timer.payload["action_id"])
    if row is None or row.status != "open":
        return
    now = ctx.now()
    uow.improvements.update(row.id, row.version, missed_at=now)
    audit.record(uow, ctx, None, "improvement_action", row.id, "overdue", {"missed_at": None},
                 {"missed_at": now, "due_at": row.due_at, "department": row.department})
    heads = {r.value for r in department_roles(uow, row.department)}
    rules = ctx.delivery
    above = next_level(rules.ladder, heads, rules.top)
    notify(uow, now, kind="improvement_action.overdue", users=[row.owner_id], ref=_ref(row.id), ctx=ctx,
           roles=[Role(r) for r in sorted(heads | above) if r in Role._value2member_map_], needs_ack=True,
           subject=ctx.messages.text("ui.rev.mail.overdue_subject", department=row.department),
           body=ctx.messages.text("ui.rev.mail.overdue_body", text=row.text, due=row.due_at,
                                  owner=display_name(uow, row.owner_id, {})))


def _view(uow, row: ImprovementAction, now, names: dict) -> dict:
    view = {k: iso(v) for k, v in asdict(row).items()}
    view["due"] = row.due.isoformat()
    view["state"] = row.state(now)
    view["owner"] = display_name(uow, row.owner_id, names)
    view["completed_by_name"] = display_name(uow, row.completed_by, names)
    return view
