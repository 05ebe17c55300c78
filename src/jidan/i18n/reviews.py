"""Texts of the quarterly review, improvement actions and pmc's home (issue 22): key → (zh-CN, en)."""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    # improvement actions (M4)
    "rev.mail.action_subject": ("改善措施待完成 · {department}", "Improvement action to complete · {department}"),
    "rev.mail.action_body": ("{text}\n\n完成期限：{due:%Y-%m-%d %H:%M}", "{text}\n\nDue by {due:%Y-%m-%d %H:%M}"),
    "rev.mail.remind_subject": ("改善措施明日到期 · {department}", "Improvement action due tomorrow · {department}"),
    "rev.mail.overdue_subject": ("改善措施逾期未完成 · {department}", "Improvement action overdue · {department}"),
    "rev.mail.overdue_body": ("{text}\n\n负责人 {owner}，期限 {due:%Y-%m-%d %H:%M}，至今未完成。",
                              "{text}\n\nOwner {owner}; it was due by {due:%Y-%m-%d %H:%M} and is not done."),
    "rev.err.improvement.invalid": ("改善措施填写不完整", "The improvement action is not complete"),
    "rev.err.improvement.not_owner": ("只有负责人或总经办可以完成此措施", "Only the owner or management completes this action"),
    "rev.err.improvement.not_your_department": ("只能填写本部门的改善措施", "You enter your own department's actions only"),
    "rev.err.improvement.done": ("此措施已完成", "This action is done already"),
    "rev.err.unknown_source": ("来源未知", "Unknown source"),
    "rev.err.in_the_past": ("日期不能早于今天", "The date cannot be in the past"),
    "rev.err.too_long": ("内容过长", "Too long"),
    "inbox.kind.improvement_action": ("改善措施", "Improvement action"),
    "inbox.kind.improvement_action.reminder": ("改善措施将到期", "Improvement action due soon"),
    "inbox.kind.improvement_action.overdue": ("改善措施逾期", "Improvement action overdue"),
    "rev.state.open": ("进行中", "Open"),
    "rev.state.overdue": ("已逾期", "Overdue"),
    "rev.state.done": ("已完成", "Done"),
    "rev.state.done_late": ("逾期完成", "Done late"),
}
