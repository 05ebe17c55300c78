"""E-mail over SMTP (standard library smtplib); one message per outbox row."""
from __future__ import annotations

import smtplib
from email.message import EmailMessage
from email.utils import formatdate

from jidan.domain.delivery import Delivery
from jidan.domain.text import NOT_ONE_LINE
from jidan.services.ports import Attachments


def header(value: object) -> str:
    """A header value on one line: line breaks and other control characters become spaces.

    Names are refused with them today, but a row written before (a customer's name with CR/LF in
    an incident's subject) would otherwise fail its e-mail on every retry, for good."""
    return " ".join(NOT_ONE_LINE.sub(" ", str(value)).split())


class SmtpSender:
    def __init__(self, host: str, port: int, sender: str, *, user: str | None = None,
                 password: str | None = None, starttls: bool = False, timeout: float = 10.0,
                 attachments: Attachments | None = None):
        self.host, self.port, self.sender = host, port, sender
        self.attachments = attachments
        self.user, self.password, self.starttls, self.timeout = user, password, starttls, timeout

    def message(self, delivery: Delivery) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = header(self.sender)
        msg["To"] = header(delivery.target)
        msg["Subject"] = header(delivery.subject)
        msg["Date"] = formatdate(localtime=True)
        # The same event keeps the same Message-ID on every retry: mail clients drop duplicates.
        msg["Message-ID"] = header(f"<{delivery.event_id}.{delivery.id}@jidan>")
        msg["X-Jidan-Event"] = header(delivery.event_id)
        msg["X-Jidan-Kind"] = header(delivery.kind)
        if delivery.critical:
            msg["X-Priority"] = "1"
        msg.set_content(delivery.body or delivery.subject)
        for item in self.attachments.for_delivery(delivery) if self.attachments else ():
            main, _, sub = item.content_type.partition("/")
            msg.add_attachment(item.data, maintype=main, subtype=sub, filename=item.filename)
        return msg

    def __call__(self, delivery: Delivery) -> None:
        with smtplib.SMTP(self.host, self.port, timeout=self.timeout) as smtp:
            if self.starttls:
                smtp.starttls()
            if self.user:
                smtp.login(self.user, self.password or "")
            smtp.send_message(self.message(delivery))
