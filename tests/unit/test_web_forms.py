"""The one form reader every page uses (web/forms.py): stable field codes, rows, 422 at once."""
from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from starlette.datastructures import FormData

from jidan.domain import errors
from jidan.web.forms import FormReader, typed_values, whole_number


def reader(**fields) -> FormReader:
    return FormReader(FormData(list(fields.items())))


def test_a1_a_blank_required_field_reads_as_required_and_an_over_long_one_as_too_long():
    read = reader(customer="  ", customer_po="x" * 61, note="  keep me  ")
    assert read.text("customer", 30, required=True) == ""
    assert read.text("customer_po", 60) == "x" * 60
    assert read.text("note", 20) == "keep me"
    assert read.text("missing", 10) == ""
    assert read.fields == {"customer": "required", "customer_po": "too_long"}


def test_a1_whole_numbers_take_ascii_digits_only_and_a_minus_only_where_signed():
    read = reader(qty="12", neg="-3", big="1234567890", full="１２", half="1.5", delay="-3", stage="")
    assert read.integer("qty") == 12
    assert read.integer("neg") is None and read.fields["neg"] == "invalid_integer"
    assert read.integer("big") is None and read.fields["big"] == "invalid_integer"
    assert read.integer("full") is None and read.fields["full"] == "invalid_integer"
    assert read.integer("half") is None and read.fields["half"] == "invalid_integer"
    assert read.integer("delay", signed=True) == -3
    assert read.integer("stage", default=1) == 1 and "stage" not in read.fields
    assert whole_number("1234567", 7) == 1234567 and whole_number("12345678", 7) is None


@pytest.mark.parametrize("text, kwargs, expected", [
    ("12.50", {}, Decimal("12.50")),
    ("-1", {}, Decimal(-1)),
    ("1.234", {}, None),
    ("NaN", {}, None),
    ("1e12", {}, None),
    ("999999", {"below": 10**6}, Decimal(999999)),
    ("1000000", {"below": 10**6}, None),
    ("-0.5", {"low": 0}, None),
    ("abc", {}, None),
])
def test_a1_numbers_keep_two_decimal_places_within_their_bounds(text, kwargs, expected):
    read = reader(amount=text)
    assert read.decimal("amount", **kwargs) == expected
    assert read.fields == ({} if expected is not None else {"amount": "invalid_number"})


def test_e4_dates_and_datetime_local_inputs_read_to_the_minute_or_name_the_field():
    read = reader(day="2026-11-26", bad_day="2026-13-01", at="2026-11-26T12:00:59", zoned="2026-11-26T12:00+08:00",
                  old="1999-12-31T23:00", text="yesterday")
    assert read.date("day") == date(2026, 11, 26)
    assert read.datetime("at") == datetime(2026, 11, 26, 12, 0)
    assert read.date("bad_day") is None and read.datetime("zoned") is None and read.datetime("old") is None
    assert read.datetime("text", code="invalid_date") is None
    assert read.datetime("until", required=True) is None
    assert read.fields == {"bad_day": "invalid_date", "zoned": "invalid_datetime", "old": "invalid_datetime",
                           "text": "invalid_date", "until": "required"}


def test_b1_choices_checkboxes_and_the_row_version():
    read = reader(opinion="maybe", channel="phone", active="on", version="7")
    assert read.choice("opinion", ("agree", "disagree"), code="invalid_choice") is None
    assert read.choice("channel", ("phone", "email")) == "phone"
    assert read.choice("kind", ("a",), required=True) is None
    assert read.checkbox("active") and not read.checkbox("urgent_only")
    assert read.version() == 7 and reader(version="7a").version() is None and reader().version() is None
    assert read.fields == {"opinion": "invalid_choice", "kind": "required"}


def test_a1_rows_of_one_form_name_their_errors_by_row_and_share_the_errors():
    read = reader(customer="")
    read.text("customer", 30, required=True)
    for i, row in enumerate([{"product": "SCB-200", "quantity": "5"}, {"product": "", "quantity": "x"}]):
        line = FormReader(row, read.fields, f"lines.{i}.")
        line.text("product", 30, required=True)
        line.integer("quantity", required=True)
    assert read.fields == {"customer": "required", "lines.1.product": "required",
                           "lines.1.quantity": "invalid_integer"}


def test_a1_check_refuses_every_field_error_at_once_as_a_422():
    read = reader(customer="", requested_date="soon")
    read.text("customer", 30, required=True)
    read.date("requested_date")
    with pytest.raises(errors.ValidationFailed) as refused:
        read.check("the order is not complete")
    assert refused.value.fields == {"customer": "required", "requested_date": "invalid_date"}
    assert refused.value.detail == "the order is not complete"
    reader(customer="C001").check()  # nothing to refuse


def test_a1_a_refused_form_comes_back_as_typed():
    assert typed_values(FormData([("customer", " C001 "), ("qty", "x")])) == {"customer": " C001 ", "qty": "x"}
    assert typed_values(None) == {}


def test_c6_material_quantities_may_have_three_decimal_places_money_only_two():
    read = reader(quantity="0.125", amount="0.125")
    assert read.decimal("quantity", places=3) == Decimal("0.125")
    assert read.decimal("amount") is None
    assert read.fields == {"amount": "invalid_number"}
