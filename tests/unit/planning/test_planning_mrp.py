import pytest

from jidan.planning.errors import InvalidProblem
from jidan.planning.mrp import BomLine, Demand, PurchaseOrder, explode

BOM = (
    BomLine("PUMP", "HOUSING", 1),
    BomLine("PUMP", "SCREW", 8),
    BomLine("HOUSING", "CASTING", 1),
    BomLine("HOUSING", "SCREW", 4),
)
LEAD = {"PUMP": 2, "HOUSING": 3, "CASTING": 10, "SCREW": 5}


def test_c6_bom_is_exploded_level_by_level_and_netted_against_stock():
    plan = explode([Demand("PUMP", 10, need_by=20)], BOM, {"PUMP": 4, "HOUSING": 1, "SCREW": 50}, [], LEAD)
    gross = {(r.item, r.need_by): r.quantity for r in plan.requirements}
    assert gross == {("PUMP", 20): 10, ("HOUSING", 18): 6, ("SCREW", 18): 48, ("SCREW", 15): 20, ("CASTING", 15): 5}
    screws = {r.need_by: (r.from_stock, r.uncovered) for r in plan.requirements if r.item == "SCREW"}
    assert screws == {15: (20, 0), 18: (30, 18)}


def test_c6_shortages_become_purchase_requests_with_their_earliest_date():
    plan = explode([Demand("PUMP", 10, need_by=12)], BOM, {"SCREW": 100}, [PurchaseOrder("CASTING", 4, arrival=9)], LEAD, now=0)
    shortages = [(s.item, s.quantity, s.need_by, s.available_at) for s in plan.shortages]
    assert shortages == [("CASTING", 10, 7, 10), ("SCREW", 20, 10, 5)]
    requests = [(p.item, p.quantity, p.order_by, p.earliest_arrival) for p in plan.purchase_requests]
    assert requests == [("CASTING", 6, 0, 10), ("SCREW", 20, 5, 5)]


def test_c6_an_open_purchase_order_on_time_is_no_shortage():
    plan = explode([Demand("SCREW", 30, need_by=6)], (), {"SCREW": 10}, [PurchaseOrder("SCREW", 40, arrival=5)], LEAD)
    assert plan.shortages == () and plan.purchase_requests == ()
    assert plan.requirements[0].from_orders == 20


def test_c6_a_bom_that_contains_itself_is_refused():
    with pytest.raises(InvalidProblem, match="contains itself"):
        explode([Demand("A", 1, 5)], (BomLine("A", "B", 1), BomLine("B", "A", 1)), {}, [], {})
