"""The base of every response model.

Services return plain dicts; a response model names the fields a client can rely on and their
types, and lets the rest through (``extra="allow"``) so a view that grows never breaks a client.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class View(BaseModel):
    model_config = ConfigDict(extra="allow")
