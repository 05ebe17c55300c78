"""The worker delivers the outbox to real receivers: SMTP, a signed webhook, group robots (D2, E6)."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta

import pytest

from jidan.adapters.notify import senders_from_settings
from jidan.domain.roles import Role
from jidan.domain.delivery import DeliveryPolicy
from jidan.services.notices import outbox
from jidan.services.notices.notify import notify
from jidan.worker import Worker
from tests.conftest import make_ctx
from tests.delivery_receivers import Receiver, SmtpServer
from tests.support import seed


@pytest.fixture
def smtp():
    with SmtpServer() as server:
        yield server


@pytest.fixture
def receiver():
    with Receiver() as r:
        yield r


def wire(ctx, smtp, receiver, **over):
    """Points the context's settings at the local receivers; returns the senders."""
    settings = {"smtp_host": "127.0.0.1", "smtp_port": smtp.port,
                "webhook_url": f"{receiver.url}/hook", "webhook_secret": receiver.secret,
                "wecom_robot_url": f"{receiver.url}/wecom?key=abc",
                "dingtalk_robot_url": f"{receiver.url}/dingtalk?access_token=abc",
                "dingtalk_secret": receiver.dingtalk_secret}
    settings.update(over)
    ctx.settings = ctx.settings.model_copy(update=settings)
    ctx.delivery = DeliveryPolicy.from_settings(ctx.settings)
    return senders_from_settings(ctx.settings)


def release_notice(ctx, critical=False, **kw):
    with ctx.uow() as uow:
        event = notify(uow, ctx.now(), kind="release", subject="急单生产通知 SO-0042",
                       body="SCB-200 × 300，交期 12-01", roles=[Role.MANUFACTURING, Role.PMC],
                       needs_ack=True, ack_hours=2, critical=critical, ctx=ctx, **kw)
        uow.commit()
    return event


def test_d2_a_release_notice_reaches_smtp_webhook_and_both_robots(ctx, actors, smtp, receiver):
    senders = wire(ctx, smtp, receiver)
    event = release_notice(ctx)
    done = outbox.drain_all(ctx, senders)
    assert (done.sent, done.failed) == (5, 0)  # 2 e-mails, webhook, WeCom, DingTalk
    for who in ("manufacturing", "pmc"):
        [msg] = smtp.mailbox.to(f"{who}@example.com")
        assert msg["Subject"] == "急单生产通知 SO-0042" and msg["X-Jidan-Event"] == event
        assert "2026-11-24 11:10" in msg.get_content()
    assert list(receiver.accepted) == [event] and receiver.bad_signatures == 0
    assert receiver.accepted[event]["kind"] == "release"
    [wecom] = receiver.robot_messages["/wecom"]
    [ding] = receiver.robot_messages["/dingtalk"]
    assert wecom["msgtype"] == "text" and "急单生产通知" in wecom["text"]["content"]
    assert ding["msgtype"] == "text" and ding["at"] == {"isAtAll": False}
    assert outbox.drain_all(ctx, senders).sent == 0  # nothing is sent twice


def test_d2_webhook_retries_after_a_500_with_backoff_and_keeps_its_signature(ctx, actors, smtp, receiver):
    senders = wire(ctx, smtp, receiver, wecom_robot_url=None, dingtalk_robot_url=None)
    receiver.fail = 1
    event = release_notice(ctx)
    first = outbox.drain_all(ctx, senders)
    assert (first.sent, first.retried) == (2, 1) and receiver.accepted == {}
    with ctx.uow() as uow:
        [hook] = [r for r in uow.outbox.for_event(event) if r.channel == "webhook"]
    assert hook.status == "pending" and hook.attempts == 1 and "500" in hook.last_error
    assert hook.next_attempt_at == ctx.now() + timedelta(seconds=30)
    ctx.clock.advance(seconds=29)
    assert outbox.drain_all(ctx, senders).sent == 0
    ctx.clock.advance(seconds=1)
    assert outbox.drain_all(ctx, senders).sent == 1
    assert list(receiver.accepted) == [event] and receiver.bad_signatures == 0
    hooks = [h for h in receiver.hits if h["path"] == "/hook"]
    assert len(hooks) == 2 and {h["headers"]["X-Jidan-Event"] for h in hooks} == {event}


def test_d2_a_wrong_secret_is_refused_by_the_receiver_and_retried(ctx, actors, smtp, receiver):
    senders = wire(ctx, smtp, receiver, webhook_secret="wrong", wecom_robot_url=None,
                   dingtalk_robot_url=None)
    release_notice(ctx)
    assert outbox.drain_all(ctx, senders).retried == 1
    assert receiver.bad_signatures == 1 and receiver.accepted == {}


def test_d2_delivery_is_given_up_after_the_last_attempt_and_audited(ctx, actors, smtp, receiver):
    senders = wire(ctx, smtp, receiver, delivery_max_attempts=3, wecom_robot_url=None)
    receiver.robot_errcode = 310000  # DingTalk keeps refusing
    event = release_notice(ctx, critical=True)
    for _ in range(3):
        outbox.drain_all(ctx, senders)
        ctx.clock.advance(hours=1)
    with ctx.uow() as uow:
        [ding] = [r for r in uow.outbox.for_event(event) if r.channel == "dingtalk"]
        trail = uow.audit.for_entity("delivery", ding.id)
    assert ding.status == "failed" and ding.attempts == 3 and "310000" in ding.last_error
    assert [e.action for e in trail] == ["give_up"]
    assert outbox.drain_all(ctx, senders).sent == 0


def test_e6_quiet_hours_hold_a_notice_until_eight_but_not_a_critical_one(ctx, actors, smtp, receiver, clock):
    senders = wire(ctx, smtp, receiver, webhook_url=None, wecom_robot_url=None, dingtalk_robot_url=None)
    clock.current = datetime(2026, 11, 24, 22, 30)
    held = release_notice(ctx)
    loud = release_notice(ctx, critical=True)
    assert outbox.drain_all(ctx, senders).sent == 2  # the critical one, to both recipients
    assert {m["X-Jidan-Event"] for _, m in smtp.mailbox.messages} == {loud}
    clock.current = datetime(2026, 11, 25, 7, 59)
    assert outbox.drain_all(ctx, senders).sent == 0
    clock.current = datetime(2026, 11, 25, 8, 0)
    assert outbox.drain_all(ctx, senders).sent == 2
    assert [m["X-Jidan-Event"] for _, m in smtp.mailbox.messages].count(held) == 2
    with ctx.uow() as uow:
        assert uow.notices.for_events([held])  # the in-app notice was there all night


def test_d2_a_worker_killed_mid_delivery_is_replaced_after_its_lease_once_per_receiver(ctx, actors, smtp, receiver, clock):
    senders = wire(ctx, smtp, receiver)
    event = release_notice(ctx)
    abandoned = outbox.claim(ctx, "dead-worker:1", batch=50)  # claimed, then the process died
    assert len(abandoned) == 5
    assert outbox.drain_all(ctx, senders, "new-worker:2").sent == 0  # still leased
    clock.advance(seconds=ctx.settings.delivery_lease_seconds + 1)
    assert outbox.drain_all(ctx, senders, "new-worker:2").sent == 5
    assert len(smtp.mailbox.to("manufacturing@example.com")) == 1
    assert len(smtp.mailbox.to("pmc@example.com")) == 1
    assert len([h for h in receiver.hits if h["path"] == "/hook"]) == 1
    assert len(receiver.robot_messages["/wecom"]) == len(receiver.robot_messages["/dingtalk"]) == 1
    with ctx.uow() as uow:
        rows = uow.outbox.for_event(event)
    assert {r.status for r in rows} == {"sent"} and {r.claimed_by for r in rows} == {None}


def test_d2_two_workers_draining_at_once_send_each_delivery_once(database_url, clock, smtp, receiver):
    first = make_ctx(database_url, clock)
    seed(first)
    second = make_ctx(database_url, clock)
    senders = [wire(c, smtp, receiver, webhook_url=None, wecom_robot_url=None,
                    dingtalk_robot_url=None) for c in (first, second)]
    with first.uow() as uow:
        for i in range(30):
            notify(uow, clock.now(), kind="release", subject=f"通知 {i}", roles=[Role.PMC], ctx=first)
        uow.commit()
    results = {}

    def run(i):
        results[i] = outbox.drain_all((first, second)[i], senders[i], f"w{i}")

    threads = [threading.Thread(target=run, args=(i,)) for i in (0, 1)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        assert results[0].sent + results[1].sent == 30
        subjects = [m["Subject"] for m in smtp.mailbox.to("pmc@example.com")]
        assert sorted(subjects) == sorted(f"通知 {i}" for i in range(30))
    finally:
        first.engine.dispose()
        second.engine.dispose()


def test_d2_worker_tick_sends_and_fires_in_one_pass(ctx, actors, smtp, receiver, clock):
    senders = wire(ctx, smtp, receiver, webhook_url=None, wecom_robot_url=None, dingtalk_robot_url=None)
    worker = Worker(ctx, senders, name="w-test", poll_seconds=0.01)
    release_notice(ctx)
    assert worker.tick() == {"sent": 2, "retried": 0, "failed": 0, "lost": 0, "timers": 0}
    clock.advance(hours=2)
    got = worker.tick()  # the acknowledgement deadline passed: escalated and e-mailed at once
    assert got["timers"] == 1 and got["sent"] == 1
    [escalation] = smtp.mailbox.to("management@example.com")
    assert escalation["Subject"] == "【升级 L1】急单生产通知 SO-0042"
    assert worker.tick() == {"sent": 0, "retried": 0, "failed": 0, "lost": 0, "timers": 0}


def test_d2_the_running_worker_delivers_on_its_own_and_stops_when_told(ctx, actors, smtp, receiver):
    import time
    senders = wire(ctx, smtp, receiver, webhook_url=None, wecom_robot_url=None, dingtalk_robot_url=None)
    worker = Worker(ctx, senders, name="w-loop", poll_seconds=0.05)
    thread = threading.Thread(target=worker.run)
    thread.start()
    try:
        release_notice(ctx)
        deadline = time.monotonic() + 20
        while len(smtp.mailbox.messages) < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        worker.stop.set()
        thread.join(20)
    assert not thread.is_alive() and len(smtp.mailbox.messages) == 2
