"""Material requirements (物料需求): explode demand through multi-level BOMs, net it against stock and
open purchase orders, and turn what is missing into shortages and purchase requests.

Dates are integers in the caller's unit (minutes or days), `now` being the present. Items are
netted level by level (low-level codes) so a component used at several levels is netted once
with all its demand known.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from jidan.planning.errors import InvalidProblem


@dataclass(frozen=True)
class Demand:
    item: str
    quantity: float
    need_by: int


@dataclass(frozen=True)
class BomLine:
    """`quantity_per` of `component` go into one `parent` (物料清单)."""

    parent: str
    component: str
    quantity_per: float


@dataclass(frozen=True)
class PurchaseOrder:
    """An open purchase order (在途采购) arriving at `arrival`."""

    item: str
    quantity: float
    arrival: int


@dataclass(frozen=True)
class Requirement:
    """Gross demand for an item at a date, and where it is covered from."""

    item: str
    quantity: float
    need_by: int
    from_stock: float
    from_orders: float
    uncovered: float
    short: float
    available_at: int


@dataclass(frozen=True)
class Shortage:
    """Material that will not be there by `need_by`; `available_at` is the earliest it can be."""

    item: str
    quantity: float
    need_by: int
    available_at: int


@dataclass(frozen=True)
class PurchaseRequest:
    """What purchasing should order (请购): when to order and when it can arrive at the earliest."""

    item: str
    quantity: float
    need_by: int
    order_by: int
    earliest_arrival: int


@dataclass(frozen=True)
class MaterialPlan:
    requirements: tuple[Requirement, ...]
    shortages: tuple[Shortage, ...]
    purchase_requests: tuple[PurchaseRequest, ...]


def explode(
    demands: Iterable[Demand],
    bom: Iterable[BomLine],
    stock: Mapping[str, float],
    open_orders: Iterable[PurchaseOrder],
    lead_times: Mapping[str, int],
    now: int = 0,
) -> MaterialPlan:
    """Net every item's demand, earliest need first, against stock then open orders by arrival.

    A made item's uncovered quantity becomes demand for its components, needed its own lead
    time earlier; a bought item's uncovered quantity becomes a purchase request, and whatever of
    it stock and on-time orders do not cover is a shortage.
    """
    children: dict[str, list[BomLine]] = {}
    for line in bom:
        children.setdefault(line.parent, []).append(line)
    pending: dict[str, list[tuple[int, float]]] = {}
    for d in demands:
        pending.setdefault(d.item, []).append((d.need_by, d.quantity))
    on_hand = dict(stock)
    arriving: dict[str, list[list]] = {}
    for po in sorted(open_orders, key=lambda po: po.arrival):
        arriving.setdefault(po.item, []).append([po.arrival, po.quantity])
    requirements, shortages, requests = [], [], []
    for item in _by_level(children, pending):
        lead = lead_times.get(item, 0)
        for need_by, quantity in sorted(pending.get(item, ())):
            req = _net(item, need_by, quantity, on_hand, arriving.get(item, []), now + lead)
            requirements.append(req)
            if req.short > 0 and item not in children:
                shortages.append(Shortage(item, req.short, need_by, req.available_at))
            if req.uncovered <= 0:
                continue
            if item in children:
                for line in children[item]:
                    pending.setdefault(line.component, []).append((need_by - lead, req.uncovered * line.quantity_per))
            else:
                requests.append(PurchaseRequest(item, req.uncovered, need_by, max(now, need_by - lead), now + lead))
    return MaterialPlan(tuple(requirements), tuple(shortages), tuple(requests))


def _net(item, need_by, quantity, on_hand, arriving, made_or_bought_at) -> Requirement:
    """Cover one requirement from stock, then the earliest open orders; the rest is uncovered."""
    from_stock = min(quantity, on_hand.get(item, 0.0))
    on_hand[item] = on_hand.get(item, 0.0) - from_stock
    left, from_orders, late, available_at = quantity - from_stock, 0.0, 0.0, 0
    for po in arriving:
        if left <= 0:
            break
        take = min(left, po[1])
        if take > 0:
            po[1] -= take
            left -= take
            from_orders += take
            late += take if po[0] > need_by else 0.0
            available_at = max(available_at, po[0])
    if left > 0:
        available_at = max(available_at, made_or_bought_at)
    return Requirement(item, quantity, need_by, from_stock, from_orders, left, late + left, available_at)


def _by_level(children: Mapping[str, list[BomLine]], demanded: Iterable[str]) -> list[str]:
    """Items ordered so every parent comes before all its components (low-level coding)."""
    level: dict[str, int] = {}

    def visit(item: str, depth: int, path: tuple[str, ...]) -> None:
        if item in path:
            raise InvalidProblem(f"bom: {item!r} contains itself ({' → '.join((*path, item))})", "bom")
        if level.get(item, -1) >= depth:
            return
        level[item] = depth
        for line in children.get(item, ()):
            visit(line.component, depth + 1, (*path, item))

    for item in list(demanded):
        visit(item, 0, ())
    return sorted(level, key=lambda i: (level[i], i))
