"""Printed forms and their PDFs (issue 24, item 8): every form of the demo factory is made into a
PDF on the server, with its Chinese title, the order number, the letterhead, the document number
and "第 x 页 / 共 y 页" in the text (read back with pypdf); people by name, never username; the
shipping notice with where the goods go, and the slower-mode reason only when it applies."""
from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import text

from jidan.services import auth
from jidan.services.approvals import letters as confirmations
from jidan.services.demo.factory import USERS
from jidan.services.execution import exceptions
from jidan.services.materials import delays, purchasing
from jidan.worker import build_worker
from tests.delivery_receivers import SmtpServer
from tests.e2e.browser import DEMO_PASSWORD, browser_login, client_login


def actor(ctx, username: str):
    session = auth.login(ctx, username, DEMO_PASSWORD, kind="web", address="127.0.0.9")
    return auth.session_user(ctx, session["token"])[0]


def one(ctx, sql: str):
    with ctx.engine.connect() as c:
        return c.execute(text(sql)).first()


def order_number(ctx, order_id: int) -> str:
    return one(ctx, f"select number from orders where id = {int(order_id)}")[0]


@pytest.fixture(scope="module")
def forms(demo_ctx) -> dict[str, tuple[str, str, str]]:
    """Every printable form of the demo: name → (print path, Chinese title, its order's number).

    The demo has no process exception and no delay request yet: the floor reports one and the
    supplier asks for one, as they would on their pages."""
    ctx = demo_ctx
    letter = one(ctx, "select l.order_id, l.id from confirmation_letters l join orders o on o.id = l.order_id "
                      "where l.revision = o.revision order by l.id desc")
    change = one(ctx, "select c.id, c.order_id from change_requests c")
    shipped = one(ctx, "select order_id from shipments order by id")
    released = one(ctx, "select id from orders where status in ('released', 'in_production') order by urgent desc, id")
    report = exceptions.report_exception(ctx, actor(ctx, "manufacturing"), exceptions.NewException(
        released[0], "quality", "焊点虚焊，需返修", 90))
    supplier = actor(ctx, "supplier")
    po = next(p for p in purchasing.list_purchase_orders(ctx, supplier) if p["status"] == "open")
    request = delays.request_delay(ctx, supplier, po["id"], date.fromisoformat(po["due_date"]) + timedelta(days=3),
                                   "模具维修，延后三天")
    return {
        "review": (f"/orders/{letter[0]}/review/print", "评审记录表", order_number(ctx, letter[0])),
        "letter": (f"/orders/{letter[0]}/letters/{letter[1]}", "确认函", order_number(ctx, letter[0])),
        "change": (f"/changes/{change[0]}/print", "变更申请表", order_number(ctx, change[1])),
        "notice": (f"/orders/{released[0]}/production-notice", "生产通知单", order_number(ctx, released[0])),
        "exception": (f"/exceptions/{report['id']}/print", "紧急订单制程异常申报单", order_number(ctx, released[0])),
        # a delay request belongs to a purchase order; the customer orders it touches follow pmc's decision
        "delay": (f"/material-delay-requests/{request['id']}/print", "材料交期延迟申请单", po["number"]),
        "receipt": (f"/orders/{shipped[0]}/receipt", "成品入库单", order_number(ctx, shipped[0])),
        "shipment": (f"/orders/{shipped[0]}/shipment", "发货通知单", order_number(ctx, shipped[0])),
    }


@pytest.fixture(scope="module")
def pmc(demo_ctx):
    return client_login(demo_ctx, "pmc")[0]


def pdf_text(content: bytes) -> tuple[int, str]:
    reader = PdfReader(io.BytesIO(content))
    return len(reader.pages), "\n".join(page.extract_text() for page in reader.pages)


def test_k1_every_printed_form_is_also_a_pdf_with_its_chinese_title_and_order_number(demo_ctx, forms, pmc):
    usernames = [u[0] for u in USERS]
    for name, (path, title, number) in forms.items():
        page = pmc.get(path)
        assert page.status_code == 200, (name, page.text[:300])
        assert f'href="{path}.pdf"' in page.text, name  # the page offers its PDF
        r = pmc.get(path + ".pdf")
        assert r.status_code == 200 and r.headers["content-type"] == "application/pdf", (name, r.text[:300])
        assert r.content.startswith(b"%PDF-") and ".pdf" in r.headers["content-disposition"]
        pages, words = pdf_text(r.content)
        flat = re.sub(r"\s+", "", words)
        assert title in flat, (name, words[:400])
        assert number and number in flat, (name, number, words[:400])
        assert demo_ctx.company_name in flat and "单据编号" in flat, name  # the letterhead
        assert f"第1页/共{pages}页" in flat, (name, words[-200:])
        found = [u for u in usernames if re.search(rf"(?<![\w@.]){re.escape(u)}(?![\w@.])", words)]
        assert not found, (name, found)  # people by name, never by username


def test_g3_the_shipping_notice_prints_where_the_goods_go_and_who_takes_them(demo_ctx, forms, pmc):
    path = forms["shipment"][0]
    _, words = pdf_text(pmc.get(path + ".pdf").content)
    flat = re.sub(r"\s+", "", words)
    customer = one(demo_ctx, "select c.address, c.contact, c.phone from customers c join orders o on o.customer_id = c.id "
                             f"join shipments s on s.order_id = o.id where s.order_id = {int(path.split('/')[2])}")
    assert all(customer) and "收货地址" in flat and "收货联系人" in flat and "联系电话" in flat
    for value in customer:
        assert re.sub(r"\s+", "", value) in flat, value


def test_g3_the_reason_for_a_slower_mode_is_printed_only_when_the_fastest_was_not_chosen(demo_ctx, forms, pmc):
    path = forms["shipment"][0]
    shipment_id = one(demo_ctx, f"select id from shipments where order_id = {int(path.split('/')[2])}")[0]
    with demo_ctx.engine.begin() as c:
        c.execute(text("update shipments set transport_mode = 'air', mode_reason = '客户自提更快' "
                       f"where id = {int(shipment_id)}"))
    fastest = pmc.get(path).text
    assert "客户自提更快" not in fastest and "不选最快方式的原因" not in fastest
    with demo_ctx.engine.begin() as c:
        c.execute(text(f"update shipments set transport_mode = 'truck' where id = {int(shipment_id)}"))
    slower = pmc.get(path).text
    assert "不选最快方式的原因" in slower and "客户自提更快" in slower


def test_k1_a_form_the_user_may_not_see_has_no_pdf_either(demo_ctx, forms):
    store, _ = client_login(demo_ctx, "store")
    path = forms["shipment"][0]
    assert store.get(path + ".pdf").status_code == 404
    assert store.get("/orders/999999/shipment.pdf").status_code == 404


def test_a6_g4_the_confirmation_letter_and_the_shipping_notice_reach_the_customer_with_their_pdf(demo_ctx, forms):
    ctx = demo_ctx
    order_id, letter_id = (int(part) for part in forms["letter"][0].split("/")[2::2])
    confirmations.send_letter(ctx, actor(ctx, "sales"), order_id, letter_id)
    settings = ctx.settings
    with SmtpServer() as smtp:  # the worker, as `jidan worker` builds it, over real SMTP
        ctx.settings = settings.model_copy(update={"smtp_host": "127.0.0.1", "smtp_port": smtp.port})
        try:
            build_worker(ctx, poll_seconds=0).tick()
        finally:
            ctx.settings = settings
        mails = [m for _, m in smtp.mailbox.messages]
    for kind, title, number in (("confirmation", "确认函", forms["letter"][2]),
                                ("shipping_notice", "发货通知单", forms["shipment"][2])):
        mail = next(m for m in mails if m["X-Jidan-Kind"] == kind and number in m["Subject"] + m.get_body(("plain",)).get_content())
        assert mail.get_body(("plain",)).get_content().strip()  # the text is still there
        [pdf] = [part for part in mail.iter_attachments() if part.get_content_type() == "application/pdf"]
        assert pdf.get_filename().endswith(".pdf") and title in pdf.get_filename()
        _, words = pdf_text(pdf.get_content())
        flat = re.sub(r"\s+", "", words)
        assert title in flat and number in flat, (kind, words[:300])
    others = [m for m in mails if m["X-Jidan-Kind"] not in ("confirmation", "shipping_notice")]
    assert all(not list(m.iter_attachments()) for m in others)  # only the customer's documents carry one


def overlaps(a: dict, b: dict) -> bool:
    return not (a["x"] + a["width"] <= b["x"] or b["x"] + b["width"] <= a["x"]
                or a["y"] + a["height"] <= b["y"] or b["y"] + b["height"] <= a["y"])


@pytest.mark.browser
def test_k1_in_print_the_急单_stamp_covers_no_field_and_no_table_runs_off_the_sheet(demo_ctx, forms, web_page):
    """Print media at the width of an A4 sheet's text (190 mm): the stamp of an urgent order's
    form stays clear of the customer and every other field, and each table fits the sheet, so no
    border is cut off (receipt, shipping notice …)."""
    paths = {name: forms[name][0] for name in ("notice", "exception", "shipment", "receipt", "review", "letter", "change")}
    ids = {int(path.split("/")[2]) for name, path in paths.items() if path.startswith("/orders/")}
    ids |= {one(demo_ctx, f"select order_id from process_exceptions where id = {int(paths['exception'].split('/')[2])}")[0],
            one(demo_ctx, f"select order_id from change_requests where id = {int(paths['change'].split('/')[2])}")[0]}
    with demo_ctx.engine.begin() as c:  # the forms of urgent orders carry the stamp
        c.execute(text(f"update orders set urgent = 1 where id in ({', '.join(str(int(i)) for i in ids)})"))
    browser_login(web_page, "pmc")
    web_page.wait_for_url(lambda url: "/login" not in url)
    web_page.set_viewport_size({"width": 718, "height": 1000})
    web_page.emulate_media(media="print")
    for name, path in paths.items():
        web_page.goto(path)
        stamps = web_page.locator("[data-testid=urgent-mark]")
        assert stamps.count() >= 1, name
        fields = web_page.locator("[data-testid=customer-field], .meta > div, h1, .sub, .doc-id").all()
        assert web_page.locator("[data-testid=customer-field]").count() >= 1, name
        for stamp in stamps.all():
            box = stamp.bounding_box()
            for field in fields:
                other = field.bounding_box()
                assert not overlaps(box, other), (name, field.inner_text()[:40], box, other)
        too_wide = web_page.evaluate("""() => [...document.querySelectorAll('table')]
            .filter(t => t.getBoundingClientRect().right > t.closest('.sheet').getBoundingClientRect().right + 0.5)
            .map(t => t.innerText.slice(0, 40))""")
        assert not too_wide, (name, too_wide)
