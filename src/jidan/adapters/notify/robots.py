"""Group robots: WeCom (企业微信) and DingTalk (钉钉) custom robots, in their webhook formats.

Both take ``{"msgtype": "text", "text": {"content": …}}`` and answer ``{"errcode": 0}`` when they
took the message; a critical notice mentions everyone in the group. DingTalk's "加签" security
signs the URL: ``timestamp`` in milliseconds and ``sign`` = Base64(HMAC-SHA256(secret,
"<timestamp>\\n<secret>")), URL-encoded.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import time
from urllib.parse import quote_plus

import httpx

from jidan.adapters.notify import DeliveryFailed
from jidan.domain.delivery import Delivery


def text_of(delivery: Delivery, public_url: str) -> str:
    head = ("【紧急】" if delivery.critical else "") + delivery.subject
    parts = [head, delivery.body, f"{public_url.rstrip('/')}/inbox"]
    return "\n".join(p for p in parts if p)


def _post(url: str, message: dict, timeout: float) -> None:
    response = httpx.post(url, json=message, timeout=timeout)
    if not response.is_success:
        raise DeliveryFailed(f"robot answered {response.status_code}")
    try:
        answer = response.json()
    except ValueError as exc:
        raise DeliveryFailed("robot answered no JSON") from exc
    if answer.get("errcode", 0) != 0:
        raise DeliveryFailed(f"robot refused: {answer.get('errcode')} {answer.get('errmsg')}")


class WeComRobot:
    def __init__(self, url: str, public_url: str, timeout: float = 10.0):
        self.url, self.public_url, self.timeout = url, public_url, timeout

    def message(self, delivery: Delivery) -> dict:
        text = {"content": text_of(delivery, self.public_url)}
        if delivery.critical:
            text["mentioned_list"] = ["@all"]
        return {"msgtype": "text", "text": text}

    def __call__(self, delivery: Delivery) -> None:
        _post(self.url, self.message(delivery), self.timeout)


def dingtalk_signed_url(url: str, secret: str, now_ms: int | None = None) -> str:
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    mac = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    sign = quote_plus(base64.b64encode(mac).decode())
    return f"{url}{'&' if '?' in url else '?'}timestamp={timestamp}&sign={sign}"


class DingTalkRobot:
    def __init__(self, url: str, secret: str | None, public_url: str, timeout: float = 10.0):
        self.url, self.secret, self.public_url, self.timeout = url, secret, public_url, timeout

    def message(self, delivery: Delivery) -> dict:
        return {"msgtype": "text", "text": {"content": text_of(delivery, self.public_url)},
                "at": {"isAtAll": bool(delivery.critical)}}

    def __call__(self, delivery: Delivery) -> None:
        url = dingtalk_signed_url(self.url, self.secret) if self.secret else self.url
        _post(url, self.message(delivery), self.timeout)
