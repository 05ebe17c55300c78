"""Maps the domain error tree to HTTP; nothing else invents status codes.

The API answers every error with the JSON body ``ErrorBody``; the web pages render the same error
with the same status (``status_of``).
"""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from jidan.domain import errors

STATUS = (
    (errors.NotAuthenticated, 401),
    (errors.Forbidden, 403),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.ValidationFailed, 422),
)


#: The detail of a request refused by its schema (a business rule's refusal says which rule).
REQUEST_NOT_VALID = "the request is not valid"


class ErrorBody(BaseModel):
    """Every error answer: a stable ``code`` to translate, an English ``detail`` for people."""

    code: str = Field(examples=["stale_version"])
    detail: str
    fields: dict[str, str] = Field(
        default_factory=dict,
        description="Each refused field and why ({'lines.0.quantity': 'greater_than'}); absent when none.")
    current_version: int | None = Field(
        None, description="On stale_version (409): the record's version now; absent otherwise.")


def status_of(exc: errors.JidanError) -> int:
    return next((code for cls, code in STATUS if isinstance(exc, cls)), 400)


def field_errors(exc: RequestValidationError) -> dict[str, str]:
    """Pydantic's errors as {"lines.0.quantity": "greater_than"}; 'body' and 'query' dropped."""
    fields = {}
    for err in exc.errors():
        loc = [str(p) for p in err["loc"] if p not in ("body", "query", "path", "header", "form")]
        fields[".".join(loc) or "body"] = err["type"]
    return fields


def allowed_methods(request: Request) -> str:
    """Every method some route takes at this path: Starlette's own ``Allow`` names only the first
    route's, while /users, say, is two routes (GET and POST)."""
    methods = set()
    for route in request.app.router.routes:
        if route.matches(request.scope)[0] is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return ", ".join(sorted(methods))


def install(app: FastAPI) -> None:
    @app.exception_handler(errors.JidanError)
    async def _domain(_request: Request, exc: errors.JidanError):
        headers = {"WWW-Authenticate": "Bearer"} if isinstance(exc, errors.NotAuthenticated) else None
        return JSONResponse(exc.to_dict(), status_code=status_of(exc), headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError):
        return JSONResponse({"code": "validation_failed", "detail": REQUEST_NOT_VALID,
                             "fields": field_errors(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code = {404: "not_found", 405: "method_not_allowed", 413: "payload_too_large"}.get(
            exc.status_code, "http_error")
        headers = exc.headers
        if exc.status_code == 405:
            headers = {**(headers or {}), "Allow": allowed_methods(request)}
        return JSONResponse({"code": code, "detail": str(exc.detail)}, status_code=exc.status_code,
                            headers=headers)
