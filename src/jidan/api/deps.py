"""Dependencies every route shares: the service context and the current actor."""
from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import OAuth2PasswordBearer

from jidan.domain import errors
from jidan.domain.model import Actor
from jidan.http.session import SESSION_COOKIE, csrf_matches
from jidan.services import auth
from jidan.services.approvals.signatures import Proof
from jidan.services.context import Context

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
bearer = OAuth2PasswordBearer(tokenUrl="/api/v1/auth/token", auto_error=False)


def get_ctx(request: Request) -> Context:
    return request.app.state.ctx


def current_actor(request: Request, token: Annotated[str | None, Depends(bearer)],
                  ctx: Annotated[Context, Depends(get_ctx)]) -> Actor:
    """Bearer token for API clients; session cookie plus CSRF header for the browser."""
    if token:
        return auth.session_user(ctx, token)[0]
    cookie = request.cookies.get(SESSION_COOKIE)
    if not cookie:
        raise errors.NotAuthenticated("log in first")
    actor, session = auth.session_user(ctx, cookie)
    if request.method not in SAFE_METHODS:
        sent = request.headers.get("x-csrf-token", "")
        if not csrf_matches(sent, session.csrf_token):
            raise errors.Forbidden("missing or wrong CSRF token", code="auth.csrf")
    return actor


def proof_of(request: Request, token: Annotated[str | None, Depends(bearer)]) -> "ProofSource":
    return ProofSource(token or request.cookies.get(SESSION_COOKIE))


class ProofSource:
    """The request's own session, which signs when it is fresh; else the password sent with it."""

    def __init__(self, session_token: str | None):
        self.session_token = session_token

    def __call__(self, password: str | None) -> Proof:
        return Proof(password=password) if password else Proof(session_token=self.session_token)


def optional_actor(request: Request, token: Annotated[str | None, Depends(bearer)],
                   ctx: Annotated[Context, Depends(get_ctx)]) -> Actor | None:
    """The logged-in actor of a read anyone may make (``/health``), or None for the public and
    whenever the session cannot be read (the database being down is what /health reports)."""
    token = token or request.cookies.get(SESSION_COOKIE)
    try:
        return auth.session_user(ctx, token)[0] if token else None
    except Exception:  # an unknown session or an unreachable database: answer as to the public
        return None


CtxDep = Annotated[Context, Depends(get_ctx)]
ActorDep = Annotated[Actor, Depends(current_actor)]
ProofDep = Annotated[ProofSource, Depends(proof_of)]
OptionalActorDep = Annotated[Actor | None, Depends(optional_actor)]
