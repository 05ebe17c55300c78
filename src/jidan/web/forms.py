"""Reading posted forms: one reader for every page.

A handler reads each field through a ``FormReader``; a field that cannot be read gets the stable
code the services and the API use (``required``, ``too_long``, ``invalid_integer``,
``invalid_number``, ``invalid_date``, ``invalid_datetime`` …) in ``fields``, so every page shows
the same translated texts (``error.<code>``), and ``check()`` refuses them all at once (422).
Blank optional fields read as None (text as ""): whether they may be blank is the service's to say.
"""
from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from starlette.datastructures import FormData

from jidan.domain import errors
from jidan.domain.text import has_control

#: Money and quantities: at most this much either way, at most two decimal places.
LIMIT = Decimal("1e12")


def whole_number(text: str, digits: int = 9) -> int | None:
    """``text`` as a non-negative integer of at most ``digits`` ASCII digits, else None."""
    return int(text) if re.fullmatch(rf"[0-9]{{1,{digits}}}", text) else None


def typed_values(form: Mapping | None) -> dict:
    """The posted fields as they were typed, to show the form again."""
    return {k: str(form.get(k, "")) for k in form} if form else {}


class FormReader:
    """Reads a posted form (or one row of it, a dict) field by field, collecting error codes.

    ``prefix`` names the row in the error keys (``lines.2.``); rows of one form share ``fields``.
    """

    def __init__(self, form: FormData | Mapping | None, fields: dict | None = None, prefix: str = ""):
        self.form = form if form is not None else {}
        self.fields: dict[str, str] = {} if fields is None else fields
        self.prefix = prefix

    def raw(self, key: str) -> str:
        return str(self.form.get(key, "")).strip()

    def fail(self, key: str, code: str) -> None:
        self.fields[self.prefix + key] = code

    def _present(self, key: str, required: bool) -> str:
        value = self.raw(key)
        if not value and required:
            self.fail(key, "required")
        return value

    def text(self, key: str, limit: int, *, required: bool = False, one_line: bool = False) -> str:
        """Text of at most ``limit`` characters, without control characters (``domain.text``;
        ``one_line``: without line breaks either, as names are)."""
        value = self._present(key, required)
        if len(value) > limit:
            self.fail(key, "too_long")
        elif has_control(value, one_line=one_line):
            self.fail(key, "control_characters")
        return value[:limit]

    def integer(self, key: str, *, required: bool = False, signed: bool = False, digits: int = 9,
                default: int | None = None) -> int | None:
        """A whole number; ``default`` when blank or unreadable."""
        value = self._present(key, required)
        if not value:
            return default
        number = whole_number(value.removeprefix("-") if signed else value, digits)
        if number is None:
            self.fail(key, "invalid_integer")
            return default
        return -number if value.startswith("-") else number

    def decimal(self, key: str, *, required: bool = False, below: Decimal | int = LIMIT,
                low: Decimal | int | None = None, places: int = 2) -> Decimal | None:
        """A number of at most ``places`` decimals (money has two, material quantities three),
        under ``below`` either way, at least ``low``."""
        value = self._present(key, required)
        if not value:
            return None
        try:
            number = Decimal(value)
            if (not value.isascii() or not number.is_finite() or number.as_tuple().exponent < -places or abs(number) >= below
                    or (low is not None and number < low)):
                raise InvalidOperation
        except InvalidOperation:
            self.fail(key, "invalid_number")
            return None
        return number

    def date(self, key: str, *, required: bool = False) -> date | None:
        value = self._present(key, required)
        if not value:
            return None
        try:
            return date.fromisoformat(value)
        except ValueError:
            self.fail(key, "invalid_date")
            return None

    def datetime(self, key: str, *, required: bool = False, code: str = "invalid_datetime") -> datetime | None:
        """``<input type="datetime-local">`` (2026-11-26T12:00): local time, to the minute."""
        value = self._present(key, required)
        if not value:
            return None
        try:
            moment = datetime.fromisoformat(value)
            if moment.tzinfo is not None or not 2000 <= moment.year <= 2100:
                raise ValueError(value)
        except ValueError:
            self.fail(key, code)
            return None
        return moment.replace(second=0, microsecond=0)

    def choice(self, key: str, choices: Collection[str], *, required: bool = False,
               code: str = "unknown_choice") -> str | None:
        value = self._present(key, required)
        if not value:
            return None
        if value not in choices:
            self.fail(key, code)
            return None
        return value

    def checkbox(self, key: str) -> bool:
        return key in self.form

    def version(self) -> int | None:
        """The row version the form was drawn from; unreadable is None (the service then decides)."""
        return whole_number(self.raw("version"))

    def check(self, detail: str = "the form is not valid") -> None:
        if self.fields:
            raise errors.ValidationFailed(detail, fields=dict(self.fields))
