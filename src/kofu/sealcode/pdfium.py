"""PDFs read in-process with pdfium: open once, then take the text and page images from one parse.

Nothing is written to disk. Every failure is :class:`DocumentError` ``document.unreadable``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from kofu.sealcode.errors import DocumentError


@contextmanager
def open_pdf(pdf: bytes) -> Iterator[Any]:
    """The pdfium document of ``pdf``, closed on leaving."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(pdf)
    except Exception as exc:  # PdfiumError for anything that is not a PDF
        raise DocumentError(f"not a readable PDF: {exc}", code="document.unreadable") from exc
    try:
        yield document
    finally:
        document.close()


def texts_of(document: Any) -> list[str]:
    """Each page's text as pdfium extracts it (in drawing order)."""
    try:
        return [str(page.get_textpage().get_text_range()) for page in document]
    except Exception as exc:
        raise DocumentError(f"cannot extract text: {exc}", code="document.unreadable") from exc


def page_image(document: Any, page: int, dpi: int, crop: tuple[int, int, int, int] | None = None) -> Any:
    """Page ``page`` (1-based) as a greyscale PIL image; ``crop`` = x, y, w, h in pixels."""
    if not 1 <= page <= len(document):
        raise DocumentError(f"no page {page}", code="document.unreadable")
    try:
        sheet = document[page - 1]
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
