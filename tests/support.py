"""Fakes of our own ports and a small plant the tests share."""
from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from jidan.domain.model import Actor, Department, WorkCenter
from jidan.domain.roles import Role
from jidan.services import auth
from jidan.services.masterdata import catalogue as masterdata
from jidan.services.masterdata.catalogue import NewCustomer, NewProduct, NewStep

#: Day 1 of the golden scenario: Tuesday 2026-11-24, 09:10 factory time.
DAY1 = datetime(2026, 11, 24, 9, 10)


@dataclass
class FakeClock:
    """A clock tests move by hand (time-travel tests)."""

    current: datetime = DAY1

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta) -> None:
        self.current += timedelta(**delta)


class FastHasher:
    """Salted sha256: the hasher port without argon2's deliberate slowness (tests only)."""

    def hash(self, password: str) -> str:
        salt = secrets.token_hex(8)
        return f"fake${salt}${hashlib.sha256((salt + password).encode()).hexdigest()}"

    def verify(self, password: str, hashed: str) -> bool:
        _, salt, digest = hashed.split("$")
        return secrets.compare_digest(hashlib.sha256((salt + password).encode()).hexdigest(), digest)


PASSWORD = "secret-pass"  # ten characters: the minimum outside the demo (issue 21)
#: One user per role, named after it; sales2 is a second salesperson.
USERNAMES = [r.value for r in Role] + ["sales2"]


def seed(ctx) -> dict[str, Actor]:
    """Users for every role, two customers, three products with routings, a tiny plant."""
    actors = {}
    for name in USERNAMES:
        role = "sales" if name == "sales2" else name
        view = auth.add_user(ctx, None, name, name, role, PASSWORD, f"{name}@example.com")
        actors[name] = Actor(view["id"], name, Role(role))
    with ctx.uow() as uow:
        uow.plant.add(Department("SMT", "SMT"))
        uow.plant.add(Department("ASM", "装配"))
        uow.flush()
        for code, dept in (("SMT1", "SMT"), ("SMT2", "SMT"), ("ASM1", "ASM")):
            uow.plant.add(WorkCenter(code, code, dept))
        uow.commit()
    masterdata.create_customer(ctx, None, NewCustomer("C001", "华东精密", "key", "buyer@c001.example.com"))
    masterdata.create_customer(ctx, None, NewCustomer("C002", "南方电气", "normal"))
    masterdata.create_product(ctx, None, NewProduct("M-CONN", "连接器", Decimal("1.5"), 5, kind="material"))
    steps = (NewStep(10, "SMT2", "SMT 贴片", Decimal("0.6"), 30), NewStep(20, "ASM1", "装配", Decimal("1.2")))
    masterdata.create_product(ctx, None, NewProduct("SCB-200", "伺服控制板", Decimal("450"), 12,
                                                    routing=steps, bom=(("M-CONN", Decimal(2)),)))
    masterdata.create_product(ctx, None, NewProduct("P002", "电源模块", Decimal("80"), 5, routing=steps))
    return actors


def login_csrf(client) -> str:
    """The login form's CSRF token, as a browser gets it by opening the form (issue 21)."""
    import re

    return re.search(r'name="csrf_token" value="([^"]+)"', client.get("/login").text).group(1)


def web_session(ctx, username: str, password: str = PASSWORD):
    """A browser-like client holding ``username``'s session cookie, and that session's CSRF token."""
    import re

    from fastapi.testclient import TestClient

    from jidan.http.app import create_app

    client = TestClient(create_app(ctx))
    r = client.post("/login", data={"username": username, "password": password,
                                    "csrf_token": login_csrf(client)}, follow_redirects=False)
    assert r.status_code == 303, r.text
    csrf = re.search(r'<meta name="csrf-token" content="([^"]+)">', client.get("/orders").text).group(1)
    return client, csrf
