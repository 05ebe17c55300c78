"""Real receivers for delivery tests: an SMTP server (aiosmtpd) and an HTTP server that checks
signatures the way a webhook or robot receiver would, and can fail on purpose."""
from __future__ import annotations

import base64
import email
import hashlib
import hmac
import json
import socket
import threading
from email import policy as email_policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlparse

from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Mailbox:
    """Collects every message the SMTP server accepted."""

    def __init__(self):
        self.messages: list = []
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        msg = email.message_from_bytes(envelope.content, policy=email_policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), msg))
        return "250 OK"

    def to(self, address: str) -> list:
        return [m for rcpts, m in self.messages if address in rcpts]


class SmtpServer:
    def __init__(self):
        self.mailbox = Mailbox()
        self.port = free_port()
        self.controller = Controller(self.mailbox, hostname="127.0.0.1", port=self.port)

    def __enter__(self):
        self.controller.start()
        return self

    def __exit__(self, *exc):
        self.controller.stop()


class Receiver:
    """An HTTP receiver for /hook (HMAC-signed webhook), /wecom and /dingtalk (robot formats).

    ``fail`` answers 500 that many times first; accepted messages are de-duplicated by event id
    as a real receiver would, and the raw hits are kept too.
    """

    def __init__(self, secret: str = "s3cret", dingtalk_secret: str = "SECdingtalk"):
        self.secret, self.dingtalk_secret = secret, dingtalk_secret
        self.fail = 0
        self.robot_errcode = 0
        self.hits: list[dict] = []
        self.accepted: dict[str, dict] = {}  # event id → payload (webhook)
        self.robot_messages: dict[str, list[dict]] = {"/wecom": [], "/dingtalk": []}
        self.bad_signatures = 0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                url = urlparse(self.path)
                status, answer = receiver.handle(url.path, parse_qs(url.query), self.headers, body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def handle(self, path, query, headers, body):
        with self.lock:
            self.hits.append({"path": path, "headers": dict(headers), "body": body})
            if self.fail > 0:
                self.fail -= 1
                return 500, {"error": "down"}
            if path == "/hook":
                expected = "sha256=" + hmac.new(
                    self.secret.encode(), headers["X-Jidan-Timestamp"].encode() + b"." + body,
                    hashlib.sha256).hexdigest()
                if not hmac.compare_digest(expected, headers.get("X-Jidan-Signature", "")):
                    self.bad_signatures += 1
                    return 401, {"error": "bad signature"}
                payload = json.loads(body)
                assert payload["event_id"] == headers["X-Jidan-Event"]
                self.accepted.setdefault(payload["event_id"], payload)
                return 200, {"ok": True}
            if path == "/dingtalk":
                ts, sign = query["timestamp"][0], query["sign"][0]
                mac = hmac.new(self.dingtalk_secret.encode(), f"{ts}\n{self.dingtalk_secret}".encode(),
                               hashlib.sha256).digest()
                if not hmac.compare_digest(base64.b64encode(mac).decode(), sign):
                    self.bad_signatures += 1
                    return 200, {"errcode": 310000, "errmsg": "sign not match"}
            if path in self.robot_messages:
                if self.robot_errcode:
                    return 200, {"errcode": self.robot_errcode, "errmsg": "refused"}
                self.robot_messages[path].append(json.loads(body))
                return 200, {"errcode": 0, "errmsg": "ok"}
            return 404, {"error": "no such path"}

    def __enter__(self):
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
