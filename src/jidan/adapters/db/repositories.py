"""Repositories: collections of domain objects over a SQLAlchemy session."""
from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal
from collections.abc import Iterable
from typing import Any

from sqlalchemy import case, func, or_, select, text
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from jidan.adapters.db import tables as t
from jidan.domain.approval import (
    ChainRecord, ChainStepRecord, ChangeRequestRecord, DelegationRecord, LetterRecord, ReviewRecord, Signature,
)
from jidan.domain.audit import GENESIS, AuditEvent, event_hash, head_seal
from jidan.domain.capacity import CapacityChange
from jidan.domain.execution import DefectCode, Downtime, Inspection, OrderProgress, ProcessException, Task
from jidan.domain.fulfilment import Drawing, FeedbackRequest, Incident, OrderRecord, Receipt, Shipment
from jidan.domain.improvements import ImprovementAction
from jidan.domain.material import DelayRequest, MaterialShortage, MaterialStock, PurchaseOrder, PurchaseRequest
from jidan.domain.delivery import Delivery, Notice, Timer
from jidan.domain.model import AuthSession, CalendarDay, Customer, Department, Product, User, WorkCenter
from jidan.domain.order import FirstAnswer, Order, OrderVersion
from jidan.domain.planning_run import PlanningRun, RunSummary
from jidan.domain.setups import Changeover
from jidan.domain.store import Requisition, Store
from jidan.services.ports import (
    ORDER_SORTS, CustomerHeader, InboxEntry, InboxFilter, OrderFilter, OrderHeader, WaitingCount,
)


class _Repository:
    model: type

    def __init__(self, session: Session):
        self.session = session

    def add(self, obj) -> None:
        self.session.add(obj)

    def get(self, id_: int):
        return self.session.get(self.model, id_)

    def _one_by(self, **criteria):
        return self.session.scalars(select(self.model).filter_by(**criteria)).one_or_none()


class _TableStore:
    """Dict rows of one table, with compare-and-set updates on ``version``."""

    table: Any

    def __init__(self, session: Session):
        self.session = session

    def _rows(self, query) -> list[dict]:
        return [dict(r._mapping) for r in self.session.execute(query)]

    def add(self, **values) -> int:
        if "version" in self.table.c:
            values.setdefault("version", 1)
        return self.session.execute(self.table.insert().values(**values)).inserted_primary_key[0]

    def get(self, row_id: int, lock: bool = False) -> dict | None:
        q = select(self.table).where(self.table.c.id == row_id)
        row = self.session.execute(q.with_for_update() if lock else q).one_or_none()
        return dict(row._mapping) if row else None

    def update(self, row_id: int, version: int, **values) -> None:
        """A concurrent writer moved the version on: this one finds no row and loses (409)."""
        done = self.session.execute(
            self.table.update().where(self.table.c.id == row_id, self.table.c.version == version)
            .values(version=version + 1, **values))
        if done.rowcount != 1:
            raise StaleDataError(f"{self.table.name} {row_id} changed")


class _RecordStore(_TableStore):
    """Rows of one table as the domain's frozen ``record``s (dicts where a store names none)."""

    record: type | None = None

    def _one(self, row):
        if row is None:
            return None
        return self.record(**row._mapping) if self.record else dict(row._mapping)

    def _records(self, query) -> list:
        return [self._one(r) for r in self.session.execute(query)]

    def get(self, row_id: int, lock: bool = False):
        q = select(self.table).where(self.table.c.id == row_id)
        return self._one(self.session.execute(q.with_for_update() if lock else q).one_or_none())


class CustomerRepository(_Repository):
    model = Customer

    def by_code(self, code: str) -> Customer | None:
        return self._one_by(code=code)

    def list(self) -> list[Customer]:
        return list(self.session.scalars(select(Customer).order_by(Customer.code)))


class ProductRepository(_Repository):
    model = Product

    def by_code(self, code: str) -> Product | None:
        return self._one_by(code=code)

    def by_codes(self, codes: set[str]) -> dict[str, Product]:
        rows = self.session.scalars(select(Product).where(Product.code.in_(codes)))
        return {p.code: p for p in rows}

    def list(self, kind: str | None = None) -> list[Product]:
        q = select(Product).order_by(Product.code)
        if kind:
            q = q.where(Product.kind == kind)
        return list(self.session.scalars(q))


class UserRepository(_Repository):
    model = User

    def by_username(self, username: str) -> User | None:
        return self._one_by(username=username)

    def list(self) -> list[User]:
        return list(self.session.scalars(select(User).order_by(User.id)))

    def active_ids_with_roles(self, roles: list[str]) -> list[int]:
        return list(self.session.scalars(select(User.id).where(
            User.role.in_(roles), User.active.is_(True)).order_by(User.id)))


class PlantRepository:
    """Departments and work centers: read together, rarely written."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, obj) -> None:
        self.session.add(obj)

    def departments(self) -> list[Department]:
        return list(self.session.scalars(select(Department).order_by(Department.code)))

    def work_centers(self) -> list[WorkCenter]:
        return list(self.session.scalars(select(WorkCenter).order_by(WorkCenter.code)))

    def work_center(self, code: str) -> WorkCenter | None:
        return self.session.scalars(select(WorkCenter).filter_by(code=code)).one_or_none()


class OrderRepository(_Repository):
    model = Order

    def by_number(self, number: str) -> Order | None:
        return self._one_by(number=number)

    def by_customer_po(self, customer_id: int, customer_po: str) -> Order | None:
        return self._one_by(customer_id=customer_id, customer_po=customer_po)

    def _filtered(self, f: OrderFilter):
        q = select(Order)
        if f.status:
            q = q.where(Order.status == f.status)
        if f.urgent is not None:
            q = q.where(Order.urgent == f.urgent)
        if f.customer_code:
            q = q.join(Customer).where(Customer.code == f.customer_code)
        if f.text:
            like = f"%{f.text}%"
            q = q.where(or_(Order.number.ilike(like), Order.customer_po.ilike(like)))
        if f.due_from:
            q = q.where(Order.requested_date >= f.due_from)
        if f.due_to:
            q = q.where(Order.requested_date <= f.due_to)
        if f.owner_id:
            q = q.where(func.coalesce(t.orders.c.owner_id, t.orders.c.created_by) == f.owner_id)
        return q

    def list(self, f: OrderFilter) -> tuple[list[Order], int]:
        """One page, sorted as asked; else most pressing first (key > urgent > normal, then
        requested date)."""
        q = self._filtered(f)
        total = self.session.scalar(select(func.count()).select_from(q.subquery()))
        rank = func.coalesce(Order.priority, "normal")
        key = f.sort.removeprefix("-")
        if key in ORDER_SORTS:
            column = self._sort_column(key)
            order_by = (column.desc() if f.sort.startswith("-") else column.asc(), Order.id)
        else:
            order_by = (Order.urgent.desc(), (rank != "key"), Order.requested_date, Order.id)
        page = q.order_by(*order_by).limit(f.limit).offset(f.offset)
        return list(self.session.scalars(page)), total

    @staticmethod
    def _sort_column(key: str):
        o = t.orders.c
        if key == "customer":
            return select(t.customers.c.name).where(t.customers.c.id == o.customer_id).scalar_subquery()
        if key == "owner":
            return (select(t.users.c.display_name)
                    .where(t.users.c.id == func.coalesce(o.owner_id, o.created_by)).scalar_subquery())
        if key == "amount":
            lines = t.order_lines.c
            return (select(func.coalesce(func.sum(lines.quantity * lines.unit_price), 0))
                    .where(lines.order_id == o.id).scalar_subquery())
        return o[key]

    def headers(self, statuses: list[str]) -> list[OrderHeader]:
        """The orders in these states as headers, in one query (no lines or products loaded)."""
        o, c, ln = t.orders.c, t.customers.c, t.order_lines.c
        amount = (select(func.coalesce(func.sum(ln.quantity * ln.unit_price), 0))
                  .where(ln.order_id == o.id).scalar_subquery())
        rows = self.session.execute(
            select(o.id, o.number, o.status, o.revision, o.created_by, o.urgent, o.priority, o.requested_date,
                   amount.label("amount"), c.name, c.priority_class)
            .join(t.customers, c.id == o.customer_id).where(o.status.in_(statuses)).order_by(o.id))
        # rows unpacked as tuples: reading each by name costs more than the query at 20,000 orders
        return [OrderHeader(id_, number, status, revision, created_by, urgent, priority or "normal", requested,
                            Decimal(str(round(amount, 2))), CustomerHeader(name, priority_class == "key"))
                for id_, number, status, revision, created_by, urgent, priority, requested, amount, name, priority_class
                in rows.tuples()]

    def by_numbers(self, numbers: Iterable[str]) -> dict[str, Order]:
        """The orders with these numbers, read together (a plan's window names hundreds)."""
        found: dict[str, Order] = {}
        wanted = sorted(set(numbers))
        for i in range(0, len(wanted), 500):
            found.update((o.number, o) for o in self.session.scalars(
                select(Order).where(t.orders.c.number.in_(wanted[i:i + 500]))))
        return found

    def touch(self, order: Order) -> None:
        """Counts a change of lines only as a change of the order (its version moves on)."""
        flag_modified(order, "status")

    def add_version(self, order: Order, snapshot: dict, at: datetime, user_id: int) -> None:
        self.session.execute(t.order_versions.insert().values(
            order_id=order.id, revision=order.revision, snapshot=snapshot, created_at=at,
            created_by=user_id))

    def versions(self, order_id: int) -> list[OrderVersion]:
        c = t.order_versions.c
        rows = self.session.execute(select(c.revision, c.snapshot, c.created_at, c.created_by)
                                    .where(c.order_id == order_id).order_by(c.revision))
        return [OrderVersion(**r._mapping) for r in rows]


class AuditLog:
    """Appends hash-chained events under a lock on the chain head (M1), and signs the head with
    the audit key when there is one (issue 21). ``last`` is the newest (seq, hash) appended in
    this transaction, for the anchor file after the commit."""

    def __init__(self, session: Session, key: bytes | None = None):
        self.session = session
        self.key = key
        self.last: tuple[int, str] | None = None

    def append(self, *, at: datetime, actor_id: int | None, actor: str, role: str, entity: str,
               entity_id: Any, action: str, old: dict | None, new: dict | None,
               reason: str | None) -> dict:
        head = self.session.execute(
            select(t.audit_head).where(t.audit_head.c.id == 1).with_for_update()
        ).one_or_none()
        seq, prev = (head.seq + 1, head.hash) if head else (1, GENESIS)
        event = {"seq": seq, "at": at.replace(microsecond=0), "actor_id": actor_id, "actor": actor,
                 "role": role, "entity": entity, "entity_id": str(entity_id), "action": action,
                 "old": old, "new": new, "reason": reason}
        event["prev_hash"], event["hash"] = prev, event_hash(prev, event)
        self.session.execute(t.audit_events.insert().values(**event))
        values = {"seq": seq, "hash": event["hash"],
                  "mac": head_seal(self.key, seq, event["hash"]) if self.key else None}
        if head:
            self.session.execute(t.audit_head.update().where(t.audit_head.c.id == 1).values(**values))
        else:
            self.session.execute(t.audit_head.insert().values(id=1, **values))
        self.last = (seq, event["hash"])
        return event

    def for_entity(self, entity: str, entity_id: Any) -> list[AuditEvent]:
        rows = self.session.execute(
            select(t.audit_events).where(t.audit_events.c.entity == entity,
                                         t.audit_events.c.entity_id == str(entity_id))
            .order_by(t.audit_events.c.seq))
        return [AuditEvent(**r._mapping) for r in rows]

    def all(self):
        """Every event in order as stored (what the chain check hashes), streamed so a long chain
        does not fill memory."""
        result = self.session.execute(select(t.audit_events).order_by(t.audit_events.c.seq)
                                      .execution_options(yield_per=1000))
        for row in result:
            yield dict(row._mapping)

    def head(self) -> tuple[int, str] | None:
        row = self.session.execute(select(t.audit_head.c.seq, t.audit_head.c.hash)).one_or_none()
        return (row.seq, row.hash) if row else None

    def head_seal(self) -> str | None:
        """The head's signature as the writers stored it (None before the first signed write)."""
        return self.session.execute(select(t.audit_head.c.mac)).scalar_one_or_none()


class IdempotencyStore:
    """First results of requests sent with an ``Idempotency-Key`` (A2)."""

    def __init__(self, session: Session):
        self.session = session

    def get(self, user_id: int, key: str) -> FirstAnswer | None:
        c = t.idempotency_keys.c
        row = self.session.execute(select(c.request_hash, c.status_code, c.response).where(
            c.user_id == user_id, c.key == key)).one_or_none()
        return FirstAnswer(**row._mapping) if row else None

    def put(self, user_id: int, key: str, request_hash: str, status_code: int, response: dict,
            at: datetime) -> None:
        self.session.execute(t.idempotency_keys.insert().values(
            user_id=user_id, key=key, request_hash=request_hash, status_code=status_code,
            response=response, created_at=at))


class AuthSessionStore:
    """Login sessions (API bearer tokens and web cookies), stored as token hashes."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, **values) -> None:
        self.session.execute(t.auth_sessions.insert().values(**values))

    def by_token_hash(self, token_hash: str) -> AuthSession | None:
        row = self.session.execute(select(t.auth_sessions).where(
            t.auth_sessions.c.token_hash == token_hash)).one_or_none()
        return AuthSession(**row._mapping) if row else None

    def delete(self, token_hash: str) -> None:
        self.session.execute(t.auth_sessions.delete().where(t.auth_sessions.c.token_hash == token_hash))

    def add_failure(self, username: str, address: str, failed_at: datetime) -> None:
        self.session.execute(t.login_failures.insert().values(username=username, address=address,
                                                              failed_at=failed_at))

    def failures_since(self, username: str, address: str, since: datetime) -> tuple[list[datetime], list[datetime]]:
        """When the failed logins since ``since`` were: (for this username, from this address)."""
        c = t.login_failures.c
        rows = self.session.execute(select(c.username, c.address, c.failed_at).where(
            c.failed_at >= since, or_(c.username == username, c.address == address))).all()
        return ([r.failed_at for r in rows if r.username == username],
                [r.failed_at for r in rows if r.address == address])

    def clear_failures(self, username: str) -> None:
        """A good login forgives the username's failures (the address keeps its own)."""
        self.session.execute(t.login_failures.delete().where(t.login_failures.c.username == username))

    def forget_failures(self, before: datetime) -> None:
        """Failures past the window count no more: the table stays small."""
        self.session.execute(t.login_failures.delete().where(t.login_failures.c.failed_at < before))


class CalendarStore:
    """The site's own calendar edits (N1)."""

    def __init__(self, session: Session):
        self.session = session

    def overrides(self) -> list[CalendarDay]:
        rows = self.session.execute(select(t.calendar_days.c.day, t.calendar_days.c.working,
                                           t.calendar_days.c.note).order_by(t.calendar_days.c.day))
        return [CalendarDay(**r._mapping) for r in rows]

    def set_day(self, day, working: bool, note: str | None) -> CalendarDay | None:
        """Sets the day; returns what it was before (None when it had no edit)."""
        old = self.session.execute(select(t.calendar_days).where(t.calendar_days.c.day == day)).one_or_none()
        if old:
            self.session.execute(t.calendar_days.update().where(t.calendar_days.c.day == day)
                                 .values(working=working, note=note))
        else:
            self.session.execute(t.calendar_days.insert().values(day=day, working=working, note=note))
        return CalendarDay(old.day, old.working, old.note) if old else None


#: The advisory-lock key of "the plan in force" (any fixed number unique in this database).
PLAN_LOCK_KEY = 0x6A6964616E


class PlanningRunStore:
    """Planning runs; the latest accepted one is the plan in force."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, **values) -> int:
        return self.session.execute(t.planning_runs.insert().values(version=1, **values)).inserted_primary_key[0]

    def get(self, run_id: int, lock: bool = False) -> PlanningRun | None:
        q = select(t.planning_runs).where(t.planning_runs.c.id == run_id)
        row = self.session.execute(q.with_for_update() if lock else q).one_or_none()
        return PlanningRun(**row._mapping) if row else None

    def lock_plan(self) -> None:
        """One plan change at a time: two accepts (and the purchase requests they raise) must
        not both read the same plan in force. SQLite's ``BEGIN IMMEDIATE`` already serialises
        writers; PostgreSQL takes a transaction-scoped advisory lock."""
        if _dialect(self.session) == "postgresql":
            self.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": PLAN_LOCK_KEY})

    def accepted(self) -> PlanningRun | None:
        row = self.session.execute(
            select(t.planning_runs).where(t.planning_runs.c.status == "accepted")
            .order_by(t.planning_runs.c.id.desc()).limit(1)).one_or_none()
        return PlanningRun(**row._mapping) if row else None

    def accepted_key(self) -> tuple[int, int] | None:
        """The plan in force's id and version, without reading its schedule."""
        c = t.planning_runs.c
        row = self.session.execute(select(c.id, c.version).where(c.status == "accepted")
                                   .order_by(c.id.desc()).limit(1)).one_or_none()
        return (row.id, row.version) if row else None

    def accepted_order_ids(self) -> frozenset[int]:
        """The orders the plan in force holds, without reading its schedule."""
        c = t.planning_runs.c
        ids = self.session.scalar(select(c.order_ids).where(c.status == "accepted").order_by(c.id.desc()).limit(1))
        return frozenset(ids or ())

    def version_of(self, run_id: int) -> tuple[int, int] | None:
        """A run's id and version, without reading its schedule."""
        c = t.planning_runs.c
        row = self.session.execute(select(c.id, c.version).where(c.id == run_id)).one_or_none()
        return (row.id, row.version) if row else None

    def set_status(self, run_id: int, version: int, **values) -> None:
        """Compare-and-set on the version: a concurrent accept finds 0 rows and loses."""
        done = self.session.execute(
            t.planning_runs.update().where(t.planning_runs.c.id == run_id,
                                           t.planning_runs.c.version == version)
            .values(version=version + 1, **values))
        if done.rowcount != 1:
            raise StaleDataError("planning run changed")

    def supersede_accepted(self) -> None:
        self.session.execute(t.planning_runs.update().where(t.planning_runs.c.status == "accepted")
                             .values(status="superseded", version=t.planning_runs.c.version + 1))


# --- notifications (issue 5) ----------------------------------------------------------------
class NoticeStore:
    """In-app notices, one row per recipient (D2, E6)."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, **values) -> int:
        return self.session.execute(t.notices.insert().values(version=1, **values)).inserted_primary_key[0]

    def _notices(self, query) -> list[Notice]:
        return [Notice(**r._mapping) for r in self.session.execute(query)]

    def get(self, notice_id: int) -> Notice | None:
        found = self._notices(select(t.notices).where(t.notices.c.id == notice_id))
        return found[0] if found else None

    def for_recipient(self, user_id: int, open_only: bool = False, limit: int = 200) -> list[Notice]:
        """What waits for the user: unacknowledged first, critical first, oldest first."""
        q = select(t.notices).where(t.notices.c.recipient_id == user_id)
        if open_only:
            q = q.where(t.notices.c.acknowledged_at.is_(None), t.notices.c.read_at.is_(None))
        q = q.order_by(t.notices.c.acknowledged_at.is_not(None), t.notices.c.critical.desc(),
                       t.notices.c.created_at, t.notices.c.id).limit(limit)
        return self._notices(q)

    def for_order(self, order_id: int) -> list[Notice]:
        return self._notices(select(t.notices).where(t.notices.c.order_id == order_id).order_by(t.notices.c.id))

    def update(self, notice_id: int, version: int, **values) -> None:
        """Compare-and-set on the version, like every other concurrent write."""
        done = self.session.execute(
            t.notices.update().where(t.notices.c.id == notice_id, t.notices.c.version == version)
            .values(version=version + 1, **values))
        if done.rowcount != 1:
            raise StaleDataError("notice changed")

    @staticmethod
    def _open():
        """Still waiting for its recipient: not answered, not acknowledged, and unread or needing an
        acknowledgement."""
        n = t.notices.c
        return (n.answered_at.is_(None) & n.acknowledged_at.is_(None)
                & or_(n.needs_ack.is_(True), n.read_at.is_(None)))

    def open_count(self, user_id: int) -> int:
        """Notices still waiting for the user."""
        return self.session.scalar(select(func.count()).select_from(t.notices).where(
            t.notices.c.recipient_id == user_id, self._open()))

    def inbox(self, user_id: int, limit: int = 200) -> list[Notice]:
        """The inbox order: open first, then critical, then needing acknowledgement, oldest first."""
        n = t.notices.c
        q = (select(t.notices).where(n.recipient_id == user_id)
             .order_by(~self._open(), n.critical.desc(), n.needs_ack.desc(), n.created_at, n.id).limit(limit))
        return self._notices(q)

    def open_for(self, user_id: int, limit: int = 5000) -> list[Notice]:
        """What still waits for the user, newest first."""
        n = t.notices.c
        return self._notices(select(t.notices).where(n.recipient_id == user_id, self._open())
                             .order_by(n.created_at.desc(), n.id.desc()).limit(limit))

    def unanswered(self, order_id: int | None = None, ref: str | None = None,
                   kinds: list[str] | None = None) -> list[Notice]:
        """Notices nobody answered yet, every recipient's: the order's, the ref's, of these kinds."""
        n = t.notices.c
        q = select(t.notices).where(n.answered_at.is_(None))
        if order_id is not None:
            q = q.where(n.order_id == order_id)
        if ref is not None:
            q = q.where(n.ref == ref)
        if kinds is not None:
            q = q.where(n.kind.in_(kinds))
        return self._notices(q.order_by(n.id))

    def answer(self, event_ids: list[str], at: datetime, by: int | None) -> int:
        """Marks every recipient's notice of these events answered (those not answered yet)."""
        n = t.notices.c
        done = self.session.execute(t.notices.update().where(
            n.event_id.in_(event_ids), n.answered_at.is_(None)).values(
            answered_at=at, answered_by=by, version=n.version + 1))
        return done.rowcount

    # --- the inbox page (issue 24): a constant number of queries, whatever the number of notices

    @staticmethod
    def _urgent():
        return or_(t.notices.c.critical.is_(True), t.orders.c.urgent.is_(True))

    @staticmethod
    def _overdue(now: datetime):
        n = t.notices.c
        return n.needs_ack.is_(True) & n.ack_due_at.is_not(None) & (n.ack_due_at < now)

    @staticmethod
    def _with_order():
        return t.notices.outerjoin(t.orders, t.orders.c.id == t.notices.c.order_id)

    def waiting_counts(self, user_id: int, now: datetime) -> list[WaitingCount]:
        """Per kind, the notices still waiting for the user: all, urgent, overdue (one query)."""
        n = t.notices.c
        as_int = lambda cond: func.coalesce(func.sum(case((cond, 1), else_=0)), 0)  # noqa: E731
        q = (select(n.kind, func.count(), as_int(self._urgent()), as_int(self._overdue(now)))
             .select_from(self._with_order()).where(n.recipient_id == user_id, self._open())
             .group_by(n.kind))
        return [WaitingCount(kind, total, urgent, overdue) for kind, total, urgent, overdue in self.session.execute(q)]

    def waiting_groups(self, user_id: int, now: datetime, f: InboxFilter, offset: int,
                       limit: int) -> tuple[int, list[InboxEntry]]:
        """One page of order groups of the waiting notices ``f`` lets through, the group with the
        newest notice first, newest first inside; and how many groups there are (two queries)."""
        n = t.notices.c
        where = [n.recipient_id == user_id, self._open()]
        if f.kind:
            where.append(n.kind == f.kind)
        if f.order_id:
            where.append(n.order_id == f.order_id)
        if f.urgent:
            where.append(self._urgent())
        if f.overdue:
            where.append(self._overdue(now))
        groups = self.session.execute(
            select(n.order_id, func.count().over()).select_from(self._with_order()).where(*where)
            .group_by(n.order_id).order_by(func.max(n.created_at).desc(), func.max(n.id).desc())
            .offset(offset).limit(limit)).all()
        if not groups:
            return (self.session.scalar(select(func.count(func.distinct(func.coalesce(n.order_id, 0))))
                                        .select_from(self._with_order()).where(*where)) or 0, [])
        ids = [g[0] for g in groups if g[0] is not None]
        in_page = or_(n.order_id.in_(ids), n.order_id.is_(None)) if len(ids) < len(groups) else n.order_id.in_(ids)
        rows = self._entries(select(t.notices, t.orders.c.number, t.orders.c.urgent, t.users.c.display_name)
                             .select_from(self._with_order().outerjoin(t.users, t.users.c.id == n.answered_by))
                             .where(*where, in_page).order_by(n.created_at.desc(), n.id.desc()))
        rank = {g[0]: k for k, g in enumerate(groups)}
        return groups[0][1], sorted(rows, key=lambda e: rank[e.notice.order_id])

    def entries(self, user_id: int, limit: int) -> list[InboxEntry]:
        """The user's latest notices in the inbox order (as ``inbox``), each with its order and
        who answered it (one query)."""
        n = t.notices.c
        return self._entries(
            select(t.notices, t.orders.c.number, t.orders.c.urgent, t.users.c.display_name)
            .select_from(self._with_order().outerjoin(t.users, t.users.c.id == n.answered_by))
            .where(n.recipient_id == user_id)
            .order_by(~self._open(), n.critical.desc(), n.needs_ack.desc(), n.created_at, n.id).limit(limit))

    def _entries(self, query) -> list[InboxEntry]:
        fields = [c.name for c in t.notices.columns]
        return [InboxEntry(Notice(**{k: r[k] for k in fields}), r["number"], bool(r["urgent"]), r["display_name"])
                for r in (row._mapping for row in self.session.execute(query))]

    def for_events(self, event_ids: list[str]) -> list[Notice]:
        return self._notices(select(t.notices).where(t.notices.c.event_id.in_(event_ids)).order_by(t.notices.c.id))


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


class OutboxStore:
    """Deliveries waiting for the worker; claimed under a lease so none is sent by two workers."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, **values) -> int:
        values.setdefault("status", "pending")
        values.setdefault("attempts", 0)
        return self.session.execute(t.outbox.insert().values(version=1, **values)).inserted_primary_key[0]

    def _deliveries(self, query) -> list[Delivery]:
        return [Delivery(**r._mapping) for r in self.session.execute(query)]

    def get(self, delivery_id: int) -> Delivery | None:
        found = self._deliveries(select(t.outbox).where(t.outbox.c.id == delivery_id))
        return found[0] if found else None

    def for_event(self, event_id: str) -> list[Delivery]:
        return self._deliveries(select(t.outbox).where(t.outbox.c.event_id == event_id).order_by(t.outbox.c.id))

    def list(self, status: str | None = None, limit: int = 500) -> list[Delivery]:
        q = select(t.outbox).order_by(t.outbox.c.id.desc()).limit(limit)
        if status:
            q = q.where(t.outbox.c.status == status)
        return self._deliveries(q)

    def claim(self, now: datetime, worker: str, lease_until: datetime, limit: int) -> list[Delivery]:
        """Takes up to ``limit`` due rows whose lease is free or expired, for ``worker``.

        PostgreSQL skips rows another worker has locked (``FOR UPDATE SKIP LOCKED``); on both
        databases the lease is then set by compare-and-set on the version, so of two workers
        racing for a row exactly one gets it, and a dead worker's row is free once its lease ends.
        """
        o = t.outbox.c
        q = (select(o.id, o.version).where(
            o.status == "pending", o.next_attempt_at <= now,
            or_(o.lease_until.is_(None), o.lease_until < now))
            .order_by(o.next_attempt_at, o.id).limit(limit))
        if _dialect(self.session) == "postgresql":
            q = q.with_for_update(skip_locked=True)
        claimed = []
        for row in self.session.execute(q).all():
            done = self.session.execute(t.outbox.update().where(
                o.id == row.id, o.version == row.version).values(
                claimed_by=worker, lease_until=lease_until, version=row.version + 1))
            if done.rowcount == 1:
                claimed.append(row.id)
        if not claimed:
            return []
        return self._deliveries(select(t.outbox).where(o.id.in_(claimed)).order_by(o.id))

    def settle(self, delivery_id: int, worker: str, **values) -> bool:
        """Records the outcome of a claimed delivery; False when the lease was lost meanwhile."""
        o = t.outbox.c
        done = self.session.execute(t.outbox.update().where(
            o.id == delivery_id, o.claimed_by == worker, o.status == "pending").values(
            claimed_by=None, lease_until=None, version=o.version + 1, **values))
        return done.rowcount == 1


class TimerStore:
    """Deadlines as rows (issue 5 §4): scheduled in the caller's transaction, fired by the worker."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, **values) -> int:
        values.setdefault("status", "pending")
        values.setdefault("attempts", 0)
        return self.session.execute(t.timers.insert().values(version=1, **values)).inserted_primary_key[0]

    def _timers(self, query) -> list[Timer]:
        return [Timer(**r._mapping) for r in self.session.execute(query)]

    def get(self, timer_id: int) -> Timer | None:
        found = self._timers(select(t.timers).where(t.timers.c.id == timer_id))
        return found[0] if found else None

    def find(self, kind: str | None = None, ref: str | None = None,
             status: str | None = None) -> list[Timer]:
        c = t.timers.c
        q = select(t.timers).order_by(c.due_at, c.id)
        if kind:
            q = q.where(c.kind == kind)
        if ref:
            q = q.where(c.ref == ref)
        if status:
            q = q.where(c.status == status)
        return self._timers(q)

    def cancel(self, kind: str, ref: str) -> int:
        c = t.timers.c
        done = self.session.execute(t.timers.update().where(
            c.kind == kind, c.ref == ref, c.status == "pending").values(
            status="cancelled", version=c.version + 1))
        return done.rowcount

    def next_due(self, now: datetime, skip: set[int]) -> Timer | None:
        """The earliest due pending timer, locked for this transaction.

        PostgreSQL skips timers another worker holds (``FOR UPDATE SKIP LOCKED``); SQLite's
        ``BEGIN IMMEDIATE`` already makes this transaction the only writer.
        """
        c = t.timers.c
        q = select(t.timers).where(c.status == "pending", c.due_at <= now)
        if skip:
            q = q.where(c.id.not_in(skip))
        q = q.order_by(c.due_at, c.id).limit(1)
        if _dialect(self.session) == "postgresql":
            q = q.with_for_update(skip_locked=True)
        found = self._timers(q)
        return found[0] if found else None

    def update(self, timer_id: int, version: int, **values) -> bool:
        """Compare-and-set on the version; False when the timer changed meanwhile (fired elsewhere)."""
        done = self.session.execute(t.timers.update().where(
            t.timers.c.id == timer_id, t.timers.c.version == version).values(
            version=version + 1, **values))
        return done.rowcount == 1

# --- materials (issue 4) ----------------------------------------------------------------------
class _NumberedRows(_RecordStore):
    """Rows with a document number made from the id (PO-00012), read as ``record``s."""

    prefix: str

    def add(self, **values) -> int:
        row_id = self.session.execute(self.table.insert().values(
            version=1, number=uuid.uuid4().hex[:30], **values)).inserted_primary_key[0]
        self.session.execute(self.table.update().where(self.table.c.id == row_id)
                             .values(number=f"{self.prefix}-{row_id:05d}"))
        return row_id


class PurchaseOrderStore(_NumberedRows):
    """Purchase orders of materials (采购订单)."""

    table, prefix, record = t.purchase_orders, "PO", PurchaseOrder

    def list(self, status: str | None = None, supplier_id: int | None = None,
             material_code: str | None = None) -> list[PurchaseOrder]:
        q = select(self.table)
        if status:
            q = q.where(self.table.c.status == status)
        if supplier_id is not None:
            q = q.where(self.table.c.supplier_id == supplier_id)
        if material_code:
            q = q.where(self.table.c.material_code == material_code)
        return self._records(q.order_by(self.table.c.due_date, self.table.c.id))


class DelayRequestStore(_NumberedRows):
    """Material delivery delay requests (材料交期延迟申请单)."""

    table, prefix, record = t.material_delay_requests, "MD", DelayRequest

    def list(self, status: str | None = None, supplier_id: int | None = None,
             purchase_order_id: int | None = None) -> list[DelayRequest]:
        q = select(self.table)
        if status:
            q = q.where(self.table.c.status == status)
        if purchase_order_id is not None:
            q = q.where(self.table.c.purchase_order_id == purchase_order_id)
        if supplier_id is not None:
            q = q.join(t.purchase_orders, t.purchase_orders.c.id == self.table.c.purchase_order_id).where(
                t.purchase_orders.c.supplier_id == supplier_id)
        return self._records(q.order_by(self.table.c.status != "pending", self.table.c.id.desc()))


class PurchaseRequestStore(_NumberedRows):
    """Purchase requests (请购) raised from the shortages of accepted plans."""

    table, prefix, record = t.purchase_requests, "PR", PurchaseRequest

    def list(self, status: str | None = None, material_code: str | None = None) -> list[PurchaseRequest]:
        """Open first, then soonest needed first."""
        c = self.table.c
        q = select(self.table)
        if status:
            q = q.where(c.status == status)
        if material_code:
            q = q.where(c.material_code == material_code)
        return self._records(q.order_by(c.status != "open", c.need_by, c.id))


class MaterialStockStore:
    """Free stock on hand per material (库存)."""

    def __init__(self, session: Session):
        self.session = session

    def all(self) -> list[MaterialStock]:
        q = select(t.material_stock).order_by(t.material_stock.c.material_code)
        return [MaterialStock(**r._mapping) for r in self.session.execute(q)]

    def get(self, material_code: str) -> MaterialStock | None:
        row = self.session.execute(select(t.material_stock).where(
            t.material_stock.c.material_code == material_code)).one_or_none()
        return MaterialStock(**row._mapping) if row else None

    def add(self, material_code: str, on_hand, at: datetime) -> None:
        self.session.execute(t.material_stock.insert().values(
            material_code=material_code, on_hand=on_hand, updated_at=at, version=1))

    def update(self, material_code: str, version: int, on_hand, at: datetime) -> None:
        done = self.session.execute(t.material_stock.update().where(
            t.material_stock.c.material_code == material_code, t.material_stock.c.version == version)
            .values(on_hand=on_hand, updated_at=at, version=version + 1))
        if done.rowcount != 1:
            raise StaleDataError(f"stock of {material_code} changed")


class MaterialShortageStore(_TableStore):
    """What released orders are still owed of each material (欠料), oldest first."""

    table = t.material_shortages

    def get(self, row_id: int, lock: bool = False) -> MaterialShortage | None:
        row = super().get(row_id, lock)
        return MaterialShortage(**row) if row else None

    def open(self, material_code: str | None = None,
             order_ids: Iterable[int] | None = None) -> list[MaterialShortage]:
        c = self.table.c
        q = select(self.table).where(c.quantity > 0)
        if material_code:
            q = q.where(c.material_code == material_code)
        if order_ids is not None:
            q = q.where(c.order_id.in_(list(order_ids)))
        return [MaterialShortage(**row) for row in self._rows(q.order_by(c.id))]


class RunHistory:
    """The latest planning runs, without their (large) schedules, for the planning page."""

    def __init__(self, session: Session):
        self.session = session

    def recent(self, limit: int = 20) -> list[RunSummary]:
        c = t.planning_runs.c
        q = (select(c.id, c.kind, c.status, c.origin, c.urgent_order_id, c.summary, c.created_by,
                    c.created_at, c.accepted_at, c.version)
             .order_by(c.id.desc()).limit(limit))
        return [RunSummary(**r._mapping) for r in self.session.execute(q)]


# --- approvals and order changes (issue 5) ----------------------------------------------------
class ApprovalChainStore(_TableStore):
    """Review and approval chains with their steps (configuration)."""

    table = t.approval_chains

    def all(self) -> list[ChainRecord]:
        chains = self._rows(select(self.table).order_by(self.table.c.rank, self.table.c.code))
        steps = [ChainStepRecord(**s) for s in self._rows(select(t.approval_steps).order_by(
            t.approval_steps.c.stage, t.approval_steps.c.role))]
        return [ChainRecord(**chain, steps=tuple(s for s in steps if s.chain_id == chain["id"]))
                for chain in chains]

    def by_code(self, code: str) -> ChainRecord | None:
        return next((c for c in self.all() if c.code == code), None)

    def replace_steps(self, chain_id: int, steps: list[dict]) -> None:
        self.session.execute(t.approval_steps.delete().where(t.approval_steps.c.chain_id == chain_id))
        if steps:
            self.session.execute(t.approval_steps.insert(), [{**s, "chain_id": chain_id} for s in steps])


class DelegationStore(_RecordStore):
    """Deputies named by approvers for a period."""

    table = t.approval_delegations
    record = DelegationRecord

    def list(self, user_id: int | None = None, active_at: datetime | None = None) -> list[DelegationRecord]:
        c = self.table.c
        q = select(self.table)
        if user_id is not None:
            q = q.where(or_(c.principal_id == user_id, c.deputy_id == user_id))
        if active_at is not None:
            q = q.where(c.revoked_at.is_(None), c.starts_at <= active_at, c.ends_at > active_at)
        return self._records(q.order_by(c.starts_at.desc(), c.id.desc()))


class ReviewStore(_RecordStore):
    """Review records (紧急订单评审记录表) and the signed acts on them and on change requests."""

    table = t.order_reviews
    record = ReviewRecord

    def lock_order(self, order_id: int) -> None:
        """Serialises every signer of one order (PostgreSQL row lock; SQLite writes one at a time)."""
        self.session.execute(select(t.orders.c.id).where(t.orders.c.id == order_id).with_for_update())

    def for_order(self, order_id: int) -> list[ReviewRecord]:
        return self._records(select(self.table).where(self.table.c.order_id == order_id)
                             .order_by(self.table.c.id))

    def open_for(self, order_ids: list[int]) -> dict[int, ReviewRecord]:
        if not order_ids:
            return {}
        rows = self._records(select(self.table).where(self.table.c.order_id.in_(order_ids),
                                                      self.table.c.status == "open"))
        return {r.order_id: r for r in rows}

    def add_signature(self, **values) -> int:
        return self.session.execute(t.approval_signatures.insert().values(**values)).inserted_primary_key[0]

    def signatures(self, subjects: list[str]) -> list[Signature]:
        if not subjects:
            return []
        c = t.approval_signatures.c
        q = select(t.approval_signatures).where(c.subject.in_(subjects)).order_by(c.id)
        return [Signature(**row) for row in self._rows(q)]


class ChangeRequestStore(_RecordStore):
    """Change requests (变更申请表)."""

    table = t.change_requests
    record = ChangeRequestRecord

    def list(self, order_id: int | None = None, status: str | None = None) -> list[ChangeRequestRecord]:
        c = self.table.c
        q = select(self.table)
        if order_id is not None:
            q = q.where(c.order_id == order_id)
        if status:
            q = q.where(c.status == status)
        return self._records(q.order_by(c.status != "pending", c.id.desc()))


class LetterStore(_RecordStore):
    """Confirmation letters (确认函), kept with what was sent."""

    table = t.confirmation_letters
    record = LetterRecord

    def for_order(self, order_id: int) -> list[LetterRecord]:
        return self._records(select(self.table).where(self.table.c.order_id == order_id)
                             .order_by(self.table.c.id.desc()))


# --- execution (issue 6) ----------------------------------------------------------------------
class TaskStore(_RecordStore):
    """Production tasks (D1, E1), the operators' reports and each order's last forecast (E2)."""

    table = t.production_tasks
    record = Task

    def for_order(self, order_id: int) -> list[Task]:
        c = self.table.c
        return self._records(select(self.table).where(c.order_id == order_id)
                          .order_by(c.line_no, c.planned_start, c.step_seq, c.lot, c.id))

    def for_orders(self, order_ids: list[int]) -> dict[int, list[Task]]:
        """The tasks of many orders in one query (in chunks of 500 ids), by order id, each in
        `for_order`'s sequence."""
        c = self.table.c
        found: dict[int, list[Task]] = {i: [] for i in order_ids}
        ids = list(order_ids)
        for k in range(0, len(ids), 500):
            for task in self._records(select(self.table).where(c.order_id.in_(ids[k:k + 500]))
                                      .order_by(c.order_id, c.line_no, c.planned_start, c.step_seq, c.lot, c.id)):
                found[task.order_id].append(task)
        return found

    def on_floor(self, since: datetime) -> list[Task]:
        """Every task not done yet, and those finished since ``since`` (the floor screens)."""
        c = self.table.c
        return self._records(select(self.table).where(or_(c.status != "done", c.finished_at >= since))
                          .order_by(c.planned_start, c.id))

    def add_report(self, **values) -> int:
        return self.session.execute(t.task_reports.insert().values(**values)).inserted_primary_key[0]

    def reports(self, task_id: int) -> list[dict]:
        r = t.task_reports.c
        return [dict(row._mapping) for row in self.session.execute(
            select(t.task_reports).where(r.task_id == task_id).order_by(r.id))]

    def progress(self, order_id: int) -> OrderProgress | None:
        row = self.session.execute(select(t.order_progress).where(
            t.order_progress.c.order_id == order_id)).one_or_none()
        return OrderProgress(**row._mapping) if row else None

    def save_progress(self, order_id: int, current: OrderProgress | None, **values) -> None:
        """Inserts the first forecast of an order, or compare-and-sets the one read as ``current``."""
        p = t.order_progress
        if current is None:
            self.session.execute(p.insert().values(order_id=order_id, version=1, **values))
            return
        done = self.session.execute(p.update().where(p.c.id == current.id, p.c.version == current.version)
                                    .values(version=current.version + 1, **values))
        if done.rowcount != 1:
            raise StaleDataError("order progress changed")


class FloorStore:
    """Who leads each work group, and when work centers are down (D2, E4)."""

    def __init__(self, session: Session):
        self.session = session

    def leaders(self) -> dict[str, int]:
        rows = self.session.execute(select(t.group_leaders.c.department_code, t.group_leaders.c.user_id))
        return {r.department_code: r.user_id for r in rows}

    def set_leader(self, department_code: str, user_id: int) -> int | None:
        """Names the leader; returns the previous one (None when there was none)."""
        g = t.group_leaders
        old = self.session.execute(select(g).where(g.c.department_code == department_code)).one_or_none()
        if old is None:
            self.session.execute(g.insert().values(department_code=department_code, user_id=user_id, version=1))
            return None
        done = self.session.execute(g.update().where(g.c.id == old.id, g.c.version == old.version)
                                    .values(user_id=user_id, version=old.version + 1))
        if done.rowcount != 1:
            raise StaleDataError("group leader changed")
        return old.user_id

    def add_downtime(self, **values) -> int:
        return self.session.execute(t.work_center_downtimes.insert().values(**values)).inserted_primary_key[0]

    def downtimes(self, until_after: datetime, work_center: str | None = None) -> list[Downtime]:
        """Downtimes that have not ended by ``until_after``."""
        d = t.work_center_downtimes.c
        q = select(t.work_center_downtimes).where(d.down_until > until_after)
        if work_center:
            q = q.where(d.work_center_code == work_center)
        return [Downtime(**r._mapping) for r in self.session.execute(q.order_by(d.down_from, d.id))]


class ProcessExceptionStore(_RecordStore):
    """紧急订单制程异常申报单 (E4)."""

    table = t.process_exceptions
    record = ProcessException

    def for_order(self, order_id: int) -> list[ProcessException]:
        c = self.table.c
        return self._records(select(self.table).where(c.order_id == order_id).order_by(c.id))

    def open(self, limit: int = 200) -> list[ProcessException]:
        c = self.table.c
        return self._records(select(self.table).where(c.status != "closed").order_by(c.id.desc()).limit(limit))


class InspectionStore(_RecordStore):
    """Inspection results (F1, F2); written once, and the re-plan they caused filled in once."""

    table = t.inspections
    record = Inspection

    def for_order(self, order_id: int) -> list[Inspection]:
        c = self.table.c
        return self._records(select(self.table).where(c.order_id == order_id).order_by(c.id))

    def inspected_tasks(self, order_ids: list[int]) -> set[int]:
        """The tasks of these orders an in-process inspection names (quality's home)."""
        c, ids, found = self.table.c, list(order_ids), set()
        for k in range(0, len(ids), 500):
            found.update(self.session.scalars(select(c.task_id).where(
                c.order_id.in_(ids[k:k + 500]), c.task_id.is_not(None))))
        return found

    def set_run(self, inspection_id: int, run_id: int) -> None:
        c = self.table.c
        done = self.session.execute(self.table.update().where(c.id == inspection_id, c.planning_run_id.is_(None))
                                    .values(planning_run_id=run_id))
        if done.rowcount != 1:
            raise StaleDataError("inspection already has its re-plan")


# --- fulfilment (issue 6) ---------------------------------------------------------------------
class _RowStore(_RecordStore):
    """Rows that belong to an order, the latest one first."""

    def by_order(self, order_id: int):
        return self._one(self.session.execute(select(self.table).where(self.table.c.order_id == order_id)
                                              .order_by(self.table.c.id.desc()).limit(1)).one_or_none())


class ReceiptStore(_RowStore):
    """成品入库单 (G1)."""

    table = t.goods_receipts
    record = Receipt


class DrawingStore(_RowStore):
    """Temporary drawings and engineering data lent out with orders (L1, L2)."""

    table = t.engineering_documents
    record = Drawing

    def for_order(self, order_id: int) -> list[Drawing]:
        return self._records(select(self.table).where(self.table.c.order_id == order_id)
                          .order_by(self.table.c.id))

    def find(self, order_id: int, doc_no: str) -> Drawing | None:
        return self._one(self.session.execute(select(self.table).where(
            self.table.c.order_id == order_id, self.table.c.doc_no == doc_no)).one_or_none())

    def not_returned(self) -> list[tuple[Drawing, str, bool]]:
        """(document, order number, urgent) of every document still away from engineering,
        overdue first, then by due time."""
        c = self.table.c
        rows = self.session.execute(select(self.table, t.orders.c.number.label("order_number"),
                                           t.orders.c.urgent.label("order_urgent"))
                                    .join(t.orders, t.orders.c.id == c.order_id)
                                    .where(c.status != "returned")
                                    .order_by(c.overdue_department.is_(None), c.due_at.is_(None), c.due_at, c.id))
        return [(Drawing(**{k: r._mapping[k] for k in c.keys()}), r.order_number, r.order_urgent) for r in rows]


class ShipmentStore(_RowStore):
    """Shipments (G3–G5)."""

    table = t.shipments
    record = Shipment

    def by_status(self, status: str, limit: int = 200) -> list[tuple[Shipment, str, bool]]:
        """(shipment, order number, urgent) of the shipments in ``status``, urgent first."""
        c = self.table.c
        rows = self.session.execute(select(self.table, t.orders.c.number.label("order_number"),
                                           t.orders.c.urgent.label("order_urgent"))
                                    .join(t.orders, t.orders.c.id == c.order_id)
                                    .where(c.status == status)
                                    .order_by(t.orders.c.urgent.desc(), c.expected_arrival, c.id).limit(limit))
        return [(Shipment(**{k: r._mapping[k] for k in c.keys()}), r.order_number, r.order_urgent) for r in rows]


class FeedbackStore(_RowStore):
    """Feedback requests and the answers to them (I1)."""

    table = t.feedback_requests
    record = FeedbackRequest

    def for_order(self, order_id: int) -> list[FeedbackRequest]:
        return self._records(select(self.table).where(self.table.c.order_id == order_id)
                          .order_by(self.table.c.id))


class IncidentStore(_RowStore):
    """Delay and emergency-plan incidents with their follow-ups (I2–I4)."""

    table = t.incidents
    record = Incident

    def list(self, status: str | None = None, order_id: int | None = None, limit: int = 200) -> list[Incident]:
        """Open ones first, by the solution's deadline, newest first."""
        c = self.table.c
        q = select(self.table)
        if status:
            q = q.where(c.status == status)
        if order_id is not None:
            q = q.where(c.order_id == order_id)
        return self._records(q.order_by(c.status, c.solution_due_at.is_(None), c.solution_due_at,
                                     c.id.desc()).limit(limit))

    def add_followup(self, **values) -> int:
        return self.session.execute(t.incident_followups.insert().values(**values)).inserted_primary_key[0]

    def followups(self, incident_id: int) -> list[dict]:
        f = t.incident_followups
        return [dict(r._mapping) for r in self.session.execute(
            select(f, t.users.c.username.label("by")).join(t.users, t.users.c.id == f.c.by_id)
            .where(f.c.incident_id == incident_id).order_by(f.c.at, f.c.id))]


class EmergencyOrganisation(_RowStore):
    """应急领导小组 and 应急小组 (I5)."""

    table = t.emergency_members

    def members(self) -> list[dict]:
        u = t.users
        return self._records(select(self.table, u.c.username, u.c.display_name, u.c.role, u.c.active)
                          .join(u, u.c.id == self.table.c.user_id)
                          .order_by(self.table.c.group_name, self.table.c.id))

    def by_user(self, user_id: int) -> dict | None:
        row = self.session.execute(select(self.table).where(self.table.c.user_id == user_id)).one_or_none()
        return dict(row._mapping) if row else None

    def remove(self, member_id: int, version: int) -> None:
        done = self.session.execute(self.table.delete().where(
            self.table.c.id == member_id, self.table.c.version == version))
        if done.rowcount != 1:
            raise StaleDataError(f"emergency member {member_id} changed")


class OrderRecordStore(_RowStore):
    """Records of completed orders (M2, M4), written once when the order closes."""

    table = t.order_records
    record = OrderRecord


class CapacityChangeStore(_RecordStore):
    """Capacity changes decisions made (B6, C5, E4), in the order they were made."""

    table = t.capacity_changes
    record = CapacityChange

    def for_order(self, order_id: int) -> list[CapacityChange]:
        c = self.table.c
        return self._records(select(self.table).where(c.order_id == order_id).order_by(c.id))

    def in_plan(self, after: datetime) -> list[CapacityChange]:
        """Overtime windows that end after ``after``, and every outside step, that plans use."""
        c = self.table.c
        return self._records(select(self.table).where(
            ((c.kind == "overtime") & (c.ends_at > after)) | (c.kind == "outside_processing")).order_by(c.id))

    def set_run(self, change_ids: list[int], run_id: int) -> None:
        """The planning run proposed with these changes (written once, when it is made)."""
        self.session.execute(self.table.update().where(self.table.c.id.in_(change_ids))
                             .values(planning_run_id=run_id))


class EmergencyStateStore(_RecordStore):
    """Emergency states (J1–J4), newest first; at most one declared or in force."""

    table = t.emergency_states

    def active(self) -> dict | None:
        c = self.table.c
        row = self.session.execute(select(self.table).where(c.status.in_(("declared", "in_force")))
                                   .order_by(c.id.desc()).limit(1)).one_or_none()
        return dict(row._mapping) if row else None

    def list(self, limit: int = 50) -> list[dict]:
        return self._records(select(self.table).order_by(self.table.c.id.desc()).limit(limit))


class ImprovementActionStore(_RecordStore):
    """Tracked improvement actions (M4), by where they come from."""

    table = t.improvement_actions
    record = ImprovementAction

    def for_source(self, source: str, source_id: int) -> list[ImprovementAction]:
        c = self.table.c
        return self._records(select(self.table).where(c.source == source, c.source_id == source_id)
                             .order_by(c.department, c.due, c.id))


class StoreStore(_RecordStore):
    """The stores (分店) and who runs them (K1)."""

    table = t.stores
    record = Store

    def list(self) -> list[Store]:
        return self._records(select(self.table).order_by(self.table.c.code))

    def by_code(self, code: str) -> Store | None:
        return self._one(self.session.execute(select(self.table).where(self.table.c.code == code)).one_or_none())

    def of_user(self, user_id: int) -> list[Store]:
        c = self.table.c
        return self._records(select(self.table).where(or_(c.manager_id == user_id, c.supervisor_id == user_id))
                             .order_by(c.code))


class RequisitionStore(_NumberedRows):
    """Urgent requisitions (紧急请配单) and the documents of their steps (K1–K6)."""

    table, prefix, record = t.store_requisitions, "RQ", Requisition

    def list(self, store_ids: Iterable[int] | None = None, supplier_id: int | None = None,
             status: Iterable[str] | None = None) -> list[Requisition]:
        """Oldest first (a requisition waits longest at the top of its list)."""
        c = self.table.c
        q = select(self.table)
        if store_ids is not None:
            q = q.where(c.store_id.in_(list(store_ids)))
        if supplier_id is not None:
            q = q.where(c.supplier_id == supplier_id)
        if status is not None:
            q = q.where(c.status.in_(list(status)))
        return self._records(q.order_by(c.raised_at, c.id))


# --- the defect-code catalogue (issue 24) ----------------------------------------------------
class DefectCodeStore(_RecordStore):
    """The defect codes quality picks from, by code."""

    table = t.defect_codes
    record = DefectCode

    def all(self, active_only: bool = False) -> list[DefectCode]:
        q = select(self.table).order_by(self.table.c.code)
        return self._records(q.where(self.table.c.active.is_(True)) if active_only else q)

    def by_code(self, code: str) -> DefectCode | None:
        return self._one(self.session.execute(select(self.table).where(self.table.c.code == code)).one_or_none())

    def update(self, defect_id: int, version: int, **values) -> None:
        done = self.session.execute(self.table.update().where(self.table.c.id == defect_id,
                                                              self.table.c.version == version)
                                    .values(version=version + 1, **values))
        if done.rowcount != 1:
            raise StaleDataError("defect code changed")


# --- changeovers by product family pair, per work center (issue 25) ---------------------------
class SetupStore:
    """Each work center's changeover matrix (换线时间), replaced whole under its version."""

    table = t.work_center_setups

    def __init__(self, session: Session):
        self.session = session

    def matrices(self, code: str | None = None) -> dict[str, tuple[Changeover, ...]]:
        """The matrices by work center (one's, given its ``code``), pairs by family, in one query."""
        c = self.table.c
        q = select(c.work_center_code, c.from_family, c.to_family, c.minutes)
        if code is not None:
            q = q.where(c.work_center_code == code)
        found: dict[str, list[Changeover]] = {}
        for row in self.session.execute(q.order_by(c.work_center_code, c.from_family, c.to_family)):
            found.setdefault(row.work_center_code, []).append(Changeover(row.from_family, row.to_family, row.minutes))
        return {wc: tuple(rows) for wc, rows in found.items()}

    def replace(self, code: str, version: int, rows: Iterable[Changeover]) -> int:
        """Puts ``rows`` in place of the matrix if its version is still ``version``; the new version.
        The version's compare-and-set takes the work center's row lock first, so of two writers the
        second waits, then finds the version moved on and loses (409): matrices never mix."""
        wc = t.work_centers.c
        done = self.session.execute(t.work_centers.update()
                                    .where(wc.code == code, wc.setups_version == version)
                                    .values(setups_version=version + 1))
        if done.rowcount != 1:
            raise StaleDataError(f"the changeovers of {code} changed")
        self.session.execute(self.table.delete().where(self.table.c.work_center_code == code))
        values = [{"work_center_code": code, "from_family": r.from_family, "to_family": r.to_family,
                   "minutes": r.minutes} for r in rows]
        if values:
            self.session.execute(self.table.insert(), values)
        return version + 1
