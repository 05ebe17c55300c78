"""Reading and writing order sheets (.xlsx with openpyxl, or .csv)."""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from datetime import date, datetime

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill

from jidan.domain import errors
from jidan.services.ports import ORDER_SHEET_COLUMNS as COLUMNS
REQUIRED = ("customer", "customer_po", "requested_date", "product", "quantity")
#: Chinese headers the customers' own sheets use, mapped to ours.
ALIASES = {"客户": "customer", "客户订单号": "customer_po", "交货日期": "requested_date",
           "要求交期": "requested_date", "产品": "product", "产品编号": "product", "数量": "quantity",
           "单价": "unit_price", "渠道": "channel", "特殊要求": "special_requirements",
           "加急原因": "urgent_reason"}


#: A workbook may unpack to this many bytes: a sheet of the most rows with long notes fits, a zip
#: bomb does not (refused before anything is parsed).
MAX_UNPACKED = 40_000_000
#: Columns read per row: the sheet's columns and some to spare; cells beyond are not parsed into rows.
MAX_COLUMNS = 40


def _too_many(most_rows: int, seen: str) -> errors.ValidationFailed:
    return errors.ValidationFailed(f"at most {most_rows} rows per file; this one has {seen}",
                                   code="import.too_many_rows", fields={"file": "too_many_rows"})


def _sheet_rows(content: bytes, most_rows: int, scan: int) -> Iterator[tuple]:
    """The active sheet's rows, streamed; refused before parsing when the workbook would unpack
    to more than ``MAX_UNPACKED`` bytes or its sheet declares more than ``scan`` rows."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        unpacked = sum(info.file_size for info in archive.infolist())
    if unpacked > MAX_UNPACKED:
        raise errors.ValidationFailed(f"the workbook unpacks to {unpacked} bytes, over {MAX_UNPACKED}",
                                      code="import.too_large", fields={"file": "too_large"})
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        sheet = book.active
        if (sheet.max_row or 0) > scan:
            raise _too_many(most_rows, f"{sheet.max_row - 1} rows by its own dimension")
        yield from sheet.iter_rows(min_row=1, max_row=scan + 1, max_col=MAX_COLUMNS, values_only=True)
    finally:
        book.close()


def read_rows(filename: str, content: bytes, most_rows: int) -> list[tuple[int, dict]]:
    """(sheet row number, {column: text}) for every non-empty row, read row by row and stopped at
    ``most_rows`` + 1 (``import.too_many_rows``); blank rows count towards ten times as many, so a
    sheet of empty rows is not read to its end either. Unreadable files raise."""
    scan = 10 * most_rows + 1
    try:
        if filename.lower().endswith(".csv"):
            table = csv.reader(io.StringIO(content.decode("utf-8-sig")))
        else:
            table = _sheet_rows(content, most_rows, scan)
        first = next(table, None)
        if first is None:
            raise errors.ValidationFailed("the file is empty", code="import.empty", fields={"file": "empty"})
        header = [ALIASES.get(str(h).strip(), str(h).strip().lower()) if h is not None else "" for h in first]
        missing = [c for c in REQUIRED if c not in header]
        if missing:
            raise errors.ValidationFailed("required columns are missing: " + ", ".join(missing),
                                          code="import.missing_columns",
                                          fields={f"columns.{c}": "missing" for c in missing})
        rows = []
        for number, values in enumerate(table, start=2):
            if number > scan:
                raise _too_many(most_rows, f"more than {scan} rows, blank ones included")
            if all(v is None or str(v).strip() == "" for v in values):
                continue
            if len(rows) == most_rows:
                raise _too_many(most_rows, "more")
            rows.append((number, {h: _text(v) for h, v in zip(header, values) if h in COLUMNS}))
        return rows
    except errors.JidanError:
        raise
    except Exception as exc:  # a file from outside can fail the parsers in any way: each is unreadable
        raise errors.ValidationFailed(f"the file cannot be read as .xlsx or .csv: {exc}",
                                      code="import.unreadable", fields={"file": "unreadable"}) from exc


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def write_rows(rows: list[dict], columns: tuple[str, ...], urgent_key: str | None = None) -> bytes:
    """An .xlsx with a bold header; rows whose ``urgent_key`` is true are shaded red (急)."""
    wb = Workbook()
    ws = wb.active
    ws.title = "orders"
    ws.append(list(columns))
    for cell in ws[1]:
        cell.font = Font(bold=True)
    red = PatternFill("solid", fgColor="FFE5E5")
    for row in rows:
        ws.append([row.get(c) for c in columns])
        if urgent_key and row.get(urgent_key):
            for cell in ws[ws.max_row]:
                cell.fill = red
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


class ExcelSheets:
    """The ``Spreadsheets`` port over openpyxl and csv."""

    def read_orders(self, filename: str, content: bytes, most_rows: int) -> list[tuple[int, dict]]:
        return read_rows(filename, content, most_rows)

    def write(self, rows: list[dict], columns: tuple[str, ...], urgent_key: str | None = None) -> bytes:
        return write_rows(rows, columns, urgent_key)
