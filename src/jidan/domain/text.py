"""What any text a person sends may hold, whichever way it comes in (API, form, import).

Control characters are never data: a NUL cannot be stored by PostgreSQL, a line break in a name
breaks the e-mail headers it is written into, a lone surrogate cannot be encoded at all. Free
text (notes, reasons) may hold tabs and line breaks; a name, a code or a number holds one line.
"""
from __future__ import annotations

import re

#: Characters no text holds: C0 and C1 controls except tab and line breaks, and DEL (as a regular
#: expression's character class, for the API's document too) …
TEXT_CONTROLS = r"\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
#: … and what a one-line text (a name, a code, a title) does not hold besides: tabs, line breaks.
LINE_CONTROLS = r"\x00-\x1f\x7f-\x9f\u2028\u2029"
#: Lone surrogates cannot be encoded at all (nor written in a JSON-schema pattern).
_SURROGATES = r"\ud800-\udfff"
CONTROL = re.compile(f"[{TEXT_CONTROLS}{_SURROGATES}]")
NOT_ONE_LINE = re.compile(f"[{LINE_CONTROLS}{_SURROGATES}]")
#: A code of master data (customer, product, work center): letters, digits, ``_ . -``.
CODE_PATTERN = r"^[A-Za-z0-9_.\-]+$"
CODE_MAX = 30


def has_control(value: str, *, one_line: bool = False) -> bool:
    """True if ``value`` holds a character no text of its kind may hold."""
    return bool((NOT_ONE_LINE if one_line else CONTROL).search(value))


def text_error(value: str | None, limit: int, *, required: bool = False, one_line: bool = False) -> str | None:
    """The field error code of a text (``required``, ``too_long``, ``control_characters``), else None."""
    if not value:
        return "required" if required else None
    if len(value) > limit:
        return "too_long"
    if has_control(value, one_line=one_line):
        return "control_characters"
    return None


def is_code(value: str) -> bool:
    """A master-data code as the API documents it; anything else names nothing we hold."""
    return len(value) <= CODE_MAX and re.fullmatch(CODE_PATTERN, value, re.ASCII) is not None
