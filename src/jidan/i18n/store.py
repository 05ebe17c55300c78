"""UI texts of the store urgent replenishment (卖场紧急订货, K1–K7): key → (zh-CN, en)."""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # notices
    "store.msg.requested": ("【紧急请配】{store} {number} 待店长审批", "[Urgent requisition] {store} {number} awaits the store manager"),
    "store.msg.approved": ("【紧急请配】{store} {number} 待总部一个工作日内答复", "[Urgent requisition] {store} {number}: headquarters answers within one working day"),
    "store.msg.ordered": ("【紧急请配】{store} {number} 请一个工作日内送货", "[Urgent requisition] {store} {number}: deliver within one working day"),
    "store.msg.delivered": ("【紧急请配】{number} 已送货，请验收签收", "[Urgent requisition] {number} delivered: inspect and sign"),
    "store.msg.signed": ("【紧急请配】{number} 已签收，请三个工作日内将签收单交总部", "[Urgent requisition] {number} signed: hand the receipt to headquarters within three working days"),
    "store.msg.handed_in": ("【紧急请配】{number} 签收单已交，请打收货编码并开调出单", "[Urgent requisition] {number} receipt handed in: give the receiving code and issue the transfer-out"),
    "store.msg.transferred_out": ("【紧急请配】{number} 总部已开调出单，请开调入单", "[Urgent requisition] {number} transferred out: issue the transfer-in"),
    "store.msg.closed": ("【紧急请配】{number} 已调入，流程完成", "[Urgent requisition] {number} transferred in: done"),
    "store.msg.rejected": ("【紧急请配】{number} 店长未同意", "[Urgent requisition] {number} not approved by the store manager"),
    "store.msg.refused": ("【紧急请配】{number} 总部答复：不能到货", "[Urgent requisition] {number}: headquarters says it will not arrive"),
    "store.msg.body": ("{store} 紧急请配单 {number}，期限：{due}", "{store} urgent requisition {number}, due: {due}"),
    "store.msg.overdue": ("【逾期】{store} {number}：{step} 已超过期限", "[Overdue] {store} {number}: {step} is past its deadline"),
    "store.msg.overdue_body": ("紧急请配单 {number} 的期限 {due} 已过，请立即处理并确认。",
                               "The deadline {due} of urgent requisition {number} has passed: act now and acknowledge."),
}
