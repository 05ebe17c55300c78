"""Lists and the planning board as the factory grows (issue 24): the order list sorts, filters and
exports; the approvals page filters, pages and signs in a batch; the board shows a window of the
plan with labels, the focal order's chain, the load and its bottleneck; and every list page reads
the same number of statements however many orders there are."""
from __future__ import annotations

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import event

from tests.bulk import add_orders
from tests.conftest import urgent_order_payload
from tests.e2e.execution_support import INSPECTED_PRODUCT, released, report, tasks
from tests.e2e.test_materials_api import approved_order, full_plan
from tests.e2e.test_planning_pages import bars
from tests.support import PASSWORD, web_session

pytestmark = pytest.mark.xdist_group("db")


@pytest.fixture
def planned(api, ctx):
    """Three normal orders and the urgent one, planned and accepted."""
    normal = [approved_order(api, f"G-{i}", product="P002", qty=40) for i in range(3)]
    urgent = api.post("/api/v1/orders", "sales", json=urgent_order_payload()).json()
    api.act(urgent["id"], "review", "pmc")
    api.act(urgent["id"], "approve", "management")
    run = full_plan(api)
    return {"run": run, "urgent": urgent, "normal": normal}


def order(api, po: str, customer: str = "C002", due: str = "2026-12-18", user: str = "sales") -> dict:
    r = api.post("/api/v1/orders", user, json=urgent_order_payload(
        customer=customer, customer_po=po, requested_date=due, lines=[{"product": "P002", "quantity": 10}]))
    assert r.status_code == 201, r.text
    return r.json()


def numbers(html: str) -> list[str]:
    return re.findall(r'<tr class="[^"]*" data-order="([^"]+)"', html)


def test_a4_the_order_list_sorts_by_column_filters_by_customer_due_date_and_owner_and_exports_what_it_shows(
        api, ctx, actors):
    made = [order(api, "L-1", "C001", "2026-12-20"), order(api, "L-2", "C002", "2026-12-05"),
            order(api, "L-3", "C002", "2027-01-10", user="sales2"), order(api, "L-4", "C001", "2026-12-12")]
    client, _ = web_session(ctx, "sales")
    by_due = numbers(client.get("/orders?sort=requested_date").text)
    assert by_due == [made[i]["number"] for i in (1, 3, 0, 2)]
    assert numbers(client.get("/orders?sort=-requested_date").text) == by_due[::-1]
    assert 'aria-sort="descending"' in client.get("/orders?sort=-requested_date").text
    assert set(numbers(client.get("/orders?customer=C001").text)) == {made[0]["number"], made[3]["number"]}
    in_december = client.get("/orders?due_from=2026-12-06&due_to=2026-12-31").text
    assert set(numbers(in_december)) == {made[0]["number"], made[3]["number"]}
    assert numbers(client.get(f"/orders?owner={actors['sales2'].user_id}").text) == [made[2]["number"]]
    for odd in ("sort=password", "due_from=tomorrow", "owner=-1", "customer=NOPE", "page=x"):  # read leniently
        assert client.get(f"/orders?{odd}").status_code == 200
    sheet = client.get("/orders/export.xlsx?customer=C001&sort=requested_date")
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    rows = list(load_workbook(io.BytesIO(sheet.content)).active.iter_rows(values_only=True))
    exported = [c for row in rows[1:] for c in row if c in (made[0]["number"], made[3]["number"])]
    assert exported == [made[3]["number"], made[0]["number"]] and len(rows) == 3


def test_b1_the_approvals_page_filters_pages_and_signs_a_batch_one_audited_signature_at_a_time(api, ctx):
    made = [order(api, f"AP-{i}", "C001" if i % 2 else "C002") for i in range(23)]
    pmc, csrf = web_session(ctx, "pmc")
    first = pmc.get("/approvals")
    assert first.status_code == 200 and len(numbers(first.text)) == 20 and "?page=2" in first.text
    assert len(numbers(pmc.get("/approvals?page=2").text)) == 3
    assert set(numbers(pmc.get(f"/approvals?q={made[4]['number']}").text)) == {made[4]["number"]}
    assert numbers(pmc.get("/approvals?kind=change").text) == []
    chosen = [made[0]["id"], made[1]["id"]]
    wrong = pmc.post("/approvals/sign", data={"csrf_token": csrf, "order": chosen, "password": "not-it"})
    assert wrong.status_code >= 400 and 'data-ok="1"' not in wrong.text
    assert {api.get(f"/api/v1/orders/{i}", "pmc").json()["status"] for i in chosen} == {"submitted"}
    done = pmc.post("/approvals/sign", data={"csrf_token": csrf, "order": chosen + [made[2]["id"] * 1000],
                                              "password": PASSWORD})
    assert done.status_code == 200 and done.text.count('data-ok="1"') == 2 and done.text.count('data-ok="0"') == 1
    for oid in chosen:
        assert api.get(f"/api/v1/orders/{oid}", "pmc").json()["status"] == "reviewed"
        events = api.get(f"/api/v1/orders/{oid}/events", "pmc").json()
        assert sum(e["action"] == "review" for e in events) == 1
    assert pmc.post("/approvals/sign", data={"csrf_token": csrf}).status_code == 422


def test_c2_c4_the_board_labels_bars_highlights_the_focal_order_and_draws_the_load_with_its_bottleneck(ctx, planned):
    client, _ = web_session(ctx, "pmc")
    urgent = planned["urgent"]["number"]
    day = client.get(f"/planning?zoom=day&focus={urgent}").text
    drawn = bars(day)
    assert drawn and any(urgent in b["text"].split("→")[-1] or b["text"].count(urgent) >= 2 for b in drawn)
    labels = re.findall(r'class="gantt-bar-text"[^>]*>([^<]+)<', day)
    assert labels and all("·" in label or re.fullmatch(r"[\w-]+", label) for label in labels)
    mine = [b for b in drawn if b["data-order"] == urgent]
    assert mine and all("focal" in b["class"].split() for b in mine)
    assert all("dim" in b["class"].split() for b in drawn if b["data-order"] != urgent)
    assert day.count('data-chain="1"') == len(mine) - 1
    load = re.search(r'data-testid="load-chart" data-bottleneck="([^"]*)"', day)
    assert load and load.group(1) and f'class="load-row bottleneck" data-work-center="{load.group(1)}"' in day
    assert 'data-testid="bar-detail"' in day and "/static/planning-board.js" in day


def test_c4_filtering_the_board_by_an_order_not_planned_says_so_instead_of_an_empty_chart(api, ctx, planned):
    waiting = order(api, "NP-1")
    client, _ = web_session(ctx, "pmc")
    page = client.get(f"/planning?order={waiting['number']}").text
    assert 'data-testid="not-planned"' in page and waiting["number"] in page and "已提交" in page
    assert 'data-testid="not-planned"' in client.get("/planning?order=NO-SUCH").text
    assert 'data-testid="not-planned"' not in client.get(f"/planning?order={planned['urgent']['number']}").text


def statements(ctx, client, path: str) -> int:
    count = [0]

    def counted(*_):
        count[0] += 1
    event.listen(ctx.engine, "before_cursor_execute", counted)
    try:
        assert client.get(path).status_code == 200, path
    finally:
        event.remove(ctx.engine, "before_cursor_execute", counted)
    return count[0]


def test_m3_the_list_pages_read_the_same_number_of_statements_however_many_orders_there_are(ctx, planned):
    pages = {"pmc": ["/orders", "/orders?sort=-customer&status=submitted", "/approvals", "/planning",
                     f"/orders/{planned['urgent']['id']}"],
             "management": ["/approvals"]}
    clients = {user: web_session(ctx, user)[0] for user in pages}

    def measured() -> dict:
        for user, paths in pages.items():  # warm: the first read of a changed plan indexes it again
            for path in paths:
                statements(ctx, clients[user], path)
        return {(u, p): statements(ctx, clients[u], p) for u, paths in pages.items() for p in paths}
    add_orders(ctx.engine, 40, ctx.now(), seed=1, prefix="A")  # every list has rows of every kind
    before = measured()
    add_orders(ctx.engine, 400, ctx.now(), seed=2, prefix="B")
    after = measured()
    assert after == before
    html = clients["pmc"].get("/approvals").text
    assert len(numbers(html)) <= 20 and len(clients["pmc"].get("/planning").content) < 2_000_000


def test_f1_f2_forms_are_offered_only_for_acts_possible_now(api, ctx):
    assert api.post("/api/v1/products", "admin", json=INSPECTED_PRODUCT).status_code == 201
    oid = released(api, "FORM-1", lines=[{"product": "ICB-100", "quantity": 50}])
    steps = tasks(api, oid)
    report(api, steps[0]["id"], "start")
    inspector, _ = web_session(ctx, "quality")
    form = inspector.get(f"/orders/{oid}/inspections/new").text
    offered = {int(v) for v in re.findall(r'<option value="(\d+)"', form.split('name="task_id"')[1].split("</select>")[0])}
    assert steps[0]["id"] in offered or not offered
    assert not offered & {t["id"] for t in steps if t["status"] == "planned" and t["id"] != steps[0]["id"]}
    warehouse, _ = web_session(ctx, "warehouse")
    r = warehouse.get(f"/orders/{oid}/receipt/new", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith(f"/orders/{oid}/fulfilment")
