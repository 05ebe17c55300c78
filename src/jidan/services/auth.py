"""Log in, sessions and tokens. Tokens are random; only their sha256 is stored."""
from __future__ import annotations

import hashlib
import math
import secrets
from datetime import datetime, timedelta

from jidan.domain import errors
from jidan.domain.model import Actor, AuthSession, User
from jidan.domain.roles import ORDER_VIEWERS, Role
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.permissions import require_role


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def login(ctx: Context, username: str, password: str, kind: str = "api", address: str = "unknown") -> dict:
    """Checks the password; returns a new session token (and its CSRF token for the web).

    Repeated failures for a username or from an address make the next attempt wait (doubling,
    up to a cap); each failure is audited with the username tried and the address, never the
    password. An unknown username costs the same hash check as a known one, so the answer's
    time does not tell which usernames exist. The password is checked outside any transaction.
    """
    username, address = username[:200], (address or "unknown")[:64]
    with ctx.uow() as uow:
        _check_throttle(uow, ctx, username, address)
        user = uow.users.by_username(username)
        known = (user.id, str(user.role), user.active, user.password_hash) if user is not None else None
    user_id, role, active, hashed = known or (None, None, False, _dummy_hash(ctx.hasher))
    good = ctx.hasher.verify(password, hashed) and active
    with ctx.uow() as uow:
        now = ctx.now()
        if not good:
            uow.auth_sessions.forget_failures(now - timedelta(seconds=ctx.login_failure_window_seconds))
            uow.auth_sessions.add_failure(username, address, now)
            audit.record(uow, ctx, None, "login", None, "login_failed", None,
                         {"username": username, "address": address})
            uow.commit()
            raise errors.NotAuthenticated("wrong username or password", code="auth.bad_credentials")
        uow.auth_sessions.clear_failures(username)
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        uow.auth_sessions.add(token_hash=_digest(token), user_id=user_id, kind=kind, csrf_token=csrf,
                              created_at=now, expires_at=now + timedelta(hours=ctx.session_hours))
        uow.commit()
        return {"token": token, "csrf_token": csrf, "user_id": user_id, "role": role}


def _wait(ctx: Context, failures: list[datetime], free: int) -> float:
    """Seconds still to wait: past ``free`` failures, each further one doubles the delay."""
    extra = len(failures) - free
    if extra < 0:
        return 0.0
    delay = min(ctx.login_delay_seconds * 2 ** min(extra, 30), ctx.login_max_delay_seconds)
    return (max(failures) + timedelta(seconds=delay) - ctx.now()).total_seconds()


def _check_throttle(uow, ctx: Context, username: str, address: str) -> None:
    """Refuses the attempt while the username or the address has to wait."""
    since = ctx.now() - timedelta(seconds=ctx.login_failure_window_seconds)
    by_user, by_address = uow.auth_sessions.failures_since(username, address, since)
    wait = max(_wait(ctx, by_user, ctx.login_free_failures),
               _wait(ctx, by_address, ctx.login_free_failures_per_address))
    if wait > 0:
        raise errors.TooManyAttempts("too many failed logins; wait before trying again",
                                     retry_after=math.ceil(wait))


_DUMMY_HASHES: dict[int, str] = {}


def _dummy_hash(hasher) -> str:
    """A hash of a random password made by this hasher, checked against when the user is unknown."""
    key = id(hasher)
    if key not in _DUMMY_HASHES:
        _DUMMY_HASHES[key] = hasher.hash(secrets.token_urlsafe(16))
    return _DUMMY_HASHES[key]


def session_fresh(ctx: Context, session: AuthSession) -> bool:
    """Whether the session began recently enough to sign without the password again."""
    return ctx.now() - session.created_at <= timedelta(minutes=ctx.approval_fresh_login_minutes)


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
        return _actor(ctx, user), row


def logout(ctx: Context, token: str) -> None:
    with ctx.uow() as uow:
        uow.auth_sessions.delete(_digest(token))
        uow.commit()


def user_view(user: User) -> dict:
    return {"id": user.id, "username": user.username, "display_name": user.display_name,
            "role": str(user.role), "email": user.email, "active": user.active,
            "version": user.version}


def add_user(ctx: Context, actor: Actor | None, username: str, display_name: str, role: str,
             password: str, email: str | None = None, from_console: bool = False) -> dict:
    """Admins add users; ``actor`` None is ``jidan users add`` (``from_console``) or a loader.

    A password needs ``ctx.min_password_length`` characters, except a loader's (the demo
    factory's users keep their short demo password).
    """
    if actor is not None:
        require_role(actor, {Role.ADMIN})
    fields = {}
    if role not in {r.value for r in Role}:
        fields["role"] = "unknown_role"
    if len(password) < (ctx.min_password_length if actor is not None or from_console else 4):
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


def people(ctx: Context, actor: Actor) -> list[dict]:
    """The colleagues a form may name (a deputy, an owner, a member), by name, for pick-lists:
    the username stays what the form sends, so the act checks it as when it was typed (issue 24)."""
    require_role(actor, ORDER_VIEWERS)
    with ctx.uow() as uow:
        found = [{"username": u.username, "name": u.display_name or u.username, "role": str(u.role)}
                 for u in uow.users.list() if u.active and u.role in ORDER_VIEWERS]
    return sorted(found, key=lambda p: (p["role"], p["name"]))


def console_actor(ctx: Context, username: str) -> Actor:
    """The user a console command acts as (``jidan import --user``)."""
    with ctx.uow() as uow:
        user = uow.users.by_username(username)
        if user is None:
            raise errors.NotFound(f"unknown user {username}", code="user.not_found")
        return _actor(ctx, user)


def _actor(ctx: Context, user: User) -> Actor:
    return Actor(user.id, user.username, user.role, user.display_name,
                 admin_does_business=ctx.admin_does_business and user.role == Role.ADMIN)
