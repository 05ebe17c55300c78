"""The `jidan` command: serve, demo, migrate, import, audit, users, solve, insert."""
from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.progress import Progress
from rich.table import Table

from jidan.config import get_settings
from jidan.domain import errors

app = typer.Typer(help="jidan 急单 — urgent orders end to end.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.")
users_app = typer.Typer(help="Users and roles.")
app.add_typer(audit_app, name="audit")
app.add_typer(users_app, name="users")
console = Console()


def _ctx():
    from jidan.bootstrap import build
    return build()


def _fail(exc: errors.JidanError) -> None:
    console.print(f"[red]{exc.code}[/red]: {exc.detail}")
    for field, code in exc.fields.items():
        console.print(f"  {field}: {code}")
    raise typer.Exit(2)


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema (Alembic)."""
    from jidan.adapters.db.migrate import upgrade
    upgrade(get_settings().database_url)
    console.print("database is up to date")


@app.command()
def demo(if_empty: Annotated[bool, typer.Option("--if-empty", help="Skip when users exist.")] = False,
         orders: int = 150, seed: int = 7) -> None:
    """Load the demo factory: users for every role (password demo), plant, products, orders."""
    from jidan.services.demo.factory import PASSWORD, USERS, load_demo
    ctx = _ctx()
    with ctx.uow() as uow:
        if uow.users.list():
            if if_empty:
                console.print("demo data already loaded")
                return
            console.print("[red]the database is not empty[/red]")
            raise typer.Exit(1)
    with Progress(console=console) as progress:
        tasks: dict[str, int] = {}

        def tick(what: str, done: int, total: int) -> None:
            if what not in tasks:
                tasks[what] = progress.add_task(what, total=total)
            progress.update(tasks[what], completed=done)

        made = load_demo(ctx, seed=seed, orders_count=orders, progress=tick)
    table = Table(title=f"demo users (password: {PASSWORD})")
    table.add_column("username")
    table.add_column("name")
    table.add_column("role")
    for username, name, role in USERS:
        table.add_row(username, name, role.value)
    console.print(table)
    console.print(made)


@app.command()
def serve(host: str = "127.0.0.1", port: int = 8000) -> None:
    """Serve the web UI and the API (OpenAPI at /docs)."""
    import uvicorn
    from jidan.http.app import create_app
    uvicorn.run(create_app(_ctx()), host=host, port=port)


@app.command("import")
def import_file(file: Path, user: Annotated[str, typer.Option(help="Who enters the orders.")] = "sales") -> None:
    """Import orders from .xlsx or .csv: all rows or none."""
    from jidan.domain.model import Actor
    from jidan.services.orders.importing import import_orders
    ctx = _ctx()
    with ctx.uow() as uow:
        found = uow.users.by_username(user)
        if found is None:
            console.print(f"[red]unknown user {user}[/red]")
            raise typer.Exit(2)
        actor = Actor(found.id, found.username, found.role)
    with Progress(console=console) as progress:
        task = progress.add_task(f"importing {file.name}", total=None)
        try:
            report = import_orders(ctx, actor, file.name, file.read_bytes(),
                                   lambda done, total: progress.update(task, completed=done, total=total))
        except errors.JidanError as exc:
            progress.stop()
            _fail(exc)
    console.print(report)


@audit_app.command("verify")
def audit_verify() -> None:
    """Walk the hash chain; exit 1 if any event was edited or deleted."""
    from jidan.services.audit import verify
    count, problems = verify(_ctx())
    for problem in problems:
        console.print(f"[red]{problem}[/red]")
    if problems:
        console.print(f"[red]audit chain broken[/red] ({count} events checked)")
        raise typer.Exit(1)
    console.print(f"audit chain intact: {count} events")


@users_app.command("add")
def users_add(username: str, role: str, password: Annotated[str, typer.Option(prompt=True, hide_input=True)],
              name: str = "", email: Optional[str] = None) -> None:
    """Add a user with a role (one of the 14 roles)."""
    from jidan.services.auth import add_user
    try:
        view = add_user(_ctx(), None, username, name, role, password, email)
    except errors.JidanError as exc:
        _fail(exc)
    console.print(f"added {view['username']} ({view['role']})")


@users_app.command("list")
def users_list() -> None:
    """List users and their roles."""
    ctx = _ctx()
    with ctx.uow() as uow:
        for u in uow.users.list():
            console.print(f"{u.username:20} {u.role.value:18} {u.display_name}")


@app.command()
def solve(problem: Path,
          objective: Annotated[str, typer.Option(help="makespan | weighted-tardiness")] = "weighted-tardiness",
          time_limit: Annotated[float, typer.Option(help="Seconds; 0 gives the greedy schedule.")] = 10.0,
          out: Annotated[Path, typer.Option(help="Where to write the schedule JSON.")] = Path("schedule.json"),
          workers: int = 2, seed: Optional[int] = None) -> None:
    """Plan a problem file (JSON or OR-Library job-shop text); print a one-line JSON summary."""
    from jidan.planning.commands import solve_command
    _planning(lambda: solve_command(problem, objective, time_limit, out, workers, seed))


@app.command()
def insert(problem: Path,
           schedule: Annotated[Path, typer.Option(help="The current plan, without the urgent job.")],
           job: Annotated[str, typer.Option(help="Id of the urgent job in PROBLEM.")],
           time_limit: float = 5.0,
           out: Annotated[Path, typer.Option(help="Where to write the new plan and its impact.")] = Path("inserted.json"),
           workers: int = 2, seed: Optional[int] = None) -> None:
    """Insert an urgent job into a plan, moving others as little as possible (C4)."""
    from jidan.planning.commands import insert_command
    _planning(lambda: insert_command(problem, schedule, job, time_limit, out, workers, seed))


def _planning(run) -> None:
    """Runs a planning command with a spinner; prints its summary as one JSON line."""
    import time
    from jidan.planning.errors import PlanningError
    started = time.perf_counter()
    try:
        with console.status("planning…"):
            summary = run()
    except (PlanningError, OSError) as exc:
        console.print(f"[red]{getattr(exc, 'code', 'planning.error')}[/red]: {exc}")
        raise typer.Exit(2)
    summary.setdefault("seconds", round(time.perf_counter() - started, 3))
    print(json.dumps(summary, ensure_ascii=False))


# commands: workflow (issue 5, `jidan worker`)
@app.command()
def worker(once: Annotated[bool, typer.Option("--once", help="One pass, then exit.")] = False,
           poll: Annotated[Optional[float], typer.Option(help="Seconds between passes.")] = None) -> None:
    """Send notifications (outbox) and fire due timers until Ctrl-C / SIGTERM."""
    import logging
    from jidan.worker import build_worker, run_until_signalled
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    w = build_worker(_ctx(), poll)
    if once:
        console.print(w.tick())
        return
    run_until_signalled(w)


# commands: planning (issue 4)


def main() -> None:  # pragma: no cover - console entry
    app()


if __name__ == "__main__":  # pragma: no cover
    sys.exit(app())
