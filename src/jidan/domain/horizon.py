"""What the plant can make within the planning horizon (High-1): the most units one order line
may ask for, so that no order hands the planner more work than its horizon holds.

A step's work goes to its work centre or any other of the same kind (SMT1 … SMT4), as the planner
sends it (services/planning/plant.py); each centre works the shifts of the working days. A line
fits when, for every kind of centre, its steps there (setup plus minutes per unit) fit into
those centres' working minutes over the horizon.
"""
from __future__ import annotations

import math
import re
from collections.abc import Iterable
from datetime import date, timedelta
from decimal import Decimal

from jidan.domain.calendar import WorkCalendar


def work_center_kind(code: str) -> str:
    """Centres of one kind stand in for each other: the letters their code starts with."""
    found = re.match(r"[A-Za-z]+", code)
    return found.group(0) if found else code


def working_minutes(calendar: WorkCalendar, start: date, days: int,
                    shifts: tuple[tuple[int, int], ...]) -> int:
    """One centre's working minutes over ``days`` days from ``start``."""
    per_day = sum(end - begin for begin, end in shifts)
    return per_day * sum(calendar.is_working_day(start + timedelta(days=d)) for d in range(days))


def most_units(routing: Iterable, centers: Iterable[str], minutes: int) -> int | None:
    """The most units of a product whose ``routing`` (steps with ``work_center_code``,
    ``setup_minutes``, ``minutes_per_unit``) fit ``minutes`` on each of the plant's ``centers``;
    None when the product has no routing (nothing to plan)."""
    count: dict[str, int] = {}
    for code in centers:
        count[work_center_kind(code)] = count.get(work_center_kind(code), 0) + 1
    setup: dict[str, int] = {}
    per_unit: dict[str, Decimal] = {}
    for step in routing:
        kind = work_center_kind(step.work_center_code)
        setup[kind] = setup.get(kind, 0) + step.setup_minutes
        per_unit[kind] = per_unit.get(kind, Decimal(0)) + Decimal(step.minutes_per_unit)
    bounds = [math.floor((count.get(kind, 1) * minutes - setup[kind]) / per_unit[kind])
              for kind in per_unit if per_unit[kind] > 0]
    return max(0, min(bounds)) if bounds else None
