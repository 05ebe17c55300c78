"""Fixtures for the web tests: the demo factory in a fresh SQLite file, the real app served by
uvicorn in a thread, and Debian chromium driven by Playwright (one browser for the session:
Playwright's sync API allows one instance per thread)."""
from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import pytest
import uvicorn

from jidan.adapters.db.migrate import upgrade
from jidan.http.app import create_app
from jidan.bootstrap import build
from jidan.config import Settings
from jidan.services.demo.factory import load_demo
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS
from tests.support import FastHasher


@pytest.fixture(scope="module")
def demo_ctx(tmp_path_factory):
    """A fresh database with the demo factory (users sales, pmc, management … password demo)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('web') / 'jidan.db'}"
    upgrade(url)
    ctx = build(Settings(database_url=url, _env_file=None))
    ctx.hasher = FastHasher()
    load_demo(ctx, orders_count=10)
    yield ctx
    ctx.engine.dispose()


@pytest.fixture(scope="module")
def live_server(demo_ctx):
    """The app on a free 127.0.0.1 port; the socket is bound before uvicorn starts, so no race."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(create_app(demo_ctx), log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            pytest.fail("uvicorn did not start")
        time.sleep(0.02)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)
    sock.close()


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install -y chromium")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def web_page(chromium, live_server):
    """A fresh browser context (no cookies) on the live server, tablet-sized."""
    context = chromium.new_context(base_url=live_server, locale="zh-CN",
                                   viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)  # a wait, not a delay: generous for a loaded 2-core machine
    yield page
    context.close()


