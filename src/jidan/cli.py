"""The `jidan` command: serve, demo, migrate, import, audit, users, solve, insert."""
from __future__ import annotations

import json
import sys
from enum import Enum
from pathlib import Path
from typing import Annotated, Optional

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import Progress
from rich.table import Table
from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from typer.core import TyperGroup
from typer._click.exceptions import UsageError  # Typer vendors Click: its usage errors are these

from jidan.config import Settings, get_settings
from jidan.domain import errors
from jidan.planning.errors import PlanningError
from jidan.planning.result import OBJECTIVES


class OneLineErrors(TyperGroup):
    """Every command's failure as one line on stderr and exit status 2, never a traceback."""

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except errors.JidanError as exc:
            fields = ", ".join(f"{field}: {code}" for field, code in exc.fields.items())
            _fail(exc.code, f"{exc.detail} ({fields})" if fields else exc.detail)
        except PlanningError as exc:
            _fail(exc.code, exc.message)
        except SQLAlchemyError as exc:
            cause = exc.orig if isinstance(exc, DBAPIError) else exc
            _fail("database.error", next(iter(str(cause).splitlines()), type(cause).__name__))
        except OSError as exc:
            _fail("file.error", str(exc))
        except UsageError as exc:  # a wrong option or value: one line, not a panel
            _fail("usage", " ".join(exc.format_message().split()))


Objective = Enum("Objective", [(name, name) for name in OBJECTIVES], type=str)
"""The planner's objectives as the choices of `--objective`."""

app = typer.Typer(cls=OneLineErrors, help="jidan 急单 — urgent orders end to end.", no_args_is_help=True)
audit_app = typer.Typer(help="The audit trail.")
users_app = typer.Typer(help="Users and roles.")
app.add_typer(audit_app, name="audit")
app.add_typer(users_app, name="users")
console = Console()
errors_console = Console(stderr=True, soft_wrap=True)


def _ctx():
    from jidan.bootstrap import build
    return build()


def _fail(code: str, detail: str) -> None:
    errors_console.print(f"[red]{code}[/red]: {escape(detail)}", highlight=False)
    raise typer.Exit(2)


def _upgrade() -> None:
    from jidan.adapters.db.migrate import upgrade
    upgrade(get_settings().database_url)


@app.command()
def migrate() -> None:
    """Create or upgrade the database schema (Alembic)."""
    _upgrade()
    console.print("database is up to date")


@app.command()
def demo(if_empty: Annotated[bool, typer.Option("--if-empty", help="Skip when users exist.")] = False,
         orders: int = 150, seed: int = 7) -> None:
    """Load the demo factory: users for every role (password demo), plant, products, orders.
    Migrates the database first, so it works on a new one."""
    from jidan.services.demo.factory import PASSWORD, USERS, has_users, load_demo
    _upgrade()
    ctx = _ctx()
    if has_users(ctx):
        if if_empty:
            console.print("demo data already loaded")
            return
        errors_console.print("[red]demo.not_empty[/red]: the database already has users")
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
    for warning in startup_warnings(get_settings()):
        errors_console.print(f"warning: {warning}", markup=False)
    uvicorn.run(create_app(_ctx()), host=host, port=port)


def startup_warnings(settings: Settings) -> list[str]:
    """Settings left at the demo's values that a real plant must set (docs/security.md)."""
    defaults = Settings.model_fields
    warnings = []
    if settings.public_url == defaults["public_url"].default:
        warnings.append(f"JIDAN_PUBLIC_URL is the default {settings.public_url}: links in e-mails and "
                        "feedback links point there; set the address people reach this server at")
    if settings.feedback_secret == defaults["feedback_secret"].default:
        warnings.append("JIDAN_FEEDBACK_SECRET is the default: set a secret of your own")
    return warnings


@app.command("import")
def import_file(file: Path, user: Annotated[str, typer.Option(help="Who enters the orders.")] = "sales") -> None:
    """Import orders from .xlsx or .csv: all rows or none."""
    from jidan.services.auth import console_actor
    from jidan.services.orders.importing import import_orders
    ctx = _ctx()
    actor = console_actor(ctx, user)
    with Progress(console=console) as progress:
        task = progress.add_task(f"importing {file.name}", total=None)
        report = import_orders(ctx, actor, file.name, file.read_bytes(),
                               lambda done, total: progress.update(task, completed=done, total=total))
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
    view = add_user(_ctx(), None, username, name, role, password, email, from_console=True)
    console.print(f"added {view['username']} ({view['role']})")


@users_app.command("list")
def users_list() -> None:
    """List users and their roles."""
    from jidan.services.auth import list_users
    for u in list_users(_ctx(), None):
        console.print(f"{u['username']:20} {u['role']:18} {u['display_name']}")


@app.command()
def solve(problem: Path,
          objective: Objective = Objective("weighted-tardiness"),
          time_limit: Annotated[float, typer.Option(help="Seconds; 0 gives the greedy schedule.")] = 10.0,
          out: Annotated[Path, typer.Option(help="Where to write the schedule JSON.")] = Path("schedule.json"),
          workers: int = 2, seed: Optional[int] = None) -> None:
    """Plan a problem file (JSON or OR-Library job-shop text); print a one-line JSON summary."""
    from jidan.planning.commands import solve_command
    _planning(lambda: solve_command(problem, objective.value, time_limit, out, workers, seed))


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
    started = time.perf_counter()
    with console.status("planning…"):
        summary = run()
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
