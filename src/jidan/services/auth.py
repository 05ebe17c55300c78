"""Log in, sessions and tokens. Tokens are random; only their sha256 is stored."""
from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from jidan.domain import errors
from jidan.domain.model import Actor, AuthSession, User
from jidan.domain.roles import Role
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.permissions import require_role


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login(ctx: Context, username: str, password: str, kind: str = "api") -> dict:
    """Checks the password; returns a new session token (and its CSRF token for the web)."""
    with ctx.uow() as uow:
        user = uow.users.by_username(username)
        if user is None or not user.active or not ctx.hasher.verify(password, user.password_hash):
            raise errors.NotAuthenticated("wrong username or password", code="auth.bad_credentials")
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        now = ctx.now()
        uow.auth_sessions.add(token_hash=_digest(token), user_id=user.id, kind=kind, csrf_token=csrf,
                              created_at=now, expires_at=now + timedelta(hours=ctx.session_hours))
        uow.commit()
        return {"token": token, "csrf_token": csrf, "user_id": user.id, "role": str(user.role)}


def session_user(ctx: Context, token: str) -> tuple[Actor, AuthSession]:
    """The actor behind a token, and the session row (for its CSRF token)."""
    with ctx.uow() as uow:
        row = uow.auth_sessions.by_token_hash(_digest(token))
        if row is None or row.expires_at < ctx.now():
            raise errors.NotAuthenticated("session expired or unknown; log in again",
                                          code="auth.session_expired")
        user = uow.users.get(row.user_id)
        if user is None or not user.active:
            raise errors.NotAuthenticated("user is disabled", code="auth.user_disabled")
        return Actor(user.id, user.username, user.role, user.display_name), row


def logout(ctx: Context, token: str) -> None:
    with ctx.uow() as uow:
        uow.auth_sessions.delete(_digest(token))
        uow.commit()


def user_view(user: User) -> dict:
    return {"id": user.id, "username": user.username, "display_name": user.display_name,
            "role": str(user.role), "email": user.email, "active": user.active,
            "version": user.version}


def add_user(ctx: Context, actor: Actor | None, username: str, display_name: str, role: str,
             password: str, email: str | None = None) -> dict:
    """Admins add users; ``actor`` None is the console (``jidan users add``, the demo loader)."""
    if actor is not None:
        require_role(actor, {Role.ADMIN})
    fields = {}
    if role not in {r.value for r in Role}:
        fields["role"] = "unknown_role"
    if len(password) < 4:
        fields["password"] = "too_short"
    if not username.strip():
        fields["username"] = "required"
    if fields:
        raise errors.ValidationFailed("the user is not valid", fields=fields)
    with ctx.uow() as uow:
        if uow.users.by_username(username):
            raise errors.Duplicate(f"user {username} exists", code="user.duplicate",
                                   fields={"username": "duplicate"})
        user = User(username, display_name or username, Role(role), ctx.hasher.hash(password), email)
        uow.users.add(user)
        uow.flush()
        view = user_view(user)
        audit.record(uow, ctx, actor, "user", user.id, "create", None,
                     {k: v for k, v in view.items() if k != "version"})
        uow.commit()
        return view


def list_users(ctx: Context, actor: Actor | None) -> list[dict]:
    """Admins and management list users; ``actor`` None is the console (``jidan users list``)."""
    if actor is not None:
        require_role(actor, {Role.ADMIN, Role.MANAGEMENT})
    with ctx.uow() as uow:
        return [user_view(u) for u in uow.users.list()]


def console_actor(ctx: Context, username: str) -> Actor:
    """The user a console command acts as (``jidan import --user``)."""
    with ctx.uow() as uow:
        user = uow.users.by_username(username)
        if user is None:
            raise errors.NotFound(f"unknown user {username}", code="user.not_found")
        return Actor(user.id, user.username, user.role, user.display_name)
