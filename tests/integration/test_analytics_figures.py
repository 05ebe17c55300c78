"""The figures (M3) and the accountability table (M4) against a history worked out by hand
(tests/analytics_support.py), on SQLite and PostgreSQL."""
from __future__ import annotations

from datetime import date

import pytest

from jidan.domain import errors
from jidan.services.analytics.figures import Filters, accountability, figures
from tests.analytics_support import END, NOW, START, hand_made


@pytest.fixture
def plant(ctx, actors, clock):
    clock.current = NOW
    return hand_made(ctx, actors)


def _spread(figs, stage):
    row = next(s for s in figs["lead_time"]["stages"] if s["stage"] == stage)
    return row["count"], row["median"], row["p90"]


def test_m3_on_time_delivery_against_the_requested_and_the_promised_date(ctx, actors, plant):
    o = plant
    figs = figures(ctx, actors["management"], START, END)
    assert figs["orders"] == 4  # O5 was entered in December
    req = figs["on_time"]["requested"]
    assert (req["on_time_ids"], req["late_ids"], req["open"]) == ([o["O2"]], [o["O1"], o["O3"]], 1)
    assert req["rate"] == pytest.approx(1 / 3, abs=1e-4)
    prom = figs["on_time"]["promised"]
    assert (prom["on_time_ids"], prom["late_ids"], prom["open"], prom["rate"]) == ([o["O1"], o["O2"]], [], 1, 1.0)


def test_m3_lead_time_and_its_parts_median_and_90th_percentile(ctx, actors, plant):
    figs = figures(ctx, actors["management"], START, END)
    total = figs["lead_time"]["total"]
    assert (total["count"], total["median"], total["p90"]) == (2, 433.0, 480.0)
    assert _spread(figs, "entry_approval") == (3, 10.0, 24.0)
    assert _spread(figs, "approval_planned") == (2, 17.0, 20.0)
    assert _spread(figs, "planned_released") == (2, 2.0, 2.0)
    assert _spread(figs, "released_produced") == (2, 132.0, 216.0)
    assert _spread(figs, "produced_inspected") == (2, 4.0, 4.0)
    assert _spread(figs, "inspected_received") == (2, 10.0, 18.0)
    assert _spread(figs, "received_shipped") == (2, 20.0, 24.0)
    assert _spread(figs, "shipped_delivered") == (2, 241.0, 290.0)


def test_m3_urgent_share_and_the_cost_of_urgency(ctx, actors, plant):
    o = plant
    u = figures(ctx, actors["management"], START, END)["urgency"]
    assert (u["orders"], u["urgent"], u["share"], u["urgent_ids"]) == (4, 2, 0.5, [o["O1"], o["O3"]])
    assert (u["overtime_hours"], u["overtime_ids"]) == (4.0, [o["O1"]])
    assert (u["outside_processing"], u["outside_hours"], u["outside_ids"]) == (1, 24.0, [o["O3"]])
    assert (u["expedited_freight"], u["expedited_ids"]) == ("500.00", [o["O1"]])  # O2 went by truck
    assert (u["compensation"], u["total_cost"]) == ("200.00", "700.00")
    assert (u["slipped_by_insertion"], u["slipped_hours"], u["slipped_ids"]) == (1, 3.0, [o["O2"]])


def test_m3_delay_causes_as_a_pareto_with_exceptions_material_quality_and_logistics(ctx, actors, plant):
    o = plant
    figs = figures(ctx, actors["management"], START, END)
    causes = [(c["cause"], c["count"], c["days"], c["cumulative_share"], c["order_ids"]) for c in figs["delay_causes"]]
    assert causes == [
        ("exception.equipment_failure", 2, 0.12, 0.2857, [o["O1"], o["O2"]]),
        ("quality", 2, 0.0, 0.5714, [o["O2"], o["O3"]]),
        ("material", 1, 3.0, 0.7143, [o["O3"]]),
        ("exception.material_shortage", 1, 2.0, 0.8571, [o["O3"]]),
        ("logistics.traffic", 1, 0.0, 1.0, [o["O1"]]),
    ]
    ex = figs["exceptions"]
    assert [(r["kind"], r["count"]) for r in ex["by_kind"]] == [("equipment_failure", 2), ("material_shortage", 1)]
    assert [(r["work_center_code"], r["count"]) for r in ex["by_work_center"]] == [("SMT1", 2), ("ASM1", 1)]
    rs = figs["rework_scrap"]
    assert (rs["failed"], rs["rework_qty"], rs["rework_ids"]) == (2, 5, [o["O2"]])
    assert (rs["scrap_qty"], rs["scrap_ids"], rs["rework_tasks"]) == (5, [o["O2"], o["O3"]], 1)


def test_m3_capacity_use_per_work_center_and_the_bottleneck_per_week(ctx, actors, plant):
    cap = figures(ctx, actors["management"], date(2026, 1, 5), date(2026, 1, 18))["capacity"]
    use = {r["work_center"]: r for r in cap["use"]}
    # ten working days of three 4-hour shifts: 120 hours each
    assert {k: (r["available_hours"], r["planned_hours"]) for k, r in use.items()} == {
        "ASM1": (120.0, 25.0), "SMT1": (120.0, 26.0), "SMT2": (120.0, 0.0)}
    assert use["SMT1"]["use"] == pytest.approx(26 / 120, abs=1e-4)
    assert [(b["week"], b["work_center"], b["use"]) for b in cap["bottleneck_by_week"]] == [
        ("2026-W02", "SMT1", round(660 / 3600, 4)), ("2026-W03", "ASM1", round(1200 / 3600, 4))]


def test_m3_approval_acknowledgement_times_escalations_and_late_drawings(ctx, actors, plant):
    o = plant
    figs = figures(ctx, actors["management"], START, END)
    steps = {r["role"]: (r["count"], r["median"], r["p90"]) for r in figs["approvals"]}
    assert steps == {"pmc": (2, 3.0, 4.0), "management": (2, 10.25, 19.0)}
    acks = {r["department"]: (r["notices"], r["median"], r["p90"], r["late"], r["escalated"], r["order_ids"])
            for r in figs["acknowledgements"]}
    assert acks == {"manufacturing": (2, 2.5, 4.0, 1, 1, [o["O2"]]), "quality": (1, None, None, 1, 0, [o["O3"]])}
    d = figs["drawings_late"]
    assert (d["due"], d["late"], d["still_out"], d["order_ids"]) == (2, 1, 0, [o["O1"]])
    assert d["by_department"] == [{"department": "warehouse", "count": 1}]


def test_m3_filters_by_urgency_customer_product_and_department(ctx, actors, plant):
    o = plant
    m = actors["management"]

    def ids(f):
        return figures(ctx, m, START, END, f)["urgency"]["urgent_ids"], figures(ctx, m, START, END, f)["orders"]

    assert figures(ctx, m, START, END, Filters(urgent=True))["on_time"]["requested"]["late_ids"] == [o["O1"], o["O3"]]
    assert figures(ctx, m, START, END, Filters(urgent=False))["orders"] == 2
    assert ids(Filters(customer_id=2)) == ([], 2)
    p002 = figures(ctx, m, START, END, Filters(product_id=3))  # seed: M-CONN 1, SCB-200 2, P002 3
    assert p002["urgency"]["urgent_ids"] == [o["O3"]]
    assert figures(ctx, m, START, END, Filters(department="ASM"))["on_time"]["requested"]["on_time_ids"] == [o["O2"]]


def test_m4_missed_deadlines_charged_to_the_department_that_held_them_by_the_cause_rules(ctx, actors, plant):
    o = plant
    league = accountability(ctx, actors["management"], START, END)
    rows = [(r["department"], r["missed"], r["late_hours"], {k: v for k, v in r["by_kind"].items() if v})
            for r in league]
    assert rows == [
        ("pmc", 2, 1164.5, {"review_step": 1, "shipping": 1}),  # O3 still with pmc when it fell due
        ("SMT", 2, 4.0, {"production_step": 2}),  # O1's assembly waited for SMT: charged to SMT, not ASM
        ("quality", 1, 1393.0, {"acknowledgement": 1}),
        ("warehouse", 1, 18.0, {"drawing_return": 1}),
        ("management", 1, 15.0, {"review_step": 1}),
        ("ASM", 1, 3.0, {"production_step": 1}),  # its own lateness; the hour ASM1 stood is the breakdown's
        ("manufacturing", 1, 2.0, {"acknowledgement": 1}),
    ]
    assert league[0]["order_ids"] == [o["O1"], o["O3"]]


def test_m3_m4_figures_are_for_management_and_pmc_only_and_a_period_must_be_sane(ctx, actors, plant):
    assert figures(ctx, actors["pmc"], START, END)["orders"] == 4
    for role in ("sales", "manufacturing", "admin", "supplier"):
        with pytest.raises(errors.Forbidden):
            figures(ctx, actors[role], START, END)
        with pytest.raises(errors.Forbidden):
            accountability(ctx, actors[role], START, END)
    with pytest.raises(errors.ValidationFailed) as bad:
        figures(ctx, actors["management"], END, START)
    assert bad.value.fields == {"end": "before_start"}


def test_m3_a_page_asks_only_for_the_figures_it_shows_and_gets_the_same_numbers(ctx, actors, plant):
    m = actors["management"]
    some = figures(ctx, m, START, END, only=("urgency", "delay_causes"))
    assert {"urgency", "delay_causes"} <= set(some) and not {"capacity", "approvals", "on_time"} & set(some)
    whole = figures(ctx, m, START, END)
    assert (some["urgency"], some["delay_causes"]) == (whole["urgency"], whole["delay_causes"])
