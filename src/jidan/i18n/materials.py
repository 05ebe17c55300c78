"""Texts the materials services write for people (notices, notes, reasons): key → (zh-CN, en)."""
from __future__ import annotations

# Keys without the "ui." prefix, as in the other area tables; the pages' materials texts are in planning.py.
TEXTS: dict[str, tuple[str, str]] = {
    "materials.msg.urgent_tag": ("【急单】", "[URGENT] "),
    "materials.msg.list_separator": ("、", ", "),
    "materials.msg.none": ("无", "none"),
    # purchase orders (services/materials/purchasing.py)
    "materials.msg.po_placed": ("采购订单 {number}：{material} × {quantity}，交期 {due_date}",
                                "Purchase order {number}: {material} × {quantity}, due {due_date}"),
    "materials.msg.po_cancelled": ("采购订单 {number} 已取消：{reason}", "Purchase order {number} was cancelled: {reason}"),
    # delay requests (services/materials/delays.py)
    "materials.msg.delay_requested": ("材料交期延迟申请 {number}：{material} {purchase_order} {old_date} → {new_date}",
                                      "Material delay request {number}: {material} {purchase_order} "
                                      "{old_date} → {new_date}"),
    "materials.msg.delay_decided": ("材料交期延迟申请 {number} {verdict}：{material} {purchase_order} "
                                    "{old_date} → {new_date}",
                                    "Material delay request {number} {verdict}: {material} {purchase_order} "
                                    "{old_date} → {new_date}"),
    "materials.msg.approved": ("已批准", "approved"),
    "materials.msg.rejected": ("已驳回", "rejected"),
    "materials.msg.repair_run": ("；待采纳的重排方案 #{run}", "; re-plan #{run} awaits acceptance"),
    "materials.msg.delay_affects": ("{subject}；受影响订单：{orders}{plan}", "{subject}; orders affected: {orders}{plan}"),
    "materials.msg.delay_for_order": ("{urgent}{order} 的材料 {material} 交期推迟至 {new_date}，计划将重排{plan}",
                                      "{urgent}{order}: material {material} now comes {new_date}, the plan will "
                                      "be repaired{plan}"),
    # purchase requests (services/materials/purchase_requests.py)
    "materials.msg.pr_raised": ("{urgent}请购 {number}：{material} {name} × {quantity} {unit}，需用日期 {need_by}",
                                "{urgent}Purchase request {number}: {material} {name} × {quantity} {unit}, "
                                "needed by {need_by}"),
    "materials.msg.pr_raised_body": ("排产方案 #{run} 缺料；用于订单 {orders}。请下采购单或取消。",
                                     "Planning run #{run} lacks this material, for orders {orders}. "
                                     "Place a purchase order or cancel."),
    "materials.msg.pr_not_needed": ("计划 #{run} 不再缺此料", "Plan #{run} no longer lacks this material"),
    "materials.msg.pr_note": ("请购 {number}", "Purchase request {number}"),
}
