"""Request bodies: strict (unknown fields are refused), with limits on every size."""
from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, NaiveDatetime, WithJsonSchema

from pydantic.fields import FieldInfo
from pydantic_core import PydanticCustomError

from jidan.http.fields import Channel

Code = Annotated[str, Field(min_length=1, max_length=30, pattern=r"^[A-Za-z0-9_.\-]+$")]
Text = Annotated[str, Field(max_length=2000)]


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


def _limits(field: FieldInfo) -> dict:
    """``max_digits`` and ``decimal_places`` of a field, also when set inside ``Annotated[...] | None``."""
    found = {}
    infos = [field] + [m for arg in get_args(field.annotation) for m in getattr(arg, "__metadata__", ())
                       if isinstance(m, FieldInfo)]
    for info in infos:
        for meta in info.metadata:
            for key in ("max_digits", "decimal_places"):
                if getattr(meta, key, None) is not None:
                    found[key] = getattr(meta, key)
    return found


def _document_limits(schema: dict, model: type[BaseModel]) -> None:
    """State in the document the limits pydantic enforces but does not write down.

    A decimal is documented as any number or *any* string: add its digits and places to both
    forms (the string as a plain decimal: unsigned when it must not be negative, not zero when
    it must be positive). A required text is stripped of spaces before its length is checked, so
    it must hold something besides spaces."""
    for name, prop in schema.get("properties", {}).items():
        kinds = prop.get("anyOf", [prop])
        for kind in kinds:
            if kind.get("type") == "string" and kind.get("minLength") and "pattern" not in kind:
                kind["pattern"] = r"\S"
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
        digits = rf"\d{{0,{min(whole, below) - 1}}}(\.\d{{1,{places}}})?$"
        if number.get("exclusiveMinimum", -1) >= 0:
            text["pattern"] = "^0*[1-9]" + digits
        elif number.get("minimum", -1) >= 0:
            text["pattern"] = r"^\d" + digits
        else:
            text["pattern"] = r"^-?\d" + digits


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, json_schema_extra=_document_limits)


class LineIn(Strict):
    product: Code
    quantity: int = Field(gt=0, le=10_000_000)
    unit_price: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)


class OrderIn(Strict):
    customer: Code
    customer_po: str = Field(min_length=1, max_length=60)
    requested_date: Day
    lines: list[LineIn] = Field(min_length=1, max_length=200)
    channel: Channel = "phone"
    special_requirements: Text | None = None
    urgent_reason: Annotated[str, Field(max_length=500)] | None = None
    draft: bool = False


class OrderEditIn(Strict):
    version: int = Field(ge=1)
    requested_date: Day | None = None
    special_requirements: Text | None = None
    urgent_reason: Annotated[str, Field(max_length=500)] | None = None
    lines: list[LineIn] | None = Field(None, min_length=1, max_length=200)


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
    name: str = Field(min_length=1, max_length=200)
    priority_class: Literal["key", "normal"] = "normal"
    email: str | None = Field(None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")
    contact: str | None = Field(None, max_length=100)


class RoutingStepIn(Strict):
    seq: int = Field(ge=1, le=9999)
    work_center: Code
    name: str = Field(min_length=1, max_length=100)
    minutes_per_unit: Decimal = Field(gt=0, max_digits=10, decimal_places=3)
    setup_minutes: int = Field(0, ge=0, le=100_000)
    inspection: bool = False


class BomIn(Strict):
    component: Code
    quantity_per: Decimal = Field(gt=0, max_digits=12, decimal_places=4)
    step: int | None = Field(None, ge=1, le=9999)  # the routing step that consumes it; none: the first


class ProductIn(Strict):
    code: Code
    name: str = Field(min_length=1, max_length=200)
    unit_price: Decimal = Field(ge=0, max_digits=14, decimal_places=2)
    standard_lead_days: int = Field(ge=1, le=365)
    kind: Literal["finished", "material"] = "finished"
    unit: str = Field("pcs", min_length=1, max_length=10)
    routing: list[RoutingStepIn] = Field(default_factory=list, max_length=100)
    bom: list[BomIn] = Field(default_factory=list, max_length=200)


class UserIn(Strict):
    username: str = Field(min_length=1, max_length=50, pattern=r"^[a-z0-9_.\-]+$")
    display_name: str = Field("", max_length=100)
    role: str
    password: str = Field(min_length=4, max_length=200)
    email: str | None = Field(None, max_length=200)


class CalendarDayIn(Strict):
    working: bool = Field(strict=True)
    note: str | None = Field(None, max_length=200)
