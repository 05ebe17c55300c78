"""Delivery channels for the outbox: SMTP e-mail, signed webhook, WeCom and DingTalk robots.

Each sender is a callable ``send(delivery: dict) -> None`` that raises :class:`DeliveryFailed`
(or any network error) when the receiver did not take the message; the worker then retries.
"""
from __future__ import annotations


class DeliveryFailed(Exception):
    """The receiver refused or did not answer; the delivery is retried with backoff."""


def senders_from_settings(settings, attachments=None) -> dict:
    """The configured channels by name; e-mail always (SMTP host from the settings), with the
    files ``attachments`` (services.ports.Attachments) gives each message."""
    from jidan.adapters.notify.robots import DingTalkRobot, WeComRobot
    from jidan.adapters.notify.smtp import SmtpSender
    from jidan.adapters.notify.webhook import WebhookSender
    senders: dict = {"email": SmtpSender(
        settings.smtp_host, settings.smtp_port, settings.mail_from, user=settings.smtp_user,
        password=settings.smtp_password, starttls=settings.smtp_starttls,
        timeout=settings.smtp_timeout, attachments=attachments)}
    if settings.webhook_url:
        senders["webhook"] = WebhookSender(settings.webhook_url, settings.webhook_secret or "")
    if settings.wecom_robot_url:
        senders["wecom"] = WeComRobot(settings.wecom_robot_url, settings.public_url)
    if settings.dingtalk_robot_url:
        senders["dingtalk"] = DingTalkRobot(settings.dingtalk_robot_url, settings.dingtalk_secret,
                                            settings.public_url)
    return senders
