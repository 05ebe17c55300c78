"""Printable forms: the letterhead every form shares, and each form as a PDF made on the server.

Every form extends ``_print_base.html``, which prints the letterhead (company name and logo from
the ``JIDAN_COMPANY_*`` settings), the form's document number and "第 x 页 / 共 y 页" through
CSS paged media, so the browser's print and the server's PDF (WeasyPrint, ``ctx.pdf``) show the
same sheet. A print route answers its own path with the page and the same path plus ``.pdf``
with the PDF. Routes are plain ``def``: FastAPI runs them in its threadpool, off the event loop.
The confirmation letter and the shipping notice also go to the customer as PDF attachments of
their e-mails (:class:`MailedForms`, asked by the SMTP sender as it sends).
"""
from __future__ import annotations

import base64
import mimetypes
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path
from urllib.parse import quote

from fastapi.responses import HTMLResponse, Response

from jidan import i18n
from jidan.domain.delivery import Delivery
from jidan.services.approvals import letters
from jidan.services.fulfilment import shipping
from jidan.services.ports import Attachment
from jidan.web.pages import Page, templates

STATIC = Path(__file__).parent / "static"
DEFAULT_LOGO = STATIC / "logo.svg"


@lru_cache(maxsize=8)
def _data_uri(path: str) -> str:
    """The logo inline, so the page and the PDF need no request for it (CSP allows data:)."""
    file = Path(path)
    kind = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(file.read_bytes()).decode()}"


def letterhead(ctx) -> dict:
    """Company name, logo, address and telephone from the settings (``JIDAN_COMPANY_*``)."""
    settings = ctx.settings
    logo = settings.company_logo or str(DEFAULT_LOGO)
    return {"company": ctx.company_name, "logo": _data_uri(logo),
            "address": settings.company_address, "phone": settings.company_phone}


def doc_number(prefix: str, when: str | date | datetime | None, record_id: int) -> str:
    """A form's number from its record: kind, year and month of the record, its id (PS-2612-00012)."""
    moment = when if isinstance(when, (date, datetime)) else datetime.fromisoformat(str(when)[:19])
    return f"{prefix}-{moment:%y%m}-{record_id:05d}"


def css_text(value: object) -> str:
    """Text inside a CSS string (the letterhead in the page margins)."""
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ").replace("<", "\\3c ")


templates.env.globals["doc_number"] = doc_number
templates.env.filters["css_text"] = css_text


@dataclass
class PrintPage:
    """What a form needs of a page when no request is there (the PDF an e-mail carries)."""

    lang: str

    def t(self, key: str, **values) -> str:
        return i18n.t(key, self.lang, **values)


def _html(page, ctx, name: str, pdf: bool, data: dict) -> str:
    return templates.env.get_template(name).render(
        page=page, t=page.t, pdf=pdf, letterhead=letterhead(ctx), **data)


def form(page: Page, name: str, filename: str, **data) -> Response:
    """The form as a page, or as a PDF when the path ends in ``.pdf``."""
    pdf = page.request.url.path.endswith(".pdf")
    html = _html(page, page.ctx, name, pdf, data)
    if not pdf:
        return HTMLResponse(html)
    return Response(page.ctx.pdf.pdf(html), media_type="application/pdf",
                    headers={"Content-Disposition": f"inline; filename*=UTF-8''{quote(filename)}.pdf"})


class MailedForms:
    """The PDF of the form an e-mail to the customer announces (Attachments port).

    The confirmation letter (确认函, ``letter:<id>``) and the shipping notice (发货通知单,
    ``shipment:<id>``), laid out in the factory's language as they stand when the e-mail leaves.
    """

    def __init__(self, ctx):
        self.ctx = ctx
        self.page = PrintPage(i18n.language(ctx.settings.default_language) or i18n.DEFAULT_LANGUAGE)

    def for_delivery(self, delivery: Delivery) -> list[Attachment]:
        kind, _, ref = (delivery.ref or "").partition(":")
        make = {("confirmation", "letter"): self._letter, ("shipping_notice", "shipment"): self._shipment}.get(
            (delivery.kind, kind))
        if make is None or not ref.isdigit():
            return []
        filename, name, data = make(int(ref))
        html = _html(self.page, self.ctx, name, True, data)
        return [Attachment(f"{filename}.pdf", "application/pdf", self.ctx.pdf.pdf(html))]

    def _letter(self, letter_id: int) -> tuple[str, str, dict]:
        letter, order = letters.mailed_letter(self.ctx, letter_id)
        return f"确认函-{order['number']}", "workflow/letter_print.html", {"letter": letter, "order": order}

    def _shipment(self, shipment_id: int) -> tuple[str, str, dict]:
        shipment = shipping.mailed_shipment(self.ctx, shipment_id)
        return f"发货通知单-{shipment['number']}", "fulfilment/shipment_print.html", {"shipment": shipment}
