"""Pick-lists instead of typed codes (issue 24): the what-if form picks a work center by name and
finds an order as one types (suggestions paged on the server); the forms that name a person pick
a colleague by name. What the forms send, and how it is checked, is unchanged."""
from __future__ import annotations

import re

import pytest

from jidan.domain.model import WorkCenter
from jidan.services import auth
from tests.e2e.test_materials_api import approved_order
from tests.support import PASSWORD, web_session

pytestmark = pytest.mark.xdist_group("db")


def test_c7_the_what_if_form_picks_the_work_center_by_name_and_suggests_orders_as_one_types(api, ctx, actors):
    with ctx.uow() as uow:
        uow.plant.add(WorkCenter("ICT1", "在线测试台", "ASM"))
        uow.commit()
    orders = [api.get(f"/api/v1/orders/{approved_order(api, f'PICK-{i}', product='P002', qty=10)}", "pmc").json()
              for i in range(3)]
    pmc, csrf = web_session(ctx, "pmc")
    page = pmc.get("/planning").text
    select = re.search(r'<select name="work_center"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert '<option value="ICT1" >在线测试台 · ICT1</option>' in select and 'value="SMT1"' in select
    assert 'list="whatif-orders"' in page and 'hx-get="/planning/order-suggestions"' in page
    number = orders[1]["number"]
    found = pmc.get("/planning/order-suggestions", params={"order": number}).text
    assert re.findall(r'<option value="([^"]+)">', found) == [number] and "南方电气" in found
    every = pmc.get("/planning/order-suggestions", params={"order": ""}).text
    assert {o["number"] for o in orders} <= set(re.findall(r'<option value="([^"]+)">', every))
    assert pmc.get("/planning/order-suggestions", params={"order": "NO-SUCH"}).text.count("<option") == 0
    # the same checks as when both were typed
    r = pmc.post("/planning/runs", data={"csrf_token": csrf, "kind": "insert", "order": "SO-NOPE"})
    assert r.status_code == 422 and "未知订单" in r.text
    r = pmc.post("/planning/runs", data={"csrf_token": csrf, "kind": "machine_down", "work_center": "",
                                         "down_from": "2026-12-01T08:00", "down_until": "2026-12-01T12:00"})
    assert r.status_code == 422 and 'id="err-work_center"' in r.text


def test_suggestions_are_paged_on_the_server(api, ctx, actors):
    for i in range(23):
        approved_order(api, f"MANY-{i}", product="P002", qty=5)
    pmc, _ = web_session(ctx, "pmc")
    assert pmc.get("/planning/order-suggestions", params={"order": "SO"}).text.count("<option") <= 20


def test_forms_that_name_a_person_pick_a_colleague_by_name_and_send_the_username(ctx, actors):
    auth.add_user(ctx, None, "wangfang", "王芳", "quality", PASSWORD)
    boss, csrf = web_session(ctx, "management")
    page = boss.get("/workflow/delegations").text
    deputy = re.search(r'<select name="deputy"[^>]*>(.*?)</select>', page, re.S).group(1)
    assert '<option value="wangfang" >王芳 · 质检</option>' in deputy
    assert 'value="supplier"' not in deputy  # people outside the company are not offered
    admin, _ = web_session(ctx, "admin")
    page = admin.get("/emergency-organisation").text
    assert re.search(r'<select name="username"[^>]*>.*?王芳', page, re.S)
    r = boss.post("/workflow/delegations", data={"csrf_token": csrf, "deputy": "nobody",
                                                 "starts_at": "2026-11-24T10:00", "ends_at": "2026-11-25T10:00"})
    assert r.status_code == 422  # a name not among them is refused as when typed
