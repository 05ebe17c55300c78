"""Pages read forms one way and show every error as text in the user's language (A1, A6, B5, D2)."""
from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from jidan import i18n
from jidan.services.ports import OrderFilter
from jidan.domain import errors
from jidan.services.approvals import delegations
from jidan.services.orders import intake, views
from jidan.services.notices.notify import notify
from jidan.services.orders.intake import NewLine, NewOrder
from jidan.web.pages import Page
from tests.support import web_session

pytestmark = pytest.mark.xdist_group("db")
SOURCE = Path(__file__).resolve().parents[2] / "src" / "jidan"




def field_errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'<p class="field-error" id="err-([^"]+)">([^<]+)</p>', html))


def test_a1_every_error_code_the_code_raises_has_a_chinese_and_an_english_text():
    raised = set()
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        raised |= set(re.findall(r'\bcode="([a-z_.]+)"', text))
        raised |= set(re.findall(r'fields\[[^\]]+\] = "([a-z_.]+)"', text))
        raised |= set(re.findall(r'\.fail\([^,]+, "([a-z_.]+)"\)', text))
    assert {"order.edit_after_review", "notice.ack_not_needed", "unknown_document"} <= raised  # the scan works
    missing = sorted(code for code in raised for lang in i18n.LANGUAGES
                     if i18n.t(f"error.{code}", lang, default="") in ("", code))
    assert missing == []


def test_a1_an_error_code_no_table_knows_shows_the_text_of_its_kind_never_the_code():
    en = Page(request=None, ctx=None, lang="en")
    assert en.error_text(errors.Conflict("x", code="made.up")) == "Conflicts with existing data"
    assert en.error_text(errors.StaleVersion("x")) == i18n.t("error.stale_version", "en")
    assert en.error_text(errors.NotFound("x", code="made.up")) == "Not found"
    assert Page(request=None, ctx=None, lang="zh").error_text(errors.JidanError("x", code="made.up")) == "出错了"
    assert en.error_text("too_long") == "Too long"


def test_a1_the_new_order_form_marks_each_unreadable_field_and_writes_nothing(ctx, actors):
    sales, csrf = web_session(ctx, "sales")
    before = views.list_orders(ctx, actors["sales"], OrderFilter())["total"]
    r = sales.post("/orders/new", data={
        "csrf_token": csrf, "customer": "C001", "customer_po": "P" * 61, "requested_date": "2026-13-01",
        "channel": "phone", "product": ["SCB-200", ""], "quantity": ["1.5", "3"], "unit_price": ["", "x"]})
    assert r.status_code == 422
    assert field_errors(r.text) == {"customer_po": "内容过长", "requested_date": "日期格式不正确",
                                    "lines-0-quantity": "请输入整数", "lines-1-product": "必填",
                                    "lines-1-unit_price": "请输入数字"}
    assert views.list_orders(ctx, actors["sales"], OrderFilter())["total"] == before


def test_a1_an_order_action_with_an_unreadable_version_is_refused_with_its_field(ctx, actors):
    order = intake.create_order(ctx, actors["sales"], NewOrder(
        "C001", "CLEAN-1", date(2026, 12, 1), (NewLine("SCB-200", 30),)))
    sales, csrf = web_session(ctx, "sales")
    r = sales.post(f"/orders/{order['id']}/actions/cancel?lang=en",
                   data={"csrf_token": csrf, "version": "v1", "reason": "客户取消"})
    assert r.status_code == 422 and "Enter a whole number" in r.text
    after = views.get_order(ctx, actors["sales"], order["id"])
    assert (after["status"], after["version"]) == (order["status"], order["version"])


def test_a6_a_missing_confirmation_letter_shows_its_own_text_on_the_shared_error_page(ctx, actors):
    oid = intake.create_order(ctx, actors["sales"], NewOrder(
        "C001", "CLEAN-2", date(2026, 12, 1), (NewLine("SCB-200", 30),)))["id"]
    sales, _ = web_session(ctx, "sales")
    r = sales.get(f"/orders/{oid}/letters/999")
    assert r.status_code == 404 and 'data-error-code="confirmation.not_found"' in r.text
    assert "找不到该确认函" in r.text
    assert "Letter not found" in sales.get(f"/orders/{oid}/letters/999?lang=en").text


def test_b5_a_deputy_form_with_unreadable_times_is_refused_field_by_field(ctx, actors):
    management, csrf = web_session(ctx, "management")
    r = management.post("/workflow/delegations", data={"csrf_token": csrf, "deputy": "", "starts_at": "tomorrow",
                                                       "ends_at": "", "reason": "r" * 501})
    assert r.status_code == 422 and 'data-error-code="validation_failed"' in r.text
    alert = re.sub(r"\s+", " ", re.search(r'data-error-code="validation_failed">(.*?)</div>', r.text, re.DOTALL).group(1))
    for text in ("日期格式不正确", "必填", "内容过长"):
        assert text in alert
    assert delegations.list_delegations(ctx, actors["management"]) == []


def test_d2_the_inbox_shows_a_refused_acknowledgement_in_the_users_language(ctx, actors):
    with ctx.uow() as uow:
        notify(uow, ctx.now(), kind="info", subject="只是告知", users=[actors["manufacturing"].user_id], ctx=ctx)
        uow.commit()
    floor, csrf = web_session(ctx, "manufacturing")
    notice_id = re.search(r'action="/inbox/(\d+)/read"', floor.get("/inbox").text).group(1)
    r = floor.post(f"/inbox/{notice_id}/ack", data={"csrf_token": csrf})
    assert r.status_code == 409 and "该通知无需确认" in r.text
    r = floor.post(f"/inbox/{notice_id}/ack?lang=en", data={"csrf_token": csrf})
    assert r.status_code == 409 and "This notice needs no acknowledgement" in r.text
