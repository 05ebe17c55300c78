"""The audit key and the anchor file: the two things about the trail the database does not hold.

The anchor is a plain append-only text file; every commit that wrote audit events appends one
signed line with the new head (``domain.audit.anchor_line``), opened with ``O_APPEND`` and
fsynced, so several processes (server workers, `jidan worker`) can share it. It is written
after the commit: a line that cannot be written is logged, never undoes the business write
that is already committed, and the next line anchors everything before it (the chain links it).
"""
from __future__ import annotations

import logging
import os
import secrets
from datetime import datetime, timezone
from pathlib import Path

from jidan.domain.audit import anchor_line

log = logging.getLogger("jidan.audit")


def read_key(secret: str | None, key_file: str | os.PathLike | None) -> bytes | None:
    """The audit key: the secret if one is set, else the key file's content; None without either."""
    if secret:
        return secret.encode()
    if key_file and Path(key_file).is_file():
        return Path(key_file).read_text(encoding="utf-8").strip().encode() or None
    return None


def create_key_file(key_file: str | os.PathLike) -> bool:
    """Writes a new random key (readable by its owner only) when the file is missing; True if made."""
    path = Path(key_file)
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(secrets.token_hex(32) + "\n")
    return True


class AnchorFile:
    """Appends the signed head to the anchor file."""

    def __init__(self, path: str | os.PathLike, key: bytes):
        self.path = Path(path)
        self.key = key

    def check(self) -> None:
        """Raises OSError now (at start) when the file cannot be appended to."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640))

    def append(self, kind: str, seq: int, hash_: str) -> None:
        """One signed line, written whole with O_APPEND and fsynced; raises OSError."""
        at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        data = anchor_line(self.key, kind, seq, hash_, at).encode()
        fd = os.open(self.path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o640)
        try:
            os.write(fd, data)
            os.fsync(fd)
        finally:
            os.close(fd)

    def committed(self, seq: int, hash_: str) -> None:
        """After a commit: anchors the head, logging (not raising) when the file fails."""
        try:
            self.append("head", seq, hash_)
        except OSError as exc:
            log.error("audit anchor %s not written for event %s: %s", self.path, seq, exc)
