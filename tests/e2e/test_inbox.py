"""The inbox through the API and the web page: own notices only, acknowledge, read (D2, E6)."""
from __future__ import annotations

import re

from fastapi.testclient import TestClient

from jidan.http.app import create_app
from jidan.domain.roles import Role
from jidan.services.notices import timers
from jidan.services.notices.notify import ACK_OVERDUE, notify
from tests.support import PASSWORD, login_csrf


def tell(ctx, username_or_role, **kw):
    kw.setdefault("kind", "release")
    kw.setdefault("subject", "急单生产通知")
    with ctx.uow() as uow:
        user = uow.users.by_username(username_or_role)
        event = notify(uow, ctx.now(), users=[user.id], ctx=ctx, **kw)
        uow.commit()
    return event


def test_d2_the_inbox_lists_open_critical_and_oldest_first_with_time_left(api, ctx, clock):
    tell(ctx, "manufacturing", subject="旧的信息", kind="info")
    clock.advance(minutes=10)
    tell(ctx, "manufacturing", subject="要确认", needs_ack=True, ack_hours=2)
    clock.advance(minutes=10)
    tell(ctx, "manufacturing", subject="停线", critical=True, kind="exception")
    tell(ctx, "pmc", subject="not yours")
    body = api.get("/api/v1/inbox", "manufacturing").json()
    assert [n["subject"] for n in body["items"]] == ["停线", "要确认", "旧的信息"]
    assert body["open"] == 3
    ack = body["items"][1]
    assert ack["needs_ack"] and ack["seconds_left"] == 2 * 3600 - 10 * 60 and not ack["overdue"]
    read = api.post(f"/api/v1/inbox/{body['items'][2]['id']}/read", "manufacturing")
    assert read.status_code == 200 and read.json()["read_at"] is not None
    after = api.get("/api/v1/inbox", "manufacturing").json()
    assert after["open"] == 2 and after["items"][-1]["subject"] == "旧的信息"


def test_d2_acknowledging_records_it_stops_the_timer_and_is_idempotent(api, ctx, clock):
    event = tell(ctx, "manufacturing", needs_ack=True, ack_hours=2)
    [notice] = api.get("/api/v1/inbox", "manufacturing").json()["items"]
    clock.advance(minutes=30)
    r = api.post(f"/api/v1/inbox/{notice['id']}/ack", "manufacturing", json={"version": notice["version"]})
    assert r.status_code == 200, r.text
    assert r.json()["acknowledged_at"] == "2026-11-24T09:40:00" and not r.json()["open"]
    again = api.post(f"/api/v1/inbox/{notice['id']}/ack", "manufacturing")
    assert again.status_code == 200 and again.json()["acknowledged_at"] == r.json()["acknowledged_at"]
    with ctx.uow() as uow:
        assert timers.pending(uow, ACK_OVERDUE, f"event:{event}") == []
        trail = uow.audit.for_entity("notice", notice["id"])
    assert [(e.action, e.actor) for e in trail] == [("acknowledge", "manufacturing")]
    assert api.get("/api/v1/inbox", "manufacturing").json()["open"] == 0


def test_d2_nobody_sees_or_acknowledges_someone_elses_notice(api, ctx):
    tell(ctx, "manufacturing", needs_ack=True)
    [notice] = api.get("/api/v1/inbox", "manufacturing").json()["items"]
    for user in ("pmc", "management", "admin"):
        for verb in ("ack", "read"):
            r = api.post(f"/api/v1/inbox/{notice['id']}/{verb}", user)
            assert r.status_code == 404 and r.json()["code"] == "notice.not_found"
    assert api.post("/api/v1/inbox/999999/ack", "manufacturing").status_code == 404
    assert api.get("/api/v1/inbox", "pmc").json()["items"] == []


def test_d2_bad_input_stale_version_and_needless_ack_are_refused(api, ctx):
    tell(ctx, "manufacturing", needs_ack=True)
    tell(ctx, "manufacturing", kind="info", subject="FYI")
    items = api.get("/api/v1/inbox", "manufacturing").json()["items"]
    needs, info = items[0], items[1]
    cases = [(f"/api/v1/inbox/{needs['id']}/ack", {"version": 1, "extra": 1}, 422),
             (f"/api/v1/inbox/{needs['id']}/ack", {"version": 0}, 422),
             ("/api/v1/inbox/0/ack", None, 422),
             ("/api/v1/inbox/abc/ack", None, 422),
             (f"/api/v1/inbox/{needs['id']}/ack", {"version": 7}, 409),
             (f"/api/v1/inbox/{info['id']}/ack", None, 409)]
    for path, body, status in cases:
        r = api.post(path, "manufacturing", json=body)
        assert r.status_code == status, (path, body, r.text)
        assert {"code", "detail"} <= set(r.json())
    assert api.get("/api/v1/inbox", "manufacturing").json()["open"] == 2  # nothing written


def _browser(ctx, username):
    client = TestClient(create_app(ctx))
    r = client.post("/login", data={"username": username, "password": PASSWORD,
                                    "csrf_token": login_csrf(client)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    page = client.get("/inbox")
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', page.text).group(1)
    return client, csrf


def test_d2_the_inbox_page_counts_down_and_acknowledges_without_javascript(api, ctx, clock):
    tell(ctx, "manufacturing", needs_ack=True, ack_hours=2, subject="急单生产通知 SO-0042")
    client, csrf = _browser(ctx, "manufacturing")
    page = client.get("/inbox")
    assert page.status_code == 200
    assert "急单生产通知 SO-0042" in page.text and "确认收到" in page.text
    assert "剩余 2 小时" in page.text
    assert re.search(r'data-testid="nav-inbox"[^>]*>待办<span id="inbox-count"[^>]*>1</span>', page.text)
    notice_id = re.search(r'data-notice-id="(\d+)"', page.text).group(1)
    assert client.post(f"/inbox/{notice_id}/ack", data={}).status_code == 403  # no CSRF token
    clock.advance(hours=3)
    overdue = client.get("/inbox?lang=en")
    assert "Overdue by 1 h" in overdue.text and "Acknowledge" in overdue.text
    r = client.post(f"/inbox/{notice_id}/ack", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/inbox#n{notice_id}"
    done = client.get("/inbox?lang=en")
    assert "Acknowledged 2026-11-24 12:10" in done.text and 'data-testid="ack"' not in done.text
    assert re.search(r'id="inbox-count"[^>]*>0</span>', done.text)


def test_d2_htmx_swaps_the_list_and_updates_the_nav_count(api, ctx):
    tell(ctx, "pmc", kind="info", subject="FYI")
    client, csrf = _browser(ctx, "pmc")
    notice_id = re.search(r'data-notice-id="(\d+)"', client.get("/inbox").text).group(1)
    r = client.post(f"/inbox/{notice_id}/read", data={"csrf_token": csrf},
                    headers={"HX-Request": "true", "HX-Target": "inbox-list"})
    assert r.status_code == 200 and r.text.lstrip().startswith('<div id="inbox-list"')
    assert re.search(r'id="inbox-count"[^>]*hx-swap-oob="true">0</span>', r.text)
    other, other_csrf = _browser(ctx, "manufacturing")
    assert other.post(f"/inbox/{notice_id}/read", data={"csrf_token": other_csrf}).status_code == 404


def test_a3_an_inbox_item_about_an_urgent_order_carries_the_badge(api, ctx):
    from tests.conftest import urgent_order_payload
    order = api.post("/api/v1/orders", "sales", json=urgent_order_payload()).json()
    assert order["urgent"]
    with ctx.uow() as uow:
        notify(uow, ctx.now(), kind="release", subject="急单生产通知", order_id=order["id"],
               roles=[Role.MANUFACTURING], ctx=ctx)
        uow.commit()
    client, _ = _browser(ctx, "manufacturing")
    page = client.get("/inbox").text
    assert order["number"] in page and 'data-testid="urgent-badge"' in page


def test_d2_the_demo_fills_the_inboxes_with_a_release_an_exception_and_a_report(api, ctx):
    from jidan.services.demo.workflow import demo_notices
    from tests.conftest import urgent_order_payload
    order = api.post("/api/v1/orders", "sales", json=urgent_order_payload()).json()
    assert demo_notices(ctx, order) == 3
    [release] = api.get("/api/v1/inbox", "manufacturing").json()["items"]
    [exception] = api.get("/api/v1/inbox", "pmc").json()["items"]
    assert release["needs_ack"] and release["order"] == {"number": order["number"], "urgent": True}
    assert exception["critical"] and exception["seconds_left"] == 3600
    assert [n["kind"] for n in api.get("/api/v1/inbox", "management").json()["items"]] == ["info"]
