"""The first answer to sales through the API (A5, B2; issue 20 section 4): how long a promise and
the order page's planning panel take as the factory fills up.

    PYTHONPATH=src python benchmarks/promise_api.py make --orders 150 1000 5000 20000 --dir /tmp/promise-bench
    PYTHONPATH=src python benchmarks/promise_api.py measure --orders 150 1000 5000 20000 --dir /tmp/promise-bench

`make` loads the demo factory (150 orders through the use cases), then adds orders straight
through the repositories (same products, customers and mix of states as the demo) up to each
size, plans the approved work once and accepts it. `measure` asks, through the FastAPI app
(TestClient, the app's own Context, clock fixed at the time the database was made):
  - ``promise``: POST /api/v1/planning/promise for a saved order not in the plan (time_limit 0);
  - ``draft``: the same for an order not saved yet (customer, lines, requested date), where the
    code has it;
  - ``panel``: GET /api/v1/planning/orders/{id}, the service the order page's panel renders;
and prints the first call (which loads the plan in force) and the median and p95 of the rest.
Run it from another checkout (PYTHONPATH) on the same files to compare code side by side.
"""
from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import time
from datetime import datetime, timedelta
from pathlib import Path

STATES = (["submitted"] * 25 + ["reviewed"] * 15 + ["approved"] * 30 + ["released"] * 10
          + ["in_production"] * 10 + ["shipped"] * 5 + ["closed"] * 5)
"""The demo's mix (services/demo/factory.py): planned orders come from approving and planning."""
NOW = datetime(2026, 12, 7, 9, 0)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current


def context(path: Path, now: datetime):
    from jidan.bootstrap import build
    from jidan.config import Settings

    return build(Settings(database_url=f"sqlite:///{path}", _env_file=None), clock=Clock(now))


def make(size: int, folder: Path) -> Path:
    """The database of ``size`` orders (kept: made once per size)."""
    from jidan.adapters.db.migrate import upgrade
    from jidan.domain.model import Actor
    from jidan.domain.order import Order, OrderLine
    from jidan.domain.roles import Role
    from jidan.domain.states import OrderState
    from jidan.services import planning
    from jidan.services.demo.factory import load_demo
    from jidan.services.ports import OrderFilter

    path = folder / f"promise-{size}.db"
    if path.exists():
        return path
    base = folder / "promise-demo.db"
    if not base.exists():
        upgrade(f"sqlite:///{base}")
        ctx = context(base, NOW)
        load_demo(ctx, orders_count=150)
        ctx.engine.dispose()
    shutil.copy(base, path)
    ctx = context(path, NOW)
    rnd = random.Random(size)
    with ctx.uow() as uow:
        demo = uow.orders.list(OrderFilter(limit=100_000))[0]
        extra = max(0, size - len(demo))
        for n in range(extra):
            like = rnd.choice(demo)
            lines = []
            for ln in like.lines:
                line = OrderLine(ln.line_no, ln.product_id, ln.quantity, ln.unit_price)
                lines.append(line)
            order = Order(number=f"SO-BENCH-{n:06d}", customer_id=like.customer_id, customer_po=f"BENCH-{n:06d}",
                          order_date=NOW.date(), requested_date=NOW.date() + timedelta(days=rnd.randint(4, 60)),
                          lines=lines, created_by=like.created_by, channel=like.channel,
                          status=OrderState(rnd.choice(STATES)), created_at=NOW)
            order.priority = like.priority
            order.urgent = like.urgent
            uow.orders.add(order)
        uow.commit()
        pmc = next(u.id for u in uow.users.list() if u.username == "pmc")
    actor = Actor(pmc, "pmc", Role.PMC)
    run = planning.propose_full(ctx, actor, time_limit=1.0)
    planning.accept(ctx, actor, run["id"])
    ctx.engine.dispose()
    return path


def _stats(times: list[float]) -> dict:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]
    return {"n": len(times), "median_ms": round(1000 * statistics.median(times), 1), "p95_ms": round(1000 * p95, 1)}


def measure(path: Path, reps: int) -> dict:
    from fastapi.testclient import TestClient

    from jidan.domain.states import OrderState
    from jidan.http.app import create_app
    from jidan.services.ports import OrderFilter

    ctx = context(path, NOW)
    with ctx.uow() as uow:
        open_orders = uow.orders.list(OrderFilter(status=OrderState.SUBMITTED.value, limit=100_000))[0]
        accepted = uow.planning_runs.accepted()
        targets = [o.id for o in open_orders if o.id not in accepted.order_ids][:reps + 1]
        like = open_orders[0]
        draft = {"customer": like.customer.code, "requested_date": (NOW + timedelta(days=10)).date().isoformat(),
                 "lines": [{"product": ln.product.code, "quantity": ln.quantity} for ln in like.lines],
                 "time_limit": 0}
        planned = len(accepted.order_ids)
    client = TestClient(create_app(ctx))
    token = client.post("/api/v1/auth/token", data={"username": "pmc", "password": "demo"}).json()["access_token"]
    auth = {"Authorization": f"Bearer {token}"}
    asks = {
        "promise": lambda k: client.post("/api/v1/planning/promise", headers=auth,
                                         json={"order_id": targets[k % len(targets)], "time_limit": 0}),
        "draft": lambda k: client.post("/api/v1/planning/promise", headers=auth, json=draft),
        "panel": lambda k: client.get(f"/api/v1/planning/orders/{targets[k % len(targets)]}", headers=auth),
    }
    out = {"planned_orders": planned}
    for name, ask in asks.items():
        started = time.perf_counter()
        first = ask(0)
        cold = time.perf_counter() - started
        if first.status_code != 200:
            out[name] = {"status": first.status_code}
            continue
        times = []
        for k in range(1, reps + 1):
            started = time.perf_counter()
            r = ask(k)
            times.append(time.perf_counter() - started)
            assert r.status_code == 200, r.text
        out[name] = {"first_ms": round(1000 * cold, 1), **_stats(times)}
    ctx.engine.dispose()
    return out


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("step", choices=["make", "measure"])
    parser.add_argument("--orders", type=int, nargs="+", default=[150, 1000, 5000, 20000])
    parser.add_argument("--dir", default="/tmp/promise-bench")
    parser.add_argument("--reps", type=int, nargs="+", default=[30],
                        help="repetitions per size (one number for all, or one per size)")
    args = parser.parse_args()
    folder = Path(args.dir)
    folder.mkdir(parents=True, exist_ok=True)
    for k, size in enumerate(args.orders):
        started = time.perf_counter()
        path = make(size, folder)
        if args.step == "make":
            print(json.dumps({"orders": size, "made_s": round(time.perf_counter() - started, 1)}), flush=True)
            continue
        reps = args.reps[min(k, len(args.reps) - 1)]
        print(json.dumps({"orders": size, **measure(path, reps)}), flush=True)


if __name__ == "__main__":
    main()
