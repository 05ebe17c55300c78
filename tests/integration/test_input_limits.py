"""One validation for every way in (A1, A2; issue 21): the API, the web form and the import refuse
the same input with a field-level 422, write nothing, and never answer 500 (SQLite and
PostgreSQL): overlong texts, control characters, quantities and prices beyond their limits or
beyond what the plant can make, fullwidth digits, dates far ahead, ids beyond the database's."""
from __future__ import annotations

import csv
import io
import math
import re
from datetime import timedelta

import pytest

from jidan.domain.horizon import most_units, working_minutes
from jidan.services.masterdata.calendar import effective_calendar
from tests.conftest import urgent_order_payload
from tests.support import web_session

pytestmark = pytest.mark.xdist_group("db")

HEADER = ["customer", "customer_po", "requested_date", "product", "quantity", "unit_price",
          "special_requirements"]
GOOD = {"customer": "C001", "customer_po": "PO-LIMIT", "requested_date": "2026-12-01", "product": "SCB-200",
        "quantity": "30", "unit_price": "", "special_requirements": ""}

#: (case, the order's field and value, what the API answers, the import, the form)
CASES = [
    ("long_po", "customer_po", "P" * 300, "customer_po:string_too_long", "customer_po:too_long",
     "customer_po:too_long"),
    ("long_note", "special_requirements", "n" * 100_000, "special_requirements:string_too_long",
     "special_requirements:too_long", "special_requirements:too_long"),
    ("nul_in_po", "customer_po", "PO\x00-1", "customer_po:control_characters", "customer_po:control_characters",
     "customer_po:control_characters"),
    ("line_break_in_po", "customer_po", "PO\r\nBcc: x", "customer_po:control_characters",
     "customer_po:control_characters", "customer_po:control_characters"),
    ("nul_in_note", "special_requirements", "a\x00b", "special_requirements:control_characters",
     "special_requirements:control_characters", "special_requirements:control_characters"),
    ("quantity_10e12", "quantity", "1000000000000", "lines.0.quantity:less_than_equal", "quantity:too_large",
     "lines.0.quantity:invalid_integer"),
    ("fullwidth_quantity", "quantity", "１２", "lines.0.quantity:int_parsing", "quantity:invalid_integer",
     "lines.0.quantity:invalid_integer"),
    ("price_1e20", "unit_price", "1E+20", "lines.0.unit_price:decimal_max_digits", "unit_price:invalid_number",
     "lines.0.unit_price:invalid_number"),
    ("price_100_digits", "unit_price", "1" + "0" * 20, "lines.0.unit_price:decimal_max_digits",
     "unit_price:too_large", "lines.0.unit_price:invalid_number"),
    ("price_0_0001", "unit_price", "0.0001", "lines.0.unit_price:decimal_max_places",
     "unit_price:too_many_decimals", "lines.0.unit_price:invalid_number"),
    ("fullwidth_price", "unit_price", "１２.５", "lines.0.unit_price:decimal_parsing", "unit_price:invalid_number",
     "lines.0.unit_price:invalid_number"),
    ("date_9999", "requested_date", "9999-12-31", "requested_date:too_far_ahead",
     "requested_date:too_far_ahead", "requested_date:too_far_ahead"),
]


def api_body(field: str, value: str) -> dict:
    if field in ("quantity", "unit_price"):
        return urgent_order_payload(lines=[{"product": "SCB-200", "quantity": 30, field: value}])
    return urgent_order_payload(**{field: value})


def csv_sheet(*rows: dict) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, HEADER)
    writer.writeheader()
    for row in rows:
        writer.writerow({**GOOD, **row})
    return out.getvalue().encode("utf-8")


def import_sheet(api, content: bytes, name: str = "orders.csv"):
    return api.post("/api/v1/orders/import", "sales", files={"file": (name, content)})


def post_form(ctx, field: str, value: str):
    client, csrf = web_session(ctx, "sales")
    data = {"csrf_token": csrf, "customer": "C001", "customer_po": "WEB-LIMIT", "requested_date": "2026-12-01",
            "channel": "phone", "special_requirements": "", "urgent_reason": "",
            "product": ["SCB-200"], "quantity": ["30"], "unit_price": [""]}
    data[field] = [value] if field in ("quantity", "unit_price") else value
    return client.post("/orders/new", data=data, follow_redirects=False)


def pair(text: str) -> tuple[str, str]:
    return tuple(text.split(":"))


def total_orders(api) -> int:
    return api.get("/api/v1/orders", "pmc").json()["total"]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_a2_the_api_the_form_and_the_import_refuse_the_same_input_field_by_field(api, ctx, case):
    _, field, value, by_api, by_import, by_form = case
    r = api.post("/api/v1/orders", "sales", json=api_body(field, value))
    assert r.status_code == 422, r.text
    key, code = pair(by_api)
    assert r.json()["fields"].get(key) == code, r.json()

    r = import_sheet(api, csv_sheet({field: value}))
    assert r.status_code == 422, r.text
    key, code = pair(by_import)
    assert r.json()["code"] == "import.rows_invalid" and r.json()["fields"].get(f"rows.2.{key}") == code, r.json()

    r = post_form(ctx, field, value)
    assert r.status_code == 422, r.text[:300]
    key, code = pair(by_form)
    assert f'id="err-{key.replace(".", "-")}"' in r.text
    assert total_orders(api) == 0


def test_a2_one_answer_names_every_bad_field_of_an_imported_row(api):
    r = import_sheet(api, csv_sheet({"customer_po": "P" * 61, "quantity": "１２", "unit_price": "0.001",
                                     "special_requirements": "a\x00", "requested_date": "9999-12-31"}))
    assert r.status_code == 422
    assert r.json()["fields"] == {"rows.2.customer_po": "too_long", "rows.2.quantity": "invalid_integer",
                                  "rows.2.unit_price": "too_many_decimals",
                                  "rows.2.special_requirements": "control_characters",
                                  "rows.2.requested_date": "too_far_ahead"}


def test_a2_an_excel_sheet_with_huge_numbers_is_refused_not_a_500(api):
    from openpyxl import Workbook
    wb = Workbook()
    wb.active.append(HEADER)
    wb.active.append(["C001", "PO-XL", "2026-12-01", "SCB-200", 10**12, 1e20, None])
    wb.active.append(["C001", "PO-XL2", "2026-12-01", "SCB-200", 5, 0.0001, None])
    out = io.BytesIO()
    wb.save(out)
    r = import_sheet(api, out.getvalue(), "orders.xlsx")
    assert r.status_code == 422
    assert r.json()["fields"] == {"rows.2.quantity": "too_large", "rows.2.unit_price": "too_large",
                                  "rows.3.unit_price": "too_many_decimals"}


def test_a2_a_requested_date_up_to_the_window_is_taken_and_beyond_it_refused(api, ctx):
    last = ctx.now().date() + timedelta(days=ctx.max_days_ahead)
    r = api.post("/api/v1/orders", "sales", json=urgent_order_payload(requested_date=(last + timedelta(days=1)).isoformat()))
    assert (r.status_code, r.json()["fields"]) == (422, {"requested_date": "too_far_ahead"})
    r = api.post("/api/v1/orders", "sales", json=urgent_order_payload(requested_date=last.isoformat()))
    assert r.status_code == 201, r.text
    order = r.json()
    for path in (f"/api/v1/orders/{order['id']}", f"/api/v1/orders/{order['id']}/events"):
        assert api.get(path, "pmc").status_code == 200
    r = api.patch(f"/api/v1/orders/{order['id']}", "sales",
                  json={"version": order["version"], "requested_date": "9999-12-31"})
    assert (r.status_code, r.json()["fields"]) == (422, {"requested_date": "too_far_ahead"})


# --- what the plant can make (High-1) ---------------------------------------------------------

def most_scb_200(ctx) -> int:
    """SCB-200: 0.6 min/unit on SMT (two centres, 30 min setup), 1.2 min/unit on ASM1 (one)."""
    with ctx.uow() as uow:
        minutes = working_minutes(effective_calendar(uow, ctx), ctx.now().date(), ctx.horizon_days, ctx.shifts)
        product = uow.products.by_code("SCB-200")
        most = most_units(product.routing, [w.code for w in uow.plant.work_centers()], minutes)
    assert most == min(math.floor(minutes / 1.2), math.floor((2 * minutes - 30) / 0.6)) and most > 10_000
    return most


def test_a2_an_order_beyond_what_the_plant_can_make_in_the_horizon_is_a_clear_422(api, ctx):
    most = most_scb_200(ctx)
    for quantity in (10_000_000, most + 1):
        r = api.post("/api/v1/orders", "sales", json=urgent_order_payload(
            lines=[{"product": "P002", "quantity": 5}, {"product": "SCB-200", "quantity": quantity}]))
        assert r.status_code == 422, r.text
        assert r.json()["code"] == "order.quantity_beyond_capacity"
        assert r.json()["fields"] == {"lines.1.quantity": "quantity_beyond_capacity"}
    r = import_sheet(api, csv_sheet({"quantity": str(most + 1)}))
    assert r.json()["fields"] == {"rows.2.quantity": "quantity_beyond_capacity"}
    r = post_form(ctx, "quantity", str(most + 1))
    assert r.status_code == 422 and 'id="err-lines-0-quantity"' in r.text
    assert total_orders(api) == 0
    r = api.post("/api/v1/orders", "sales", json=urgent_order_payload(
        lines=[{"product": "SCB-200", "quantity": most}]))
    assert r.status_code == 201, r.text


def test_a2_an_edit_cannot_grow_a_line_beyond_the_plant_either(api, ctx):
    order = api.post("/api/v1/orders", "sales", json=urgent_order_payload()).json()
    r = api.patch(f"/api/v1/orders/{order['id']}", "sales", json={
        "version": order["version"], "lines": [{"product": "SCB-200", "quantity": most_scb_200(ctx) + 1}]})
    assert (r.status_code, r.json()["code"]) == (422, "order.quantity_beyond_capacity")


# --- control characters, ids and offsets: never a 500 ------------------------------------------

def test_a2_a_nul_byte_anywhere_is_a_422_never_a_500(api, ctx):
    client = api.client
    r = client.post("/api/v1/auth/token", data={"username": "sales\x00", "password": "x"})
    assert (r.status_code, r.json()["fields"]) == (422, {"username": "control_characters"})
    for path in ("/api/v1/orders?q=%00", "/api/v1/orders?customer=C0%00", "/api/v1/products/%00",
                 "/api/v1/orders?q=a%0Ab"):
        r = api.get(path, "sales")
        assert r.status_code == 422 and r.json()["fields"] == {"url": "control_characters"}, path
    order = api.post("/api/v1/orders", "sales", json=urgent_order_payload()).json()
    r = api.act(order["id"], "cancel", "sales", reason="because\x00")
    assert (r.status_code, r.json()["fields"]) == (422, {"reason": "control_characters"})
    r = api.post("/api/v1/customers", "pmc", json={"code": "C9", "name": "x\x00y"})
    assert (r.status_code, r.json()["fields"]) == (422, {"name": "control_characters"})
    web = web_session(ctx, "sales")[0]
    assert web.get("/orders?q=%00").status_code == 422
    r = web.post("/login", data={"username": "sales\x00", "password": "x"})
    assert r.status_code == 422


def test_a2_line_breaks_are_refused_in_names_but_kept_in_notes(api):
    for body, field in (({"code": "C9", "name": "华东\r\n精密"}, "name"), ({"code": "C9", "name": "x", "contact": "a\nb"}, "contact")):
        r = api.post("/api/v1/customers", "pmc", json=body)
        assert (r.status_code, r.json()["fields"]) == (422, {field: "control_characters"})
    r = api.post("/api/v1/products", "pmc", json={"code": "P9", "name": "板\n卡", "unit_price": "1",
                                                  "standard_lead_days": 5})
    assert (r.status_code, r.json()["fields"]) == (422, {"name": "control_characters"})
    r = api.post("/api/v1/orders", "sales", json=urgent_order_payload(special_requirements="第一行\r\n第二行\t注意"))
    assert r.status_code == 201 and r.json()["special_requirements"] == "第一行\r\n第二行\t注意"


def test_m1_ids_and_offsets_beyond_the_database_integers_are_422_not_500(api, ctx):
    for path in ("/api/v1/orders/99999999999999999999", "/api/v1/orders/2147483648",
                 "/api/v1/orders/-99999999999999999999/events", "/api/v1/orders?offset=99999999999999999999",
                 "/api/v1/orders?offset=2147483648"):
        assert api.get(path, "sales").status_code == 422, path
    r = api.patch("/api/v1/orders/99999999999999999999", "sales", json={"version": 1})
    assert r.status_code == 422
    assert api.get("/api/v1/orders/2147483647", "sales").status_code == 404
    assert web_session(ctx, "sales")[0].get("/orders/99999999999999999999").status_code == 422


def test_m1_the_master_data_service_refuses_names_with_line_breaks_on_every_way_in(ctx):
    from jidan.domain import errors
    from jidan.services.masterdata import catalogue
    with pytest.raises(errors.ValidationFailed) as caught:
        catalogue.create_customer(ctx, None, catalogue.NewCustomer("C9", "华东\n精密"))
    assert caught.value.fields == {"name": "control_characters"}
    with pytest.raises(errors.ValidationFailed) as caught:
        catalogue.create_product(ctx, None, catalogue.NewProduct("P\x009", "x", 1, 5))
    assert caught.value.fields == {"code": "invalid_code"}


def test_n1_every_request_body_documents_its_text_rule(api):
    """Every text a request body takes states in the document the rule the schema enforces, so a
    generated client knows it (and the contract test's valid requests are valid)."""
    document = api.client.get("/openapi.json").json()
    bodies = {re.sub("^#/components/schemas/", "", content["schema"]["$ref"])
              for path in document["paths"].values() for op in path.values()
              for content in op.get("requestBody", {}).get("content", {}).values()
              if "$ref" in content.get("schema", {})}
    schemas = document["components"]["schemas"]
    missing = []
    for name in bodies:
        for field, prop in schemas[name].get("properties", {}).items():
            for kind in prop.get("anyOf", [prop]):
                documented = {"pattern", "format", "enum", "const", "contentMediaType"} & set(kind)
                if kind.get("type") == "string" and not documented:
                    missing.append(f"{name}.{field}")
    assert missing == []


def test_a2_an_old_name_with_a_line_break_cannot_fail_its_e_mail_for_good():
    """A customer's name written before names were checked reaches a subject: the e-mail still
    goes, its headers on one line (no header injection)."""
    from datetime import datetime

    from jidan.adapters.notify.smtp import SmtpSender
    from jidan.domain.delivery import Delivery
    now = datetime(2026, 11, 24, 9, 0)
    delivery = Delivery(1, "ev-1\r\n", "email", "buyer@c001.example.com", "incident", "客诉：华东\r\nBcc: x@y\x00",
                        "正文\r\n第二行", 1, None, None, True, "pending", 0, now, None, None, None, now, None, 1)
    msg = SmtpSender("localhost", 25, "jidan <noreply@example.com>").message(delivery)
    assert msg["Subject"] == "客诉：华东 Bcc: x@y" and msg["Bcc"] is None
    assert "\n" not in msg["X-Jidan-Event"] and "第二行" in msg.get_content()
    assert msg.as_bytes()
