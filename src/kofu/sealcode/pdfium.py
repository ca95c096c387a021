"""PDFs read in-process with pdfium: open once, then take the text and page images from one parse.

A page is loaded (its content stream parsed) once per opened PDF, however many times its text
and images are asked for: a printed sheet's pattern holds ~300,000 dots, and parsing it is what
reading a page costs. Nothing is written to disk. Every failure is :class:`DocumentError`
``document.unreadable``.

PDFium is not thread-safe: no two of its calls may run at once in one process, not even on
different documents (pypdfium2's documentation; done anyway, the process crashes in
libpdfium). An issuer seals on several worker threads and a bench process runs several kiosks,
so every use of pdfium holds :data:`PDFIUM_LOCK`: an opened PDF holds it from opening to closing.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kofu.sealcode.errors import DocumentError

#: Held by whoever calls pdfium, for as long as a document it opened is open (re-entrant: an
#: opened :class:`Pdf` may be lent to code that opens it again in the same thread).
PDFIUM_LOCK = threading.RLock()


class Pdf:
    """One opened PDF: each page loaded once, its text extracted once."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self._pages: dict[int, Any] = {}
        self._texts: list[str] | None = None

    def __len__(self) -> int:
        return len(self.document)

    def page(self, number: int) -> Any:
        """Page ``number`` (1-based), loaded on first use."""
        if not 1 <= number <= len(self.document):
            raise DocumentError(f"no page {number}", code="document.unreadable")
        if number not in self._pages:
            self._pages[number] = self.document[number - 1]
        return self._pages[number]

    def texts(self) -> list[str]:
        """Each page's text as pdfium extracts it (in drawing order)."""
        if self._texts is None:
            try:
                self._texts = [
                    str(self.page(n).get_textpage().get_text_range()) for n in range(1, len(self) + 1)
                ]
            except DocumentError:
                raise
            except Exception as exc:
                raise DocumentError(f"cannot extract text: {exc}", code="document.unreadable") from exc
        return self._texts

    def close(self) -> None:
        for page in self._pages.values():
            page.close()
        self._pages.clear()
        self.document.close()


@contextmanager
def open_pdf(pdf: bytes | Pdf) -> Iterator[Pdf]:
    """``pdf`` opened with pdfium, closed on leaving (an already opened :class:`Pdf` is lent as
    it is, and stays open); :data:`PDFIUM_LOCK` is held meanwhile."""
    if isinstance(pdf, Pdf):
        yield pdf
        return
    import pypdfium2 as pdfium

    with PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(pdf)
        except Exception as exc:  # PdfiumError for anything that is not a PDF
            raise DocumentError(f"not a readable PDF: {exc}", code="document.unreadable") from exc
        opened = Pdf(document)
        try:
            yield opened
        finally:
            opened.close()


def texts_of(document: Pdf) -> list[str]:
    """Each page's text as pdfium extracts it (in drawing order)."""
    return document.texts()


def page_image(document: Pdf, page: int, dpi: int, crop: tuple[int, int, int, int] | None = None) -> Any:
    """Page ``page`` (1-based) as a greyscale PIL image; ``crop`` = x, y, w, h in pixels."""
    sheet = document.page(page)
    try:
        scale = dpi / 72
        box = (0.0, 0.0, 0.0, 0.0)
        if crop is not None:
            width, height = sheet.get_width() * scale, sheet.get_height() * scale
            x, y, w, h = crop
            right, bottom = max(0.0, width - x - w), max(0.0, height - y - h)
            box = (x / scale, bottom / scale, right / scale, y / scale)
        bitmap = sheet.render(scale=scale, grayscale=True, crop=box)
        return bitmap.to_pil().convert("L")
    except Exception as exc:
        raise DocumentError(f"cannot render page {page}: {exc}", code="document.unreadable") from exc
