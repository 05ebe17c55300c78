"""Response models of the health routes."""
from __future__ import annotations

from jidan.api.schemas.view import View


class Health(View):
    status: str
    database: str | None
