"""Excel / CSV import (A1): all rows or none, each bad row reported; export round-trips."""
from __future__ import annotations

import io

import pytest
from openpyxl import Workbook, load_workbook

pytestmark = pytest.mark.xdist_group("db")

HEADER = ["customer", "customer_po", "requested_date", "product", "quantity", "unit_price"]


def xlsx(rows, header=HEADER) -> bytes:
    wb = Workbook()
    wb.active.append(header)
    for row in rows:
        wb.active.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def upload(api, name, content):
    return api.post("/api/v1/orders/import", "sales", files={"file": (name, content)})


def test_a1_excel_rows_with_the_same_po_become_lines_of_one_order(api):
    r = upload(api, "orders.xlsx", xlsx([
        ["C001", "PO-A", "2026-12-01", "SCB-200", 100, None],
        ["C001", "PO-A", "2026-12-01", "P002", 20, 75],
        ["C002", "PO-B", "2027-02-01", "P002", 5, None],
    ]))
    assert r.status_code == 200, r.text
    assert r.json()["imported"] == 2
    orders = api.get("/api/v1/orders", "sales").json()["items"]
    a = next(o for o in orders if o["customer_po"] == "PO-A")
    assert [(ln["product"], ln["quantity"], ln["unit_price"]) for ln in a["lines"]] == [
        ("SCB-200", 100, "450.00"), ("P002", 20, "75.00")]
    assert a["channel"] == "import" and a["urgent"] is True


def test_a1_chinese_headers_and_csv_are_accepted(api):
    csv = "客户,客户订单号,交货日期,产品,数量\nC002,PO-CSV,2027-02-01,P002,7\n".encode("utf-8-sig")
    r = upload(api, "orders.csv", csv)
    assert r.status_code == 200 and r.json()["imported"] == 1


def test_a1_one_bad_row_reports_each_bad_row_and_imports_nothing(api):
    r = upload(api, "orders.xlsx", xlsx([
        ["C001", "PO-A", "2026-12-01", "SCB-200", 100, None],
        ["C001", "PO-B", "someday", "SCB-200", -1, None],
        ["C009", "PO-C", "2026-12-01", "GHOST", 3, None],
    ]))
    assert r.status_code == 422
    body = r.json()
    assert body["code"] == "import.rows_invalid"
    assert body["fields"] == {"rows.3.requested_date": "invalid_date", "rows.3.quantity": "must_be_positive",
                              "rows.4.customer": "unknown_customer", "rows.4.product": "unknown_product"}
    assert api.get("/api/v1/orders", "sales").json()["total"] == 0


def test_a1_unknown_product_is_reported_on_its_own_row(api):
    r = upload(api, "orders.xlsx", xlsx([
        ["C001", "PO-A", "2026-12-01", "SCB-200", 100, None],
        ["C001", "PO-A", "2026-12-01", "GHOST", 1, None],
    ]))
    assert r.status_code == 422 and r.json()["fields"] == {"rows.3.product": "unknown_product"}


def test_a1_export_writes_the_import_format_with_the_urgent_flag(api):
    upload(api, "orders.xlsx", xlsx([["C001", "PO-A", "2026-12-01", "SCB-200", 100, None]]))
    r = api.get("/api/v1/orders/export.xlsx", "pmc")
    sheet = load_workbook(io.BytesIO(r.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == tuple(HEADER) and rows[1][0] == "C001" and "急" in rows[1]


def test_a1_cli_import_shows_progress_and_imports(ctx, actors, tmp_path, database_url, monkeypatch):
    from typer.testing import CliRunner
    from jidan.cli import app
    from jidan.config import get_settings
    path = tmp_path / "orders.xlsx"
    path.write_bytes(xlsx([["C002", "PO-CLI", "2027-02-01", "P002", 5, None]]))
    monkeypatch.setenv("JIDAN_DATABASE_URL", database_url)
    get_settings.cache_clear()
    try:
        result = CliRunner().invoke(app, ["import", str(path), "--user", "sales"])
    finally:
        get_settings.cache_clear()
    assert result.exit_code == 0, result.output
    assert "'imported': 1" in result.output
