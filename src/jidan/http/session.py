"""The browser's session cookie, which the API (cookie + CSRF header) and the web pages share."""
from __future__ import annotations

import secrets

SESSION_COOKIE = "jidan_session"


def csrf_matches(sent: str, expected: str | None) -> bool:
    """The CSRF token the request sent is the session's own (compared in constant time)."""
    return bool(expected) and secrets.compare_digest(sent.encode(), expected.encode())
