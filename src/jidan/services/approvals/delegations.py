"""Deputies (代理审批, B5): an approver names who signs for them over a period.

A deputy signs in the approver's role and the signature counts for the approver; both are on
the record. The deputy is told of every step that waits for the approver while they stand in.
Segregation of duties: the deputy holds the approver's role (the role the steps ask for), unless
an admin names them with a role exception, which the record and the audit trail keep.
"""
from __future__ import annotations

from datetime import datetime

from jidan.domain import errors
from jidan.domain.approval import APPROVER_ROLES, DelegationRecord, check_delegation
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.names import display_name
from jidan.services.notices import notify
from jidan.services.permissions import require_role


def _delegation_view(uow, row: DelegationRecord, names: dict) -> dict:
    return {"id": row.id, "principal": display_name(uow, row.principal_id, names),
            "principal_id": row.principal_id, "deputy": display_name(uow, row.deputy_id, names),
            "deputy_id": row.deputy_id, "starts_at": row.starts_at.isoformat(),
            "ends_at": row.ends_at.isoformat(), "reason": row.reason,
            "revoked_at": row.revoked_at.isoformat() if row.revoked_at else None,
            "role_exception_by": display_name(uow, row.role_exception_by, names) if row.role_exception_by else None,
            "version": row.version}


def add_delegation(ctx: Context, actor: Actor, deputy: str, starts_at: datetime, ends_at: datetime,
                   reason: str | None = None, principal: str | None = None, role_exception: bool = False) -> dict:
    """An approver names a deputy for a period (admin may do it for anyone, and only admin lets
    a deputy of another role stand in: ``role_exception``)."""
    if role_exception:
        require_role(actor, {Role.ADMIN})
    with ctx.uow() as uow:
        if principal and principal != actor.username:
            require_role(actor, {Role.ADMIN})
            boss = uow.users.by_username(principal)
            if boss is None:
                raise errors.ValidationFailed("unknown user", fields={"principal": "unknown_user"})
        else:
            boss = uow.users.get(actor.user_id)
        if boss.role not in APPROVER_ROLES:
            raise errors.Forbidden("only approvers name deputies", code="approval.not_an_approver")
        stand_in = uow.users.by_username(deputy)
        if stand_in is None or not stand_in.active:
            raise errors.ValidationFailed("unknown user", fields={"deputy": "unknown_user"})
        check_delegation(boss.id, stand_in.id, starts_at, ends_at, ctx.now())
        if stand_in.role != boss.role and not role_exception:
            raise errors.ValidationFailed("the deputy does not hold the approver's role",
                                          code="approval.deputy_lacks_role", fields={"deputy": "deputy_lacks_role"})
        row_id = uow.delegations.add(principal_id=boss.id, deputy_id=stand_in.id, starts_at=starts_at,
                                     ends_at=ends_at, reason=reason, created_by=actor.user_id,
                                     created_at=ctx.now(),
                                     role_exception_by=actor.user_id if stand_in.role != boss.role else None)
        view = _delegation_view(uow, uow.delegations.get(row_id), {})
        audit.record(uow, ctx, actor, "delegation", row_id, "create", None, view, reason)
        notify.notify(uow, ctx.now(), kind="approval.delegated", users=[stand_in.id], ctx=ctx,
                      subject=ctx.messages.text("ui.appr.delegated.subject", principal=boss.display_name,
                                                start=starts_at, end=ends_at),
                      body=reason or "")
        uow.commit()
        return view


def revoke_delegation(ctx: Context, actor: Actor, delegation_id: int, version: int | None = None) -> dict:
    with ctx.uow() as uow:
        row = uow.delegations.get(delegation_id)
        if row is None or (actor.role != Role.ADMIN and actor.user_id != row.principal_id):
            raise errors.NotFound("delegation not found", code="approval.delegation_not_found")
        if row.revoked_at is not None:
            raise errors.Conflict("the delegation is already revoked", code="approval.delegation_revoked")
        uow.delegations.update(delegation_id, version or row.version, revoked_at=ctx.now())
        view = _delegation_view(uow, uow.delegations.get(delegation_id), {})
        audit.record(uow, ctx, actor, "delegation", delegation_id, "revoke", None, {"revoked_at": view["revoked_at"]})
        uow.commit()
        return view


def list_delegations(ctx: Context, actor: Actor) -> list[dict]:
    """Mine (as approver or deputy); admin sees all."""
    with ctx.uow() as uow:
        rows = uow.delegations.list(None if actor.role == Role.ADMIN else actor.user_id)
        names: dict = {}
        return [_delegation_view(uow, r, names) for r in rows]


def principals(uow, actor: Actor, now: datetime) -> dict[int, Role]:
    """Approvers this actor stands in for now: principal id → role."""
    out = {}
    for row in uow.delegations.list(actor.user_id, active_at=now):
        delegation = row.delegation()
        if delegation.deputy_id == actor.user_id and delegation.active(now):
            boss = uow.users.get(delegation.principal_id)
            allowed = boss is not None and (boss.role == actor.role or row.role_exception_by is not None)
            if allowed and boss.active:
                out[boss.id] = Role(boss.role)
    return out


def signer_of(uow, ctx, actor: Actor, on_behalf_of: str | None) -> tuple[Actor, int | None]:
    """Who signs, in which role: the actor, or the actor as deputy of an approver."""
    if not on_behalf_of or on_behalf_of == actor.username:
        return Actor(actor.user_id, actor.username, Role(actor.role), actor.display_name), None
    boss = uow.users.by_username(on_behalf_of)
    if boss is None or boss.id not in principals(uow, actor, ctx.now()):
        raise errors.Forbidden(f"you are not {on_behalf_of}'s deputy now", code="approval.not_deputy")
    return Actor(actor.user_id, actor.username, Role(boss.role), actor.display_name), boss.id


def deputies(uow, role: str, now: datetime) -> list[int]:
    """Deputies of the role's approvers who stand in now: they are told too."""
    ids = set(uow.users.active_ids_with_roles([role]))
    return [d.deputy_id for d in uow.delegations.list(active_at=now) if d.principal_id in ids]
