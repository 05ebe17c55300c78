"""The store replenishment pages without a browser (K1–K7): homes, the requisition form with its
field errors (the same rules as the API), the step forms and the five printable documents."""
from __future__ import annotations

import pytest

from jidan.services.notices import timers
from tests.store_support import BASE, _raise, _step, make_shop
from tests.support import login_csrf, web_session

pytestmark = pytest.mark.xdist_group("db")


@pytest.fixture
def shop(api, ctx):
    return make_shop(api, ctx)


def test_k1_store_and_supplier_users_land_on_their_own_home(shop, ctx):
    for username, home in (("store", "/store"), ("supplier", "/supplier"), ("shelf", "/store")):
        client = shop.client.__class__(shop.client.app)
        r = client.post("/login", data={"username": username, "password": "secret-pass",
                                        "csrf_token": login_csrf(client)}, follow_redirects=False)
        assert r.status_code == 303
        landed = client.get(r.headers["location"], follow_redirects=False).headers["location"]
        assert landed == home, (username, landed)
        page = client.get(home)
        assert page.status_code == 200 and 'data-testid="nav-store"' in page.text
    supplier, _ = web_session(ctx, "supplier")
    assert supplier.get("/store", follow_redirects=False).headers["location"] == "/supplier"
    sales, _ = web_session(ctx, "sales")
    assert sales.get("/supplier").status_code == 403


def test_k1_the_form_marks_bad_fields_where_they_were_typed_and_the_manager_approves_from_his_home(shop, ctx):
    clerk, csrf = web_session(ctx, "shelf")
    assert 'data-testid="new-requisition"' in clerk.get("/store").text
    bad = {"csrf_token": csrf, "lines.2.item": "P002", "lines.2.quantity": "5", "lines.2.store_stock": "9"}
    r = clerk.post("/store/requisitions/new", data=bad)
    assert r.status_code == 422 and 'id="err-lines-2-store_stock"' in r.text and "本店库存已够" in r.text
    good = bad | {"lines.2.store_stock": "1", "note": "促销"}
    r = clerk.post("/store/requisitions/new", data=good, follow_redirects=False)
    assert r.status_code == 303
    url = r.headers["location"]
    manager, mcsrf = web_session(ctx, "store")
    home = manager.get("/store").text
    assert 'data-testid="waiting"' in home and url in home
    detail = manager.get(url).text
    assert 'data-testid="form-approve"' in detail and "● " in detail  # 直接责任人 shown on each step
    rid = url.rsplit("/", 1)[1]
    r = manager.post(f"{url}/actions/approve", data={"csrf_token": mcsrf, "version": "99"})
    assert r.status_code == 409  # stale version: nothing written
    r = manager.post(f"{url}/actions/approve", data={"csrf_token": mcsrf}, follow_redirects=False)
    assert r.status_code == 303
    assert shop.get(f"{BASE}/{rid}", "store").json()["status"] == "approved"
    assert manager.post(f"{url}/actions/approve", data={}).status_code == 403  # no CSRF token


def test_k3_k4_the_supplier_delivers_and_the_store_signs_from_the_pages_and_each_document_prints(shop, ctx):
    req = _raise(shop)
    req = _step(shop, req, "approve", "store")
    req = _step(shop, req, "confirm", "purchasing", supplier="supplier", arrive_on="2026-11-25")
    url = f"/store/requisitions/{req['id']}"
    supplier, scsrf = web_session(ctx, "supplier")
    assert url in supplier.get("/supplier").text
    r = supplier.post(f"{url}/actions/deliver", data={"csrf_token": scsrf, "quantities.P002": "30"})
    assert r.status_code == 422 and "quantities-P002" in r.text
    assert supplier.post(f"{url}/actions/deliver", data={"csrf_token": scsrf, "quantities.P002": "20"},
                         follow_redirects=False).status_code == 303
    other, _ = web_session(ctx, "supplier2")
    assert other.get(url).status_code == 404
    clerk, csrf = web_session(ctx, "shelf")
    r = clerk.post(f"{url}/actions/sign", data={"csrf_token": csrf, "accepted.P002": "17"})
    assert r.status_code == 422 and "reasons-P002" in r.text
    assert clerk.post(f"{url}/actions/sign", data={"csrf_token": csrf, "accepted.P002": "17",
                                                   "reasons.P002": "外箱破损"}, follow_redirects=False).status_code == 303
    assert clerk.get(f"{url}/print/transfer_in").status_code == 404  # not made yet
    for doc, title in (("requisition", "紧急请配单"), ("delivery_note", "送货单"), ("receipt", "签收单")):
        printed = clerk.get(f"{url}/print/{doc}").text
        assert f'<h1 data-testid="print-title">{title}</h1>' in printed and "/static/print.css" in printed
    assert "外箱破损" in clerk.get(f"{url}/print/receipt").text
    assert "Signed receipt" in clerk.get(f"{url}/print/receipt?lang=en").text
    timers.fire_due(ctx)  # nothing overdue: the supplier still has three working days to hand it in
    assert 'data-testid="overdue"' not in supplier.get(url).text
