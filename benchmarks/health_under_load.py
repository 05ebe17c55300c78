"""`/health` and an order page while 8 promises (or planning runs) of the largest allowed order run
(issue 21): a real server on a demo SQLite database, the planning calls from 8 threads at once,
`/health` and the order page asked again and again until they have all answered.

    python benchmarks/health_under_load.py                    # 8 promises, time_limit 10
    python benchmarks/health_under_load.py --kind insert      # 8 insertions of it into the plan
    python benchmarks/health_under_load.py --kind full        # 8 full plans of the demo's orders
    python benchmarks/health_under_load.py --calls 8 --time-limit 30 --port 18431

The largest allowed order is the largest quantity the API takes (it is bisected when the API
refuses the planner's own bound) that the planner still plans: every step at most `MAX_LOTS`
shifts of work. Target: `/health` and the order page under 100 ms at p95 while the calls run.
"""
from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, timedelta
from pathlib import Path

import httpx

from jidan.adapters.db.migrate import upgrade
from jidan.bootstrap import build, parse_shifts
from jidan.config import Settings
from jidan.services.demo.factory import PASSWORD, load_demo
from jidan.services.planning.plant import MAX_LOTS

SRC = Path(__file__).resolve().parents[1] / "src"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=("promise", "insert", "full"), default="promise")
    parser.add_argument("--calls", type=int, default=8)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--orders", type=int, default=60, help="demo orders in the plan in force")
    parser.add_argument("--port", type=int, default=18431)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jidan-bench-") as folder:
        url = f"sqlite:///{folder}/bench.db"
        upgrade(url)
        settings = Settings(database_url=url, _env_file=None)
        ctx = build(settings)
        load_demo(ctx, orders_count=args.orders)
        ctx.engine.dispose()
        server = serve(url, args.port)
        try:
            run(args, f"http://127.0.0.1:{args.port}", min(e - s for s, e in parse_shifts(settings.shifts)))
        finally:
            server.terminate()
            server.wait(10)


def serve(url: str, port: int) -> subprocess.Popen:
    env = {**os.environ, "JIDAN_DATABASE_URL": url, "PYTHONPATH": str(SRC)}
    server = subprocess.Popen([sys.executable, "-m", "jidan.cli", "serve", "--port", str(port)], env=env,
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            if httpx.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return server
        except httpx.TransportError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("the server did not start")


def run(args, base: str, shift: int) -> None:
    api = httpx.Client(base_url=base, timeout=300)
    token = api.post("/api/v1/auth/token", data={"username": "sales", "password": PASSWORD}).json()["access_token"]
    api.headers["Authorization"] = f"Bearer {token}"
    pmc = api.post("/api/v1/auth/token", data={"username": "pmc", "password": PASSWORD}).json()["access_token"]
    web = httpx.Client(base_url=base, timeout=300)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', web.get("/login").text).group(1)  # as a browser does
    assert web.post("/login", data={"username": "sales", "password": PASSWORD,
                                    "csrf_token": csrf}).status_code in (200, 303)
    order_id, quantity, product = largest_order(api, shift)
    print(f"order {order_id}: {quantity:,} × {product}; {args.calls} {args.kind} calls, time_limit {args.time_limit}")

    answers: list[tuple[int, float, str]] = []

    def call() -> None:
        client = httpx.Client(base_url=base, timeout=300)
        started = time.perf_counter()
        if args.kind == "promise":
            r = client.post("/api/v1/planning/promise", json={"order_id": order_id, "time_limit": args.time_limit},
                            headers={"Authorization": f"Bearer {token}"})
        else:  # a full plan of the demo's orders, or the order inserted into the plan in force
            r = client.post("/api/v1/planning/runs", json={"kind": args.kind, "time_limit": args.time_limit,
                                                           "order_id": order_id if args.kind == "insert" else None},
                            headers={"Authorization": f"Bearer {pmc}"})
        code = r.json().get("code", "") if r.is_error and "json" in r.headers.get("content-type", "") else ""
        answers.append((r.status_code, time.perf_counter() - started, code))

    threads = [threading.Thread(target=call) for _ in range(args.calls)]
    for t in threads:
        t.start()
    health, page = [], []
    while any(t.is_alive() for t in threads) or len(health) < 20:  # with no calls: the idle server
        health.append(timed(lambda: web.get("/health")))
        page.append(timed(lambda: web.get(f"/orders/{order_id}")))
        time.sleep(0.05)
    for t in threads:
        t.join()
    for name, probes in (("/health", health), (f"/orders/{order_id}", page)):
        times = sorted(seconds for seconds, _ in probes)
        failed = sum(status != 200 for _, status in probes)
        print(f"{name}: {len(times)} requests, p50 {1000 * statistics.median(times):.0f} ms, "
              f"p95 {1000 * times[int(0.95 * (len(times) - 1))]:.0f} ms, max {1000 * times[-1]:.0f} ms"
              + (f", {failed} not 200" if failed else ""))
    for status in sorted({a[0] for a in answers}):
        took = sorted(a[1] for a in answers if a[0] == status)
        codes = sorted({a[2] for a in answers if a[0] == status and a[2]})
        print(f"{args.kind} {status}{' ' + ','.join(codes) if codes else ''}: {len(took)} calls, "
              f"{took[0]:.1f}–{took[-1]:.1f} s")


def timed(request) -> tuple[float, int]:
    started = time.perf_counter()
    status = request().status_code
    return time.perf_counter() - started, status


def largest_order(api: httpx.Client, shift: int) -> tuple[int, int, str]:
    """The largest order of a routed product the API takes and the planner plans: the planner's
    bound (every step at most `MAX_LOTS` shifts), bisected down while the API refuses it."""
    product = next(p for p in api.get("/api/v1/products").json() if p.get("routing"))
    steps = product["routing"]
    most = min(int((MAX_LOTS * shift - int(s.get("setup_minutes") or 0)) / float(s["minutes_per_unit"]))
               for s in steps if float(s["minutes_per_unit"]) > 0)
    customer = api.get("/api/v1/customers").json()[0]["code"]
    due = (date.today() + timedelta(days=60)).isoformat()
    accepted, refused_above, quantity, made = 0, most, most, None
    while True:
        r = api.post("/api/v1/orders", json={"customer": customer, "customer_po": f"BENCH-{quantity}",
                                             "requested_date": due, "channel": "phone",
                                             "lines": [{"product": product["code"], "quantity": quantity}]})
        if r.status_code == 201:
            accepted, made = quantity, r.json()["id"]
        elif r.status_code == 422:
            refused_above = quantity - 1
        else:
            raise SystemExit(f"entering the order answered {r.status_code}: {r.text}")
        if accepted >= refused_above:
            break
        quantity = (accepted + refused_above + 1) // 2
    if made is None:
        raise SystemExit("no order of that product is accepted")
    return made, accepted, product["code"]


if __name__ == "__main__":
    main()
