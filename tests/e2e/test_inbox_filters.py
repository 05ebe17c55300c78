"""The inbox filters by kind, order, urgency and lateness, counts each filter, pages on the
server, and reads a page in a fixed number of queries however many notices wait (D2, issue 24)."""
from __future__ import annotations

import re

import pytest
from sqlalchemy import event

from tests.conftest import urgent_order_payload
from tests.e2e.test_inbox import _browser, tell
from tests.support import web_session

pytestmark = pytest.mark.xdist_group("db")


def _orders(api) -> tuple[dict, dict]:
    urgent = api.post("/api/v1/orders", "sales", json=urgent_order_payload(customer_po="F-1")).json()
    calm = api.post("/api/v1/orders", "sales", json=urgent_order_payload(
        customer_po="F-2", requested_date="2027-03-01", customer="C002",
        lines=[{"product": "P002", "quantity": 5}])).json()
    return urgent, calm


def _waiting(api, ctx, clock) -> tuple[dict, dict]:
    urgent, calm = _orders(api)
    assert urgent["urgent"] and not calm["urgent"]
    tell(ctx, "pmc", kind="exception", subject="一", order_id=calm["id"], needs_ack=True, ack_hours=1)
    clock.advance(hours=2)  # the first is now overdue
    tell(ctx, "pmc", kind="release", subject="二", order_id=urgent["id"])
    tell(ctx, "pmc", kind="exception", subject="三", order_id=urgent["id"], needs_ack=True, ack_hours=4)
    tell(ctx, "pmc", kind="info", subject="四")
    return urgent, calm


def test_d2_the_inbox_filters_by_kind_order_urgent_and_overdue_and_counts_each(api, ctx, clock):
    urgent, calm = _waiting(api, ctx, clock)
    every = api.get("/api/v1/inbox", "pmc").json()
    assert every["open"] == 4 and every["counts"] == {"exception": 2, "info": 1, "release": 1}
    assert every["filters"] == {"urgent": 2, "overdue": 1}

    def subjects(query: str) -> list[list[str]]:
        body = api.get(f"/api/v1/inbox?{query}", "pmc").json()
        assert body["counts"] == every["counts"] and body["filters"] == every["filters"]  # counts of all
        return [[n["subject"] for n in g["items"]] for g in body["groups"]]

    assert subjects("kind=exception") == [["三"], ["一"]]
    assert subjects(f"order_id={urgent['id']}") == [["三", "二"]]
    assert subjects("urgent=true") == [["三", "二"]]
    assert subjects("overdue=true") == [["一"]]
    assert subjects("kind=exception&urgent=true") == [["三"]]
    assert subjects("kind=nothing") == []
    assert api.get("/api/v1/inbox?kind=DROP%20TABLE", "pmc").status_code == 422
    assert api.get("/api/v1/inbox?order_id=0", "pmc").status_code == 422


def test_d2_the_inbox_page_offers_each_filter_with_its_count_and_keeps_it_across_pages(api, ctx, clock):
    urgent, calm = _waiting(api, ctx, clock)
    client, _ = _browser(ctx, "pmc")
    page = client.get("/inbox").text
    assert re.search(r'data-filter="urgent"[^>]*href="/inbox\?urgent=1">紧急 <strong>2</strong>', page)
    assert re.search(r'data-filter="overdue"[^>]*href="/inbox\?overdue=1">已超期 <strong>1</strong>', page)
    assert re.search(r'data-kind="exception"[^>]*href="/inbox\?kind=exception">异常 <strong>2</strong>', page)
    assert f'href="/inbox?order={urgent["id"]}"' in page  # "only this order" on its group
    only = client.get(f"/inbox?order={urgent['id']}&urgent=1").text
    assert re.findall(r'data-testid="inbox-group" data-order-id="(\d*)"', only) == [str(urgent["id"])]
    assert 'data-testid="inbox-order-filter"' in only and urgent["number"] in only
    assert 'aria-pressed="true" href="/inbox?order=' in only  # a second tap takes urgent off
    en = client.get("/inbox?overdue=1&lang=en").text
    assert "Overdue <strong>1</strong>" in en and re.findall(r'data-notice-id="\d+"', en)
    assert client.get("/inbox?kind=%3Cscript%3E&order=x&urgent=yes").status_code == 200  # ignored, not an error


def test_d2_the_inbox_pages_on_the_server_with_the_filter_in_every_link(api, ctx, clock):
    orders = [api.post("/api/v1/orders", "sales", json=urgent_order_payload(customer_po=f"P-{k}")).json()
              for k in range(3)]
    for order in orders:
        tell(ctx, "pmc", kind="release", subject=order["number"], order_id=order["id"])
        clock.advance(minutes=1)
    body = api.get("/api/v1/inbox?per_page=2&kind=release", "pmc").json()
    assert (body["page"], body["pages"], body["order_groups"]) == (1, 2, 3)
    assert [g["order"]["number"] for g in body["groups"]] == [orders[2]["number"], orders[1]["number"]]
    last = api.get("/api/v1/inbox?per_page=2&kind=release&page=9", "pmc").json()
    assert last["page"] == 2 and [g["order"]["number"] for g in last["groups"]] == [orders[0]["number"]]
    client, _ = _browser(ctx, "pmc")
    page = client.get("/inbox?kind=release&urgent=1").text
    assert 'hx-get="/inbox?kind=release&amp;urgent=1"' in page


def test_d2_an_inbox_page_takes_the_same_few_queries_for_5_notices_or_150(api, ctx, clock):
    client, _ = web_session(ctx, "pmc")

    def queries_for_page() -> int:
        seen = []
        listener = lambda *args: seen.append(args[2])  # noqa: E731
        event.listen(ctx.engine, "before_cursor_execute", listener)
        try:
            assert client.get("/inbox").status_code == 200
        finally:
            event.remove(ctx.engine, "before_cursor_execute", listener)
        return len(seen)

    orders = [api.post("/api/v1/orders", "sales", json=urgent_order_payload(customer_po=f"Q-{k}")).json()
              for k in range(5)]
    for k in range(5):
        tell(ctx, "pmc", kind="release", subject=f"n{k}", order_id=orders[k]["id"], needs_ack=k % 2 == 0)
    few = queries_for_page()
    for k in range(145):
        tell(ctx, "pmc", kind=("release", "exception", "info")[k % 3], subject=f"m{k}",
             order_id=orders[k % 5]["id"] if k % 4 else None, needs_ack=k % 2 == 0)
    assert queries_for_page() == few <= 20
