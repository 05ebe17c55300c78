"""The figures over HTTP (issue 22, M3, M4): JSON for BI tools, Excel and CSV exports, 403 for
roles the figures are not for, 422 for a bad period or filter."""
from __future__ import annotations

import csv
import io

import pytest
from openpyxl import load_workbook

from tests.analytics_support import NOW, hand_made

Q1 = {"start": "2026-01-01", "end": "2026-03-31"}


@pytest.fixture
def plant(ctx, actors, clock):
    clock.current = NOW
    return hand_made(ctx, actors)


def test_m3_the_api_gives_the_figures_as_json_with_the_orders_behind_them(api, plant):
    r = api.get("/api/v1/analytics/figures", "management", params={**Q1, "urgent": "true"})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["period"] == {"start": "2026-01-01", "end": "2026-03-31"}
    assert body["on_time"]["requested"]["late_ids"] == [plant["O1"], plant["O3"]]
    assert body["urgency"]["total_cost"] == "700.00"
    r = api.get("/api/v1/analytics/accountability", "pmc", params=Q1)
    assert r.status_code == 200
    assert r.json()[0]["department"] == "pmc"


def test_m3_without_a_period_the_figures_cover_the_last_twelve_weeks(api, plant):
    body = api.get("/api/v1/analytics/figures", "management").json()
    assert body["period"] == {"start": "2026-01-07", "end": "2026-03-31"}


@pytest.mark.parametrize("user", ["sales", "manufacturing", "finance", "admin"])
def test_m3_m4_roles_the_figures_are_not_for_get_403(api, plant, user):
    for path in ("/api/v1/analytics/figures", "/api/v1/analytics/accountability", "/api/v1/analytics/figures.xlsx",
                 "/api/v1/analytics/figures.csv"):
        r = api.get(path, user, params=Q1)
        assert r.status_code == 403, (path, r.text)
        assert r.json()["code"] == "auth.role_not_allowed"


@pytest.mark.parametrize("params, field, code", [
    ({"start": "2026-04-01", "end": "2026-03-01"}, "end", "before_start"),
    ({"start": "2010-01-01", "end": "2026-03-01"}, "end", "period_too_long"),
    ({"start": "yesterday"}, "start", None),
    ({"customer_id": "0"}, "customer_id", None),
    ({"urgent": "maybe"}, "urgent", None),
    ({"department": "<script>"}, "department", None),
])
def test_m3_a_bad_period_or_filter_is_422_with_the_field_named(api, plant, params, field, code):
    r = api.get("/api/v1/analytics/figures", "management", params=params)
    assert r.status_code == 422, r.text
    assert field in r.json()["fields"]
    if code:
        assert r.json()["fields"][field] == code


def test_m3_the_excel_export_opens_with_openpyxl_and_names_the_orders(api, plant):
    r = api.get("/api/v1/analytics/figures.xlsx", "management", params=Q1)
    assert r.status_code == 200
    assert "figures-2026-01-01-2026-03-31.xlsx" in r.headers["content-disposition"]
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("figure", "item", "measure", "value", "order_ids")
    assert ("on_time", "requested", "late", 2, f"{plant['O1']} {plant['O3']}") in rows
    assert ("urgency", "total_cost", "amount", "700.00") in [row[:4] for row in rows]
    assert any(row[0] == "accountability" and row[1] == "SMT" and row[2] == "missed" and row[3] == 2 for row in rows)


def test_m3_the_csv_export_has_the_same_numbers(api, plant):
    r = api.get("/api/v1/analytics/figures.csv", "pmc", params=Q1)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.content.decode("utf-8-sig"))))
    share = next(row for row in rows if row["figure"] == "urgency" and row["item"] == "urgent")
    assert (share["value"], share["order_ids"]) == ("0.5", f"{plant['O1']} {plant['O3']}")
