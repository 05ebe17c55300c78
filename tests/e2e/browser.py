"""Helpers of the web tests: the demo password, logging in through the browser or a TestClient.

The fixtures (demo factory, live server, chromium, page) are in ``tests/e2e/conftest.py``, so
that one chromium serves the whole session.
"""
from __future__ import annotations

import re
from pathlib import Path

from fastapi.testclient import TestClient

from jidan.api.app import create_app
from jidan.services.demo import PASSWORD as DEMO_PASSWORD

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


def client_login(ctx, username: str) -> tuple[TestClient, str]:
    """A TestClient holding ``username``'s session cookie, and that session's CSRF token."""
    client = TestClient(create_app(ctx))
    r = client.post("/login", data={"username": username, "password": DEMO_PASSWORD},
                    follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get("/orders")
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text).group(1)
    return client, csrf
