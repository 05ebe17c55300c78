"""The browser's session cookie, which the API (cookie + CSRF header) and the web pages share,
and what every response carries for the browser's safety (docs/security.md)."""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from starlette.requests import Request

SESSION_COOKIE = "jidan_session"
#: The login form's CSRF token (double submit): no session exists yet to hold one.
LOGIN_CSRF_COOKIE = "jidan_login_csrf"

#: Every page keeps to these: scripts only from this site (no inline handlers), frames refused.
CONTENT_SECURITY_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
                           "img-src 'self' data:; object-src 'none'; base-uri 'self'; form-action 'self'; "
                           "frame-ancestors 'none'")
SECURITY_HEADERS = (
    (b"x-frame-options", b"DENY"),
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
)


def csrf_matches(sent: str, expected: str | None) -> bool:
    """The CSRF token the request sent is the session's own (compared in constant time)."""
    return bool(expected) and secrets.compare_digest(sent.encode(), expected.encode())


def new_login_token() -> str:
    return secrets.token_urlsafe(32)


def cookie_secure(settings) -> bool:
    """Cookies are ``Secure`` whenever the public URL is https (or the setting says so)."""
    return bool(settings and (settings.cookie_secure or urlsplit(settings.public_url).scheme == "https"))


def client_address(request: Request) -> str:
    """The address a request came from, as the server sees it (behind a proxy, run Uvicorn with
    ``--proxy-headers`` so this is the client's, not the proxy's)."""
    return request.client.host if request.client else "unknown"


class SecurityHeaders:
    """Adds the security headers to every response, and ``Cache-Control: no-store`` to every
    response but the static files (pages and API answers hold private data)."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        static = scope.get("path", "").startswith("/static/")

        async def with_headers(message):
            if message["type"] == "http.response.start":
                names = {name.lower() for name, _ in message.get("headers", [])}
                extra = [h for h in SECURITY_HEADERS if h[0] not in names]
                if not static and b"cache-control" not in names:
                    extra.append((b"cache-control", b"no-store"))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, with_headers)
