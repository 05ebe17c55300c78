"""The API's documentation pages, Swagger UI at /docs and ReDoc at /redoc, served from the
project's own copies (web/static/vendor: swagger-ui-dist 5.36.0, redoc 2.5.4) so they work
offline and behind a firewall: nothing is fetched from another host (issue 24).

Every page keeps to the site's Content-Security-Policy; FastAPI's Swagger page starts the UI with
one inline script, so that page's policy names the script by its hash, and ReDoc's search runs
in a worker made from a blob.
"""
from __future__ import annotations

import base64
import hashlib
import re

from fastapi import APIRouter
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

from jidan.http.session import CONTENT_SECURITY_POLICY

VENDOR = "/static/vendor"
router = APIRouter(include_in_schema=False)


def _allowing(response: HTMLResponse, worker_blobs: bool = False) -> HTMLResponse:
    """The site's policy, plus the page's own inline scripts by hash (and blob workers if asked)."""
    hashes = " ".join(f"'sha256-{base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()}'"
                      for body in re.findall(r"<script>(.*?)</script>", response.body.decode(), re.S))
    policy = CONTENT_SECURITY_POLICY.replace("script-src 'self'", f"script-src 'self' {hashes}".rstrip())
    if worker_blobs:
        policy += "; worker-src 'self' blob:"
    response.headers["content-security-policy"] = policy
    return response


@router.get("/docs")
def swagger_ui() -> HTMLResponse:
    return _allowing(get_swagger_ui_html(
        openapi_url="/openapi.json", title="jidan 急单 API",
        swagger_js_url=f"{VENDOR}/swagger-ui/swagger-ui-bundle.js",
        swagger_css_url=f"{VENDOR}/swagger-ui/swagger-ui.css",
        swagger_favicon_url=f"{VENDOR}/swagger-ui/favicon-32x32.png",
        swagger_ui_parameters={"validatorUrl": None}))


@router.get("/redoc")
def redoc() -> HTMLResponse:
    return _allowing(get_redoc_html(
        openapi_url="/openapi.json", title="jidan 急单 API",
        redoc_js_url=f"{VENDOR}/redoc/redoc.standalone.js",
        redoc_favicon_url=f"{VENDOR}/swagger-ui/favicon-32x32.png", with_google_fonts=False), worker_blobs=True)
