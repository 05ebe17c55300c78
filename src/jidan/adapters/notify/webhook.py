"""A JSON webhook signed with HMAC-SHA256, so the receiver knows it came from us.

Headers: ``X-Jidan-Event`` (the event id: receivers de-duplicate on it, since delivery is at least
once), ``X-Jidan-Timestamp`` (Unix seconds) and ``X-Jidan-Signature: sha256=<hex>``, the HMAC of
``"<timestamp>.<body>"`` with the shared secret (the timestamp lets receivers refuse replays).
"""
from __future__ import annotations

import hashlib
import hmac
import json
import time

import httpx

from jidan.adapters.notify import DeliveryFailed
from jidan.domain.delivery import Delivery


def signature(secret: str, timestamp: str, body: bytes) -> str:
    mac = hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def payload(delivery: Delivery) -> dict:
    return {"event_id": delivery.event_id, "kind": delivery.kind,
            "subject": delivery.subject, "body": delivery.body,
            "order_id": delivery.order_id, "ref": delivery.ref,
            "critical": bool(delivery.critical),
            "created_at": delivery.created_at.isoformat()}


class WebhookSender:
    def __init__(self, url: str, secret: str, timeout: float = 10.0):
        self.url, self.secret, self.timeout = url, secret, timeout

    def __call__(self, delivery: Delivery) -> None:
        body = json.dumps(payload(delivery), ensure_ascii=False).encode()
        timestamp = str(int(time.time()))
        headers = {"Content-Type": "application/json", "X-Jidan-Event": delivery.event_id,
                   "X-Jidan-Timestamp": timestamp,
                   "X-Jidan-Signature": signature(self.secret, timestamp, body)}
        response = httpx.post(self.url, content=body, headers=headers, timeout=self.timeout)
        if not response.is_success:
            raise DeliveryFailed(f"webhook answered {response.status_code}")
