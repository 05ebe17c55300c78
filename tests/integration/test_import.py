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


# --- a sheet never blocks the server (issue 21) ------------------------------------------------

def bomb(rows: int, dimension: bool = True) -> bytes:
    """A minimal .xlsx whose sheet has ``rows`` data rows: a few hundred kB that unpack to tens of MB."""
    import zipfile
    out = io.BytesIO()
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        z.writestr("[Content_Types].xml", (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument'
            '.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType='
            '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'))
        z.writestr("_rels/.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>'))
        z.writestr("xl/workbook.xml", (
            f'<workbook {ns} xmlns:r="{rel}"><sheets><sheet name="orders" sheetId="1" r:id="rId1"/>'
            '</sheets></workbook>'))
        z.writestr("xl/_rels/workbook.xml.rels", (
            '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            f'<Relationship Id="rId1" Type="{rel}/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'))
        with z.open("xl/worksheets/sheet1.xml", "w") as sheet:
            sheet.write(f'<worksheet {ns}>'.encode())
            if dimension:
                sheet.write(f'<dimension ref="A1:E{rows + 1}"/>'.encode())
            sheet.write(b"<sheetData><row>" + b"".join(
                f'<c t="inlineStr"><is><t>{h}</t></is></c>'.encode() for h in HEADER[:5]) + b"</row>")
            row = b'<row><c t="inlineStr"><is><t>C001</t></is></c><c><v>1</v></c></row>'
            for _ in range(rows // 10_000):
                sheet.write(row * 10_000)
            sheet.write(b"</sheetData></worksheet>")
    return out.getvalue()


@pytest.mark.parametrize("dimension", [True, False], ids=["declared", "undeclared"])
def test_a1_a_million_row_sheet_is_refused_at_once_with_little_memory(dimension):
    """The tester's 0.77 MB sheet of 1,000,000 rows blocked the server 120 s and took 924 MB: the
    rows are now streamed and reading stops past the limit (or before parsing, when the sheet
    declares its size)."""
    import time
    import tracemalloc

    from jidan.adapters.excel.sheets import read_rows
    from jidan.domain import errors
    from jidan.services.orders.importing import MAX_ROWS
    content = bomb(1_000_000, dimension)
    assert len(content) < 1_000_000
    tracemalloc.start()
    started = time.perf_counter()
    with pytest.raises(errors.ValidationFailed) as caught:
        read_rows("orders.xlsx", content, MAX_ROWS)
    took = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert caught.value.code == "import.too_many_rows"
    assert took < 2 and peak < 30_000_000, (took, peak)


def test_a1_a_sheet_that_unpacks_too_large_is_refused_before_it_is_parsed(api):
    from jidan.adapters.excel import sheets
    assert sheets.MAX_SHEET_UNPACKED < 2_000_000 * 60
    r = upload(api, "orders.xlsx", bomb(2_000_000, dimension=False))
    assert r.status_code == 422 and r.json()["code"] == "import.too_large"


def test_a1_the_import_answers_too_many_rows_through_the_api(api):
    r = upload(api, "orders.xlsx", bomb(1_000_000))
    assert (r.status_code, r.json()["code"], r.json()["fields"]) == (422, "import.too_many_rows",
                                                                     {"file": "too_many_rows"})
    csv_rows = "customer,customer_po,requested_date,product,quantity\n" + "C001,P,2026-12-01,SCB-200,1\n" * 5001
    r = upload(api, "orders.csv", csv_rows.encode())
    assert r.json()["code"] == "import.too_many_rows"


def test_a1_an_import_being_read_does_not_hold_up_other_requests(ctx, actors):
    """The import runs in a worker thread: /health answers while a sheet is being read."""
    import asyncio
    import time

    import httpx

    from jidan.http.app import create_app
    from tests.support import PASSWORD
    app = create_app(ctx)
    finished = {}

    async def run():
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
            token = (await client.post("/api/v1/auth/token", data={"username": "sales", "password": PASSWORD})).json()
            headers = {"Authorization": f"Bearer {token['access_token']}"}

            async def importing():
                await client.post("/api/v1/orders/import", headers=headers,
                                  files={"file": ("orders.xlsx", bomb(1_000_000, dimension=False))})
                finished["import"] = time.perf_counter()

            async def health():
                finished["start"] = time.perf_counter()
                await asyncio.sleep(0.01)
                assert (await client.get("/health")).status_code in (200, 503)
                finished["health"] = time.perf_counter()
            await asyncio.gather(importing(), health())
    import threading  # a thread of its own: another test's event loop may still run in this one
    runner = threading.Thread(target=lambda: asyncio.run(run()))
    runner.start()
    runner.join(60)
    assert finished["health"] - finished["start"] < 1.0  # not after the whole sheet: it is refused as it is read
