"""The figures and the league table as one long table (figure, item, measure, value, orders) for
Excel and CSV: one row per number, so a BI tool or a pivot table reads it without knowing the
JSON's shape; each row names the orders behind it."""
from __future__ import annotations

import csv
import io
from datetime import date

from jidan.domain.model import Actor
from jidan.services.analytics.figures import Filters, accountability, figures
from jidan.services.context import Context

COLUMNS = ("figure", "item", "measure", "value", "order_ids")


def _ids(values) -> str:
    return " ".join(str(v) for v in values or [])


def long_rows(figs: dict, league: list[dict]) -> list[dict]:
    """Every number of the figures and the league table, one row each."""
    rows: list[dict] = []

    def add(figure: str, item: str, measure: str, value, ids=()) -> None:
        rows.append({"figure": figure, "item": item, "measure": measure, "value": value, "order_ids": _ids(ids)})

    for against, v in figs["on_time"].items():
        add("on_time", against, "rate", v["rate"])
        add("on_time", against, "on_time", v["on_time"], v["on_time_ids"])
        add("on_time", against, "late", v["late"], v["late_ids"])
        add("on_time", against, "open", v["open"])
    lead = figs["lead_time"]
    for row in [{"stage": "total", **lead["total"]}, *lead["stages"]]:
        for measure in ("median", "p90"):
            add("lead_time_hours", row["stage"], measure, row[measure], row["order_ids"])
    u = figs["urgency"]
    add("urgency", "urgent", "share", u["share"], u["urgent_ids"])
    add("urgency", "overtime", "hours", u["overtime_hours"], u["overtime_ids"])
    add("urgency", "outside_processing", "steps", u["outside_processing"], u["outside_ids"])
    add("urgency", "outside_processing", "hours", u["outside_hours"], u["outside_ids"])
    add("urgency", "expedited_freight", "amount", u["expedited_freight"], u["expedited_ids"])
    add("urgency", "compensation", "amount", u["compensation"], u["compensation_ids"])
    add("urgency", "total_cost", "amount", u["total_cost"])
    add("urgency", "slipped_by_insertion", "orders", u["slipped_by_insertion"], u["slipped_ids"])
    add("urgency", "slipped_by_insertion", "hours", u["slipped_hours"], u["slipped_ids"])
    for row in figs["delay_causes"]:
        add("delay_causes", row["cause"], "count", row["count"], row["order_ids"])
        add("delay_causes", row["cause"], "days", row["days"], row["order_ids"])
    for key, by in (("kind", "by_kind"), ("work_center_code", "by_work_center")):
        for row in figs["exceptions"][by]:
            add(f"exceptions_{by}", row[key], "count", row["count"], row["order_ids"])
    rs = figs["rework_scrap"]
    add("rework_scrap", "rework", "quantity", rs["rework_qty"], rs["rework_ids"])
    add("rework_scrap", "scrap", "quantity", rs["scrap_qty"], rs["scrap_ids"])
    for row in figs["capacity"]["use"]:
        add("capacity_use", row["work_center"], "use", row["use"])
        add("capacity_use", row["work_center"], "planned_hours", row["planned_hours"])
    for row in figs["capacity"]["bottleneck_by_week"]:
        add("bottleneck", row["week"], row["work_center"] or "", row["use"])
    for row in figs["approvals"]:
        add("approval_hours", f"{row['role']} {row['step']}", "median", row["median"], row["order_ids"])
        add("approval_hours", f"{row['role']} {row['step']}", "p90", row["p90"], row["order_ids"])
    for row in figs["acknowledgements"]:
        add("acknowledgement_hours", row["department"], "median", row["median"])
        add("acknowledgement_hours", row["department"], "late", row["late"], row["order_ids"])
        add("acknowledgement_hours", row["department"], "escalated", row["escalated"])
    d = figs["drawings_late"]
    add("drawings", "returned_late", "count", d["late"], d["order_ids"])
    for row in league:
        add("accountability", row["department"], "missed", row["missed"], row["order_ids"])
        for kind, count in row["by_kind"].items():
            add("accountability", row["department"], kind, count)
    return rows


def export(ctx: Context, actor: Actor, start: date, end: date, filters: Filters | None, fmt: str) -> bytes:
    """The figures of the period as an .xlsx (``fmt`` "xlsx") or a UTF-8 CSV Excel opens ("csv")."""
    rows = long_rows(figures(ctx, actor, start, end, filters), accountability(ctx, actor, start, end))
    if fmt == "xlsx":
        return ctx.sheets.write(rows, COLUMNS)
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")
