"""An in-memory unit of work with what the order services use, for their rules without a database.

The stores keep plain objects and dicts as the SQL repositories return them. Writes are seen at
once and ``rollback`` undoes nothing, so a test here checks rules that refuse before they write
(the order services check first, then change); transactions are the integration tests' job.
"""
from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from jidan.adapters.excel.sheets import ExcelSheets
from jidan.bootstrap import rules_from
from jidan.config import Settings
from jidan.domain.audit import AuditEvent
from jidan.domain.calendar import WorkCalendar
from jidan.domain.model import Customer, Product, User
from jidan.domain.order import FirstAnswer, Order, OrderVersion
from jidan.domain.roles import Role
from jidan.domain.urgency import UrgencyPolicy
from jidan.services.context import Context
from jidan.services.ports import OrderFilter
from tests.support import FakeClock, FastHasher


class FakeOrders:
    def __init__(self):
        self.rows: dict[int, Order] = {}
        self.pending: list[Order] = []
        self.saved_versions: list[tuple[int, OrderVersion]] = []

    def add(self, order: Order) -> None:
        self.pending.append(order)

    def get(self, order_id: int) -> Order | None:
        return self.rows.get(order_id)

    def by_number(self, number: str) -> Order | None:
        return next((o for o in self.rows.values() if o.number == number), None)

    def by_customer_po(self, customer_id: int, customer_po: str) -> Order | None:
        return next((o for o in [*self.rows.values(), *self.pending]
                     if (o.customer_id, o.customer_po) == (customer_id, customer_po)), None)

    def list(self, f: OrderFilter) -> tuple[list[Order], int]:
        found = [o for o in self.rows.values()
                 if (not f.status or o.status == f.status) and (f.urgent is None or o.urgent == f.urgent)]
        found.sort(key=lambda o: (not o.urgent, o.priority != "key", o.requested_date, o.id))
        return found[f.offset:f.offset + f.limit], len(found)

    def touch(self, order: Order) -> None:
        """The SQL repository marks the row changed; here every object is the stored one."""

    def add_version(self, order: Order, snapshot: dict, at: datetime, user_id: int) -> None:
        self.saved_versions.append((order.id, OrderVersion(order.revision, snapshot, at, user_id)))

    def versions(self, order_id: int) -> list[OrderVersion]:
        return [v for oid, v in self.saved_versions if oid == order_id]


class FakeByCode:
    """Customers and products by code; users by username."""

    def __init__(self, key: str, items=()):
        self.key, self.items = key, {}
        for item in items:
            self.add(item)

    def add(self, item) -> None:
        item.id = getattr(item, "id", None) or len(self.items) + 1
        self.items[getattr(item, self.key)] = item

    def get(self, item_id: int):
        return next((i for i in self.items.values() if i.id == item_id), None)

    def by_code(self, code: str):
        return self.items.get(code)

    by_username = by_code

    def by_codes(self, codes: set[str]) -> dict:
        return {c: self.items[c] for c in codes if c in self.items}


class FakeAudit:
    """The trail in a list, unchained: what the rules wrote, in order."""

    def __init__(self):
        self.events: list[AuditEvent] = []

    def append(self, **event) -> AuditEvent:
        event.update(seq=len(self.events) + 1, entity_id=str(event["entity_id"]), prev_hash="", hash="")
        self.events.append(AuditEvent(**event))
        return self.events[-1]

    def for_entity(self, entity: str, entity_id) -> list[AuditEvent]:
        return [e for e in self.events if (e.entity, e.entity_id) == (entity, str(entity_id))]


class FakeIdempotency:
    def __init__(self):
        self.rows: dict[tuple[int, str], FirstAnswer] = {}

    def get(self, user_id: int, key: str) -> FirstAnswer | None:
        return self.rows.get((user_id, key))

    def put(self, user_id: int, key: str, request_hash: str, status_code: int, response: dict,
            at: datetime) -> None:
        self.rows[(user_id, key)] = FirstAnswer(request_hash, status_code, response)


class FakeCalendar:
    """No day overridden: the national calendar as it is."""

    def overrides(self) -> list[dict]:
        return []


class FakeUnitOfWork:
    def __init__(self, customers=(), products=(), users=()):
        self.orders = FakeOrders()
        self.customers = FakeByCode("code", customers)
        self.products = FakeByCode("code", products)
        self.users = FakeByCode("username", users)
        self.audit = FakeAudit()
        self.idempotency = FakeIdempotency()
        self.calendar = FakeCalendar()
        self.commits = 0

    def __enter__(self) -> FakeUnitOfWork:
        return self

    def __exit__(self, *exc) -> None:
        self.rollback()

    def flush(self) -> None:
        """New orders get their id and first version, as the database would give them."""
        for order in self.orders.pending:
            order.id, order.version = len(self.orders.rows) + 1, 1
            self.orders.rows[order.id] = order
        self.orders.pending.clear()

    def commit(self) -> None:
        self.flush()
        self.commits += 1

    def rollback(self) -> None:
        self.orders.pending.clear()


class KeyMessages:
    """The catalogue port answering with the key and its values, so tests read what was meant."""

    def text(self, key: str, **values: object) -> str:
        return " ".join([key, *(f"{k}={v}" for k, v in sorted(values.items()))])


def fake_context(uow: FakeUnitOfWork, clock: FakeClock | None = None) -> Context:
    """A Context over the fake unit of work, with no other area wired (``ctx.hooks`` empty)."""
    return Context(uow=lambda: uow, clock=clock or FakeClock(), hasher=FastHasher(),
                   policy=UrgencyPolicy(), national_calendar=WorkCalendar(), messages=KeyMessages(), sheets=ExcelSheets(),
                   **rules_from(Settings()))


def plant_fakes() -> FakeUnitOfWork:
    """The seed's people and master data that order entry needs: a key and a normal customer,
    a finished product with a 7-day lead time and a material."""
    users = [User(name, name, Role("sales" if name == "sales2" else name), "x")
             for name in ("sales", "sales2", "pmc", "management", "warehouse", "logistics")]
    return FakeUnitOfWork(
        customers=[Customer("C001", "华东电气", "key", "buyer@c001.example.com"),
                   Customer("C002", "南方电气")],
        products=[Product("SCB-200", "控制板 SCB-200", Decimal("450"), 7),
                  Product("CU-1", "铜箔", Decimal("3"), 3, kind="material")],
        users=users)
