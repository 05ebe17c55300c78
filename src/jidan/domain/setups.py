"""Product families (产品族) and changeover times (换线时间) between them, per work center.

A product's family says which products run one after another on a line without a changeover;
a work center's matrix says how many minutes changing from one family to another takes there.
The same checks hold whichever way the data comes in (API, page, spreadsheet, demo).
"""
from __future__ import annotations

from dataclasses import dataclass

from jidan.domain.text import is_code

#: A changeover lasts a working day at most: a longer stop is downtime, not a set-up.
MAX_MINUTES = 1440
#: Pairs one matrix holds at most (60 families squared): a page stays a grid, a plan stays small.
MAX_PAIRS = 3600


@dataclass(frozen=True, order=True)
class Changeover:
    """Changing a work center over from one family to the next takes ``minutes``."""

    from_family: str
    to_family: str
    minutes: int


def family_of(value: str | None) -> str | None:
    """A family as stored: blank means none."""
    value = (value or "").strip()
    return value or None


def family_error(value: str | None) -> str | None:
    """The field error of a product family (``invalid_code``), none when it is valid or blank."""
    value = family_of(value)
    return None if value is None or is_code(value) else "invalid_code"


def matrix_errors(rows: list[tuple[str | None, str | None, object]]) -> dict[str, str]:
    """Every field error of a matrix at once, by row: ``setups.{i}.from_family`` …, each pair once."""
    found: dict[str, str] = {}
    seen: set[tuple[str, str]] = set()
    if len(rows) > MAX_PAIRS:
        return {"setups": "too_many"}
    for i, (before, after, minutes) in enumerate(rows):
        for name, value in (("from_family", before), ("to_family", after)):
            if family_of(value) is None:
                found[f"setups.{i}.{name}"] = "required"
            elif family_error(value):
                found[f"setups.{i}.{name}"] = "invalid_code"
        if not isinstance(minutes, int) or isinstance(minutes, bool):
            found[f"setups.{i}.minutes"] = "not_whole"
        elif not 0 <= minutes <= MAX_MINUTES:
            found[f"setups.{i}.minutes"] = "out_of_range"
        pair = (family_of(before), family_of(after))
        if None not in pair:
            if pair in seen:
                found[f"setups.{i}"] = "duplicate_pair"
            seen.add(pair)
    return found
