"""Reading rendered certificates back as text, for tests and for checks before printing.

pypdf is imported lazily: it is needed only by callers of these functions.
"""

from __future__ import annotations

import io
from typing import Any

from kofu.sealcode.errors import DocumentError


def _reader(pdf: bytes) -> Any:
    try:
        from pypdf import PdfReader

        return PdfReader(io.BytesIO(pdf))
    except ImportError as exc:
        raise DocumentError(
            "reading PDFs needs pypdf (pip install pypdf)", code="document.unreadable"
        ) from exc
    except Exception as exc:
        raise DocumentError(f"not a readable PDF: {exc}", code="document.unreadable") from exc


def page_texts(pdf: bytes) -> list[str]:
    """Return the text of each page of ``pdf``, in page order."""
    reader = _reader(pdf)
    try:
        return [page.extract_text() or "" for page in reader.pages]
    except Exception as exc:
        raise DocumentError(f"cannot extract text: {exc}", code="document.unreadable") from exc


def extract_text(pdf: bytes) -> str:
    """Return the text of all pages of ``pdf``, pages separated by a form feed."""
    return "\n\f\n".join(page_texts(pdf))


def page_count(pdf: bytes) -> int:
    """Return the number of pages of ``pdf``."""
    return len(_reader(pdf).pages)
