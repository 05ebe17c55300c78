"""The PDF adapter (issue 24): WeasyPrint with the CJK fonts, a form reaches nothing outside, and
at most ``at_once`` forms are laid out together."""
from __future__ import annotations

import io
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from pypdf import PdfReader

from jidan.adapters.pdf import WeasyPrintPdf
from jidan.domain import errors
from jidan.web.printing import STATIC


def test_k1_a_form_is_laid_out_with_chinese_text_and_reaches_no_other_host():
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        outside = f"http://127.0.0.1:{server.server_port}"
        html = (f'<link rel="stylesheet" href="{outside}/x.css"><link rel="stylesheet" href="/static/print.css">'
                f'<h1>发货通知单</h1><img src="{outside}/logo.png"><img src="file:///etc/hostname"><p>SO-2612-00001</p>')
        pdf = WeasyPrintPdf(STATIC).pdf(html)
    finally:
        server.shutdown()
    words = "".join(PdfReader(io.BytesIO(pdf)).pages[0].extract_text().split())
    assert "发货通知单" in words and "SO-2612-00001" in words
    assert hits == []


def test_k1_more_forms_at_once_than_allowed_are_refused_as_busy_not_queued_without_end():
    maker = WeasyPrintPdf(STATIC, at_once=1, wait_seconds=0.05)
    with maker.gate:  # one form is being laid out and holds the only place
        with pytest.raises(errors.Busy) as refused:
            maker.pdf("<p>第二张</p>")
    assert refused.value.code == "print.busy"
    assert maker.pdf("<p>第二张</p>").startswith(b"%PDF-")  # the place is free again


def test_k1_the_letterhead_shows_the_configured_company_and_logo_and_a_missing_logo_stops_the_start(tmp_path):
    from types import SimpleNamespace

    from pydantic import ValidationError

    from jidan.config import Settings
    from jidan.web.printing import letterhead

    logo = tmp_path / "logo.png"
    logo.write_bytes(b"\x89PNG\r\n\x1a\n")
    settings = Settings(_env_file=None, company_logo=str(logo), company_address="宁波市北仑区 8 号")
    head = letterhead(SimpleNamespace(settings=settings, company_name="甬江精工"))
    assert head["company"] == "甬江精工" and head["address"] == "宁波市北仑区 8 号"
    assert head["logo"].startswith("data:image/png;base64,")
    assert letterhead(SimpleNamespace(settings=Settings(_env_file=None), company_name="x"))["logo"].startswith(
        "data:image/svg+xml;base64,")  # the bundled one
    with pytest.raises(ValidationError):
        Settings(_env_file=None, company_logo=str(tmp_path / "missing.png"))
