"""What every fulfilment record shares: the compare-and-set check on the version a user saw, and
times as ISO text for views."""
from __future__ import annotations

from datetime import datetime

from jidan.domain import errors


def check_version(current: int, expected: int | None, what: str) -> None:
    if expected is not None and expected != current:
        raise errors.StaleVersion(f"{what} is at version {current}, not {expected}; reload it",
                                  current_version=current)


def iso(value):
    return value.isoformat() if isinstance(value, datetime) else value

