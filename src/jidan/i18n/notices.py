"""Notices (D2, E6): the words the delivery machinery adds to a notice (escalation, e-mail), the
inbox's grouping and paging, and the acts that answer a notice."""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "notice.email.ack_by": ("请在 {due:%Y-%m-%d %H:%M} 前确认 / Please acknowledge by {due:%Y-%m-%d %H:%M}.",
                            "Please acknowledge by {due:%Y-%m-%d %H:%M}."),
    "notice.escalated.subject": ("【升级 L{level}】{subject}", "[Escalated L{level}] {subject}"),
    "notice.escalated.body": ("未在期限内确认，已升级至第 {level} 级 / Not acknowledged in time; escalated "
                              "to level {level}.\n{body}",
                              "Not acknowledged in time; escalated to level {level}.\n{body}"),
    # the inbox: what still waits, grouped by order, and what answered a notice (issue 20)
    "notice.inbox.waits_for": ("待办：{acts}", "Waits for: {acts}"),
    "notice.inbox.answered_at": ("已于 {at} 由 {who} 办结", "Answered {at} by {who}"),
    "notice.inbox.the_system": ("系统", "the system"),
    "notice.inbox.nothing_waits": ("没有待您处理的事项。", "Nothing waits for you."),
    "notice.inbox.no_order": ("不涉及订单", "Not about an order"),
    "notice.inbox.group_count": ("{n} 条 · 最新 {at}", "{n} · latest {at}"),
    "notice.inbox.page": ("第 {page} / {pages} 页", "Page {page} of {pages}"),
    "notice.inbox.newer": ("← 较新", "← Newer"),
    "notice.inbox.older": ("较早 →", "Older →"),
    "notice.inbox.done": ("已办结 / 已读 {n} 条", "{n} done or read"),
    # the acts that answer a notice (services/notices/answers.py ANSWERED_BY)
    "notice.act.acknowledge": ("确认收到", "acknowledge"),
    "notice.act.start": ("开工", "start the work"),
    "notice.act.review": ("评审", "review"),
    "notice.act.approve": ("批准", "approve"),
    "notice.act.reject": ("驳回", "reject"),
    "notice.act.resubmit": ("重新提交", "resubmit"),
    "notice.act.supersede": ("订单修改后重新评审", "a new revision's review"),
    "notice.act.plan": ("排产并采纳计划", "plan (accept a plan)"),
    "notice.act.release": ("下达生产", "release"),
    "notice.act.decide": ("审批决定", "decide"),
    "notice.act.order": ("下采购订单", "place the purchase order"),
    "notice.act.replan": ("重排计划", "re-plan"),
    "notice.act.apply": ("书面申请总经办", "apply to management"),
    "notice.act.inform_customer": ("通知客户", "inform the customer"),
    "notice.act.ship": ("发货", "ship"),
    "notice.act.return": ("归还图纸", "return the drawing"),
    "notice.act.decide_compensation": ("审批补偿", "decide the compensation"),
    "notice.act.close": ("结案", "close"),
    "notice.act.cancel": ("取消", "cancel"),
    "notice.act.read": ("阅读", "read"),
}
