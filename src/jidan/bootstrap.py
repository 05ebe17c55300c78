"""Wires adapters to services: the only module that knows both."""
from __future__ import annotations

import logging
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pwdlib import PasswordHash
from sqlalchemy.orm import sessionmaker

from jidan.adapters.audit_anchor import AnchorFile, read_key
from jidan.adapters.calendar import national_calendar
from jidan.adapters.db.drills import DrillCopies, drill_directory
from jidan.adapters.db.engine import make_engine
from jidan.adapters.db.orm import start_mappers
from jidan.adapters.db.uow import SqlUnitOfWork
from jidan.adapters.excel.sheets import ExcelSheets
from jidan.adapters.pdf import WeasyPrintPdf
from jidan.adapters.processes import ProcessOffload
from jidan import i18n
from jidan.config import Settings, get_settings
from jidan.domain import errors
from jidan.domain.delivery import DeliveryPolicy
from jidan.domain.emergency import parse_priority
from jidan.domain.urgency import UrgencyPolicy
from jidan.services import wiring
from jidan.services.context import Context


class SystemClock:
    """Factory-local wall time, without tzinfo (stored as such)."""

    def __init__(self, tz: str):
        self.tz = ZoneInfo(tz)

    def now(self) -> datetime:
        return datetime.now(self.tz).replace(tzinfo=None)


class FileClock:
    """Now is the ISO date-time written in a file (``JIDAN_CLOCK_FILE``), re-read on each use, so
    a demo, a training session or a drill walks through days in minutes (`jidan clock`).

    A missing or bad file is an error when the clock is made (at start); if it goes bad later,
    the last good time holds and the problem is logged, rather than every request failing.
    """

    def __init__(self, path: str, tz: str):
        self.path = Path(path)
        self.tz = ZoneInfo(tz)
        self._last = self.read()

    def read(self) -> datetime:
        """The file's time in factory-local wall time; raises JidanError naming the file."""
        try:
            text = self.path.read_text(encoding="utf-8").strip()
        except OSError as exc:
            raise errors.JidanError(f"JIDAN_CLOCK_FILE {self.path} cannot be read ({exc.strerror})",
                                    code="clock.file_missing") from exc
        return parse_clock(text, self.tz, self.path)

    def now(self) -> datetime:
        try:
            self._last = self.read()
        except errors.JidanError as exc:
            logging.getLogger("jidan.clock").warning("%s; keeping %s", exc.detail, self._last)
        return self._last


def parse_clock(text: str, tz: ZoneInfo, source: object = "the clock") -> datetime:
    """An ISO date-time as factory-local wall time (one with an offset is converted)."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise errors.JidanError(f"{source} holds {text[:40]!r}, not an ISO date-time "
                                f"such as 2026-11-24T09:10", code="clock.bad_time") from None
    return moment.astimezone(tz).replace(tzinfo=None) if moment.tzinfo else moment


def make_clock(settings: Settings):
    """The one clock serve and worker read: the clock file when set, else the real time."""
    if settings.clock_file:
        return FileClock(settings.clock_file, settings.timezone)
    return SystemClock(settings.timezone)


class Argon2Hasher:
    def __init__(self):
        self._hash = PasswordHash.recommended()

    def hash(self, password: str) -> str:
        return self._hash.hash(password)

    def verify(self, password: str, hashed: str) -> bool:
        return self._hash.verify(password, hashed)


class CatalogueMessages:
    """The message catalogue in the factory's language (zh-CN unless configured)."""

    def __init__(self, lang: str = i18n.DEFAULT_LANGUAGE):
        self.lang = lang

    def text(self, key: str, **values: object) -> str:
        return i18n.t(key, self.lang, **values)


def parse_shifts(text: str) -> tuple[tuple[int, int], ...]:
    """"08:00-12:00,13:00-17:00" → ((480, 720), (780, 1020))."""
    def minutes(hhmm: str) -> int:
        h, m = hhmm.strip().split(":")
        return int(h) * 60 + int(m)
    return tuple((minutes(a), minutes(b)) for a, b in (part.split("-") for part in text.split(",")))


#: What planning's worker processes load as they start (adapters/processes.py).
PLANNER_MODULES = ("jidan.planning.solve", "jidan.planning.insert", "jidan.planning.repair")


#: Settings a use case reads under the same name as the Context field it fills.
SAME_NAME = ("approval_fresh_login_minutes", "approval_feasibility_seconds", "change_review_hours", "company_name",
             "release_ack_hours", "exception_ack_hours", "urgent_receipt_ack_hours", "feedback_secret",
             "feedback_link_days", "public_url", "max_days_ahead", "min_password_length", "login_free_failures",
             "login_free_failures_per_address", "login_delay_seconds", "login_max_delay_seconds",
             "login_failure_window_seconds", "admin_does_business")


def rules_from(settings: Settings) -> dict:
    """The settings the use cases read, as the Context's fields (a test context takes them too)."""
    return {name: getattr(settings, name) for name in SAME_NAME} | dict(
        delivery=DeliveryPolicy.from_settings(settings),
        progress_milestones=frozenset(m.strip() for m in settings.progress_milestones.split(",") if m.strip()),
    )


def build(settings: Settings | None = None, clock=None) -> Context:
    settings = settings or get_settings()
    start_mappers()
    engine = make_engine(settings.database_url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    key = read_key(settings.audit_key, settings.audit_key_file)
    if settings.audit_anchor and key is None:
        raise errors.JidanError("JIDAN_AUDIT_ANCHOR is set but there is no audit key "
                                "(JIDAN_AUDIT_KEY or the file JIDAN_AUDIT_KEY_FILE)", code="audit.no_key")
    anchor = AnchorFile(settings.audit_anchor, key) if settings.audit_anchor else None
    if anchor is not None:
        anchor.check()  # a path that cannot be appended to stops the process now, not a write later
    rest = frozenset(int(d) for d in settings.rest_weekdays.split(",") if d.strip())
    this_year = date.today().year
    ctx = Context(
        uow=lambda: SqlUnitOfWork(factory, key, anchor),
        clock=clock or make_clock(settings),
        hasher=Argon2Hasher(),
        messages=CatalogueMessages(),
        sheets=ExcelSheets(),
        policy=UrgencyPolicy(settings.urgent_lead_time_rule, settings.urgent_amount_threshold,
                             settings.urgent_key_customer_rule),
        national_calendar=national_calendar(settings.calendar_country, rest,
                                            range(this_year - 1, this_year + 3)),
        session_hours=settings.session_hours,
        shifts=parse_shifts(settings.shifts),
        horizon_days=settings.planning_horizon_days,
        planning_solvers=settings.planning_solvers,
        hooks=wiring.order_hooks(),
        audit_key=key,
        emergency_priority=parse_priority(settings.emergency_priority),
        pdf=WeasyPrintPdf(Path(__file__).parent / "web" / "static", settings.pdf_at_once),
        **rules_from(settings),
    )
    wiring.register_timers()
    if settings.planning_processes:
        ctx.offload = ProcessOffload(settings.planning_solvers, PLANNER_MODULES)
    ctx.engine = engine
    ctx.drills = DrillCopies(settings.database_url, engine,
                             drill_directory(settings.database_url, settings.drill_dir), key)
    ctx.settings = settings
    return ctx
