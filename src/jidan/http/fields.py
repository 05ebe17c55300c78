"""Request field types that the API schemas and the web forms both validate against.

Text follows ``domain.text``: no control characters anywhere (a NUL is refused, never stored),
and none of tab or line breaks in a one-line text such as a name. Ids and offsets are bounded,
so that a number beyond the database's integers is a 422, never a 500.
"""
from __future__ import annotations

from typing import Annotated, Literal

from fastapi import Path, Query
from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from jidan.domain.text import LINE_CONTROLS, TEXT_CONTROLS, has_control

#: How an order reached the factory, in the order the forms offer it (domain.order.CHANNELS).
Channel = Literal["phone", "online", "email", "fax", "visit", "edi", "import"]

#: The largest id a table holds (a 32-bit integer column).
MAX_ID = 2**31 - 1
#: A row id in a path.
Id = Annotated[int, Path(ge=1, le=MAX_ID)]
#: How many rows a list skips.
Offset = Annotated[int, Query(ge=0, le=MAX_ID)]


def text_pattern(*, one_line: bool, filled: bool = False) -> str:
    """The text rule as a JSON-schema pattern, for the API's document; ``filled``: something
    besides spaces too (a required text is stripped before its length is checked)."""
    c = LINE_CONTROLS if one_line else TEXT_CONTROLS
    return rf"^[^{c}]*[^{c}\s][^{c}]*$" if filled else rf"^[^{c}]*$"


def plain_text(value, *, one_line: bool = False):
    """``value`` (text, or a list or mapping of texts) if it holds no control character;
    pydantic's error ``control_characters`` otherwise."""
    texts = value.values() if isinstance(value, dict) else value if isinstance(value, (list, tuple)) else (value,)
    for text in texts:
        if isinstance(text, (list, tuple, dict)):
            plain_text(text, one_line=one_line)
        elif isinstance(text, str) and has_control(text, one_line=one_line):
            raise PydanticCustomError("control_characters", "Text must not hold control characters"
                                      + (" or line breaks" if one_line else ""))
    return value


#: What makes a text one line; a schema's document reads it to state the rule (api.schemas).
ONE_LINE = AfterValidator(lambda value: plain_text(value, one_line=True))
#: A name, title or other one-line text (customers, products, people, PO numbers): no line breaks.
#: Every other text of a request is free text (``plain_text``: line breaks allowed, no other control).
Line = Annotated[str, ONE_LINE]


def line_param(param, **limits):
    """A one-line text parameter (``param``: fastapi's ``Query`` or ``Form``) with ``limits``
    (``max_length`` …), its rule stated in the document; the parameter's type is ``Line``."""
    return param(**limits, json_schema_extra={"pattern": text_pattern(one_line=True)})
