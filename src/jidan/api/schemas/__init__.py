"""Request bodies: strict (unknown fields are refused), with limits on every size."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from jidan.http.fields import Channel

Code = Annotated[str, Field(min_length=1, max_length=30, pattern=r"^[A-Za-z0-9_.\-]+$")]
Text = Annotated[str, Field(max_length=2000)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class LineIn(Strict):
    product: Code
    quantity: int = Field(gt=0, le=10_000_000)
    unit_price: Decimal | None = Field(None, ge=0, max_digits=14, decimal_places=2)


class OrderIn(Strict):
    customer: Code
    customer_po: str = Field(min_length=1, max_length=60)
    requested_date: date
    lines: list[LineIn] = Field(min_length=1, max_length=200)
    channel: Channel = "phone"
    special_requirements: Text | None = None
    urgent_reason: Annotated[str, Field(max_length=500)] | None = None
    draft: bool = False


class OrderEditIn(Strict):
    version: int = Field(ge=1)
    requested_date: date | None = None
    special_requirements: Text | None = None
    urgent_reason: Annotated[str, Field(max_length=500)] | None = None
    lines: list[LineIn] | None = Field(None, min_length=1, max_length=200)


class ActionIn(Strict):
    reason: Annotated[str, Field(max_length=1000)] | None = None
    version: int | None = Field(None, ge=1)


class OwnerIn(Strict):
    username: str = Field(min_length=1, max_length=50)
    version: int | None = Field(None, ge=1)


class CustomerIn(Strict):
    code: Code
    name: str = Field(min_length=1, max_length=200)
    priority_class: Literal["key", "normal"] = "normal"
    email: str | None = Field(None, max_length=200, pattern=r"^[^@\s]+@[^@\s]+$")
    contact: str | None = Field(None, max_length=100)


class StepIn(Strict):
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
    routing: list[StepIn] = Field(default_factory=list, max_length=100)
    bom: list[BomIn] = Field(default_factory=list, max_length=200)


class UserIn(Strict):
    username: str = Field(min_length=1, max_length=50, pattern=r"^[a-z0-9_.\-]+$")
    display_name: str = Field("", max_length=100)
    role: str
    password: str = Field(min_length=4, max_length=200)
    email: str | None = Field(None, max_length=200)


class CalendarDayIn(Strict):
    working: bool
    note: str | None = Field(None, max_length=200)
