"""Capacity changes a decision makes (B6, C5, E4): overtime on a work center's calendar, a step
handed to an outside supplier, a delivery split in two.

Each is a record of the decision that made it (an approval instruction, an exception measure,
pmc's choice on the what-if panel), the order it serves and who decided; planning reads the
overtime windows and outside steps as capacity, the order record reads them as cost.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum

#: The most overtime one decision may put on one work center's day, in minutes.
MAX_OVERTIME_MINUTES = 8 * 60


class CapacityKind(StrEnum):
    OVERTIME = "overtime"  # 加班: a window on a work center's calendar
    OUTSIDE_PROCESSING = "outside_processing"  # 外协: a routing step done by a supplier
    PARTIAL_DELIVERY = "partial_delivery"  # 分批交货: a first quantity earlier, the rest later


class CapacitySource(StrEnum):
    """The decision a change comes from."""

    APPROVAL = "approval"  # management's instruction on the review (B6)
    EXCEPTION = "exception"  # the measure management approved on a process exception (E4)
    WHAT_IF = "what_if"  # pmc's choice on the planning panel (C5)


#: The planning lever each kind of change carries out.
KIND_OF_LEVER = {"overtime": CapacityKind.OVERTIME, "outside_processing": CapacityKind.OUTSIDE_PROCESSING,
                 "partial_delivery": CapacityKind.PARTIAL_DELIVERY}


@dataclass(frozen=True)
class CapacityChange:
    """One change: overtime (work center, from–to), outside processing (step, supplier lead
    time) or a split delivery (line, first quantity and date, date of the rest)."""

    id: int
    kind: str
    order_id: int
    source: str
    source_id: int | None
    reason: str
    work_center_code: str | None
    starts_at: datetime | None
    ends_at: datetime | None
    step: str | None
    lead_minutes: int | None
    line_no: int | None
    first_quantity: int | None
    first_date: date | None
    rest_date: date | None
    planning_run_id: int | None
    created_by: int
    created_at: datetime

    @property
    def minutes(self) -> int:
        """Overtime minutes of the window (0 for the other kinds)."""
        if self.kind != CapacityKind.OVERTIME:
            return 0
        return int((self.ends_at - self.starts_at).total_seconds() // 60)
