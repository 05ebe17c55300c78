"""Texts the order services hand to people (through ``ctx.messages``): key → (zh-CN, en)."""
from __future__ import annotations

#: Order intake, import and export (A1–A4).
TEXTS: dict[str, tuple[str, str]] = {
    # The export sheet's mark in the "urgent" column of an urgent order's rows.
    "orders.export.urgent_mark": ("急", "Urgent"),
}
