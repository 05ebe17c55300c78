"""Wires adapters to services: the only module that knows both."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from pwdlib import PasswordHash
from sqlalchemy.orm import sessionmaker

from jidan.adapters.calendar import national_calendar
from jidan.adapters.db.engine import make_engine
from jidan.adapters.db.orm import start_mappers
from jidan.adapters.db.uow import SqlUnitOfWork
from jidan.adapters.excel.sheets import ExcelSheets
from jidan.adapters.processes import ProcessOffload
from jidan import i18n
from jidan.config import Settings, get_settings
from jidan.domain.delivery import DeliveryPolicy
from jidan.domain.urgency import UrgencyPolicy
from jidan.services import wiring
from jidan.services.context import Context


class SystemClock:
    """Factory-local wall time, without tzinfo (stored as such)."""

    def __init__(self, tz: str):
        self.tz = ZoneInfo(tz)

    def now(self) -> datetime:
        return datetime.now(self.tz).replace(tzinfo=None)


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


def rules_from(settings: Settings) -> dict:
    """The settings the use cases read, as the Context's fields (a test context takes them too)."""
    return dict(
        delivery=DeliveryPolicy.from_settings(settings),
        approval_fresh_login_minutes=settings.approval_fresh_login_minutes,
        approval_feasibility_seconds=settings.approval_feasibility_seconds,
        change_review_hours=settings.change_review_hours,
        company_name=settings.company_name,
        release_ack_hours=settings.release_ack_hours,
        exception_ack_hours=settings.exception_ack_hours,
        urgent_receipt_ack_hours=settings.urgent_receipt_ack_hours,
        progress_milestones=frozenset(m.strip() for m in settings.progress_milestones.split(",") if m.strip()),
        feedback_secret=settings.feedback_secret,
        feedback_link_days=settings.feedback_link_days,
        public_url=settings.public_url,
    )


def build(settings: Settings | None = None, clock=None) -> Context:
    settings = settings or get_settings()
    start_mappers()
    engine = make_engine(settings.database_url)
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    rest = frozenset(int(d) for d in settings.rest_weekdays.split(",") if d.strip())
    this_year = date.today().year
    ctx = Context(
        uow=lambda: SqlUnitOfWork(factory),
        clock=clock or SystemClock(settings.timezone),
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
        **rules_from(settings),
    )
    wiring.register_timers()
    if settings.planning_processes:
        ctx.offload = ProcessOffload(settings.planning_solvers, PLANNER_MODULES)
    ctx.engine = engine
    ctx.settings = settings
    return ctx
