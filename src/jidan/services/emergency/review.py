"""The review report when an emergency is lifted (紧急状态结束后的总结与改进, J4).

What happened, the orders it moved with their delays and causes, who was told and whether they
acknowledged, what it cost, and the improvements the departments entered. The report is frozen
on the emergency when it is lifted (it is the record); each improvement then becomes a tracked
action of its department (``services.improvements.actions``), which chases it to its due date.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from jidan.domain.model import Actor
from jidan.domain.roles import ORDER_VIEWERS, Role
from jidan.services.context import Context
from jidan.services.emergency.record import load, may_see, view
from jidan.services.fulfilment.drawings import departments
from jidan.services.improvements import actions
from jidan.services.names import display_name

TEXT_MAX = 4000
IMPROVEMENTS_MAX = 30


@dataclass(frozen=True)
class Improvement:
    """An improvement a department enters in the review: it becomes a tracked action."""

    department: str  # a department (role) or workshop code
    text: str
    owner: str  # username of who carries it out
    due: date | None = None


@dataclass(frozen=True)
class Lifting:
    """What management writes when lifting: what happened, the causes of delays, the costs."""

    what_happened: str
    causes: str = ""
    costs: str = ""
    improvements: tuple[Improvement, ...] = field(default_factory=tuple)


def check_lifting(uow, ctx: Context, lifting: Lifting) -> dict[str, str]:
    """Field errors of the review (``improvements.<n>.<field>`` for an improvement's)."""
    fields = {}
    if not (lifting.what_happened or "").strip():
        fields["what_happened"] = "required"
    for name in ("what_happened", "causes", "costs"):
        if len(getattr(lifting, name) or "") > TEXT_MAX:
            fields[name] = "too_long"
    if len(lifting.improvements) > IMPROVEMENTS_MAX:
        fields["improvements"] = "too_many"
        return fields
    known = set(departments(uow)) - {Role.ADMIN.value}
    today = ctx.now().date()
    for n, imp in enumerate(lifting.improvements):
        where = f"improvements.{n}"
        if imp.department not in known:
            fields[f"{where}.department"] = "unknown_department"
        if not (imp.text or "").strip():
            fields[f"{where}.text"] = "required"
        elif len(imp.text) > 2000:
            fields[f"{where}.text"] = "too_long"
        owner = uow.users.by_username(imp.owner) if imp.owner else None
        if owner is None or not owner.active or owner.role not in ORDER_VIEWERS:
            fields[f"{where}.owner"] = "unknown_user" if imp.owner else "required"
        if imp.due is None:
            fields[f"{where}.due"] = "required"
        elif imp.due < today:
            fields[f"{where}.due"] = "in_the_past"
    return fields


def freeze(uow, ctx: Context, row: dict, lifting: Lifting, now: datetime) -> dict:
    """The report as it stands when the emergency is lifted, stored on it."""
    affected = row["affected"] or {}
    names: dict = {}
    orders = []
    for o in affected.get("orders", []):
        notices = [n for n in uow.notices.for_order(o["order_id"])
                   if n.ref == f"emergency:{row['id']}:{o['order']}"]
        orders.append(o | {"told": bool(notices),
                           "acknowledged": any(n.acknowledged_at or n.answered_at for n in notices),
                           "escalations": sum(1 for n in notices if n.kind == "escalation")})
    suppliers = [s | {"acknowledged": not uow.notices.unanswered(
        ref=f"emergency:{row['id']}:supplier:{s['id']}", kinds=["emergency.supplier"])}
                 for s in affected.get("suppliers", [])]
    started = row["in_force_at"] or row["starts_at"]
    improvements = []
    for imp in lifting.improvements:
        owner = uow.users.by_username(imp.owner)
        improvements.append({"department": imp.department, "text": imp.text.strip(), "owner_id": owner.id,
                             "owner": display_name(uow, owner.id, names), "due": imp.due.isoformat()})
    return {"what_happened": lifting.what_happened.strip(), "causes": (lifting.causes or "").strip(),
            "costs": (lifting.costs or "").strip(), "hours": round(max(0.0, (now - started).total_seconds()) / 3600, 1),
            "orders": orders, "customers": affected.get("customers", []), "suppliers": suppliers,
            "ship_dates_changed": sum(1 for o in orders if o.get("new_ship_date")),
            "delay_minutes": sum(o.get("delay_minutes") or 0 for o in orders),
            "replan_run_id": affected.get("run_id"), "replan_error": affected.get("replan_error"),
            "improvements": improvements}


def track_improvements(ctx: Context, actor: Actor, state_id: int, lifting: Lifting) -> None:
    """Each improvement becomes a tracked action of its department, with its owner and due date."""
    for imp in lifting.improvements:
        with ctx.uow() as uow:
            owner_id = uow.users.by_username(imp.owner).id
        actions.add(ctx, actor, source="emergency", source_id=state_id, department=imp.department,
                    text=imp.text.strip(), owner_id=owner_id, due=imp.due)


def report(ctx: Context, actor: Actor, state_id: int) -> dict:
    """The emergency with its review and the improvement actions as they stand now (printable)."""
    may_see(actor)
    with ctx.uow() as uow:
        state = view(uow, load(uow, state_id))
    state["actions"] = actions.list_for(ctx, actor, source="emergency", source_id=state_id) \
        if state["review"] else []
    return state
