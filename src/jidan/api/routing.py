"""The API's route class: every operation documents the error answers it can give.

The statuses follow from what the route takes, so no route can forget one:

    400       it takes a body (one that cannot be read: not UTF-8, a broken form)
    401, 403  it needs a logged-in user (roles, the CSRF token of a cookie session)
    404       it names a record in its path
    409       it changes something (stale version, duplicate, illegal transition)
    413       it takes a body (over the size limit)
    422       it takes any input at all (the request's schema, then the business rules)

A route adds what the rule cannot see (a 404 for a record named in the body) with ``responses=``.
Every error body is ``ErrorBody``.
"""
from __future__ import annotations

from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.dependencies.utils import get_dependant
from fastapi.routing import APIRoute

from jidan.api.deps import current_actor
from jidan.http.errors import ErrorBody

MEANING = {
    400: "The body cannot be read (not UTF-8, a broken multipart form).",
    401: "Not logged in, or the session expired.",
    403: "The user's role may not do this, or the CSRF token is missing.",
    404: "No such record, or not one this user may see.",
    409: "The record changed since it was read, already exists, or is in a state that forbids this.",
    413: "The request body is over the size limit.",
    422: "The request does not fit its schema, or breaks a business rule (fields names each field).",
    429: "Too many failed logins for this username or from this address; Retry-After says when to try again.",
    503: "Too much planning under way: try again after the Retry-After header's seconds.",
}


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
#: The route answers an Excel workbook, not JSON (with ``response_class=Response``).
WORKBOOK: dict[int | str, dict[str, Any]] = {200: {
    "description": "An Excel workbook.", "content": {XLSX: {"schema": {"type": "string", "format": "binary"}}}}}


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entry documenting these error statuses with the shared body."""
    return {status: {"model": ErrorBody, "description": MEANING[status]} for status in statuses}


def _authenticated(dependant: Dependant) -> bool:
    return any(d.call is current_actor or _authenticated(d) for d in dependant.dependencies)


def _inputs(dependant: Dependant) -> bool:
    return bool(dependant.path_params or dependant.query_params or dependant.header_params
                or dependant.cookie_params or dependant.body_params
                or any(_inputs(d) for d in dependant.dependencies))


def error_statuses(path: str, endpoint, methods: set[str]) -> list[int]:
    dependant = get_dependant(path=path, call=endpoint)
    statuses = [400] if dependant.body_params else []
    if _authenticated(dependant):
        statuses += [401, 403]
    if dependant.path_params:
        statuses.append(404)
    if methods - {"GET", "HEAD"}:
        statuses.append(409)
    if dependant.body_params:
        statuses.append(413)
    if _inputs(dependant):
        statuses.append(422)
    return statuses


class ApiRoute(APIRoute):
    def __init__(self, path: str, endpoint, **kwargs):
        declared = kwargs.get("responses") or {}
        methods = set(kwargs.get("methods") or ["GET"])
        kwargs["responses"] = {**error_responses(*error_statuses(path, endpoint, methods)), **declared}
        # a view's optional fields stay absent when the service left them out, never null
        kwargs["response_model_exclude_unset"] = True
        super().__init__(path, endpoint, **kwargs)
