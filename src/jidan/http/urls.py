"""No control character in an address: a NUL in a path or a query string (``/products/%00``,
``?q=%00``) is refused with 422 before any route reads it, so that no parameter of any page or
endpoint carries one to the database (PostgreSQL cannot store it: it would answer 500)."""
from __future__ import annotations

from urllib.parse import unquote_to_bytes

from fastapi.responses import JSONResponse

from jidan.domain.text import has_control


class PlainUrls:
    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and _has_control(scope):
            response = JSONResponse({"code": "validation_failed", "detail": "the address holds control characters",
                                     "fields": {"url": "control_characters"}}, 422)
            return await response(scope, receive, send)
        return await self.app(scope, receive, send)


def _has_control(scope) -> bool:
    query = unquote_to_bytes(scope.get("query_string", b"").replace(b"+", b" "))
    text = scope.get("path", "") + query.decode("utf-8", "replace")
    return has_control(text, one_line=True)
