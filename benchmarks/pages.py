"""The pages that grow with the factory (issue 24): the order list, the approvals, the planning
board and one order's page, timed at 150, 5,000 and 20,000 orders.

The demo factory (150 orders, its plan accepted) is made once and kept (``--base``, it takes
minutes); each size copies it and adds orders straight into the tables (tests/bulk.py), the
planned ones into the plan in force. Each page is asked by a logged-in TestClient: once to warm
(the plan in force is loaded once per plan and change, as a running server keeps it), then
``--repeat`` times; the median is reported (wall time, and the process's CPU time, which
other load on the machine changes less), with the SQL statements and the HTML size.

    python benchmarks/pages.py                       # 150, 5000 and 20000 orders
    python benchmarks/pages.py --sizes 150 5000 --repeat 3
"""
from __future__ import annotations

import argparse
import re
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import event, select

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from jidan.adapters.db import tables as t  # noqa: E402
from jidan.adapters.db.migrate import upgrade  # noqa: E402
from jidan.bootstrap import build  # noqa: E402
from jidan.config import Settings  # noqa: E402
from jidan.services.demo.factory import PASSWORD, load_demo  # noqa: E402
from tests.bulk import add_orders  # noqa: E402

PAGES = {
    "orders": "/orders",
    "orders sorted, filtered": "/orders?sort=-requested_date&status=submitted&due_from=2026-01-01",
    "approvals": "/approvals",
    "planning board": "/planning",
    "order": "/orders/{order}",
    "order's plan panel": "/planning/orders/{order}/panel",
}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[150, 5000, 20000])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--base", default=str(Path(tempfile.gettempdir()) / "jidan-bench-base.db"),
                        help="the demo database with 150 orders, made when missing")
    args = parser.parse_args()
    base = Path(args.base)
    if not base.exists():
        url = f"sqlite:///{base}"
        upgrade(url)
        ctx = build(Settings(database_url=url, _env_file=None))
        load_demo(ctx, orders_count=150)
        ctx.engine.dispose()
    upgrade(f"sqlite:///{base}")
    print("| orders | page | median ms | CPU ms | SQL statements | HTML KB |\n|---:|---|---:|---:|---:|---:|")
    for size in args.sizes:
        with tempfile.TemporaryDirectory(prefix="jidan-pages-") as folder:
            db = Path(folder) / "pages.db"
            shutil.copy(base, db)
            for row in measure(f"sqlite:///{db}", size, args.repeat):
                print("| {orders:,} | {page} | {ms:.0f} | {cpu:.0f} | {queries} | {kb:.0f} |".format(**row), flush=True)


def measure(url: str, size: int, repeat: int) -> list[dict]:
    from fastapi.testclient import TestClient

    from jidan.http.app import create_app

    ctx = build(Settings(database_url=url, _env_file=None))
    with ctx.engine.connect() as db:
        have = db.scalar(select(t.orders.c.id).order_by(t.orders.c.id.desc()).limit(1))
    if size > have:
        add_orders(ctx.engine, size - have, ctx.now())
    with ctx.engine.connect() as db:  # an order in the plan in force, as a planner opens it
        planned = db.scalar(select(t.orders.c.id).where(t.orders.c.status == "planned")
                            .order_by(t.orders.c.id.desc()).limit(1))
    statements = [0]
    event.listen(ctx.engine, "before_cursor_execute", lambda *a: statements.__setitem__(0, statements[0] + 1))
    client = TestClient(create_app(ctx))
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)
    client.post("/login", data={"username": "pmc", "password": PASSWORD, "csrf_token": token})
    rows = []
    for name, path in PAGES.items():
        path = path.format(order=planned)
        assert client.get(path).status_code == 200, path  # warm
        times, cpu = [], []
        for _ in range(repeat):
            statements[0] = 0
            started, used = time.perf_counter(), time.process_time()
            response = client.get(path)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - used) * 1000)
            assert response.status_code == 200, path
        rows.append({"orders": size, "page": name, "ms": statistics.median(times), "cpu": statistics.median(cpu),
                     "queries": statements[0],
                     "kb": len(response.content) / 1024})
    ctx.engine.dispose()
    return rows


if __name__ == "__main__":
    main()
