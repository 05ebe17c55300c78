"""The emergency organisation (应急组织机构, I5): the leadership group (总经理 + 各部门负责人)
and the emergency team, who hear of every incident."""
from __future__ import annotations

from jidan.domain import errors
from jidan.domain.fulfilment import EMERGENCY_GROUPS, EMERGENCY_TEAM_ROLES
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.permissions import require_order_access, require_role
from jidan.services.fulfilment.common import check_version, iso


def member_ids(uow) -> list[int]:
    """The active members, who are told of every incident."""
    return [m["user_id"] for m in uow.emergency_org.members() if m["active"]]


def leadership_ids(uow) -> list[int]:
    """The leadership group, who hear when an incident's solution is overdue."""
    return [m["user_id"] for m in uow.emergency_org.members() if m["group_name"] == "leadership"]


def organisation(ctx: Context, actor: Actor) -> dict:
    require_order_access(actor)
    with ctx.uow() as uow:
        members = [{k: iso(v) for k, v in m.items()} for m in uow.emergency_org.members()]
    return {group: [m for m in members if m["group_name"] == group] for group in EMERGENCY_GROUPS}


def add_member(ctx: Context, actor: Actor, username: str, group: str, duty: str) -> dict:
    """Admin names who is in the leadership group (总经理 + 各部门负责人) or the emergency team."""
    require_role(actor, {Role.ADMIN})
    with ctx.uow() as uow:
        fields = {}
        user = uow.users.by_username(username) if username else None
        if user is None or not user.active:
            fields["username"] = "unknown_user" if username else "required"
        elif group == "team" and user.role not in EMERGENCY_TEAM_ROLES:
            fields["username"] = "not_team_role"
        if group not in EMERGENCY_GROUPS:
            fields["group"] = "unknown_group"
        duty = (duty or "").strip()
        if not duty:
            fields["duty"] = "required"
        elif len(duty) > 100:
            fields["duty"] = "too_long"
        if fields:
            raise errors.ValidationFailed("the member is not complete", fields=fields)
        if uow.emergency_org.by_user(user.id):
            raise errors.Duplicate(f"{username} is a member already", fields={"username": "duplicate"})
        values = {"user_id": user.id, "group_name": group, "duty": duty, "added_by": actor.user_id,
                  "added_at": ctx.now()}
        member_id = uow.emergency_org.add(**values)
        audit.record(uow, ctx, actor, "emergency_member", member_id, "add", None,
                     {**values, "username": username})
        uow.commit()
        return {"id": member_id, "username": username, **{k: iso(v) for k, v in values.items()}}


def remove_member(ctx: Context, actor: Actor, member_id: int, version: int | None = None) -> None:
    require_role(actor, {Role.ADMIN})
    with ctx.uow() as uow:
        row = uow.emergency_org.get(member_id)
        if row is None:
            raise errors.NotFound(f"member {member_id} not found", code="not_found")
        check_version(row["version"], version, "member")
        uow.emergency_org.remove(member_id, row["version"])
        audit.record(uow, ctx, actor, "emergency_member", member_id, "remove",
                     {k: iso(v) for k, v in row.items()}, None)
        uow.commit()

