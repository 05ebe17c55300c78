"""The leaders of the work groups (生产各组组长, D2), who receive and acknowledge their groups'
production notices."""
from __future__ import annotations

from jidan.domain import errors
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.permissions import require_order_access, require_role

#: Who may name the leader of a work group.
FLOOR_ADMINS = frozenset({Role.PMC, Role.ADMIN})
#: The demo factory's group leaders (scenario.md): SMT, assembly and test groups.
DEMO_LEADERS = {"SMT": "manufacturing", "ASM": "assembly", "TST": "test_lead"}


def set_group_leader(ctx: Context, actor: Actor, department: str, username: str) -> dict:
    """Names the leader of a work group, who receives its production notices."""
    require_role(actor, FLOOR_ADMINS)
    with ctx.uow() as uow:
        if department not in {d.code for d in uow.plant.departments()}:
            raise errors.ValidationFailed("unknown work group", fields={"department": "unknown_department"})
        user = uow.users.by_username(username)
        if user is None or not user.active:
            raise errors.ValidationFailed("unknown user", fields={"username": "unknown_user"})
        if user.role != Role.MANUFACTURING:
            raise errors.ValidationFailed("a group leader works in manufacturing",
                                          fields={"username": "not_manufacturing"})
        old = uow.floor.set_leader(department, user.id)
        audit.record(uow, ctx, actor, "group_leader", department, "set_leader", {"user_id": old},
                     {"user_id": user.id})
        uow.commit()
        return {"department": department, "username": user.username, "user_id": user.id}


def group_leaders(ctx: Context, actor: Actor) -> list[dict]:
    require_order_access(actor)
    with ctx.uow() as uow:
        leaders = uow.floor.leaders()
        out = []
        for d in uow.plant.departments():
            user = uow.users.get(leaders[d.code]) if d.code in leaders else None
            out.append({"department": d.code, "name": d.name, "username": user.username if user else None,
                        "display_name": user.display_name if user else None})
        return out


def demo_group_leaders(ctx: Context) -> None:
    """Names the demo plant's group leaders, so production notices reach the scenario's people."""
    with ctx.uow() as uow:
        for department, username in DEMO_LEADERS.items():
            user = uow.users.by_username(username)
            if user is not None:
                uow.floor.set_leader(department, user.id)
                audit.record(uow, ctx, None, "group_leader", department, "set_leader", None, {"user_id": user.id})
        uow.commit()
