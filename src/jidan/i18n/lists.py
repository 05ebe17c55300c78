"""UI texts of the lists and the planning board (issue 24): key → (zh-CN, en)."""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "lists.customer": ("客户", "Customer"),
    "lists.all_customers": ("全部客户", "All customers"),
    "lists.owner": ("负责人", "Owner"),
    "lists.all_owners": ("全部负责人", "All owners"),
    "lists.due_from": ("交期自", "Due from"),
    "lists.due_to": ("至", "to"),
    "lists.export": ("导出 Excel", "Export to Excel"),
}
