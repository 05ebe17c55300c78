"""Words for what pages showed raw until issue 24: run kinds and disturbance fields, notice
kinds, units of measure, reasons the system writes, the inbox's filters and the role homes."""
from __future__ import annotations

TEXTS = {
    # planning runs made by quality (a rework or a replacement lot) and their disturbance fields
    "planning.kind.rework": ("返工重排", "Rework"),
    "planning.kind.replacement": ("补产重排", "Replacement lot"),
    "planning.field.start": ("开始", "Start"),
    "planning.field.continued_elsewhere": ("转到他处继续的工序", "Continued elsewhere"),
    "planning.field.job": ("批次", "Lot"),
    "planning.field.quantity": ("数量", "Quantity"),
    "planning.field.steps": ("工序", "Steps"),
    "planning.field.purchase_order": ("采购订单号", "Purchase order"),
    # notice kinds the inbox had no words for
    "inbox.kind.purchase_order": ("采购订单", "Purchase order"),
    "inbox.kind.purchase_request": ("请购单", "Purchase request"),
    "inbox.kind.material": ("材料", "Material"),
    "inbox.kind.material_delay_approved": ("材料延迟已批准", "Material delay approved"),
    "inbox.kind.material_delay_decision": ("材料延迟决定", "Material delay decided"),
    "inbox.kind.plan.slipped": ("计划延后", "Plan slipped"),
    "inbox.kind.incident_notice": ("延误事件", "Delay incident"),
    "inbox.kind.incident_overdue": ("事件处理超时", "Incident overdue"),
    "inbox.kind.incident_solution": ("事件处理方案", "Incident solution"),
    "inbox.kind.feedback": ("客户反馈", "Customer feedback"),
    "inbox.kind.feedback_request": ("反馈邀请", "Feedback request"),
    "inbox.kind.exception_customer": ("异常告知客户", "Customer told of exception"),
    "inbox.kind.compensation": ("补偿", "Compensation"),
    "inbox.kind.shipping_notice": ("发货通知", "Shipping notice"),
    "inbox.kind.production": ("生产", "Production"),
    "inbox.kind.progress_update": ("进度通报", "Progress update"),
    "inbox.kind.confirmation": ("确认函", "Confirmation letter"),
    # units of measure (products.unit); a unit not listed shows as entered
    "unit.pcs": ("件", "pcs"),
    "unit.set": ("套", "sets"),
    "unit.box": ("箱", "boxes"),
    "unit.kg": ("千克", "kg"),
    "unit.m": ("米", "m"),
    "unit.roll": ("卷", "rolls"),
    # reasons the system writes into the record ("planning run 3")
    "event.reason.planning_run": ("排产方案 #{id}", "planning run #{id}"),
    # the inbox's filters
    "inbox.filter.label": ("筛选", "Filter"),
    "inbox.filter.all": ("全部", "All"),
    "inbox.filter.urgent": ("紧急", "Urgent"),
    "inbox.filter.overdue": ("已超期", "Overdue"),
    "inbox.filter.order_only": ("只看订单", "Only order"),
    "inbox.filter.all_orders": ("全部订单", "All orders"),
    "inbox.filter.only_this": ("只看此订单", "Only this order"),
}
