"""The demo's store urgent replenishment (K1–K7): two stores, headquarters, two suppliers and
requisitions in flight, so the ``store`` and ``supplier`` users find something waiting on them.

Headquarters (亿翼公司) is purchasing (采购 钱); the suppliers are the demo's two supplier logins
(``supplier``, ``pcb_supplier``). 一分店 is run by 店长 何 (``store``) with 收货区主管 许
(``store_receiving``); 二分店 by its own pair.
"""
from __future__ import annotations

from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.services import auth
from jidan.services.context import Context
from jidan.services.store import requisitions
from jidan.services.store.requisitions import NewRequisition, StepInput

#: (username, name) of the store users the demo adds; ``store`` (店长 何) is already there.
STORE_USERS = [("store_receiving", "一分店 收货区主管 许"), ("store2", "二分店 店长 罗"),
               ("store2_receiving", "二分店 收货区主管 梁")]
STORES = [("S01", "亿翼一分店", "store", "store_receiving"), ("S02", "亿翼二分店", "store2", "store2_receiving")]


def load(ctx: Context, password: str) -> dict:
    for username, name in STORE_USERS:
        auth.add_user(ctx, None, username, name, Role.STORE.value, password, f"{username}@demo.jidan.local")
    people = _actors(ctx, ["admin", "store", "store_receiving", "store2", "store2_receiving", "purchasing"])
    for code, name, manager, supervisor in STORES:
        requisitions.add_store(ctx, people["admin"], code, name, manager, supervisor)
    today = ctx.now().date()
    arrive = ctx.national_calendar.add_working_days(today, 1)
    # 一分店: one ordered from the connector supplier, waiting on its delivery (K3) …
    first = requisitions.raise_requisition(ctx, people["store_receiving"], NewRequisition(
        [("SNS-100", 120, 6), ("SNS-200", 60, 0)], "周末促销，传感器组件大宗订货"))
    requisitions.act(ctx, people["store"], first["id"], "approve", StepInput())
    requisitions.act(ctx, people["purchasing"], first["id"], "confirm",
                     StepInput(supplier="supplier", arrive_on=arrive))
    # … and one just raised, waiting on the store manager (K1).
    second = requisitions.raise_requisition(ctx, people["store_receiving"], NewRequisition(
        [("PWR-100", 40, 3)], "电源模块缺货，客户预订"))
    # 二分店: approved, waiting on headquarters' answer (K2).
    third = requisitions.raise_requisition(ctx, people["store2_receiving"], NewRequisition(
        [("CTL-100", 15, 1)], None))
    requisitions.act(ctx, people["store2"], third["id"], "approve", StepInput())
    return {"stores": len(STORES), "requisitions": [first["number"], second["number"], third["number"]]}


def _actors(ctx: Context, usernames: list[str]) -> dict[str, Actor]:
    with ctx.uow() as uow:
        users = [uow.users.by_username(name) for name in usernames]
        return {u.username: Actor(u.id, u.username, Role(u.role), u.display_name) for u in users}
