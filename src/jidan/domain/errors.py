"""One error hierarchy for the whole application; the API maps it, nothing else invents codes.

    JidanError                      code            HTTP
    ├── ValidationFailed            validation_failed  422  (fields: {field: code})
    ├── NotAuthenticated            auth.required      401
    ├── TooManyAttempts             auth.too_many_attempts 429  (retry_after seconds)
    ├── Forbidden                   forbidden          403
    │   └── SelfApproval            auth.self_approval 403
    ├── NotFound                    not_found          404
    └── Conflict                    conflict           409
        ├── StaleVersion            stale_version      409  (current_version)
        ├── Duplicate               duplicate          409
        └── InvalidTransition       order.invalid_transition 409
    Busy                            busy               503  (retry_after seconds)

Every error carries a stable ``code`` that clients and the UI catalogue translate.
"""
from __future__ import annotations

__all__ = [
    "JidanError",
    "ValidationFailed",
    "NotAuthenticated",
    "TooManyAttempts",
    "Forbidden",
    "SelfApproval",
    "NotFound",
    "Conflict",
    "StaleVersion",
    "Duplicate",
    "InvalidTransition",
    "Busy",
]


class JidanError(Exception):
    """Base of every error jidan raises on purpose."""

    code = "error"

    def __init__(self, detail: str, *, code: str | None = None, fields: dict[str, str] | None = None):
        super().__init__(detail)
        self.detail = detail
        if code:
            self.code = code
        self.fields = fields or {}

    def to_dict(self) -> dict:
        body: dict = {"code": self.code, "detail": self.detail}
        if self.fields:
            body["fields"] = self.fields
        return body


class ValidationFailed(JidanError):
    """Input that breaks a business rule; ``fields`` names each bad field and why."""

    code = "validation_failed"


class NotAuthenticated(JidanError):
    code = "auth.required"


class TooManyAttempts(JidanError):
    """Logins refused for a while after repeated failures (per username and per address)."""

    code = "auth.too_many_attempts"

    def __init__(self, detail: str, *, retry_after: int):
        super().__init__(detail)
        self.retry_after = retry_after


class Forbidden(JidanError):
    code = "forbidden"


class SelfApproval(Forbidden):
    """Nobody approves their own request (B7)."""

    code = "auth.self_approval"


class NotFound(JidanError):
    code = "not_found"


class Conflict(JidanError):
    code = "conflict"


class StaleVersion(Conflict):
    """The record changed since the caller read it (optimistic locking)."""

    code = "stale_version"

    def __init__(self, detail: str, *, current_version: int | None = None):
        super().__init__(detail)
        self.current_version = current_version

    def to_dict(self) -> dict:
        return {**super().to_dict(), "current_version": self.current_version}


class Duplicate(Conflict):
    code = "duplicate"


class InvalidTransition(Conflict):
    """The action is not allowed in the record's current state."""

    code = "order.invalid_transition"


class Busy(JidanError):
    """Too much heavy work under way (planning solves): try again after ``retry_after`` seconds."""

    code = "busy"

    def __init__(self, detail: str, *, code: str | None = None, retry_after: int = 5):
        super().__init__(detail, code=code)
        self.retry_after = retry_after
