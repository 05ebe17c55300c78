"""The quarterly process review (每季度流程评审, M3, M4): the quarter's figures and league table
beside the previous quarter's, the top causes of delay, and the improvement actions each
department undertakes (``actions``, source ``quarterly_review``, source id ``year × 10 + n``).
"""
from __future__ import annotations

import re
from datetime import date, timedelta

from jidan.domain import errors
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.services.analytics.figures import accountability, figures
from jidan.services.context import Context
from jidan.services.fulfilment.drawings import departments
from jidan.services.improvements import actions
from jidan.services.permissions import require_order_access

SOURCE = "quarterly_review"
TOP_CAUSES = 5

#: The figures compared with the previous quarter: (key, how to read it from the figures and the
#: league table, whether higher is better: None where neither is). Money is compared as a number.
COMPARED: tuple[tuple[str, object, bool | None], ...] = (
    ("orders", lambda f, a: f["orders"], None),
    ("on_time_requested", lambda f, a: f["on_time"]["requested"]["rate"], True),
    ("on_time_promised", lambda f, a: f["on_time"]["promised"]["rate"], True),
    ("urgent_share", lambda f, a: f["urgency"]["share"], False),
    ("lead_time_median", lambda f, a: f["lead_time"]["total"]["median"], False),
    ("lead_time_p90", lambda f, a: f["lead_time"]["total"]["p90"], False),
    ("overtime_hours", lambda f, a: f["urgency"]["overtime_hours"], False),
    ("outside_processing", lambda f, a: f["urgency"]["outside_processing"], False),
    ("urgency_cost", lambda f, a: float(f["urgency"]["total_cost"]), False),
    ("slipped_by_insertion", lambda f, a: f["urgency"]["slipped_by_insertion"], False),
    ("exceptions", lambda f, a: f["exceptions"]["total"], False),
    ("rework_qty", lambda f, a: f["rework_scrap"]["rework_qty"], False),
    ("scrap_qty", lambda f, a: f["rework_scrap"]["scrap_qty"], False),
    ("drawings_late", lambda f, a: f["drawings_late"]["late"], False),
    ("missed_deadlines", lambda f, a: sum(r["missed"] for r in a), False),
)


def parse_quarter(text: str) -> tuple[int, int]:
    """"2026-Q4" → (2026, 4); anything else is a 422 on ``quarter``."""
    found = re.fullmatch(r"(\d{4})-Q([1-4])", text or "")
    if not found or not 2000 <= int(found.group(1)) <= 2100:
        raise errors.ValidationFailed("a quarter is written like 2026-Q4", code="review.bad_quarter",
                                      fields={"quarter": "bad_quarter"})
    return int(found.group(1)), int(found.group(2))


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def bounds(year: int, n: int) -> tuple[date, date]:
    """The quarter's first and last day."""
    start = date(year, 3 * n - 2, 1)
    following = date(year + (n == 4), 1 if n == 4 else 3 * n + 1, 1)
    return start, following - timedelta(days=1)


def previous(year: int, n: int) -> tuple[int, int]:
    return (year - 1, 4) if n == 1 else (year, n - 1)


def label(year: int, n: int) -> str:
    return f"{year}-Q{n}"


def source_id(year: int, n: int) -> int:
    """The quarter as an improvement action's ``source_id``: 2026-Q4 → 20264."""
    return year * 10 + n


def review(ctx: Context, actor: Actor, year: int, n: int) -> dict:
    """The report of the quarter for management and pmc (``figures`` decides who may read it)."""
    start, end = bounds(year, n)
    before = previous(year, n)
    p_start, p_end = bounds(*before)
    this, last = figures(ctx, actor, start, end), figures(ctx, actor, p_start, p_end)
    league, last_league = accountability(ctx, actor, start, end), accountability(ctx, actor, p_start, p_end)
    return {
        "quarter": label(year, n), "previous": label(*before),
        "period": {"start": start.isoformat(), "end": end.isoformat()},
        "previous_period": {"start": p_start.isoformat(), "end": p_end.isoformat()},
        "figures": this, "previous_figures": last,
        "accountability": league, "previous_accountability": last_league,
        "comparison": [_compare(key, read(this, league), read(last, last_league), higher_better)
                       for key, read, higher_better in COMPARED],
        "top_causes": _top_causes(this["delay_causes"], last["delay_causes"]),
        "as_of": this["as_of"],
    }


def improvements(ctx: Context, actor: Actor, year: int, n: int) -> dict:
    """The quarter's improvement actions by department, and the departments that may enter them
    here: every department for management and pmc, otherwise the actor's own."""
    require_order_access(actor)
    with ctx.uow() as uow:
        every = [d for d in departments(uow) if d != Role.ADMIN.value]
        people = [{"id": u.id, "name": u.display_name, "role": str(u.role)}
                  for u in uow.users.list() if u.active and str(u.role) in every]
    found = actions.list_for(ctx, actor, source=SOURCE, source_id=source_id(year, n))
    mine = every if actor.role in actions.LEADS else [d for d in every if d == str(actor.role)]
    by_department = {d: [a for a in found if a["department"] == d] for d in every}
    return {"source": SOURCE, "source_id": source_id(year, n), "departments": every, "may_enter": mine,
            "by_department": by_department, "people": people,
            "open": sum(a["state"] in ("open", "overdue") for a in found),
            "overdue": sum(a["state"] == "overdue" for a in found), "total": len(found)}


def _compare(key: str, now, before, higher_better: bool | None) -> dict:
    delta = None if now is None or before is None else round(now - before, 4)
    better = None if not delta or higher_better is None else (delta > 0) == higher_better
    return {"key": key, "this": now, "previous": before, "delta": delta, "better": better}


def _top_causes(causes: list[dict], before: list[dict]) -> list[dict]:
    """The quarter's most frequent causes with their count the quarter before."""
    previous_count = {c["cause"]: c["count"] for c in before}
    return [{**c, "previous": previous_count.get(c["cause"], 0),
             "delta": c["count"] - previous_count.get(c["cause"], 0)} for c in causes[:TOP_CAUSES]]
