"""Response models of the users routes."""
from __future__ import annotations

from jidan.api.schemas.view import View


class User(View):
    id: int
    username: str
    display_name: str | None
    role: str
    email: str | None
    active: bool
    version: int


class Me(View):
    id: int
    username: str
    role: str


class Token(View):
    access_token: str | None
    token_type: str | None
    role: str
