"""Response models of the health routes."""
from __future__ import annotations

from jidan.api.schemas.view import View


class Health(View):
    status: str
    #: Admin only: "ok", or why the database cannot be reached (it may name the host).
    database: str | None = None
