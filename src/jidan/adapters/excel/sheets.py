"""Reading and writing order sheets (.xlsx with openpyxl, or .csv)."""
from __future__ import annotations

import csv
import io
import re
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


#: What a workbook may unpack to, refused before anything is parsed (a zip bomb): its worksheets
#: are read row by row and stop at the row limit, so each may be larger than the parts read whole
#: (shared strings, styles), yet not so large that one row of it could fill the memory.
MAX_UNPACKED = 20_000_000
MAX_SHEET_UNPACKED = 100_000_000
#: Columns read per row: the sheet's columns and some to spare; cells beyond are not parsed into rows.
MAX_COLUMNS = 40


def _too_many(most_rows: int, seen: str) -> errors.ValidationFailed:
    return errors.ValidationFailed(f"at most {most_rows} rows per file; this one has {seen}",
                                   code="import.too_many_rows", fields={"file": "too_many_rows"})


#: A row element of a worksheet's XML (``<row …>``, ``<x:row>``), counted before the sheet is parsed.
ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")


def _rows_in(archive: zipfile.ZipFile, name: str, most: int) -> int:
    """The row elements of a worksheet part, counted as it unpacks; stops past ``most``."""
    seen, tail = 0, b""
    with archive.open(name) as part:
        while seen <= most and (chunk := part.read(1 << 16)):
            # a row tag cut between two chunks is found in the tail joined to the next chunk
            seen += len(ROW_TAG.findall(tail + chunk)) - len(ROW_TAG.findall(tail))
            tail = chunk[-64:]
    return seen


def _sheet_rows(content: bytes, most_rows: int, scan: int) -> Iterator[tuple]:
    """The active sheet's rows, streamed. Refused before parsing when the workbook would unpack
    to too much, or a sheet has more than ``scan`` rows: counted from its XML, since a sheet
    that does not declare its size is read whole by openpyxl just to find it."""
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        parts = archive.infolist()
        sheets = [p for p in parts if p.filename.startswith("xl/worksheets/") and p.filename.endswith(".xml")]
        rest = sum(p.file_size for p in parts) - sum(p.file_size for p in sheets)
        if rest > MAX_UNPACKED or max((p.file_size for p in sheets), default=0) > MAX_SHEET_UNPACKED:
            raise errors.ValidationFailed("the workbook is too large once unpacked", code="import.too_large",
                                          fields={"file": "too_large"})
        if any(_rows_in(archive, p.filename, scan) > scan for p in sheets):
            raise _too_many(most_rows, f"more than {scan - 1} rows")
    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    try:
        yield from book.active.iter_rows(min_row=1, max_row=scan, max_col=MAX_COLUMNS, values_only=True)
    finally:
        book.close()


def read_rows(filename: str, content: bytes, most_rows: int, columns: tuple[str, ...] = COLUMNS,
              required: tuple[str, ...] = REQUIRED, aliases: dict[str, str] = ALIASES) -> list[tuple[int, dict]]:
    """(sheet row number, {column: text}) for every non-empty row, read row by row and stopped at
    ``most_rows`` + 1 (``import.too_many_rows``); blank rows count towards twice as many, so a
    sheet of empty rows is not read to its end either. Unreadable files raise. By default the
    order sheet's columns; another table names its own."""
    scan = 2 * most_rows + 1
    try:
        if filename.lower().endswith(".csv"):
            table = csv.reader(io.StringIO(content.decode("utf-8-sig")))
        else:
            table = _sheet_rows(content, most_rows, scan)
        first = next(table, None)
        if first is None:
            raise errors.ValidationFailed("the file is empty", code="import.empty", fields={"file": "empty"})
        header = [aliases.get(str(h).strip(), str(h).strip().lower()) if h is not None else "" for h in first]
        missing = [c for c in required if c not in header]
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
            rows.append((number, {h: _text(v) for h, v in zip(header, values) if h in columns}))
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

    def read_table(self, filename: str, content: bytes, most_rows: int,
                   columns: tuple[str, ...]) -> list[tuple[int, dict]]:
        return read_rows(filename, content, most_rows, columns, columns, {})
