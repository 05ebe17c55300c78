"""Repositories: collections of domain objects over a SQLAlchemy session."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import flag_modified
from sqlalchemy.orm.exc import StaleDataError

from jidan.adapters.db import tables as t
from jidan.domain.audit import GENESIS, event_hash
from jidan.domain.model import Customer, Department, Product, User, WorkCenter
from jidan.domain.order import Order


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


@dataclass(frozen=True)
class OrderFilter:
    status: str | None = None
    urgent: bool | None = None
    customer_code: str | None = None
    text: str | None = None
    limit: int = 50
    offset: int = 0


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
        return q

    def list(self, f: OrderFilter) -> tuple[list[Order], int]:
        """One page, most pressing first (key > urgent > normal, then requested date)."""
        q = self._filtered(f)
        total = self.session.scalar(select(func.count()).select_from(q.subquery()))
        rank = func.coalesce(Order.priority, "normal")
        page = q.order_by(
            Order.urgent.desc(), (rank != "key"), Order.requested_date, Order.id
        ).limit(f.limit).offset(f.offset)
        return list(self.session.scalars(page)), total

    def touch(self, order: Order) -> None:
        """Counts a change of lines only as a change of the order (its version moves on)."""
        flag_modified(order, "status")

    def add_version(self, order: Order, snapshot: dict, at: datetime, user_id: int) -> None:
        self.session.execute(t.order_versions.insert().values(
            order_id=order.id, revision=order.revision, snapshot=snapshot, created_at=at,
            created_by=user_id))

    def versions(self, order_id: int) -> list[dict]:
        rows = self.session.execute(
            select(t.order_versions).where(t.order_versions.c.order_id == order_id)
            .order_by(t.order_versions.c.revision))
        return [dict(r._mapping) for r in rows]


class AuditLog:
    """Appends hash-chained events under a lock on the chain head (M1)."""

    def __init__(self, session: Session):
        self.session = session

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
        if head:
            self.session.execute(t.audit_head.update().where(t.audit_head.c.id == 1)
                                 .values(seq=seq, hash=event["hash"]))
        else:
            self.session.execute(t.audit_head.insert().values(id=1, seq=seq, hash=event["hash"]))
        return event

    def for_entity(self, entity: str, entity_id: Any) -> list[dict]:
        rows = self.session.execute(
            select(t.audit_events).where(t.audit_events.c.entity == entity,
                                         t.audit_events.c.entity_id == str(entity_id))
            .order_by(t.audit_events.c.seq))
        return [dict(r._mapping) for r in rows]

    def all(self):
        """Every event in order, streamed so a long chain does not fill memory."""
        result = self.session.execute(select(t.audit_events).order_by(t.audit_events.c.seq)
                                      .execution_options(yield_per=1000))
        for row in result:
            yield dict(row._mapping)

    def head(self) -> tuple[int, str] | None:
        row = self.session.execute(select(t.audit_head.c.seq, t.audit_head.c.hash)).one_or_none()
        return (row.seq, row.hash) if row else None


class IdempotencyStore:
    """First results of requests sent with an ``Idempotency-Key`` (A2)."""

    def __init__(self, session: Session):
        self.session = session

    def get(self, user_id: int, key: str) -> dict | None:
        row = self.session.execute(select(t.idempotency_keys).where(
            t.idempotency_keys.c.user_id == user_id, t.idempotency_keys.c.key == key)).one_or_none()
        return dict(row._mapping) if row else None

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

    def by_token_hash(self, token_hash: str) -> dict | None:
        row = self.session.execute(select(t.auth_sessions).where(
            t.auth_sessions.c.token_hash == token_hash)).one_or_none()
        return dict(row._mapping) if row else None

    def delete(self, token_hash: str) -> None:
        self.session.execute(t.auth_sessions.delete().where(t.auth_sessions.c.token_hash == token_hash))


class CalendarStore:
    """The site's own calendar edits (N1)."""

    def __init__(self, session: Session):
        self.session = session

    def overrides(self) -> list[dict]:
        rows = self.session.execute(select(t.calendar_days).order_by(t.calendar_days.c.day))
        return [dict(r._mapping) for r in rows]

    def set_day(self, day, working: bool, note: str | None) -> dict | None:
        """Sets the day; returns what it was before (None when it had no edit)."""
        old = self.session.execute(select(t.calendar_days).where(t.calendar_days.c.day == day)).one_or_none()
        if old:
            self.session.execute(t.calendar_days.update().where(t.calendar_days.c.day == day)
                                 .values(working=working, note=note))
        else:
            self.session.execute(t.calendar_days.insert().values(day=day, working=working, note=note))
        return dict(old._mapping) if old else None


class PlanningRunStore:
    """Planning runs; the latest accepted one is the plan in force."""

    def __init__(self, session: Session):
        self.session = session

    def add(self, **values) -> int:
        return self.session.execute(t.planning_runs.insert().values(version=1, **values)).inserted_primary_key[0]

    def get(self, run_id: int, lock: bool = False) -> dict | None:
        q = select(t.planning_runs).where(t.planning_runs.c.id == run_id)
        row = self.session.execute(q.with_for_update() if lock else q).one_or_none()
        return dict(row._mapping) if row else None

    def accepted(self) -> dict | None:
        row = self.session.execute(
            select(t.planning_runs).where(t.planning_runs.c.status == "accepted")
            .order_by(t.planning_runs.c.id.desc()).limit(1)).one_or_none()
        return dict(row._mapping) if row else None

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

    def get(self, notice_id: int) -> dict | None:
        row = self.session.execute(select(t.notices).where(t.notices.c.id == notice_id)).one_or_none()
        return dict(row._mapping) if row else None

    def for_recipient(self, user_id: int, open_only: bool = False, limit: int = 200) -> list[dict]:
        """What waits for the user: unacknowledged first, critical first, oldest first."""
        q = select(t.notices).where(t.notices.c.recipient_id == user_id)
        if open_only:
            q = q.where(t.notices.c.acknowledged_at.is_(None), t.notices.c.read_at.is_(None))
        q = q.order_by(t.notices.c.acknowledged_at.is_not(None), t.notices.c.critical.desc(),
                       t.notices.c.created_at, t.notices.c.id).limit(limit)
        return [dict(r._mapping) for r in self.session.execute(q)]

    def for_order(self, order_id: int) -> list[dict]:
        q = select(t.notices).where(t.notices.c.order_id == order_id).order_by(t.notices.c.id)
        return [dict(r._mapping) for r in self.session.execute(q)]

    def update(self, notice_id: int, version: int, **values) -> None:
        """Compare-and-set on the version, like every other concurrent write."""
        done = self.session.execute(
            t.notices.update().where(t.notices.c.id == notice_id, t.notices.c.version == version)
            .values(version=version + 1, **values))
        if done.rowcount != 1:
            raise StaleDataError("notice changed")

# --- materials (issue 4) ----------------------------------------------------------------------

# --- approvals and order changes (issue 5) ----------------------------------------------------

# --- execution (issue 6) ----------------------------------------------------------------------

# --- fulfilment (issue 6) ---------------------------------------------------------------------
