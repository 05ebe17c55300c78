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
    planning_runs: Any
    run_history: Any
    stock: Any
    purchase_orders: Any
    delay_requests: Any
    purchase_requests: Any
    shortages: Any

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
