"""Notices (D2, E6): the words the delivery machinery adds to a notice (escalation, e-mail)."""
from __future__ import annotations

TEXTS: dict[str, tuple[str, str]] = {
    "notice.email.ack_by": ("请在 {due:%Y-%m-%d %H:%M} 前确认 / Please acknowledge by {due:%Y-%m-%d %H:%M}.",
                            "Please acknowledge by {due:%Y-%m-%d %H:%M}."),
    "notice.escalated.subject": ("【升级 L{level}】{subject}", "[Escalated L{level}] {subject}"),
    "notice.escalated.body": ("未在期限内确认，已升级至第 {level} 级 / Not acknowledged in time; escalated "
                              "to level {level}.\n{body}",
                              "Not acknowledged in time; escalated to level {level}.\n{body}"),
}
