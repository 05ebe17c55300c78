"""Two stores, two suppliers and the steps of a requisition, for the store replenishment tests."""
from __future__ import annotations

from jidan.domain.roles import Role
from jidan.services import auth
from tests.support import PASSWORD

BASE = "/api/v1/store/requisitions"


def make_shop(api, ctx):
    """Two stores (manager ``store``, supervisor ``shelf`` in 一店; ``store2``/``shelf2`` in 二店)
    and a second supplier; returns ``api``."""
    for username, role in (("shelf", Role.STORE), ("store2", Role.STORE), ("shelf2", Role.STORE),
                           ("supplier2", Role.SUPPLIER)):
        auth.add_user(ctx, None, username, f"{username} 名", role.value, PASSWORD, f"{username}@example.com")
    for code, name, manager, supervisor in (("S01", "一店", "store", "shelf"), ("S02", "二店", "store2", "shelf2")):
        r = api.post("/api/v1/stores", "admin", json={"code": code, "name": name, "manager": manager,
                                                        "supervisor": supervisor})
        assert r.status_code == 201, r.text
    return api


def _raise(api, user="shelf", **over):
    body = {"lines": [{"item": "P002", "quantity": 20, "store_stock": 2}], "note": "周末促销大宗订货"} | over
    r = api.post(BASE, user, json=body)
    assert r.status_code == 201, r.text
    return r.json()


def _step(api, req, action, user, expect=200, **body):
    r = api.post(f"{BASE}/{req['id']}/actions/{action}", user, json=body)
    assert r.status_code == expect, r.text
    return r.json()


def _approved(api):
    req = _raise(api)
    return _step(api, req, "approve", "store", version=req["version"])
