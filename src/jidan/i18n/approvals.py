"""Approvals (B1–B7, H1–H3, A6): the notices of reviews, deputies and change requests, and the
confirmation letter (确认函)."""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "appr.sep.list": ("、", ", "),
    "appr.sep.clause": ("；", "; "),
    # the review (B1–B6)
    "appr.requested.subject": ("{urgent}请{step}：订单 {number}", "{urgent}Please sign “{step}”: order {number}"),
    "appr.requested.body": ("{customer} · ¥{amount:,.2f} · 要求交期 {requested}",
                            "{customer} · ¥{amount:,.2f} · requested {requested}"),
    "appr.requested.due": (" · 截止 {at:%Y-%m-%d %H:%M}", " · due {at:%Y-%m-%d %H:%M}"),
    "appr.rejected.subject": ("{urgent}订单 {number} 被{who}驳回", "{urgent}Order {number} rejected by {who}"),
    "appr.rejected.reason": ("驳回原因：{reason}", "Reason: {reason}"),
    "appr.rejected.suggested": ("建议交期：{date}", "Suggested date: {date}"),
    "appr.rejected.alternatives": ("可选方案：{options}", "Alternatives: {options}"),
    "appr.rejected.option": ("{lever} → {completion}", "{lever} → {completion}"),
    "appr.approved.sales_subject": ("{urgent}订单 {number} 已批准，承诺交期 {committed}；请发送确认函",
                                    "{urgent}Order {number} approved, committed date {committed}; "
                                    "please send the confirmation"),
    "appr.approved.pmc_subject": ("{urgent}订单 {number} 已批准，请排产（交期 {committed}）",
                                  "{urgent}Order {number} approved; please plan it (due {committed})"),
    "appr.approved.instruction": ("总经办指示：{levers}；{note}", "Management's instruction: {levers}; {note}"),
    "appr.overdue.subject": ("{urgent}{what}已超时：订单 {number}", "{urgent}{what} is overdue: order {number}"),
    "appr.overdue.body": ("截止 {due}，{role} 尚未签署", "Due {due}; {role} has not signed"),
    # deputies (B5)
    "appr.delegated.subject": ("{principal} 请您代为审批 {start:%m-%d %H:%M} 至 {end:%m-%d %H:%M}",
                               "{principal} asks you to approve for them from {start:%m-%d %H:%M} "
                               "to {end:%m-%d %H:%M}"),
    # change requests (H1–H3)
    "appr.change.review_step": ("变更申请 {number} 评审", "Review of change request {number}"),
    "appr.change.requested.subject": ("{urgent}变更申请 {number} 待评审：订单 {order}",
                                      "{urgent}Change request {number} waits for review: order {order}"),
    "appr.change.requested.body": ("变更：{kinds}；原因：{reason}；截止 {due:%Y-%m-%d %H:%M}",
                                   "Changes: {kinds}; reason: {reason}; due {due:%Y-%m-%d %H:%M}"),
    "appr.change.rejected.subject": ("{urgent}变更申请 {number} 被驳回：订单 {order}",
                                     "{urgent}Change request {number} rejected: order {order}"),
    "appr.change.approved.audit": ("变更申请 {number} 批准 / change request approved: revision {revision}",
                                   "change request {number} approved: revision {revision}"),
    "appr.change.approved.pmc_subject": ("{urgent}订单 {order} 已变更（第 {revision} 版），请重新排产",
                                         "{urgent}Order {order} changed (revision {revision}); please re-plan"),
    "appr.change.approved.changes": ("变更：{kinds}", "Changes: {kinds}"),
    "appr.change.approved.replan": ("；已采纳的计划需要为此订单重排",
                                    "; the accepted plan must be re-planned for this order"),
    "appr.change.approved.floor_subject": ("{urgent}订单 {order} 已变更（第 {revision} 版）",
                                           "{urgent}Order {order} changed (revision {revision})"),
    "appr.change.approved.floor_body": ("变更：{kinds}；请按新版本生产",
                                        "Changes: {kinds}; produce to the new revision"),
    "appr.change.approved.sales_subject": ("{urgent}变更申请 {number} 已批准，请发送新的确认函",
                                           "{urgent}Change request {number} approved; "
                                           "please send the new confirmation"),
    "appr.change.approved.sales_body": ("订单 {order} 第 {revision} 版", "Order {order} revision {revision}"),
    # the confirmation letter (A6)
    "appr.letter.subject": ("{urgent}确认函 Order confirmation {number}（交期 {committed}）",
                            "{urgent}Order confirmation {number} (delivery {committed})"),
    "appr.letter.line": ("  {no}. {code} {name} × {quantity} {unit}，单价 ¥{price:,.2f}，金额 ¥{amount:,.2f}",
                         "  {no}. {code} {name} × {quantity} {unit}, unit price ¥{price:,.2f}, "
                         "amount ¥{amount:,.2f}"),
    "appr.letter.special": ("特殊要求：{text}\n", "Special requirements: {text}\n"),
    "appr.letter.seller_email": ("（{email}）", " ({email})"),
    "appr.letter.body": (
        "{customer}：\n\n"
        "感谢贵司订单（客户订单号 {customer_po}）。经我司评审，确认如下：\n\n"
        "订单号：{number}（第 {revision} 版）\n"
        "产品明细：\n{lines}\n"
        "订单金额：¥{amount:,.2f}\n"
        "要求交期：{requested}\n"
        "承诺交货日期：{committed}\n"
        "{special}"
        "\n如有疑问，请联系我司销售 {seller}{seller_email}。\n\n"
        "{company} 销售部\n{today:%Y-%m-%d}\n",
        "Dear {customer},\n\n"
        "Thank you for your order (your PO {customer_po}). After our review we confirm:\n\n"
        "Order: {number} (revision {revision})\n"
        "Lines:\n{lines}\n"
        "Amount: ¥{amount:,.2f}\n"
        "Requested date: {requested}\n"
        "Committed delivery date: {committed}\n"
        "{special}"
        "\nFor any question please contact our sales {seller}{seller_email}.\n\n"
        "{company} Sales\n{today:%Y-%m-%d}\n"),
    "appr.approved.capacity_run": ("已按指示记录加班／外协等产能，并试排方案 #{run}，请确认后生效",
                                   "The capacity instructed is recorded; what-if run #{run} uses it, for you to accept"),
}
