"""Bad input gets a field-level error with a stable code and writes nothing (A2)."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from tests.conftest import urgent_order_payload

pytestmark = pytest.mark.xdist_group("db")


def count_orders(api) -> int:
    return api.get("/api/v1/orders", "pmc").json()["total"]


def event_count(ctx) -> int:
    from jidan.services.audit import verify
    return verify(ctx)[0]


BAD = [
    ({"customer": None}, {"customer": "string_type"}),
    ({"lines": []}, {"lines": "too_short"}),
    ({"lines": [{"product": "SCB-200", "quantity": -3}]}, {"lines.0.quantity": "greater_than"}),
    ({"lines": [{"product": "SCB-200", "quantity": "many"}]}, {"lines.0.quantity": "int_parsing"}),
    ({"lines": [{"product": "NOPE", "quantity": 3}]}, {"lines.0.product": "unknown_product"}),
    ({"lines": [{"product": "M-CONN", "quantity": 3}]}, {"lines.0.product": "unknown_product"}),
    ({"requested_date": "2026-13-45"}, {"requested_date": "date_from_datetime_parsing"}),
    ({"requested_date": "2026-11-01"}, {"requested_date": "in_past"}),
    ({"customer": "C999"}, {"customer": "unknown_customer"}),
    ({"colour": "red"}, {"colour": "extra_forbidden"}),
    ({"customer_po": "x" * 61}, {"customer_po": "string_too_long"}),
    ({"lines": [{"product": "SCB-200", "quantity": 1}] * 201}, {"lines": "too_long"}),
    ({"channel": "pigeon"}, {"channel": "literal_error"}),
]


@pytest.mark.parametrize("change,fields", BAD, ids=[next(iter(f)) + ":" + next(iter(f.values())) for _, f in BAD])
def test_a2_bad_order_input_gets_a_field_level_422_and_writes_nothing(api, ctx, change, fields):
    before = event_count(ctx)
    r = api.post("/api/v1/orders", "sales", json=urgent_order_payload(**change))
    assert r.status_code == 422, r.text
    body = r.json()
    assert body["code"] == "validation_failed" and body["detail"]
    assert body["fields"] == fields
    assert count_orders(api) == 0 and event_count(ctx) == before


def test_a2_missing_fields_are_each_named(api):
    r = api.post("/api/v1/orders", "sales", json={})
    assert r.status_code == 422
    assert set(r.json()["fields"]) == {"customer", "customer_po", "requested_date", "lines"}


def test_a2_oversized_payload_is_refused_before_it_is_read(api):
    r = api.post("/api/v1/orders", "sales", content=b"{" + b" " * 3_000_000 + b"}",
                 headers={"Content-Type": "application/json"})
    assert r.status_code == 413 and r.json()["code"] == "payload_too_large"
    assert count_orders(api) == 0


def test_a2_malformed_json_is_a_422_not_a_500(api):
    r = api.post("/api/v1/orders", "sales", content=b"{not json", headers={"Content-Type": "application/json"})
    assert r.status_code == 422 and r.json()["code"] == "validation_failed"


def test_a1_malformed_excel_is_a_422_and_imports_nothing(api):
    r = api.post("/api/v1/orders/import", "sales", files={"file": ("orders.xlsx", b"PK\x03\x04garbage")})
    assert r.status_code == 422 and r.json()["code"] == "import.unreadable"
    wb = Workbook()
    wb.active.append(["customer", "quantity"])
    out = io.BytesIO()
    wb.save(out)
    r = api.post("/api/v1/orders/import", "sales", files={"file": ("orders.xlsx", out.getvalue())})
    assert r.status_code == 422 and r.json()["code"] == "import.missing_columns"
    assert count_orders(api) == 0


def test_m1_unknown_ids_are_404_and_bad_ids_422(api):
    assert api.get("/api/v1/orders/999999", "sales").status_code == 404
    assert api.get("/api/v1/orders/abc", "sales").status_code == 422
    assert api.get("/api/v1/products/NOPE", "sales").status_code == 404


def test_b7_master_data_input_is_validated_too(api):
    r = api.post("/api/v1/products", "pmc", json={
        "code": "P9", "name": "x", "unit_price": "1", "standard_lead_days": 5,
        "routing": [{"seq": 10, "work_center": "NOWHERE", "name": "op", "minutes_per_unit": "1"}],
        "bom": [{"component": "GHOST", "quantity_per": "1"}]})
    assert r.status_code == 422
    assert r.json()["fields"] == {"routing.0.work_center": "unknown_work_center", "bom.0.component": "unknown_product"}
    assert api.post("/api/v1/customers", "quality", json={"code": "C9", "name": "x"}).status_code == 403


def test_n1_a_405_names_in_allow_every_method_the_url_takes(api):
    """/users is two routes (GET, POST); /orders/export.xlsx is a GET although PATCH
    /orders/{order_id} would match its path."""
    for method, path, allow in (("DELETE", "/api/v1/users", "GET, POST"),
                                ("PUT", "/api/v1/orders/1", "GET, PATCH"),
                                ("PATCH", "/api/v1/orders/export.xlsx", "GET")):
        r = api.client.request(method, path, headers=api.as_("sales"))
        assert (r.status_code, r.headers.get("allow"), r.json()["code"]) == (405, allow, "method_not_allowed")


def test_a2_true_or_false_where_a_number_belongs_is_a_422(api):
    """JSON ``true`` is not the version 1, nor a quantity of 1 (issue 21: one validation)."""
    r = api.post("/api/v1/planning/runs/1/accept", "pmc", json={"version": True})
    assert r.status_code == 422 and r.json()["fields"] == {"version": "int_type"}, r.text
    r = api.post("/api/v1/orders", "sales", json=urgent_order_payload(lines=[{"product": "SCB-200", "quantity": True}]))
    assert r.status_code == 422 and "lines.0.quantity" in r.json()["fields"], r.text
