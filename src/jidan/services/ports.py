"""The ports the use cases stand on: what they need from outside, typed, wired in bootstrap.

Adapters implement these (``adapters/db`` the unit of work and its repositories, ``bootstrap``
the clock and the hasher); services and the edges share the query types declared here, so no
layer reaches into an adapter for them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class PasswordHasher(Protocol):
    def hash(self, password: str) -> str: ...
    def verify(self, password: str, hashed: str) -> bool: ...


class Messages(Protocol):
    """Words for people from the message catalogue: services hold keys and values, never text."""

    def text(self, key: str, **values: object) -> str: ...


@dataclass(frozen=True)
class OrderFilter:
    """Which orders a list shows: by status, urgency, customer or free text, one page at a time."""
    status: str | None = None
    urgent: bool | None = None
    customer_code: str | None = None
    text: str | None = None
    limit: int = 50
    offset: int = 0


# ---------------------------------------------------------------------------------------------
# Repositories by area. Each area declares the records and repository protocols it reads here,
# in its own section; the unit of work at the end names them.
# ---------------------------------------------------------------------------------------------

# --- orders, master data, users, audit -------------------------------------------------------


# --- approvals and notices -------------------------------------------------------------------


# --- planning and materials ------------------------------------------------------------------
# (imported here, not at the top, so that each area edits only its own section)
from collections.abc import Iterable
from decimal import Decimal

from jidan.domain.material import DelayRequest, MaterialShortage, MaterialStock, PurchaseOrder, PurchaseRequest
from jidan.domain.planning_run import PlanningRun, RunSummary


class PlanningRunStore(Protocol):
    """Planning runs; the latest accepted one is the plan in force."""

    def add(self, **values: Any) -> int: ...
    def get(self, run_id: int, lock: bool = False) -> PlanningRun | None: ...
    def lock_plan(self) -> None: ...
    def accepted(self) -> PlanningRun | None: ...
    def set_status(self, run_id: int, version: int, **values: Any) -> None: ...
    def supersede_accepted(self) -> None: ...


class RunHistory(Protocol):
    def recent(self, limit: int = 20) -> list[RunSummary]: ...


class MaterialStockStore(Protocol):
    def all(self) -> list[MaterialStock]: ...
    def get(self, material_code: str) -> MaterialStock | None: ...
    def add(self, material_code: str, on_hand: Decimal, at: datetime) -> None: ...
    def update(self, material_code: str, version: int, on_hand: Decimal, at: datetime) -> None: ...


class PurchaseOrderStore(Protocol):
    def add(self, **values: Any) -> int: ...
    def get(self, row_id: int, lock: bool = False) -> PurchaseOrder | None: ...
    def update(self, row_id: int, version: int, **values: Any) -> None: ...
    def list(self, status: str | None = None, supplier_id: int | None = None,
             material_code: str | None = None) -> list[PurchaseOrder]: ...


class DelayRequestStore(Protocol):
    def add(self, **values: Any) -> int: ...
    def get(self, row_id: int, lock: bool = False) -> DelayRequest | None: ...
    def update(self, row_id: int, version: int, **values: Any) -> None: ...
    def list(self, status: str | None = None, supplier_id: int | None = None,
             purchase_order_id: int | None = None) -> list[DelayRequest]: ...


class PurchaseRequestStore(Protocol):
    def add(self, **values: Any) -> int: ...
    def get(self, row_id: int, lock: bool = False) -> PurchaseRequest | None: ...
    def update(self, row_id: int, version: int, **values: Any) -> None: ...
    def list(self, status: str | None = None, material_code: str | None = None) -> list[PurchaseRequest]: ...


class MaterialShortageStore(Protocol):
    def add(self, **values: Any) -> int: ...
    def get(self, row_id: int, lock: bool = False) -> MaterialShortage | None: ...
    def update(self, row_id: int, version: int, **values: Any) -> None: ...
    def open(self, material_code: str | None = None,
             order_ids: Iterable[int] | None = None) -> list[MaterialShortage]: ...


# --- execution and fulfilment ----------------------------------------------------------------


class UnitOfWork(Protocol):
    """One transaction and its repositories: ``with ctx.uow() as uow: …; uow.commit()``.

    Nothing commits anywhere else; leaving the block without a commit rolls back.
    """

    # orders, master data, users, audit
    orders: Any
    customers: Any
    products: Any
    users: Any
    plant: Any
    audit: Any
    idempotency: Any
    auth_sessions: Any
    calendar: Any

    # approvals and notices
    chains: Any
    delegations: Any
    reviews: Any
    change_requests: Any
    letters: Any
    notices: Any
    outbox: Any
    timers: Any

    # planning and materials
    planning_runs: PlanningRunStore
    run_history: RunHistory
    stock: MaterialStockStore
    purchase_orders: PurchaseOrderStore
    delay_requests: DelayRequestStore
    purchase_requests: PurchaseRequestStore
    shortages: MaterialShortageStore

    # execution and fulfilment
    tasks: Any
    floor: Any
    process_exceptions: Any
    inspections: Any
    receipts: Any
    drawings: Any
    shipments: Any
    feedback: Any
    incidents: Any
    emergency_org: Any
    order_records: Any

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, exc_type, exc, tb) -> None: ...
    def flush(self) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
