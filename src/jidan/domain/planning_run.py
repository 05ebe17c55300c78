"""Planning runs (排产方案): who plans, who reads the plan, and the run as it is stored.

A run is a proposed or accepted plan of the plant's orders; pmc proposes and accepts (C3, C7).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from jidan.domain.roles import BusinessRoles, Role

#: Who proposes and accepts runs; who reads the plan, its load and an order's promise.
PLANNERS = BusinessRoles({Role.PMC})
VIEWERS = frozenset({Role.PMC, Role.ADMIN, Role.MANAGEMENT, Role.SALES, Role.MANUFACTURING, Role.PURCHASING,
                     Role.FINANCE, Role.CUSTOMER_SERVICE})


@dataclass(frozen=True)
class PlanningRun:
    """One stored run: when its minute 0 is, which orders it plans, and the plan itself.

    ``schedule``, ``impact`` and ``summary`` are kept as the planner and the views wrote them
    (JSON): the schedule is `planning.result.Schedule.to_dict`.
    """

    id: int
    kind: str  # full | insert | repair
    status: str  # proposed | accepted | superseded
    origin: datetime
    objective: str
    urgent_order_id: int | None
    order_ids: list[int]
    schedule: dict
    impact: dict | None
    summary: dict
    created_by: int
    created_at: datetime
    accepted_by: int | None
    accepted_at: datetime | None
    version: int


@dataclass(frozen=True)
class RunSummary:
    """A run without its (large) schedule, for the list of recent runs."""

    id: int
    kind: str
    status: str
    origin: datetime
    urgent_order_id: int | None
    summary: dict
    created_by: int
    created_at: datetime
    accepted_at: datetime | None
    version: int
