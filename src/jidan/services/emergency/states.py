"""Declaring and lifting the emergency state (紧急状态, J1, J4).

Management declares it, signed like an approval (the password again unless the login is fresh);
it takes effect at its start (a timer, or at once), and from then the emergency rule weighs the
orders: pmc gets a re-plan under it at once (`replan.propose`), the customers of the orders it
moves and the suppliers of their materials are told (`tell`). Lifting it, signed too, freezes
the review report (`review`) and turns the departments' improvements into tracked actions.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from jidan.domain import errors
from jidan.domain.delivery import Timer
from jidan.domain.emergency import DECLARERS, EmergencyState, Facts, apply, check_declaration, in_product_groups
from jidan.domain.model import Actor
from jidan.services import audit
from jidan.services.approvals.signatures import Proof, login_time, signing_method
from jidan.services.context import Context
from jidan.services.emergency import replan, review
from jidan.services.emergency.record import get, load, tell
from jidan.services.emergency.review import Improvement as Improvement  # re-exported for the edges
from jidan.services.emergency.review import Lifting as Lifting
from jidan.services.notices import timers
from jidan.services.permissions import require_role

START_TIMER = "emergency.start"


@dataclass(frozen=True)
class Declaration:
    cause: str
    scope: str
    starts_at: datetime | None
    expected_end_at: datetime | None
    description: str
    targets: tuple[str, ...] = field(default_factory=tuple)


def _unknown_targets(uow, scope: str, names: tuple[str, ...]) -> dict[str, str]:
    """Field errors for targets the factory does not know."""
    if scope == "work_centers":
        known = {w.code for w in uow.plant.work_centers()}
    elif scope == "customers":
        known = {c.code for c in uow.customers.list()}
    elif scope == "product_groups":
        codes = [p.code for p in uow.products.list()]
        known = {g for g in names if any(in_product_groups(c, [g]) for c in codes)}
    else:
        return {}
    return {"targets": "unknown_target"} if any(n not in known for n in names) else {}


def declare(ctx: Context, actor: Actor, cmd: Declaration, proof: Proof | None = None) -> dict:
    """Management declares the emergency (J1), signed; a re-plan under it is proposed at once (J2)."""
    state_id = declare_only(ctx, actor, cmd, proof)
    replan.propose_safely(ctx, actor, state_id)
    return get(ctx, actor, state_id)


def declare_only(ctx: Context, actor: Actor, cmd: Declaration, proof: Proof | None = None,
                 drill: dict | None = None) -> int:
    """The declaration in one transaction, signed and audited; its id. ``drill``: the settings
    of the drill whose copy this is (``drills``)."""
    require_role(actor, DECLARERS)
    started = login_time(ctx, actor, proof)
    targets = tuple(dict.fromkeys(t.strip() for t in cmd.targets if t and t.strip()))
    with ctx.uow() as uow:
        fields = check_declaration(cmd.cause, cmd.scope, list(targets), cmd.starts_at, cmd.expected_end_at,
                                   cmd.description or "")
        if "targets" not in fields and "scope" not in fields:
            fields |= _unknown_targets(uow, cmd.scope, targets)
        if fields:
            raise errors.ValidationFailed("the emergency is not complete", fields=fields)
        method = signing_method(uow, ctx, actor, proof, started)
        now = ctx.now()
        status = apply(None, "declare", actor.role, Facts(now, uow.emergencies.active() is not None, True),
                       cmd.starts_at)
        values = {"status": status.value, "cause": cmd.cause, "scope": cmd.scope,
                  "targets": list(targets) if cmd.scope != "company" else [],
                  "description": cmd.description.strip(), "starts_at": cmd.starts_at,
                  "expected_end_at": cmd.expected_end_at, "priority_rule": list(ctx.emergency_priority),
                  "declared_by": actor.user_id, "declared_at": now, "declare_method": method, "affected": {},
                  "drill": drill}
        state_id = uow.emergencies.add(**values)
        audit.record(uow, ctx, actor, "emergency", state_id, "declare", None, values, values["description"])
        tell(uow, ctx, actor, state_id, "declared", values)
        if cmd.starts_at <= now:
            _take_effect(uow, ctx, actor, uow.emergencies.get(state_id))
        else:
            timers.schedule(uow, now, kind=START_TIMER, ref=f"emergency:{state_id}", due_at=cmd.starts_at,
                            payload={"emergency_id": state_id})
        uow.commit()
        return state_id


def _take_effect(uow, ctx: Context, actor: Actor | None, row: dict) -> None:
    """declared → in force; ``actor`` None: its start timer (and then everyone hears it began)."""
    now = ctx.now()
    status = apply(EmergencyState(row["status"]), "take_effect", None, Facts(now), row["starts_at"])
    uow.emergencies.update(row["id"], row["version"], status=status.value, in_force_at=now)
    audit.record(uow, ctx, actor, "emergency", row["id"], "take_effect", {"status": row["status"]},
                 {"status": status.value, "in_force_at": now})
    if actor is None:
        tell(uow, ctx, None, row["id"], "in_force", row)


def on_start(uow, ctx: Context, timer: Timer) -> None:
    """Timer: the emergency's start came; it takes effect unless it was called off."""
    row = uow.emergencies.get(timer.payload["emergency_id"])
    if row is not None and row["status"] == EmergencyState.DECLARED:
        _take_effect(uow, ctx, None, row)


def lift(ctx: Context, actor: Actor, state_id: int, lifting: Lifting, proof: Proof | None = None,
         version: int | None = None) -> dict:
    """Management lifts the emergency (J4), signed: the review report is frozen with it, and each
    improvement the departments entered becomes a tracked action."""
    require_role(actor, DECLARERS)
    started = login_time(ctx, actor, proof)
    with ctx.uow() as uow:
        row = load(uow, state_id, version)
        fields = review.check_lifting(uow, ctx, lifting)
        if fields:
            raise errors.ValidationFailed("the review is not complete", fields=fields)
        method = signing_method(uow, ctx, actor, proof, started)
        now = ctx.now()
        status = apply(EmergencyState(row["status"]), "lift", actor.role, Facts(now, signed=True), row["starts_at"])
        timers.cancel(uow, START_TIMER, f"emergency:{state_id}")
        report = review.freeze(uow, ctx, row, lifting, now)
        new = {"status": status.value, "lifted_by": actor.user_id, "lifted_at": now, "lift_method": method,
               "review": report}
        uow.emergencies.update(row["id"], row["version"], **new)
        audit.record(uow, ctx, actor, "emergency", row["id"], "lift", {"status": row["status"]}, new,
                     lifting.what_happened)
        tell(uow, ctx, actor, row["id"], "lifted", row)
        uow.commit()
    review.track_improvements(ctx, actor, state_id, lifting)
    return get(ctx, actor, state_id)

