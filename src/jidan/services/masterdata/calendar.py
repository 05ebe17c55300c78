"""The factory calendar in force: the national one with the site's own edits (N1)."""
from __future__ import annotations

from datetime import date

from jidan.domain.calendar import WorkCalendar
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.services import audit
from jidan.services.context import Context
from jidan.services.permissions import require_role


def effective_calendar(uow, ctx: Context) -> WorkCalendar:
    rows = uow.calendar.overrides()
    return ctx.national_calendar.with_overrides(
        {r.day for r in rows if r.working}, {r.day for r in rows if not r.working})


def set_day(ctx: Context, actor: Actor, day: date, working: bool, note: str | None) -> dict:
    """Admin or PMC marks a day worked (e.g. 调休, overtime Saturday) or closed."""
    require_role(actor, {Role.ADMIN, Role.PMC})
    with ctx.uow() as uow:
        old = uow.calendar.set_day(day, working, note)
        audit.record(uow, ctx, actor, "calendar", day.isoformat(), "set_day",
                     old and {"working": old.working, "note": old.note},
                     {"working": working, "note": note})
        uow.commit()
    return {"day": day.isoformat(), "working": working, "note": note}


def list_days(ctx: Context, start: date, end: date) -> list[dict]:
    """Each day in [start, end] with whether it is worked, for the calendar page and API."""
    with ctx.uow() as uow:
        cal = effective_calendar(uow, ctx)
    days, day = [], start
    while day <= end:
        days.append({"day": day.isoformat(), "working": cal.is_working_day(day)})
        day = date.fromordinal(day.toordinal() + 1)
    return days
