"""Excel / CSV order import (A1): all rows or none, every bad row reported.

Rows with the same customer and customer PO are the lines of one order. If any row is bad,
nothing is imported and the report names each bad row and field, so the clerk fixes the sheet
and sends it again; a half-imported sheet would leave them guessing which orders exist.
"""
from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from decimal import Decimal, InvalidOperation

from jidan.services.ports import ORDER_SHEET_COLUMNS as COLUMNS, OrderFilter
from jidan.domain import errors
from jidan.domain.model import Actor
from jidan.domain.order import CHANNELS, line_errors, order_errors
from jidan.domain.roles import ORDER_ENTRY
from jidan.services.context import Context
from jidan.services.orders.intake import NewLine, NewOrder, enter_order, requested_date_error
from jidan.services.orders.views import list_orders
from jidan.services.permissions import require_role

MAX_ROWS = 5000


def _integer(text: str) -> int:
    """A whole number written in ASCII digits, as the API and the form read one (not ``１２``)."""
    if not re.fullmatch(r"[+-]?[0-9]{1,15}", text):
        raise ValueError(text)
    return int(text)


def _number(text: str) -> Decimal:
    """A plain decimal in ASCII digits (no exponent, no ``NaN``, no fullwidth digits)."""
    if not re.fullmatch(r"[+-]?([0-9]{1,30}(\.[0-9]*)?|\.[0-9]+)", text):
        raise InvalidOperation(text)
    return Decimal(text)


def _parse_row(ctx: Context, row: dict) -> tuple[dict, dict]:
    """Typed values and field errors of one sheet row; the order rules themselves are the
    intake's (``enter_order``), the same for the API, the form and the import."""
    bad, value = {}, {}
    for name in ("customer", "customer_po", "product"):
        value[name] = row.get(name, "")
        if not value[name]:
            bad[name] = "required"
    try:
        value["requested_date"] = date.fromisoformat(row.get("requested_date", ""))
        if date_error := requested_date_error(ctx, value["requested_date"]):
            bad["requested_date"] = date_error
    except ValueError:
        bad["requested_date"] = "invalid_date"
    try:
        value["quantity"] = _integer(row.get("quantity", ""))
    except ValueError:
        bad["quantity"] = "invalid_integer"
    price = row.get("unit_price", "")
    try:
        value["unit_price"] = _number(price) if price else None
    except InvalidOperation:
        bad["unit_price"] = "invalid_number"
    value["channel"] = row.get("channel") or "import"
    if value["channel"] not in CHANNELS:
        bad["channel"] = "unknown_channel"
    value["special_requirements"] = row.get("special_requirements") or None
    value["urgent_reason"] = row.get("urgent_reason") or None
    # The order rules too, so that a row with a bad date still hears of its bad quantity.
    rules = order_errors(value["customer"], value["customer_po"], value["special_requirements"],
                         value["urgent_reason"])
    rules |= line_errors(value["product"], value.get("quantity", 1), value.get("unit_price"))
    return value, rules | bad


def _orders_from_rows(ctx: Context, rows: list[tuple[int, dict]]) -> tuple[list[tuple[list[int], NewOrder]], dict]:
    groups: dict[tuple[str, str], list[tuple[int, dict]]] = {}
    fields: dict[str, str] = {}
    for number, raw in rows:
        value, bad = _parse_row(ctx, raw)
        fields.update({f"rows.{number}.{k}": v for k, v in bad.items()})
        if not bad:
            groups.setdefault((value["customer"], value["customer_po"]), []).append((number, value))
    built = []
    for (customer, po), members in groups.items():
        first = members[0][1]
        lines = tuple(NewLine(v["product"], v["quantity"], v["unit_price"]) for _, v in members)
        built.append(([n for n, _ in members], NewOrder(
            customer, po, first["requested_date"], lines, first["channel"],
            first["special_requirements"], first["urgent_reason"])))
    return built, fields


def import_orders(ctx: Context, actor: Actor, filename: str, content: bytes,
                  progress: Callable[[int, int], None] | None = None) -> dict:
    """Imports every order of the sheet in one transaction, or none of them."""
    require_role(actor, ORDER_ENTRY)
    rows = ctx.sheets.read_orders(filename, content, MAX_ROWS)
    built, fields = _orders_from_rows(ctx, rows)
    created = []
    with ctx.uow() as uow:
        for done, (row_numbers, cmd) in enumerate(built, start=1):
            try:
                created.append(enter_order(uow, ctx, actor, cmd).number)
            except (errors.ValidationFailed, errors.Duplicate) as exc:
                for key, code in exc.fields.items():
                    # Line errors name the sheet row of that line; order errors its first row.
                    parts = key.split(".")
                    row = row_numbers[int(parts[1])] if parts[0] == "lines" else row_numbers[0]
                    fields[f"rows.{row}.{parts[-1]}"] = code
            if progress:
                progress(done, len(built))
        if fields:
            raise errors.ValidationFailed(
                f"{len({k.split('.')[1] for k in fields})} rows are not valid; nothing was imported",
                code="import.rows_invalid", fields=fields)
        uow.commit()
    return {"imported": len(created), "orders": created, "rows": len(rows)}


EXPORT_COLUMNS = COLUMNS + ("number", "status", "urgent", "priority")


def export_orders(ctx: Context, actor: Actor, f: OrderFilter) -> bytes:
    """One row per order line, in the import format plus status, so a sheet can go round-trip."""
    rows, mark = [], ctx.messages.text("ui.orders.export.urgent_mark")
    for o in list_orders(ctx, actor, f)["items"]:
        for line in o["lines"]:
            rows.append({"customer": o["customer"]["code"], "customer_po": o["customer_po"],
                         "requested_date": o["requested_date"], "product": line["product"],
                         "quantity": line["quantity"], "unit_price": line.get("unit_price"),
                         "channel": o["channel"], "special_requirements": o["special_requirements"],
                         "urgent_reason": o["urgent_reason"], "number": o["number"],
                         "status": o["status"], "urgent": mark if o["urgent"] else "",
                         "priority": o["priority"]})
    return ctx.sheets.write(rows, EXPORT_COLUMNS, urgent_key="urgent")


def template(ctx: Context) -> bytes:
    """The blank order sheet to fill in and import."""
    return ctx.sheets.write([], COLUMNS)
