"""When an order's materials are there (C6): stock and open purchase orders netted by `planning.mrp`.

Every order line that still needs its materials is a demand, netted earliest need first (a
planned line needs them at its planned start); each routing step's materials are ready when the
last of those it consumes (its BOM items' step, else the first step) is on hand, and that minute
is the release of that step's operations for the planner. Released orders were issued what stock
had; what they are still owed (欠料) is netted before anything else. The order asked about in a
promise is netted after all others, so answering never takes material promised to anyone.

Only materials jidan keeps (a stock row or an open purchase order) are checked: the rest are
taken to be at hand.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from jidan.domain.order import Order
from jidan.domain.states import ON_FLOOR, OrderState
from jidan.planning.mrp import BomLine, Demand, PurchaseOrder, explode

#: Committed orders whose materials are still to be issued (released work has them, or is owed them).
WAITING_STATES = frozenset({OrderState.APPROVED, OrderState.PLANNED})


@dataclass(frozen=True)
class MaterialNeed:
    """One material of one order line: how much, from where, and from when it is there."""

    material: str
    name: str
    unit: str
    required: float
    from_stock: float
    from_purchase_orders: float
    to_purchase: float
    ready: int
    purchase_orders: tuple[str, ...] = ()
    need_by: int = 0  # the minute the line needs it (its planned start)


@dataclass
class OrderMaterials:
    """An order's material answer: the minute each routing step's materials are ready, and the detail."""

    order_id: int
    ready: dict[str, int] = field(default_factory=dict)  # step key (`step_key`) → minute
    needs: list[MaterialNeed] = field(default_factory=list)

    @property
    def ready_at(self) -> int:
        return max(self.ready.values(), default=0)


def needs_material(order: Order) -> bool:
    state = OrderState(order.status)
    if state == OrderState.ON_HOLD:
        return order.held_from in {s.value for s in WAITING_STATES}
    return state in WAITING_STATES


class MaterialPlan:
    """Stock and open purchase orders of the plant at one plan origin, in plan minutes."""

    def __init__(self, uow, model, now: int):
        self.uow, self.model, self.now = uow, model, now
        self.stock = {r.material_code: float(r.on_hand) for r in uow.stock.all()}
        self.orders = uow.purchase_orders.list(status="open")
        self.tracked = set(self.stock) | {po.material_code for po in self.orders}

    def arrival(self, day: date) -> int:
        """Material due on a day is there for its first shift (never before now)."""
        return max(self.now, self.model.minute_of(day))

    def explain(self, orders: list[Order], first_start: dict[str, int] | None = None,
                last: Order | None = None, late: dict[str, int] | None = None) -> dict[int, OrderMaterials]:
        """Readiness of every order that waits for material (and of ``last``, netted after them).

        First what released orders are still owed (they took stock first), then the waiting
        orders' lines, earliest planned start first. ``first_start``: planned start of each job
        (its need date); ``late``: material → the minute before which none of its open purchase
        orders arrives (a what-if).
        """
        first_start, late = first_start or {}, late or {}
        mine = [o for o in orders if last is None or o.id != last.id]
        waiting = [o for o in mine if needs_material(o)]
        floor = {o.id: o for o in mine if OrderState(o.status) in ON_FLOOR}
        owed = self.uow.shortages.open(order_ids=floor) if floor else []
        lines = sorted(((first_start.get(job_key(o, ln), self.now), o.priority_rank, o.id, ln.line_no, o, ln)
                        for o in waiting for ln in o.lines), key=lambda x: x[:4])
        if last is not None:
            lines += [(0, 0, last.id, ln.line_no, last, ln) for ln in last.lines]
        demands, owner = [], {}
        cursor = self.now - len(owed) - 1  # distinct need dates tell the demands apart
        for row in owed:
            order = floor[row.order_id]
            line = next((ln for ln in order.lines if ln.line_no == row.line_no), None)
            if line is None:
                continue
            cursor += 1
            demands.append(Demand(row.material_code, float(row.quantity), cursor))
            owner[cursor] = (order, line)
        for base, _, _, _, order, line in lines:
            if not line.product.bom:
                continue
            cursor = max(cursor + 1, base)
            demands.append(Demand(line.product.code, float(line.quantity), cursor))
            owner[cursor] = (order, line)
        answers = {o.id: OrderMaterials(o.id) for o in waiting + [floor[r.order_id] for r in owed]
                   + ([last] if last else [])}
        if not demands:
            return answers
        bom, products = self._bom({d.item for d in demands})
        arrivals = [PurchaseOrder(po.material_code, float(po.quantity),
                                  max(self.arrival(po.due_date), late.get(po.material_code, 0)))
                    for po in self.orders]
        leads = {code: self._lead(p) for code, p in products.items() if p.kind == "material"}
        result = explode(demands, bom, self.stock, arrivals, leads, now=self.now)
        children: dict[str, list[str]] = {}
        for b in bom:
            children.setdefault(b.parent, []).append(b.component)
        for req in result.requirements:
            if req.item not in self.tracked or req.need_by not in owner:
                continue
            order, line = owner[req.need_by]
            ready = self.now if req.from_orders <= 0 and req.uncovered <= 0 else max(self.now, req.available_at)
            answer = answers[order.id]
            step = step_key(order, line, consuming_step(line.product, req.item, children))
            answer.ready[step] = max(answer.ready.get(step, self.now), ready)
            product = products[req.item]
            answer.needs.append(MaterialNeed(
                req.item, product.name, product.unit, req.quantity, req.from_stock, req.from_orders,
                req.uncovered, ready, tuple(po.number for po in self.orders
                                            if po.material_code == req.item and self.now < self.arrival(po.due_date) <= ready),
                req.need_by))
        return answers

    def _bom(self, items: set[str]):
        """BOM lines below the demanded products, every level, and the products they name."""
        products = dict(self.uow.products.by_codes(items))
        lines, todo = [], set(items)
        while todo:
            item = todo.pop()
            for b in products[item].bom:
                lines.append(BomLine(item, b.component_code, float(b.quantity_per)))
                if b.component_code not in products:
                    products.update(self.uow.products.by_codes({b.component_code}))
                    todo.add(b.component_code)
        return lines, products

    def _lead(self, product) -> int:
        """Minutes from now until a purchase placed now arrives (the material's lead time)."""
        today = self.model.day_of(self.now)
        return self.arrival(self.model.calendar.add_working_days(today, product.standard_lead_days)) - self.now


def job_key(order: Order, line) -> str:
    """An order line as the planner's job is named ("SO-1/1")."""
    return f"{order.number}/{line.line_no}"


def step_key(order: Order, line, seq: int) -> str:
    """A routing step of an order line, as the planner's operations of it are named ("SO-1/1-30")."""
    return f"{job_key(order, line)}-{seq}"


def consuming_step(product, item: str, children: dict[str, list[str]]) -> int:
    """The routing step of ``product`` that takes ``item`` in: the step its BOM names for the
    component it is (or goes into), the first step when none is named. ``children``: the
    components of each item, every level."""
    first = product.routing[0].seq if product.routing else 0
    found = []
    for top in product.bom:
        todo, seen = [top.component_code], set()
        while todo:
            code = todo.pop()
            if code == item:
                found.append(top.step_seq or first)
                break
            if code not in seen:
                seen.add(code)
                todo += children.get(code, [])
    return min(found, default=first)
