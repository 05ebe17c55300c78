"""Emergency drills (演练, J4): the whole emergency — declaration, re-plan, notices, escalation,
lifting with its review — run on a copy of the database, so nothing real changes.

Each drill is a copy made when it starts (``ctx.drills``, ``ports.DrillCopies``) and a Context
of its own over it: its units of work open the copy, and its clock is the real one plus the
drill's own offset, which management moves forward to see deadlines pass and escalations fire.
In the copy only the participants are active users, and every notice the emergency sends names
only them, so the notices go to the drill's participants alone; nothing in the copy is ever
sent (no worker reads its outbox). The real plan, orders, audit chain and outbox are only read,
once, when the copy is made. The drill's settings live on its emergency row in the copy.
"""
from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import datetime, timedelta

from jidan.domain import errors
from jidan.domain.emergency import DECLARERS
from jidan.domain.model import Actor
from jidan.services import audit
from jidan.services.approvals.signatures import Proof
from jidan.services.context import Context
from jidan.services.emergency import replan, states
from jidan.services.emergency.record import may_see, view
from jidan.services.fulfilment.organisation import member_ids
from jidan.services.names import display_name
from jidan.services.notices import inbox, timers
from jidan.services.permissions import require_role

#: The longest single step of a drill's clock, in hours (two weeks).
MAX_ADVANCE_HOURS = 336
MAX_PARTICIPANTS = 100


class OffsetClock:
    """The real clock moved forward by the drill's offset."""

    def __init__(self, base, minutes: int):
        self.base, self.minutes = base, minutes

    def now(self) -> datetime:
        return self.base.now() + timedelta(minutes=self.minutes)


def _copies(ctx: Context):
    if ctx.drills is None:
        raise errors.Conflict("drills are not set up here", code="emergency.drills_unavailable")
    return ctx.drills


def _drill_row(uow) -> dict | None:
    return next((r for r in uow.emergencies.list() if r.get("drill")), None)


def drill_context(ctx: Context, drill_id: str) -> tuple[Context, dict | None]:
    """The drill's own Context (its copy, its clock) and its emergency row."""
    factory = _copies(ctx).unit_of_work(drill_id)
    with factory() as uow:
        row = _drill_row(uow)
    minutes = row["drill"]["offset_minutes"] if row else 0
    return replace(ctx, uow=factory, clock=OffsetClock(ctx.clock, minutes), drills=None, caches={}), row


def start(ctx: Context, actor: Actor, cmd: states.Declaration, participants: tuple[str, ...] = (),
          proof: Proof | None = None) -> dict:
    """Management starts a drill: the copy, its participants, and the emergency declared in it."""
    require_role(actor, DECLARERS)
    copies = _copies(ctx)
    with ctx.uow() as uow:  # the real database is only read
        if uow.emergencies.active() is not None:
            raise errors.Conflict("a real emergency holds; drill after it is lifted",
                                  code="emergency.already_active")
        names = [p.strip() for p in participants if p and p.strip()]
        users = [uow.users.by_username(n) for n in names]
        if len(names) > MAX_PARTICIPANTS or any(u is None or not u.active for u in users):
            raise errors.ValidationFailed("unknown participants", fields={"participants": "unknown_user"})
        ids = sorted({u.id for u in users} | (set() if names else set(member_ids(uow))) | {actor.user_id})
    drill_id = uuid.uuid4().hex[:12]
    copies.create(drill_id)
    try:
        dctx, _ = drill_context(ctx, drill_id)
        with dctx.uow() as uow:
            for user in uow.users.list():
                if user.active and user.id not in ids:
                    user.active = False  # in the copy only: nobody else hears of the drill
            uow.flush()
            audit.record(uow, dctx, actor, "emergency_drill", 0, "start", None,
                         {"drill_id": drill_id, "participants": ids})
            uow.commit()
        meta = {"id": drill_id, "participants": ids, "offset_minutes": 0, "started_by": actor.user_id,
                "started_at": dctx.now().isoformat(timespec="minutes")}
        state_id = states.declare_only(dctx, actor, cmd, proof, drill=meta)
    except BaseException:
        copies.drop(drill_id)
        raise
    replan.propose_safely(dctx, actor, state_id)
    return get(ctx, actor, drill_id)


def get(ctx: Context, actor: Actor, drill_id: str) -> dict:
    """The drill: its emergency as in the copy, its clock, and every notice its participants got."""
    may_see(actor)
    dctx, row = drill_context(ctx, drill_id)
    if row is None:
        raise errors.NotFound(f"drill {drill_id} not found", code="emergency.drill_not_found")
    now, names = dctx.now(), {}
    started = datetime.fromisoformat(row["drill"]["started_at"])
    with dctx.uow() as uow:
        state = view(uow, row)
        notices = []
        for user_id in row["drill"]["participants"]:
            for n in uow.notices.for_recipient(user_id, limit=500):
                if n.created_at >= started:
                    notices.append(inbox.view(n, now) | {"recipient_id": user_id,
                                                         "recipient": display_name(uow, user_id, names)})
        participants = [{"id": u, "name": display_name(uow, u, names)} for u in row["drill"]["participants"]]
    notices.sort(key=lambda n: (n["created_at"], n["id"]))
    return {"id": drill_id, "now": now.isoformat(timespec="minutes"), "offset_minutes": row["drill"]["offset_minutes"],
            "participants": participants, "emergency": state,
            "notices": [{k: (v.isoformat(timespec="minutes") if isinstance(v, datetime) else v) for k, v in n.items()}
                        for n in notices]}


def list_drills(ctx: Context, actor: Actor) -> list[dict]:
    may_see(actor)
    out = []
    for drill_id in _copies(ctx).ids():
        dctx, row = drill_context(ctx, drill_id)
        if row is not None:
            out.append({"id": drill_id, "status": row["status"], "cause": row["cause"], "scope": row["scope"],
                        "now": dctx.now().isoformat(timespec="minutes"),
                        "started_at": row["drill"]["started_at"]})
    return out


def advance(ctx: Context, actor: Actor, drill_id: str, hours: float) -> dict:
    """Moves the drill's clock forward and fires what fell due in it (escalations, the start)."""
    require_role(actor, DECLARERS)
    if not isinstance(hours, (int, float)) or not 0 < hours <= MAX_ADVANCE_HOURS:
        raise errors.ValidationFailed("move the drill's time forward by up to two weeks",
                                      fields={"hours": "out_of_range"})
    dctx, row = drill_context(ctx, drill_id)
    if row is None:
        raise errors.NotFound(f"drill {drill_id} not found", code="emergency.drill_not_found")
    with dctx.uow() as uow:
        row = uow.emergencies.get(row["id"])
        meta = row["drill"] | {"offset_minutes": row["drill"]["offset_minutes"] + round(hours * 60)}
        uow.emergencies.update(row["id"], row["version"], drill=meta)
        audit.record(uow, dctx, actor, "emergency_drill", row["id"], "advance",
                     {"offset_minutes": row["drill"]["offset_minutes"]}, {"offset_minutes": meta["offset_minutes"]})
        uow.commit()
    dctx, _ = drill_context(ctx, drill_id)
    timers.fire_due(dctx)
    return get(ctx, actor, drill_id)


def acknowledge(ctx: Context, actor: Actor, drill_id: str, notice_id: int) -> dict:
    """A participant acknowledges a notice of the drill (in the drill's copy)."""
    dctx, _ = drill_context(ctx, drill_id)
    inbox.acknowledge(dctx, actor, notice_id)
    return get(ctx, actor, drill_id)


def propose(ctx: Context, actor: Actor, drill_id: str) -> dict:
    """The re-plan under the drill's emergency, again (after its first could not be made)."""
    dctx, row = drill_context(ctx, drill_id)
    if row is None:
        raise errors.NotFound(f"drill {drill_id} not found", code="emergency.drill_not_found")
    replan.propose(dctx, actor, row["id"])
    return get(ctx, actor, drill_id)


def lift(ctx: Context, actor: Actor, drill_id: str, lifting: states.Lifting, proof: Proof | None = None) -> dict:
    """Lifts the drill's emergency with its review, in the copy (its actions stay there too)."""
    dctx, row = drill_context(ctx, drill_id)
    if row is None:
        raise errors.NotFound(f"drill {drill_id} not found", code="emergency.drill_not_found")
    states.lift(dctx, actor, row["id"], lifting, proof)
    return get(ctx, actor, drill_id)


def end(ctx: Context, actor: Actor, drill_id: str) -> None:
    """Deletes the drill's copy; what it showed is gone with it."""
    require_role(actor, DECLARERS)
    copies = _copies(ctx)
    if drill_id not in copies.ids():
        raise errors.NotFound(f"drill {drill_id} not found", code="emergency.drill_not_found")
    copies.drop(drill_id)
