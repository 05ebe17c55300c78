"""The API keeps the promises of its own OpenAPI document (N1): Schemathesis generates requests from
the served document, valid and invalid, sends them to the app in-process, as the demo PMC planner,
and runs every check: no 5xx, only documented statuses, bodies and headers that match their schema,
valid requests accepted and invalid ones refused, 405 with ``Allow``."""
from __future__ import annotations

import schemathesis
from schemathesis.engine import Status, events, from_schema
from fastapi.testclient import TestClient

from jidan.adapters.db.migrate import upgrade
from jidan.bootstrap import build
from jidan.config import Settings
from jidan.http.app import create_app
from jidan.http.errors import REQUEST_NOT_VALID
from jidan.services.demo.factory import PASSWORD, load_demo
from tests.support import FastHasher

USER = "pmc"


def served_document(url: str):
    """The app on a freshly migrated demo database, and its document with a bearer token for USER."""
    upgrade(url)
    ctx = build(Settings(database_url=url, _env_file=None))
    ctx.hasher = FastHasher()
    load_demo(ctx, orders_count=10)
    app = create_app(ctx)
    token = TestClient(app).post("/api/v1/auth/token", data={"username": USER, "password": PASSWORD})
    config = schemathesis.Config.from_dict({
        "seed": 19,
        "headers": {"Authorization": f"Bearer {token.json()['access_token']}"},
        "generation": {"max-examples": 5, "deterministic": True},
        # A business rule may refuse a request the document allows (422 naming the rule): an unknown
        # customer, an end before its start. The schema itself must not: see the check below.
        "checks": {"positive_data_acceptance": {"expected-statuses": ["2xx", "401", "403", "404", "409", "422"]}},
    })
    return ctx, schemathesis.openapi.from_asgi("/openapi.json", app, config=config)


@schemathesis.check
def schema_valid_request_passes_the_schema_check(ctx, response, case):
    """A request the document allows is never refused by the request's own schema."""
    if case.meta and case.meta.generation.mode.is_positive and response.status_code == 422:
        body = response.json()
        assert body["detail"] != REQUEST_NOT_VALID, f"the document allows it, the schema refused: {body['fields']}"


def failures_of(schema) -> tuple[set[str], list[str]]:
    """Runs every phase and every check; the operations seen and one line per distinct failure."""
    seen, found = set(), {}
    for event in from_schema(schema).execute():
        if isinstance(event, events.ScenarioFinished):
            seen.add(event.recorder.label)
            for checks in event.recorder.checks.values():
                for check in checks:
                    if check.status == Status.FAILURE:
                        failure = check.failure_info.failure
                        found.setdefault(f"{event.recorder.label}: {failure.title}",
                                         f"{failure.message}\n{check.failure_info.code_sample}")
        elif isinstance(event, (events.NonFatalError, events.FatalError)):
            found.setdefault(f"error: {getattr(event, 'label', '')}", str(getattr(event, "value", event))[:2000])
    return seen, [f"{key}\n{text}" for key, text in sorted(found.items())]


def test_n1_every_operation_keeps_the_openapi_contract_for_an_authenticated_user(sqlite_url):
    ctx, schema = served_document(sqlite_url)
    seen, failures = failures_of(schema)
    ctx.engine.dispose()
    assert len(seen) > 100
    assert failures == []
