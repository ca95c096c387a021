"""One entry point for the issuer: document type → renderer.

``render("koseki", data)`` checks that ``data`` is the input type of that document and draws
it with the document's own layout; unknown types and mismatched data are
``document.invalid``. ``page_hook`` is passed through, for the anti-forgery layer.
``render_document`` also returns what each page certifies (:class:`PageContent`: every string
drawn and the seal impression), recorded while drawing, for the issuer to sign.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from kofu.documents.fuhyo import FuhyoData, render_fuhyo
from kofu.documents.inkan import InkanData, render_inkan
from kofu.documents.juminhyo import JuminhyoData, render_juminhyo
from kofu.documents.kazei import KazeiData, render_kazei
from kofu.documents.koseki import KosekiData, render_koseki
from kofu.documents.layout import PageHook
from kofu.sealcode.content import PAGE_LOG, PageContent, PageLog
from kofu.sealcode.errors import DocumentError

DocumentData = JuminhyoData | InkanData | KosekiData | FuhyoData | KazeiData


@dataclass(frozen=True)
class Renderer:
    """A document type's input class and its render function."""

    data_type: type
    render: Callable[..., bytes]


RENDERERS: Mapping[str, Renderer] = {
    "juminhyo": Renderer(JuminhyoData, render_juminhyo),
    "inkan": Renderer(InkanData, render_inkan),
    "koseki": Renderer(KosekiData, render_koseki),
    "fuhyo": Renderer(FuhyoData, render_fuhyo),
    "kazei": Renderer(KazeiData, render_kazei),
}
DOCUMENT_TYPES = tuple(RENDERERS)


def render(doc_type: str, data: DocumentData, *, page_hook: PageHook | None = None) -> bytes:
    """Render ``data`` as the document ``doc_type`` (``juminhyo``, ``inkan``, ``koseki``,
    ``fuhyo``, ``kazei``) to PDF bytes.

    Raises :class:`DocumentError`: ``document.invalid`` for an unknown type or data of the
    wrong type, else whatever the document's renderer raises.
    """
    renderer = RENDERERS.get(doc_type)
    if renderer is None:
        raise DocumentError(f"unknown document type {doc_type!r}", code="document.invalid")
    if not isinstance(data, renderer.data_type):
        raise DocumentError(
            f"{doc_type} needs {renderer.data_type.__name__}, got {type(data).__name__}",
            code="document.invalid",
        )
    kwargs: dict[str, Any] = {"page_hook": page_hook}
    return renderer.render(data, **kwargs)


@dataclass(frozen=True)
class RenderedDocument:
    """A rendered document and, page by page, what it certifies."""

    pdf: bytes
    pages: tuple[PageContent, ...]


def render_document(doc_type: str, data: DocumentData) -> RenderedDocument:
    """Render like :func:`render` and record each page's content while drawing it."""
    logs: list[PageLog] = []

    def record(canvas: Any, number: int, _total: int) -> None:
        width, height = canvas._pagesize
        log = PageLog(number, float(width), float(height))
        setattr(canvas, PAGE_LOG, log)
        logs.append(log)

    pdf = render(doc_type, data, page_hook=record)
    return RenderedDocument(pdf, tuple(log.content() for log in logs))
