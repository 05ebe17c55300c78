"""The inbox through the API and the web page: own notices only, acknowledge, read, what answers a
notice, grouped by order with counts and pages (D2, E6, issue 20 §3)."""
from __future__ import annotations

import pathlib
import re

from fastapi.testclient import TestClient

from jidan.http.app import create_app
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.services.notices import timers
from jidan.services.notices.answers import ANSWERED_BY, acts_for, answer
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


# --- what answers a notice (issue 20 §3: D2, E6, B6) -----------------------------------------

def test_d2_every_kind_of_notice_a_feature_sends_names_the_acts_that_answer_it():
    source = pathlib.Path(__file__).parents[2] / "src" / "jidan" / "services"
    sent = set()
    for path in source.rglob("*.py"):
        for call in re.finditer(r"notify\((.*?)\)\n", path.read_text(encoding="utf-8"), re.DOTALL):
            sent.update(re.findall(r'kind="([^"]+)"', call.group(1)))
    sent |= {"release", "rework"}  # production_notice.notify_groups(…, kind)
    assert sent and sent - {"escalation"} <= set(ANSWERED_BY), sorted(sent - set(ANSWERED_BY))
    assert acts_for("release", True) == "acknowledge start"
    assert acts_for("plan.slipped", False) == "read" and acts_for("plan.slipped", True) == "acknowledge"
    assert acts_for("a.kind.nobody.listed", False) == "read"
    assert acts_for("approval.approved", False) == "plan release"  # sales' copy: no acknowledgement


def _order(api, po: str = "HD-1") -> dict:
    from tests.conftest import urgent_order_payload
    r = api.post("/api/v1/orders", "sales", json=urgent_order_payload(customer_po=po))
    assert r.status_code == 201, r.text
    return r.json()


def test_d2_the_act_answers_a_notice_for_every_recipient_and_stops_its_escalation(api, ctx, clock):
    order = _order(api)
    with ctx.uow() as uow:
        ids = [uow.users.by_username(u).id for u in ("pmc", "sales")]
        event = notify(uow, ctx.now(), kind="exception", subject="SMT2 停机", order_id=order["id"],
                       ref="exception:7", users=ids, needs_ack=True, ack_hours=1, ctx=ctx)
        other = notify(uow, ctx.now(), kind="exception", subject="ASM1 停机", order_id=order["id"],
                       ref="exception:8", users=ids, needs_ack=True, ack_hours=1, ctx=ctx)
        uow.commit()
    [waiting] = [n for n in api.get("/api/v1/inbox", "pmc").json()["items"] if n["ref"] == "exception:7"]
    assert waiting["open"] and waiting["answered_by_act"] == ["acknowledge", "replan", "apply"]
    clock.advance(minutes=20)
    with ctx.uow() as uow:
        actor = uow.users.by_username("pmc")
        by = Actor(actor.id, actor.username, Role.PMC)
        assert answer(uow, ctx, ref="exception:7", act="inform_customer", actor=by) == 0  # not its act
        assert answer(uow, ctx, ref="exception:7", act="replan", actor=by) == 1
        assert timers.pending(uow, ACK_OVERDUE, f"event:{event}") == []
        assert len(timers.pending(uow, ACK_OVERDUE, f"event:{other}")) == 1
        uow.commit()
    for user in ("pmc", "sales"):
        [done] = [n for n in api.get("/api/v1/inbox", user).json()["items"] if n["ref"] == "exception:7"]
        assert not done["open"] and done["answered_at"] == "2026-11-24T09:30:00" and done["answered_by"] == "pmc"
        assert done["acknowledged_at"] is None
    clock.advance(hours=2)
    timers.fire_due(ctx)
    with ctx.uow() as uow:
        escalated = [n.escalated_from for n in uow.notices.for_order(order["id"]) if n.kind == "escalation"]
        [answered] = [e for e in uow.audit.all() if e["entity"] == "notice_event" and e["action"] == "answer"]
    assert escalated and set(escalated) == {other}  # only the unanswered one climbed
    assert (answered["entity_id"], answered["actor"], answered["new"]["act"]) == (event, "pmc", "replan")


def test_d2_finishing_or_cancelling_the_order_answers_everything_about_it(api, ctx):
    order = _order(api)
    with ctx.uow() as uow:
        notify(uow, ctx.now(), kind="plan.slipped", subject="延后", order_id=order["id"], roles=[Role.MANAGEMENT], ctx=ctx)
        notify(uow, ctx.now(), kind="release", subject="生产通知", order_id=order["id"], roles=[Role.MANAGEMENT],
               needs_ack=True, ctx=ctx)
        uow.commit()
    assert api.get("/api/v1/inbox", "management").json()["open"] == 2
    r = api.act(order["id"], "cancel", "sales", reason="客户取消")
    assert r.status_code == 200, r.text
    body = api.get("/api/v1/inbox", "management").json()
    assert body["open"] == 0 and body["groups"] == [] and body["counts"] == {}
    assert all(n["answered_by"] == "sales" for n in body["items"])


def test_e6_acknowledging_an_escalation_answers_the_notice_it_was_raised_for(api, ctx, clock):
    order = _order(api)
    event = tell(ctx, "manufacturing", order_id=order["id"], ref=f"production_notice:{order['id']}:TST",
                 needs_ack=True, ack_hours=0.5)
    clock.advance(minutes=31)
    assert timers.fire_due(ctx) == 1
    [up] = [n for n in api.get("/api/v1/inbox", "pmc").json()["items"] if n["kind"] == "escalation"]
    assert up["escalation_level"] == 1 and up["answered_by_act"] == ["acknowledge", "start"]
    r = api.post(f"/api/v1/inbox/{up['id']}/ack", "pmc")
    assert r.status_code == 200 and not r.json()["open"], r.text
    [origin] = api.get("/api/v1/inbox", "manufacturing").json()["items"]
    assert not origin["open"] and origin["acknowledged_at"] is None and origin["answered_by"] == "pmc"
    clock.advance(hours=8)
    timers.fire_due(ctx)
    assert [n["kind"] for n in api.get("/api/v1/inbox", "management").json()["items"]] == []  # no level 2
    with ctx.uow() as uow:
        answered = {e["entity_id"] for e in uow.audit.all() if e["entity"] == "notice_event" and e["action"] == "answer"}
    assert event in answered and up["event_id"] in answered


def test_d2_the_inbox_groups_by_order_newest_first_counts_per_kind_and_pages(api, ctx, clock):
    first, second = _order(api, "HD-1"), _order(api, "HD-2")
    tell(ctx, "pmc", kind="plan.slipped", subject="一", order_id=first["id"])
    clock.advance(minutes=5)
    tell(ctx, "pmc", kind="exception", subject="二", order_id=second["id"], needs_ack=True)
    clock.advance(minutes=5)
    tell(ctx, "pmc", kind="plan.slipped", subject="三", order_id=first["id"])
    clock.advance(minutes=5)
    tell(ctx, "pmc", kind="info", subject="四")
    body = api.get("/api/v1/inbox?per_page=2", "pmc").json()
    assert body["open"] == 4 and body["counts"] == {"plan.slipped": 2, "exception": 1, "info": 1}
    assert (body["page"], body["pages"], body["per_page"], body["order_groups"]) == (1, 2, 2, 3)
    assert [(g["order_id"], [n["subject"] for n in g["items"]]) for g in body["groups"]] == [
        (None, ["四"]), (first["id"], ["三", "一"])]
    assert body["groups"][1]["order"] == {"number": first["number"], "urgent": True}
    later = api.get("/api/v1/inbox?per_page=2&page=2", "pmc").json()
    assert [(g["order_id"], g["count"]) for g in later["groups"]] == [(second["id"], 1)]
    assert api.get("/api/v1/inbox?page=0", "pmc").status_code == 422
    assert api.get("/api/v1/inbox?per_page=1000", "pmc").status_code == 422
    client, _ = _browser(ctx, "pmc")
    page = client.get("/inbox").text
    groups = re.findall(r'data-testid="inbox-group" data-order-id="(\d*)"', page)
    assert groups == ["", str(first["id"]), str(second["id"])]
    assert 'data-testid="inbox-counts"' in page and "待办：确认收到 / 重排计划 / 书面申请总经办" in page
    en = client.get("/inbox?lang=en&page=1").text
    assert "Waits for: acknowledge / re-plan / apply to management" in en
