"""Log in (OAuth2 password form) and users."""
from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request

from jidan.api.deps import ActorDep, CtxDep
from jidan.api.routing import ApiRoute, error_responses
from jidan.api.schemas.users import Me, Token, User
from jidan.api.schemas import UserIn
from jidan.http.fields import Line, line_param
from jidan.http.session import client_address
from jidan.services import auth

router = APIRouter(tags=["auth and users"], route_class=ApiRoute)


@router.post("/auth/token", response_model=Token, responses=error_responses(401, 429))
def token(request: Request, username: Annotated[Line, line_param(Form, min_length=1, max_length=50)],
          password: Annotated[Line, line_param(Form, min_length=1, max_length=200)], ctx: CtxDep) -> dict:
    """The OAuth2 password flow (other form fields, such as grant_type, are ignored)."""
    session = auth.login(ctx, username, password, kind="api", address=client_address(request))
    return {"access_token": session["token"], "token_type": "bearer", "role": session["role"]}


@router.get("/users/me", response_model=Me)
def me(ctx: CtxDep, actor: ActorDep) -> dict:
    return {"id": actor.user_id, "username": actor.username, "role": str(actor.role)}


@router.get("/users", response_model=list[User])
def list_users(ctx: CtxDep, actor: ActorDep) -> list[dict]:
    return auth.list_users(ctx, actor)


@router.post("/users", status_code=201, response_model=User)
def add_user(body: UserIn, ctx: CtxDep, actor: ActorDep) -> dict:
    return auth.add_user(ctx, actor, body.username, body.display_name, body.role, body.password,
                         body.email)
