"""The first answer to sales before the order exists (A5, B2; issue 20 section 4): a promise for an
order not saved yet, from the API and live on the new-order form; the same answer for the same
plan, order and time; the orders that would slip with their owners' names; the plan in force kept
loaded answers as a freshly loaded one."""
from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

import pytest

from tests.conftest import urgent_order_payload
from tests.e2e.test_materials_api import approved_order, full_plan, stock
from tests.support import web_session

pytestmark = pytest.mark.xdist_group("db")

UNSAVED = {"customer": "C001", "requested_date": "2026-12-01", "lines": [{"product": "SCB-200", "quantity": 300}],
           "time_limit": 0}


def busy_plant(api, orders: int = 4) -> None:
    for i in range(orders):
        approved_order(api, f"N-{i}", qty=300, date="2026-11-27")
    full_plan(api)


def test_a5_b2_a_promise_for_an_order_not_saved_yet_saves_nothing_and_answers_like_the_saved_order(api):
    busy_plant(api)
    before = api.get("/api/v1/orders?limit=500", "sales").json()["total"]
    r = api.post("/api/v1/planning/promise", "sales", json=UNSAVED)
    assert r.status_code == 200, r.text
    draft = r.json()
    assert draft["order"] == "NEW" and draft["requested_date"] == "2026-12-01"
    assert draft["without_moving"]["completion"] and draft["levers"] and draft["material"]["ready_at"]
    assert api.get("/api/v1/orders?limit=500", "sales").json()["total"] == before
    saved = api.post("/api/v1/orders", "sales", json=urgent_order_payload()).json()
    entered = api.post("/api/v1/planning/promise", "sales", json={"order_id": saved["id"], "time_limit": 0}).json()
    for key in ("due", "without_moving", "bottleneck"):
        assert entered[key] == draft[key]
    assert entered["with_insertion"]["completion"] == draft["with_insertion"]["completion"]


def test_a5_b2_the_same_plan_order_and_time_give_the_same_answer_with_or_without_search(api, ctx):
    busy_plant(api)
    for limit in (0, 0.3):
        body = UNSAVED | {"time_limit": limit}
        first = api.post("/api/v1/planning/promise", "sales", json=body).json()
        ctx.caches.clear()  # loaded again from the database: still the same answer
        assert api.post("/api/v1/planning/promise", "sales", json=body).json() == first
        assert api.post("/api/v1/planning/promise", "sales", json=body).json() == first


def test_a5_b2_an_unsaved_order_is_checked_as_order_intake_checks_it(api):
    busy_plant(api, 1)
    cases = [
        ({"lines": [{"product": "NOPE", "quantity": 5}]}, "lines.0.product", "unknown_product"),
        ({"customer": "NOPE"}, "customer", "unknown_customer"),
        ({"requested_date": "2020-01-01"}, "requested_date", "in_past"),
    ]
    for change, field, code in cases:
        r = api.post("/api/v1/planning/promise", "sales", json=UNSAVED | change)
        assert r.status_code == 422, r.text
        assert r.json()["fields"][field] == code
    missing = api.post("/api/v1/planning/promise", "sales", json={"customer": "C001"})
    assert missing.status_code == 422
    assert missing.json()["fields"] == {"requested_date": "required", "lines": "required"}
    both = api.post("/api/v1/planning/promise", "sales", json=UNSAVED | {"order_id": 1})
    assert both.status_code == 422 and set(both.json()["fields"]) == {"customer", "requested_date", "lines"}
    assert api.post("/api/v1/planning/promise", "sales", json=UNSAVED | {"quantity": 1}).status_code == 422
    assert api.post("/api/v1/planning/promise", "warehouse", json=UNSAVED).status_code == 403


def test_a5_b2_each_order_insertion_would_delay_is_listed_with_its_number_owner_name_and_dates(api, ctx):
    busy_plant(api, 6)
    answer = api.post("/api/v1/planning/promise", "sales", json=UNSAVED | {"time_limit": 0.3}).json()
    slipped = answer["with_insertion"]["slipped"]
    assert slipped, "six orders due before the urgent one: someone slips"
    with ctx.uow() as uow:
        for slip in slipped:
            order = uow.orders.by_number(slip["order"])
            owner = uow.users.get(order.owner_id or order.created_by)
            assert slip["order_id"] == order.id and slip["owner"] == owner.display_name
            assert slip["new_end"] > slip["old_end"]


def test_a5_b2_the_new_order_form_shows_the_promise_as_the_user_types(api, ctx):
    busy_plant(api, 2)
    sales, _ = web_session(ctx, "sales")
    form = sales.get("/orders/new")
    assert 'hx-get="/orders/new/promise"' in form.text and 'data-testid="live-promise"' in form.text
    hint = sales.get("/orders/new/promise", params={"customer": "C001"}, headers={"hx-request": "true"})
    assert hint.status_code == 200 and "ctp-without" not in hint.text
    filled = sales.get("/orders/new/promise", headers={"hx-request": "true"}, params={
        "customer": "C001", "requested_date": "2026-12-01", "channel": "phone",
        "product": ["SCB-200", ""], "quantity": ["300", ""], "unit_price": ["", ""]})
    assert filled.status_code == 200 and 'data-testid="ctp-without"' in filled.text
    wrong = sales.get("/orders/new/promise", params={
        "customer": "C001", "requested_date": "2026-12-01", "product": "NOPE", "quantity": "5"})
    assert wrong.status_code == 200 and 'data-error-code="validation_failed"' in wrong.text


def test_a5_b2_the_order_page_panel_gives_the_quick_promise_of_an_open_order(api):
    busy_plant(api, 2)
    saved = api.post("/api/v1/orders", "sales", json=urgent_order_payload()).json()
    panel = api.get(f"/api/v1/planning/orders/{saved['id']}", "sales").json()
    asked = api.post("/api/v1/planning/promise", "sales", json={"order_id": saved["id"], "time_limit": 0}).json()
    assert panel["promise"]["without_moving"] == asked["without_moving"]
    if not asked["without_moving"]["on_time"]:
        assert panel["promise"]["with_insertion"] == asked["with_insertion"]


@settings(max_examples=4, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=st.lists(st.sampled_from(["ask", "stock", "later", "plan"]), min_size=2, max_size=5))
def test_a5_b2_the_plan_in_force_kept_loaded_answers_as_one_loaded_again(make_api, steps):
    api, ctx, clock = make_api()
    busy_plant(api, 3)
    for k, step in enumerate(steps):
        if step == "stock":
            stock(api, 10 * k)
        elif step == "later":
            clock.advance(minutes=7 * k + 3)
        elif step == "plan":
            full_plan(api)
        kept = api.post("/api/v1/planning/promise", "sales", json=UNSAVED).json()
        ctx.caches.clear()
        assert api.post("/api/v1/planning/promise", "sales", json=UNSAVED).json() == kept


@pytest.fixture
def make_api(sqlite_url, tmp_path):
    """A fresh database and API per hypothesis example (the function-scoped ones are shared)."""
    import itertools

    from fastapi.testclient import TestClient

    from jidan.http.app import create_app
    from tests.conftest import Api, make_ctx
    from tests.support import FakeClock, seed

    made, count = [], itertools.count()

    def make():
        clock = FakeClock()
        ctx = make_ctx(f"sqlite:///{tmp_path / f'promise-{next(count)}.db'}", clock)
        seed(ctx)
        client = TestClient(create_app(ctx))
        made.append(ctx)
        return Api(client), ctx, clock

    yield make
    for ctx in made:
        ctx.engine.dispose()
