"""SLA timers (issue 5 §4): rows that fire once when due, survive restarts, never fire twice."""
from __future__ import annotations

import threading
from datetime import timedelta

import pytest

from jidan.services.notices import timers
from jidan.services.notices.notify import notify
from tests.conftest import make_ctx

CALLS: list[tuple[int, str]] = []


def remember(uow, ctx, timer):
    """A test handler with a visible effect in the same transaction: a notice to admin."""
    CALLS.append((timer.id, threading.current_thread().name))
    admin = uow.users.by_username("admin")
    notify(uow, ctx.now(), kind="test", subject=f"timer {timer.ref}", users=[admin.id],
           ref=timer.ref, ctx=ctx)


def explode(uow, ctx, timer):
    raise RuntimeError("handler broke")


@pytest.fixture(autouse=True)
def test_handlers(monkeypatch):
    CALLS.clear()
    monkeypatch.setitem(timers.HANDLERS, "test.remember", remember)
    monkeypatch.setitem(timers.HANDLERS, "test.explode", explode)


def schedule(ctx, kind, ref, after):
    with ctx.uow() as uow:
        timer_id = timers.schedule(uow, ctx.now(), kind=kind, ref=ref, due_at=ctx.now() + after,
                                   payload={"n": 1})
        uow.commit()
    return timer_id


def notices_with_ref(ctx, ref):
    with ctx.uow() as uow:
        admin = uow.users.by_username("admin")
        return [n for n in uow.notices.for_recipient(admin.id) if n.ref == ref]


def test_n1_a_timer_fires_once_when_due_and_not_before(ctx, actors, clock):
    timer_id = schedule(ctx, "test.remember", "drawing:1", timedelta(hours=2))
    assert timers.fire_due(ctx) == 0
    clock.advance(hours=2)
    assert timers.fire_due(ctx) == 1
    assert timers.fire_due(ctx) == 0
    assert [c[0] for c in CALLS] == [timer_id]
    assert len(notices_with_ref(ctx, "drawing:1")) == 1
    with ctx.uow() as uow:
        row = uow.timers.get(timer_id)
    assert row.status == "fired" and row.fired_at == clock.now() and row.payload == {"n": 1}


def test_a_cancelled_timer_never_fires(ctx, actors, clock):
    schedule(ctx, "test.remember", "step:7", timedelta(minutes=30))
    with ctx.uow() as uow:
        assert timers.cancel(uow, "test.remember", "step:7") == 1
        uow.commit()
    clock.advance(hours=1)
    assert timers.fire_due(ctx) == 0 and CALLS == []


def test_an_unknown_timer_kind_is_refused_when_scheduled(ctx, actors):
    with ctx.uow() as uow, pytest.raises(ValueError):
        timers.schedule(uow, ctx.now(), kind="no.such.kind", ref="x", due_at=ctx.now())


def test_a_failing_handler_is_retried_with_backoff_then_given_up(ctx, actors, clock):
    timer_id = schedule(ctx, "test.explode", "x:1", timedelta(0))
    waits = []
    for _ in range(timers.MAX_ATTEMPTS):
        assert timers.fire_due(ctx) == 0
        with ctx.uow() as uow:
            row = uow.timers.get(timer_id)
        waits.append(row.due_at - clock.now())
        clock.advance(hours=2)
    assert row.status == "failed" and row.attempts == timers.MAX_ATTEMPTS
    assert "handler broke" in row.last_error
    assert waits[:3] == [timedelta(minutes=1), timedelta(minutes=2), timedelta(minutes=4)]


def test_a_restarted_worker_loses_no_timer(database_url, clock):
    first = make_ctx(database_url, clock)
    from tests.support import seed
    seed(first)
    schedule(first, "test.remember", "order:9", timedelta(hours=1))
    first.engine.dispose()  # the worker process ends
    clock.advance(hours=1)
    second = make_ctx(database_url, clock)
    try:
        assert timers.fire_due(second) == 1
        assert len(notices_with_ref(second, "order:9")) == 1
    finally:
        second.engine.dispose()


def test_two_workers_never_fire_one_timer_twice(database_url, clock):
    workers = [make_ctx(database_url, clock), make_ctx(database_url, clock)]
    from tests.support import seed
    seed(workers[0])
    for i in range(40):
        schedule(workers[0], "test.remember", f"race:{i}", timedelta(minutes=i % 5))
    clock.advance(hours=1)
    counts = {}

    def run(ctx, name):
        counts[name] = timers.fire_due(ctx)

    threads = [threading.Thread(target=run, args=(w, f"w{i}"), name=f"w{i}")
               for i, w in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    try:
        assert sum(counts.values()) == 40
        assert sorted(c[0] for c in CALLS) == sorted(set(c[0] for c in CALLS))
        with workers[0].uow() as uow:
            admin = uow.users.by_username("admin")
            refs = [n.ref for n in uow.notices.for_recipient(admin.id)]
        assert sorted(refs) == sorted(f"race:{i}" for i in range(40))
    finally:
        for w in workers:
            w.engine.dispose()
