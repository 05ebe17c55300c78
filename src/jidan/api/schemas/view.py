"""The base of every response model, and the types views share.

Services return plain dicts; a response model names the fields a client can rely on and their
types, and lets the rest through (``extra="allow"``) so a view that grows never breaks a client.
Most fields are nullable: a model that claims less than the service gives is merely vague, one
that claims more answers 500.
"""
from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, WithJsonSchema

#: Factory-local wall time, as every time is stored: ISO 8601 without an offset, so not an
#: OpenAPI ``date-time`` (which requires one).
LocalTime = Annotated[datetime, WithJsonSchema({"type": "string", "example": "2026-11-24T09:10:00"})]


class View(BaseModel):
    model_config = ConfigDict(extra="allow")
