"""The demo factory's materials (C6): stock, open purchase orders and a second supplier.

The story (scenario.md, step 3 and 13): stock covers the orders already planned, but not the
golden order's 600 connectors; 1,000 are on order from the connector supplier for the next
working day, so the first assessment shows the golden order waiting for its material.
"""
from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from jidan.services.ports import OrderFilter
from jidan.domain.model import Actor
from jidan.domain.roles import Role
from jidan.services import auth
from jidan.services.materials import purchasing as materials
from jidan.services.context import Context
from jidan.services.materials.material_plan import WAITING_STATES
from jidan.services.materials.purchasing import NewPurchaseOrder

GOLDEN_MATERIAL = "M-CONN-40"
#: Free stock beyond what the planned orders need, per material (the connector's is small on purpose).
SPARE = defaultdict(lambda: Decimal(400), {GOLDEN_MATERIAL: Decimal(100)})
#: (material, quantity, working days from today, supplier username, note)
PURCHASES = [
    (GOLDEN_MATERIAL, 1000, 1, "supplier", "华东精密急单 SCB-200 用连接器"),
    ("M-PCB-4L", 500, 4, "pcb_supplier", None),
    ("M-IC-MCU", 300, 6, "pcb_supplier", None),
    ("M-PSU", 200, 8, "supplier", None),
]


def load(ctx: Context, password: str) -> dict:
    """Adds a PCB supplier, counts stock for what is planned, and places the open purchases."""
    supplier = auth.add_user(ctx, None, "pcb_supplier", "PCB 板供应商", Role.SUPPLIER.value, password,
                             "pcb_supplier@demo.jidan.local")
    with ctx.uow() as uow:
        buyer = uow.users.by_username("purchasing")
        buyer = Actor(buyer.id, buyer.username, buyer.role, buyer.display_name)
        demand: dict[str, Decimal] = defaultdict(Decimal)
        for state in WAITING_STATES:
            for order in uow.orders.list(OrderFilter(status=state.value, limit=100_000))[0]:
                for line in order.lines:
                    for item in line.product.bom:
                        demand[item.component_code] += Decimal(item.quantity_per) * line.quantity
        codes = [p.code for p in uow.products.list(kind="material")]
        calendar = ctx.national_calendar
    for code in codes:
        materials.set_stock(ctx, buyer, code, demand[code] + SPARE[code], reason="期初盘点")
    today = ctx.now().date()
    for material, quantity, days, who, note in PURCHASES:
        materials.create_purchase_order(ctx, buyer, NewPurchaseOrder(
            material, Decimal(quantity), calendar.add_working_days(today, days), who, note))
    return {"supplier": supplier["username"], "purchase_orders": len(PURCHASES), "materials": len(codes)}
