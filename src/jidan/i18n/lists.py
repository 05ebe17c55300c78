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
TEXTS.update({
    # the planning board (issue 24)
    "board.close": ("关闭", "Close"),
    "board.step": ("工序", "Step"),
    "board.was": ("原计划", "Planned before"),
    "board.open_order": ("打开订单", "Open the order"),
    "board.highlight": ("突出显示此订单", "Highlight this order"),
    "board.legend_focal": ("{order} 及其工序链", "{order} and its chain of steps"),
    "board.load_title": ("各工作中心每日负荷（已排 / 可用工时）", "Load per work center and day (booked / open hours)"),
    "board.bottleneck": ("瓶颈：{work_center}", "Bottleneck: {work_center}"),
    "board.window_total": ("本期", "Window"),
    "board.load_cell": ("已排 {booked} 小时 / 可用 {open} 小时（{share}%）", "{booked} h booked of {open} h open ({share}%)"),
    "board.order_placeholder": ("订单号", "Order number"),
    "board.unknown_order": ("没有订单号为 {order} 的订单。", "There is no order numbered {order}."),
    "board.not_planned": ("订单 {order} 尚未排入此计划（当前状态：{status}），图中没有它的工序。",
                          "Order {order} is not in this plan yet (status: {status}), so the chart has none of its steps."),
})
TEXTS.update({
    # approvals (issue 24)
    "lists.kind": ("类型", "Kind"),
    "lists.all_kinds": ("全部类型", "All kinds"),
    "lists.kind_review": ("订单评审 / 审批", "Order review / approval"),
    "lists.kind_change": ("变更申请", "Change request"),
    "lists.search_order_customer": ("订单号或客户", "Order number or customer"),
    "lists.shown": ("符合条件 {n} 项", "{n} match"),
    "lists.choose": ("选择", "Choose"),
    "lists.batch_title": ("批量同意所选订单", "Agree to the chosen orders"),
    "lists.batch_hint": ("每个签名都单独校验、签署并记入审计；密码只需输入一次。",
                         "Each signature is checked, signed and audited on its own; the password is asked once."),
    "lists.batch_sign": ("同意并签名", "Agree and sign"),
    "lists.batch_done": ("已签 {done} / {total} 项", "Signed {done} of {total}"),
    "lists.batch_signed": ("{number}：已签名", "{number}: signed"),
})
