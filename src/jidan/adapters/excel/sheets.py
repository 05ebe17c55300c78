"""Reading and writing order sheets (.xlsx with openpyxl, or .csv)."""
from __future__ import annotations

import csv
import io
import zipfile
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


def read_rows(filename: str, content: bytes) -> list[tuple[int, dict]]:
    """(sheet row number, {column: text}) for every non-empty row; unreadable files raise."""
    try:
        if filename.lower().endswith(".csv"):
            table = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
        else:
            sheet = load_workbook(io.BytesIO(content), read_only=True, data_only=True).active
            table = [list(r) for r in sheet.iter_rows(values_only=True)]
    except (UnicodeDecodeError, zipfile.BadZipFile, KeyError, ValueError, OSError, csv.Error) as exc:
        raise errors.ValidationFailed(f"the file cannot be read as .xlsx or .csv: {exc}",
                                      code="import.unreadable", fields={"file": "unreadable"}) from exc
    if not table:
        raise errors.ValidationFailed("the file is empty", code="import.empty", fields={"file": "empty"})
    header = [ALIASES.get(str(h).strip(), str(h).strip().lower()) if h is not None else "" for h in table[0]]
    missing = [c for c in REQUIRED if c not in header]
    if missing:
        raise errors.ValidationFailed("required columns are missing: " + ", ".join(missing),
                                      code="import.missing_columns",
                                      fields={f"columns.{c}": "missing" for c in missing})
    rows = []
    for number, values in enumerate(table[1:], start=2):
        if all(v is None or str(v).strip() == "" for v in values):
            continue
        rows.append((number, {h: _text(v) for h, v in zip(header, values) if h in COLUMNS}))
    return rows


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

    def read_orders(self, filename: str, content: bytes) -> list[tuple[int, dict]]:
        return read_rows(filename, content)

    def write(self, rows: list[dict], columns: tuple[str, ...], urgent_key: str | None = None) -> bytes:
        return write_rows(rows, columns, urgent_key)
