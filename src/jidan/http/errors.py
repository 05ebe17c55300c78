"""Maps the domain error tree to HTTP; nothing else invents status codes.

The API answers every error with the JSON body ``ErrorBody``; the web pages render the same error
with the same status (``status_of``).
"""
from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import iter_route_contexts
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Match

from jidan.domain import errors

STATUS = (
    (errors.NotAuthenticated, 401),
    (errors.TooManyAttempts, 429),
    (errors.Forbidden, 403),
    (errors.NotFound, 404),
    (errors.Conflict, 409),
    (errors.ValidationFailed, 422),
    (errors.Busy, 503),
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


def error_headers(exc: errors.JidanError) -> dict[str, str] | None:
    """What a client needs besides the body: how to log in, when to try a login or a plan again."""
    if isinstance(exc, errors.NotAuthenticated):
        return {"WWW-Authenticate": "Bearer"}
    if isinstance(exc, (errors.TooManyAttempts, errors.Busy)):
        return {"Retry-After": str(exc.retry_after)}
    return None


def field_errors(exc: RequestValidationError) -> dict[str, str]:
    """Pydantic's errors as {"lines.0.quantity": "greater_than"}; 'body' and 'query' dropped."""
    fields = {}
    for err in exc.errors():
        loc = [str(p) for p in err["loc"] if p not in ("body", "query", "path", "header", "form")]
        fields[".".join(loc) or "body"] = err["type"]
    return fields


def methods_at(request: Request, besides: str | None = None) -> set[str]:
    """The methods of the most specific routes at this URL (a fixed path such as
    /orders/export.xlsx before /orders/{order_id}), leaving out the routes of path ``besides``.

    Starlette's own ``Allow`` on a 405 names only the first route's methods, while /users is two
    routes (GET and POST)."""
    matches = [(route.path.count("{"), route.methods) for route in iter_route_contexts(request.app.routes)
               if route.path != besides and route.methods and route.matches(request.scope)[0] is not Match.NONE]
    fewest = min((params for params, _ in matches), default=0)
    return {method for params, methods in matches if params == fewest for method in methods}


def other_resource(request: Request) -> set[str]:
    """On a bad path parameter, the methods of another resource at this URL: PATCH
    /orders/export.xlsx reached PATCH /orders/{order_id}, but the URL names the export (GET only)."""
    chosen = next((r.path for r in iter_route_contexts(request.app.routes)
                   if r.original_route is request.scope.get("route")), None)
    return methods_at(request, besides=chosen)


def method_not_allowed(methods: set[str]) -> JSONResponse:
    return JSONResponse({"code": "method_not_allowed", "detail": "Method Not Allowed"}, status_code=405,
                        headers={"Allow": ", ".join(sorted(methods))})


def install(app: FastAPI) -> None:
    @app.exception_handler(errors.JidanError)
    async def _domain(_request: Request, exc: errors.JidanError):
        return JSONResponse(exc.to_dict(), status_code=status_of(exc), headers=error_headers(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        if any(err["loc"][0] == "path" for err in exc.errors()) and (elsewhere := other_resource(request)):
            return method_not_allowed(elsewhere)
        return JSONResponse({"code": "validation_failed", "detail": REQUEST_NOT_VALID,
                             "fields": field_errors(exc)}, status_code=422)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        if exc.status_code == 405:
            return method_not_allowed(methods_at(request))
        code = {404: "not_found", 413: "payload_too_large"}.get(exc.status_code, "http_error")
        return JSONResponse({"code": code, "detail": str(exc.detail)}, status_code=exc.status_code,
                            headers=exc.headers)
