"""Errors raised by :mod:`kofu.documents` (rendering) and :mod:`kofu.sealcode` (reading PDFs).

One exception type; the ``code`` says why, so callers can map it to a message::

    DocumentError (code)
      document.invalid        the input data cannot be printed as given (e.g. unknown 性別,
                              a seal no city registers, a private-use 外字 or a character no
                              font has, an unknown document type)
      document.too_long       a name or address beyond kofu.documents.limits, a block (person,
                              entry) taller than a page, or too many pages
      document.font_missing   the IPAex fonts are not installed
      document.render_failed  reportlab failed while drawing or writing the PDF
      document.unreadable     a PDF handed to a reader could not be parsed
"""

from __future__ import annotations


class DocumentError(Exception):
    """A document could not be rendered or read; ``code`` is a stable reason code."""

    def __init__(self, message: str, *, code: str = "document.render_failed") -> None:
        """Create the error with a human-readable ``message`` and a stable ``code``."""
        super().__init__(message)
        self.code = code

    def __str__(self) -> str:
        """Return ``"<code>: <message>"``."""
        return f"{self.code}: {self.args[0]}"
