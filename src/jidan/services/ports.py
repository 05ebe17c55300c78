"""The ports the use cases stand on: what they need from outside, typed, wired in bootstrap.

Adapters implement these (``adapters/db`` the unit of work and its repositories, ``bootstrap``
the clock and the hasher); services and the edges share the query types declared here, so no
layer reaches into an adapter for them.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from jidan.domain.approval import (
    ChainRecord, ChangeRequestRecord, DelegationRecord, LetterRecord, ReviewRecord, Signature,
)
from jidan.domain.delivery import Delivery, Notice, Timer


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
class ChainStore(Protocol):
    """Approval chains (审批流程) with their steps."""

    def all(self) -> list[ChainRecord]: ...
    def add(self, **values: Any) -> int: ...
    def update(self, row_id: int, version: int, **values: Any) -> None: ...
    def replace_steps(self, chain_id: int, steps: list[dict]) -> None: ...


class DelegationStore(Protocol):
    """Deputies named by approvers (代理审批)."""

    def add(self, **values: Any) -> int: ...
    def get(self, row_id: int) -> DelegationRecord | None: ...
    def update(self, row_id: int, version: int, **values: Any) -> None: ...
    def list(self, user_id: int | None = None, active_at: datetime | None = None) -> list[DelegationRecord]: ...


class ReviewStore(Protocol):
    """Review records (评审记录表) and the signatures on them and on change requests."""

    def lock_order(self, order_id: int) -> None: ...
    def add(self, **values: Any) -> int: ...
    def get(self, row_id: int) -> ReviewRecord | None: ...
    def update(self, row_id: int, version: int, **values: Any) -> None: ...
    def for_order(self, order_id: int) -> list[ReviewRecord]: ...
    def open_for(self, order_ids: list[int]) -> dict[int, ReviewRecord]: ...
    def add_signature(self, **values: Any) -> int: ...
    def signatures(self, subjects: list[str]) -> list[Signature]: ...
    def latest_login(self, user_id: int) -> tuple[bool, datetime | None]: ...


class ChangeRequestStore(Protocol):
    """Change requests (变更申请表)."""

    def add(self, **values: Any) -> int: ...
    def get(self, row_id: int) -> ChangeRequestRecord | None: ...
    def update(self, row_id: int, version: int, **values: Any) -> None: ...
    def list(self, order_id: int | None = None, status: str | None = None) -> list[ChangeRequestRecord]: ...


class LetterStore(Protocol):
    """Confirmation letters (确认函)."""

    def add(self, **values: Any) -> int: ...
    def get(self, row_id: int) -> LetterRecord | None: ...
    def update(self, row_id: int, version: int, **values: Any) -> None: ...
    def for_order(self, order_id: int) -> list[LetterRecord]: ...


class NoticeStore(Protocol):
    """In-app notices, one per recipient of an event."""

    def add(self, **values: Any) -> int: ...
    def get(self, notice_id: int) -> Notice | None: ...
    def update(self, notice_id: int, version: int, **values: Any) -> None: ...
    def for_recipient(self, user_id: int, open_only: bool = False, limit: int = 200) -> list[Notice]: ...
    def for_order(self, order_id: int) -> list[Notice]: ...
    def for_events(self, event_ids: list[str]) -> list[Notice]: ...
    def inbox(self, user_id: int, limit: int = 200) -> list[Notice]: ...
    def open_count(self, user_id: int) -> int: ...


class OutboxStore(Protocol):
    """Deliveries over external channels, claimed by workers under a lease."""

    def add(self, **values: Any) -> int: ...
    def get(self, delivery_id: int) -> Delivery | None: ...
    def for_event(self, event_id: str) -> list[Delivery]: ...
    def list(self, status: str | None = None, limit: int = 500) -> list[Delivery]: ...
    def claim(self, now: datetime, worker: str, lease_until: datetime, limit: int) -> list[Delivery]: ...
    def settle(self, delivery_id: int, worker: str, **values: Any) -> bool: ...


class TimerStore(Protocol):
    """Deadlines as rows, fired once by the worker."""

    def add(self, **values: Any) -> int: ...
    def get(self, timer_id: int) -> Timer | None: ...
    def find(self, kind: str | None = None, ref: str | None = None, status: str | None = None) -> list[Timer]: ...
    def cancel(self, kind: str, ref: str) -> int: ...
    def next_due(self, now: datetime, skip: set[int]) -> Timer | None: ...
    def update(self, timer_id: int, version: int, **values: Any) -> bool: ...



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
    chains: ChainStore
    delegations: DelegationStore
    reviews: ReviewStore
    change_requests: ChangeRequestStore
    letters: LetterStore
    notices: NoticeStore
    outbox: OutboxStore
    timers: TimerStore

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
