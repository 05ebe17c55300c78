"""Swagger UI and ReDoc come from the project's own static files, never a CDN, and the top bar
offers them only to the roles that connect other systems (issue 24)."""
from __future__ import annotations

import base64
import hashlib
import re

import pytest
from fastapi.testclient import TestClient

from jidan.domain.roles import API_USERS
from jidan.http.app import create_app
from jidan.services.demo.factory import USERS
from tests.e2e.browser import client_login

pytestmark = pytest.mark.xdist_group("demo")


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_api_documentation_pages_reference_only_assets_of_this_host_and_each_loads(demo_ctx, path):
    client = TestClient(create_app(demo_ctx))
    page = client.get(path)
    assert page.status_code == 200
    assets = re.findall(r'(?:src|href|url|spec-url)\s*[=:]\s*["\']([^"\']+)["\']', page.text)
    assert assets and all(a.startswith("/") and not a.startswith("//") for a in assets), assets
    for asset in assets:
        assert client.get(asset).status_code == 200, asset
    assert "cdn" not in page.text and "googleapis" not in page.text


def test_the_swagger_page_s_policy_lets_its_own_start_script_run_and_nothing_else_inline(demo_ctx):
    page = TestClient(create_app(demo_ctx)).get("/docs")
    inline = re.findall(r"<script>(.*?)</script>", page.text, re.S)
    digest = base64.b64encode(hashlib.sha256(inline[0].encode()).digest()).decode()
    policy = page.headers["content-security-policy"]
    assert f"script-src 'self' 'sha256-{digest}'" in policy and "unsafe-inline" not in policy.split("style-src")[0]


def test_only_admin_pmc_and_purchasing_see_the_api_documentation_link(demo_ctx):
    offered = set()
    for username, _, role in USERS:
        client, _ = client_login(demo_ctx, username)
        html = client.get("/inbox").text
        if 'href="/docs"' in html:
            offered.add(role)
    assert offered == set(API_USERS)
