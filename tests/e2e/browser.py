"""Helpers of the web tests: the demo password, logging in through the browser or a TestClient.

The fixtures (demo factory, live server, chromium, page) are in ``tests/e2e/conftest.py``, so
that one chromium serves the whole session.
"""
from __future__ import annotations

from pathlib import Path


from jidan.services.demo.factory import PASSWORD as DEMO_PASSWORD, USERS
from jidan.web.homes import HOMES
from tests.support import web_session

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def browser_login(page, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form[action='/login'] button[type=submit]")


def browser_logout(page) -> None:
    page.click("form[action='/logout'] button")
    page.wait_for_url("**/login")


def client_login(ctx, username: str):
    """A TestClient holding a demo user's session cookie, and that session's CSRF token."""
    return web_session(ctx, username, DEMO_PASSWORD)


def home_of(username: str) -> str:
    """Where a demo user lands after logging in: its role's home (issue 24)."""
    role = next(str(r) for u, _, r in USERS if u == username)
    return HOMES.get(role, "/orders")
