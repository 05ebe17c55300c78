"""Store urgent replenishment through the API (K1–K7), on SQLite and PostgreSQL, with the
settable clock: the whole flow, deadlines on the working calendar that escalate when missed,
supplier isolation, and the error answers (403, 404, 409, 422)."""
from __future__ import annotations

from datetime import datetime

import pytest

from jidan.domain.roles import Role
from jidan.services.notices import timers
from tests.store_support import BASE, _approved, _raise, _step, make_shop


@pytest.fixture
def shop(api, ctx):
    return make_shop(api, ctx)


def _open_notices(ctx, req, kind=None):
    with ctx.uow() as uow:
        rows = uow.notices.unanswered(None, f"requisition:{req['id']}", [kind] if kind else None)
        return [(n.kind, uow.users.get(n.recipient_id).username) for n in rows]


def test_k1_to_k6_the_whole_flow_from_requisition_to_transfer_in_with_its_five_documents(shop, ctx, clock):
    api = shop
    req = _raise(api)
    assert req["status"] == "requested" and req["number"].startswith("RQ-")
    assert req["waiting_for"] == "approve" and req["responsible"] == "manager"
    assert ("store.requested", "store") in _open_notices(ctx, req)
    req = _step(api, req, "approve", "store", version=req["version"])
    assert req["status"] == "approved" and req["due_at"] == "2026-11-25T09:10:00"  # one working day (K2)
    req = _step(api, req, "confirm", "purchasing", supplier="supplier", arrive_on="2026-11-25")
    assert req["status"] == "ordered" and req["supplier"] == "supplier"
    assert req["due_at"] == "2026-11-25T09:10:00"  # the supplier delivers within one working day (K3)
    assert _open_notices(ctx, req) == [("store.ordered", "supplier")]
    clock.advance(hours=3)
    req = _step(api, req, "deliver", "supplier", quantities=[{"item": "P002", "quantity": 20}])
    assert req["status"] == "delivered" and req["delivery_no"].startswith("SD-")
    req = _step(api, req, "sign", "shelf", quantities=[{"item": "P002", "quantity": 18, "reason": "两箱破损"}])
    assert req["status"] == "signed" and req["receipt_no"].startswith("SR-")
    assert req["lines"][0] | {} == req["lines"][0] and req["lines"][0]["accepted"] == 18
    assert req["lines"][0]["rejected"] == 2 and req["lines"][0]["reject_reason"] == "两箱破损"
    assert req["due_at"] == "2026-11-27T12:10:00"  # handed in within three working days (K5)
    req = _step(api, req, "hand_in", "supplier")
    req = _step(api, req, "transfer_out", "purchasing")
    assert req["receiving_code"].startswith("RC-") and req["transfer_out_no"].startswith("TO-")
    req = _step(api, req, "transfer_in", "shelf")
    assert req["status"] == "closed" and req["transfer_in_no"].startswith("TI-")
    assert req["documents"] == ["requisition", "delivery_note", "receipt", "transfer_out", "transfer_in"]
    assert all(s["done_at"] for s in req["steps"] if s["action"] not in ("reject", "decline"))
    assert {s["action"]: (s["responsible"], s["assists"], s["involved"]) for s in req["steps"]}["deliver"] == (
        "supplier", ["supervisor"], ["headquarters"])  # K7: 直接责任人 / 配合人 / 涉及人
    assert not [k for k, _ in _open_notices(ctx, req) if k != "store.closed"]  # every step answered its notice
    with ctx.uow() as uow:
        acts = [e.action for e in uow.audit.for_entity("store_requisition", req["id"])]
    assert acts == ["raise", "approve", "confirm", "deliver", "sign", "hand_in", "transfer_out", "transfer_in"]


def test_k2_headquarters_may_answer_will_not_arrive_with_a_reason(shop):
    req = _approved(shop)
    body = _step(shop, req, "decline", "purchasing", expect=422)
    assert body["fields"] == {"reason": "required"}
    req = _step(shop, req, "decline", "purchasing", reason="供应商停产")
    assert req["status"] == "refused" and req["answer_note"] == "供应商停产" and req["allowed_actions"] == []


def test_k7_a_missed_one_working_day_deadline_escalates_and_the_act_answers_it(shop, ctx, clock):
    req = _approved(shop)
    clock.advance(hours=23)
    timers.fire_due(ctx)
    assert not _open_notices(ctx, req, "store.overdue")  # not due yet
    clock.advance(hours=1, minutes=1)
    timers.fire_due(ctx)
    told = {user for _, user in _open_notices(ctx, req, "store.overdue")}
    assert {"purchasing", "pmc"} <= told  # the responsible and the level above (purchasing > pmc)
    assert shop.get(f"{BASE}/{req['id']}", "purchasing").json()["overdue"] is True
    assert shop.get("/api/v1/store/waiting", "purchasing").json()[0]["id"] == req["id"]
    clock.advance(hours=8)  # nobody acknowledged within the working hours: one level up again
    timers.fire_due(ctx)
    assert "management" in {user for kind, user in _open_notices(ctx, req) if kind == "escalation"}
    _step(shop, req, "confirm", "purchasing", supplier="supplier", arrive_on="2026-11-26")
    assert not _open_notices(ctx, req, "store.overdue")  # answered by the act that does the work


def test_k7_a_holiday_moves_the_deadline_on(shop, ctx, clock):
    r = shop.client.put("/api/v1/calendar/2026-11-25", headers=shop.as_("pmc"),
                        json={"working": False, "note": "店庆休息"})
    assert r.status_code == 200, r.text
    req = _approved(shop)
    assert req["due_at"] == "2026-11-26T09:10:00"
    clock.current = datetime(2026, 11, 25, 18, 0)
    timers.fire_due(ctx)
    assert not _open_notices(ctx, req, "store.overdue")
    clock.current = datetime(2026, 11, 26, 9, 11)
    timers.fire_due(ctx)
    assert _open_notices(ctx, req, "store.overdue")


def test_k3_a_supplier_sees_only_its_own_requisitions_and_others_are_404(shop):
    req = _approved(shop)
    assert shop.get(f"{BASE}/{req['id']}", "supplier").status_code == 404  # not chosen yet
    _step(shop, req, "confirm", "purchasing", supplier="supplier", arrive_on="2026-11-25")
    assert [r["id"] for r in shop.get(BASE, "supplier").json()] == [req["id"]]
    assert shop.get(BASE, "supplier2").json() == []
    assert shop.get(f"{BASE}/{req['id']}", "supplier2").status_code == 404
    r = shop.post(f"{BASE}/{req['id']}/actions/deliver", "supplier2",
                  json={"quantities": [{"item": "P002", "quantity": 20}]})
    assert r.status_code == 404 and r.json()["code"] == "store.requisition_not_found"
    assert shop.get(f"{BASE}/{req['id']}", "shelf2").status_code == 404  # another store's too
    assert shop.get(BASE, "store2").json() == []


def test_k1_wrong_roles_are_403_and_nobody_approves_their_own(shop):
    req = _raise(shop)
    assert shop.post(BASE, "sales", json={"lines": [{"item": "P002", "quantity": 1}]}).status_code == 403
    assert shop.get(BASE, "sales").status_code == 403
    r = shop.post(f"{BASE}/{req['id']}/actions/approve", "purchasing", json={})
    assert r.status_code == 403 and r.json()["code"] == "auth.role_not_allowed"
    r = shop.post(f"{BASE}/{req['id']}/actions/approve", "shelf", json={})
    assert r.status_code == 403 and r.json()["code"] == "store.not_store_manager"
    r = shop.post(BASE, "store", json={"lines": [{"item": "P002", "quantity": 5}]})
    assert r.status_code == 403 and r.json()["code"] == "store.not_store_supervisor"
    assert shop.post("/api/v1/stores", "store", json={"code": "S09", "name": "九店", "manager": "store",
                                                       "supervisor": "shelf"}).status_code == 403


def test_k1_a_stale_version_is_409_and_a_step_out_of_turn_is_409(shop):
    req = _raise(shop)
    r = shop.post(f"{BASE}/{req['id']}/actions/approve", "store", json={"version": req["version"] + 1})
    assert r.status_code == 409 and r.json()["code"] == "stale_version"
    r = shop.post(f"{BASE}/{req['id']}/actions/confirm", "purchasing",
                  json={"supplier": "supplier", "arrive_on": "2026-11-25"})
    assert r.status_code == 409 and r.json()["code"] == "store.invalid_transition"


def test_k1_bad_fields_are_422_each_named(shop, ctx):
    from decimal import Decimal
    from jidan.services.materials import purchasing
    purchasing.set_stock(ctx, _buyer(ctx), "M-CONN", Decimal(500))
    r = shop.post(BASE, "shelf", json={"lines": [
        {"item": "NOPE", "quantity": 5}, {"item": "P002", "quantity": 0}, {"item": "SCB-200", "quantity": 3,
                                                                           "store_stock": 10},
        {"item": "M-CONN", "quantity": 100}]})
    assert r.status_code == 422
    assert r.json()["fields"] == {"lines.0.item": "unknown_item", "lines.1.quantity": "must_be_positive",
                                  "lines.2.store_stock": "store_has_stock", "lines.3.item": "headquarters_has_stock"}
    assert shop.post(BASE, "shelf", json={"lines": []}).json()["fields"] == {"lines": "required"}
    req = _approved(shop)
    r = shop.post(f"{BASE}/{req['id']}/actions/confirm", "purchasing",
                  json={"supplier": "sales", "arrive_on": "2026-11-01"})
    assert r.status_code == 422 and r.json()["fields"] == {"supplier": "unknown_supplier", "arrive_on": "in_past"}
    _step(shop, req, "confirm", "purchasing", supplier="supplier", arrive_on="2026-11-25")
    r = shop.post(f"{BASE}/{req['id']}/actions/deliver", "supplier",
                  json={"quantities": [{"item": "P002", "quantity": 25}]})
    assert r.status_code == 422 and r.json()["fields"] == {"quantities.P002": "exceeds_ordered"}
    req = _step(shop, req, "deliver", "supplier", quantities=[{"item": "P002", "quantity": 20}])
    r = shop.post(f"{BASE}/{req['id']}/actions/sign", "shelf", json={"quantities": [{"item": "P002", "quantity": 15}]})
    assert r.status_code == 422 and r.json()["fields"] == {"reasons.P002": "required"}
    assert shop.post(f"{BASE}/{req['id']}/actions/nonsense", "shelf", json={}).status_code == 422


def _buyer(ctx):
    from jidan.domain.model import Actor
    with ctx.uow() as uow:
        u = uow.users.by_username("purchasing")
        return Actor(u.id, u.username, Role(u.role))
