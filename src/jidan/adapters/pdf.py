"""Printable forms as PDF, made on the server by WeasyPrint with Debian's CJK fonts.

WeasyPrint lays out the same HTML and print stylesheet the browser prints (paged media: the
letterhead in the page margins, "第 x 页 / 共 y 页"), with fonts-noto-cjk found through
fontconfig and pango. A form reaches nothing outside: its stylesheets come from our own static
folder, its logo is inline, any other address is refused. At most ``at_once`` forms are laid out
together (each takes a core for a second or so); a request that waits longer than
``wait_seconds`` for a place is refused as busy rather than queued without end.
"""
from __future__ import annotations

import mimetypes
import threading
from pathlib import Path

from jidan.domain import errors

#: The made-up origin the forms are laid out at; only its /static/ files can be read.
ORIGIN = "https://jidan.invalid/"


class WeasyPrintPdf:
    def __init__(self, static_dir: Path, at_once: int = 2, wait_seconds: float = 20.0):
        self.static_dir = static_dir.resolve()
        self.gate = threading.BoundedSemaphore(at_once)
        self.wait_seconds = wait_seconds

    def _fetcher(self):
        """Our own stylesheets and images, and data: URLs (the logo): a form reaches nothing else."""
        from weasyprint.urls import URLFetcher, URLFetcherResponse
        static_dir = self.static_dir

        class OwnFiles(URLFetcher):
            def fetch(self, url, headers=None):
                if url.startswith("data:"):
                    return super().fetch(url, headers)  # only data: is allowed through
                name = url.removeprefix(ORIGIN + "static/")
                path = (static_dir / name).resolve()
                if name == url or not path.is_relative_to(static_dir) or not path.is_file():
                    raise ValueError(f"not one of the forms' own files: {url[:200]}")
                kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

        return OwnFiles(allowed_protocols=("data",))

    def pdf(self, html: str) -> bytes:
        if not self.gate.acquire(timeout=self.wait_seconds):
            raise errors.Busy("too many forms are being made at once; try again shortly",
                              code="print.busy", retry_after=5)
        try:
            from weasyprint import HTML  # imported here: a second to load, needed only to print
            return HTML(string=html, base_url=ORIGIN, url_fetcher=self._fetcher()).write_pdf()
        finally:
            self.gate.release()
