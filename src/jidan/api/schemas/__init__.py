"""Request bodies: strict (unknown fields are refused), with limits on every size."""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, NaiveDatetime, WithJsonSchema, field_validator

from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from jidan.domain.order import (CUSTOMER_PO_MAX, LINES_MAX, PRICE_DIGITS, PRICE_PLACES, QUANTITY_MAX,
                                SPECIAL_REQUIREMENTS_MAX, URGENT_REASON_MAX)
from jidan.domain.text import CODE_MAX, CODE_PATTERN
from jidan.domain.setups import MAX_MINUTES, MAX_PAIRS
from jidan.http.fields import ONE_LINE, Channel, Line, plain_text, text_pattern

Code = Annotated[str, Field(min_length=1, max_length=CODE_MAX, pattern=CODE_PATTERN)]
#: A product family (产品族, issue 25): code-like, blank for none.
Family = Annotated[str, Field(max_length=CODE_MAX, pattern=r"^[A-Za-z0-9_.\-]*$")]
Text = Annotated[str, Field(max_length=SPECIAL_REQUIREMENTS_MAX)]


NUMBER = r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?"


def _not_a_number(error: str, message: str):
    """Pydantic reads a number, or text that is one, as seconds since 1970; the document promises
    a date or time written as one, so refuse those with pydantic's own error for bad text."""
    def check(value):
        if isinstance(value, (bool, int, float)) or (isinstance(value, str) and re.fullmatch(NUMBER, value)):
            raise PydanticCustomError(error, message)
        return value
    return check


#: A calendar day (format ``date``: YYYY-MM-DD).
Day = Annotated[date, BeforeValidator(_not_a_number("date_from_datetime_parsing", "Input should be a valid date"))]
#: A moment (format ``date-time``).
Moment = Annotated[datetime, BeforeValidator(
    _not_a_number("datetime_from_date_parsing", "Input should be a valid datetime"))]
#: Factory-local wall time, documented without the offset an OpenAPI ``date-time`` would require
#: (days up to the 28th, so every day the pattern allows exists).
LOCAL_TIME = r"^[12]\d{3}-(0[1-9]|1[0-2])-(0[1-9]|1\d|2[0-8])T([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?$"
LocalMoment = Annotated[NaiveDatetime, WithJsonSchema({"type": "string", "pattern": LOCAL_TIME}), BeforeValidator(
    _not_a_number("datetime_from_date_parsing", "Input should be a valid datetime"))]
#: Seconds the planner may search: a number (strict, so ``true`` is not read as one second).
Seconds = Annotated[float, Field(strict=True)]


def _metadata(field: FieldInfo) -> list:
    """A field's metadata, also what is set inside ``Annotated[...] | None``."""
    found = list(field.metadata)
    for arg in get_args(field.annotation):
        for meta in getattr(arg, "__metadata__", ()):
            found += meta.metadata if isinstance(meta, FieldInfo) else [meta]
    return found


def _types(field: FieldInfo) -> tuple:
    """The types a field takes (``Annotated[Decimal, …] | None`` → Decimal, NoneType)."""
    return tuple(get_args(t)[0] if get_origin(t) is Annotated else t
                 for t in get_args(field.annotation) or (field.annotation,))


def _limits(field: FieldInfo) -> dict:
    """``max_digits`` and ``decimal_places`` of a field, also when set inside ``Annotated[...] | None``."""
    found = {}
    for meta in _metadata(field):
        for key in ("max_digits", "decimal_places"):
            if getattr(meta, key, None) is not None:
                found[key] = getattr(meta, key)
    return found


def _document_limits(schema: dict, model: type[BaseModel]) -> None:
    """State in the document the limits pydantic enforces but does not write down.

    A decimal is documented as any number or *any* string: add its digits and places to both
    forms (the string as a plain decimal in ASCII digits: unsigned when it must not be negative,
    not zero when it must be positive). A text, alone or in a list, holds no control characters (a
    one-line text no line breaks either, ``Strict``); a required one is stripped of spaces before its length is
    checked, so it must hold something besides spaces."""
    for name, prop in schema.get("properties", {}).items():
        kinds = prop.get("anyOf", [prop])
        for kind in kinds:
            if (kind.get("type") == "string" and not {"pattern", "format", "enum", "const"} & set(kind)
                    and Decimal not in _types(model.model_fields[name])):
                one_line = any(meta is ONE_LINE for meta in _metadata(model.model_fields[name]))
                kind["pattern"] = text_pattern(one_line=one_line, filled=bool(kind.get("minLength")))
            items = kind.get("items", {}) if kind.get("type") == "array" else {}
            if items.get("type") == "string" and not {"pattern", "format", "enum", "const"} & set(items):
                items["pattern"] = text_pattern(one_line=False, filled=bool(items.get("minLength")))
        number = next((k for k in kinds if k.get("type") == "number"), None)
        text = next((k for k in kinds if k == {"type": "string"}), None)
        limits = _limits(model.model_fields[name])
        if number is None or text is None or len(limits) < 2:
            continue
        places, whole = limits["decimal_places"], limits["max_digits"] - limits["decimal_places"]
        number.setdefault("maximum", float(10 ** whole) - 10.0 ** -places)
        number["multipleOf"] = 10.0 ** -places
        if "minimum" not in number and "exclusiveMinimum" not in number:
            number["minimum"] = -number["maximum"]
        below = len(str(int(number["exclusiveMaximum"]))) - 1 if "exclusiveMaximum" in number else whole
        digits = rf"[0-9]{{0,{min(whole, below) - 1}}}(\.[0-9]{{1,{places}}})?$"
        if number.get("exclusiveMinimum", -1) >= 0:
            text["pattern"] = "^0*[1-9]" + digits
        elif number.get("minimum", -1) >= 0:
            text["pattern"] = r"^[0-9]" + digits
        else:
            text["pattern"] = r"^-?[0-9]" + digits


class Strict(BaseModel):
    """A request body: unknown fields refused, texts stripped, no control characters in any text
    (``http.fields``; a NUL is refused, never stored), numbers written in ASCII digits."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra=_document_limits)

    @field_validator("*", mode="before")
    @classmethod
    def _ascii_number(cls, value, info):
        """Python reads ``１２.５`` as a decimal and ``true`` as 1; the API, the form and the import
        read numbers written in ASCII digits."""
        types = _types(cls.model_fields[info.field_name])
        if isinstance(value, str) and not value.isascii() and Decimal in types:
            raise PydanticCustomError("decimal_parsing", "Input should be a valid decimal")
        if isinstance(value, bool) and bool not in types and (int in types or Decimal in types):
            raise PydanticCustomError("int_type", "Input should be a valid number, not true or false")
        return value

    @field_validator("*")
    @classmethod
    def _plain_text(cls, value):
        return plain_text(value)


class LineIn(Strict):
    """An order line within ``domain.order``'s limits (the same for the form and the import); the
    plant's capacity bounds the quantity further (``order.quantity_beyond_capacity``)."""
    product: Code
    quantity: int = Field(gt=0, le=QUANTITY_MAX)
    unit_price: Decimal | None = Field(None, ge=0, max_digits=PRICE_DIGITS, decimal_places=PRICE_PLACES)


UrgentReason = Annotated[str, Field(max_length=URGENT_REASON_MAX)]


class OrderIn(Strict):
    customer: Code
    customer_po: Line = Field(min_length=1, max_length=CUSTOMER_PO_MAX)
    requested_date: Day
    lines: list[LineIn] = Field(min_length=1, max_length=LINES_MAX)
    channel: Channel = "phone"
    special_requirements: Text | None = None
    urgent_reason: UrgentReason | None = None
    draft: bool = False


class OrderEditIn(Strict):
    version: int = Field(ge=1)
    requested_date: Day | None = None
    special_requirements: Text | None = None
    urgent_reason: UrgentReason | None = None
    lines: list[LineIn] | None = Field(None, min_length=1, max_length=LINES_MAX)


class ActionIn(Strict):
    reason: Annotated[str, Field(max_length=1000)] | None = None
    version: int | None = Field(None, ge=1)
    #: review, approve and reject are signatures: the password, unless this session is a fresh login.
    password: str | None = Field(None, max_length=200)


class OwnerIn(Strict):
    username: str = Field(min_length=1, max_length=50)
    version: int | None = Field(None, ge=1)


class CustomerIn(Strict):
    code: Code
    name: Line = Field(min_length=1, max_length=200)
    priority_class: Literal["key", "normal"] = "normal"
    email: str | None = Field(None, max_length=200, pattern=r"^[^@\s\x00-\x1f\x7f-\x9f]+@[^@\s\x00-\x1f\x7f-\x9f]+$")
    contact: Line | None = Field(None, max_length=100)
    address: Line | None = Field(None, max_length=300)
    phone: Line | None = Field(None, max_length=40)


class RoutingStepIn(Strict):
    seq: int = Field(ge=1, le=9999)
    work_center: Code
    name: Line = Field(min_length=1, max_length=100)
    minutes_per_unit: Decimal = Field(gt=0, max_digits=10, decimal_places=3)
    setup_minutes: int = Field(0, ge=0, le=100_000)
    inspection: bool = False


class BomIn(Strict):
    component: Code
    quantity_per: Decimal = Field(gt=0, max_digits=12, decimal_places=4)
    step: int | None = Field(None, ge=1, le=9999)  # the routing step that consumes it; none: the first


class ProductIn(Strict):
    code: Code
    name: Line = Field(min_length=1, max_length=200)
    unit_price: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    standard_lead_days: int = Field(ge=1, le=365)
    kind: Literal["finished", "material"] = "finished"
    unit: Line = Field("pcs", min_length=1, max_length=10)
    routing: list[RoutingStepIn] = Field(default_factory=list, max_length=100)
    bom: list[BomIn] = Field(default_factory=list, max_length=200)
    family: Family | None = None


class ProductFamilyIn(Strict):
    family: Family | None = None
    version: int | None = Field(None, ge=1)


class ChangeoverIn(Strict):
    from_family: Code
    to_family: Code
    minutes: int = Field(ge=0, le=MAX_MINUTES)


class SetupsIn(Strict):
    """A work center's whole changeover matrix; ``version``: the one read (409 if it moved on)."""

    setups: list[ChangeoverIn] = Field(max_length=MAX_PAIRS)
    version: int | None = Field(None, ge=0)


class UserIn(Strict):
    username: str = Field(min_length=1, max_length=50, pattern=r"^[a-z0-9_.\-]+$")
    display_name: Line = Field("", max_length=100)
    role: str
    password: str = Field(min_length=4, max_length=200)
    email: Line | None = Field(None, max_length=200)


class CalendarDayIn(Strict):
    working: bool = Field(strict=True)
    note: str | None = Field(None, max_length=200)
