"""The emergency state's record: how it reads, who hears of it, and which one holds now (J1–J4)."""
from __future__ import annotations

from datetime import datetime

from jidan.domain import errors
from jidan.domain.emergency import ACTIVE
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.services.context import Context
from jidan.services.fulfilment.organisation import member_ids
from jidan.services.names import display_name
from jidan.services.notices.notify import notify

#: Who hears that an emergency was declared, took effect or was lifted, besides the organisation.
TOLD_ROLES = (Role.MANAGEMENT, Role.PMC, Role.SALES, Role.CUSTOMER_SERVICE, Role.PURCHASING)


def tell(uow, ctx: Context, actor: Actor | None, state_id: int, event: str, row: dict) -> None:
    """The emergency organisation and the departments it changes work for hear of it (J3)."""
    text = ctx.messages.text
    notify(uow, ctx.now(), ctx=ctx, kind=f"emergency.{event}", ref=f"emergency:{state_id}", critical=True,
           users=participants_only(uow, member_ids(uow)), roles=TOLD_ROLES, exclude=actor,
           subject=text(f"ui.em.msg.{event}_subject", cause=text(f"ui.em.cause.{row['cause']}"),
                        start=hm(row["starts_at"]), end=hm(row["expected_end_at"])),
           body=row["description"])


def participants_only(uow, user_ids: list[int]) -> list[int]:
    """In a drill's copy only its participants hear of anything (`drills`); elsewhere everyone named."""
    active = uow.emergencies.active()
    drill = (active or {}).get("drill")
    if not drill:
        return list(user_ids)
    return [u for u in user_ids if u in set(drill["participants"])]


def load(uow, state_id: int, version: int | None = None) -> dict:
    row = uow.emergencies.get(state_id)
    if row is None:
        raise errors.NotFound(f"emergency {state_id} not found", code="emergency.not_found")
    if version is not None and version != row["version"]:
        raise errors.StaleVersion("the emergency changed; reload it", current_version=row["version"])
    return row


def current(ctx: Context) -> dict | None:
    """The emergency declared or in force, for the banner on every page; None when there is none."""
    with ctx.uow() as uow:
        row = uow.emergencies.active()
        if row is None:
            return None
        return {"id": row["id"], "status": row["status"], "cause": row["cause"], "scope": row["scope"],
                "targets": row["targets"], "starts_at": _iso(row["starts_at"]),
                "expected_end_at": _iso(row["expected_end_at"]), "drill": bool(row.get("drill"))}


def get(ctx: Context, actor: Actor, state_id: int) -> dict:
    may_see(actor)
    with ctx.uow() as uow:
        return view(uow, load(uow, state_id))


def list_states(ctx: Context, actor: Actor) -> list[dict]:
    may_see(actor)
    with ctx.uow() as uow:
        return [view(uow, r) for r in uow.emergencies.list()]


def may_see(actor: Actor) -> None:
    """Everyone who sees orders sees the emergency (the banner tells them anyway)."""
    if actor.role in (Role.SUPPLIER, Role.STORE):
        raise errors.NotFound("emergency not found", code="emergency.not_found")


def view(uow, row: dict) -> dict:
    names: dict = {}
    return {"id": row["id"], "status": row["status"], "active": row["status"] in ACTIVE,
            "cause": row["cause"], "scope": row["scope"], "targets": list(row["targets"]),
            "description": row["description"], "starts_at": _iso(row["starts_at"]),
            "expected_end_at": _iso(row["expected_end_at"]), "priority_rule": list(row["priority_rule"]),
            "declared_by": display_name(uow, row["declared_by"], names), "declared_at": _iso(row["declared_at"]),
            "declare_method": row["declare_method"], "in_force_at": _iso(row["in_force_at"]),
            "planning_run_id": row["planning_run_id"], "affected": row["affected"] or {},
            "lifted_by": display_name(uow, row["lifted_by"], names), "lifted_at": _iso(row["lifted_at"]),
            "lift_method": row["lift_method"], "review": row["review"], "drill": bool(row.get("drill")),
            "version": row["version"]}


def _iso(value) -> str | None:
    return value.isoformat(timespec="minutes") if value is not None else None


def hm(value) -> str:
    return value.strftime("%Y-%m-%d %H:%M") if isinstance(value, datetime) else str(value)[:16].replace("T", " ")
