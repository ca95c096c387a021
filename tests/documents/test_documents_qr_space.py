"""The front seal QR has a space of its own on every page of every document: no text box of the
page reaches into the code's square (quiet zone of 4 modules included), the square is blank
before sealing, and the stamped code reads back from it."""

from __future__ import annotations

import numpy as np
import pypdfium2 as pdfium
import pytest
from documents_cases import CASES
from seal_support import SealPki, issued_today

from kofu.documents.render import render
from kofu.sealcode.qr import QR_LEFT, QR_SIZE, QR_TOP, QUIET_ZONE, decode_image, qr_rows, render_page

DPI = 200


def qr_box(page_height: float) -> tuple[float, float, float, float]:
    """The code's square with its quiet zone, in PDF points: left, bottom, right, top."""
    top = page_height - QR_TOP
    return QR_LEFT, top - QR_SIZE, QR_LEFT + QR_SIZE, top


def text_boxes(pdf: bytes) -> list[list[tuple[str, tuple[float, float, float, float]]]]:
    """Every drawn character of each page with its box (font ascent to descent), in PDF points."""
    document = pdfium.PdfDocument(pdf)
    pages = []
    for page in document:
        text = page.get_textpage()
        chars = []
        for index in range(text.count_chars()):
            char = text.get_text_range(index, 1)
            if char.strip():
                chars.append((char, text.get_charbox(index, loose=True)))
        pages.append(chars)
    return pages


def _intersects(a: tuple[float, ...], b: tuple[float, ...]) -> bool:
    return a[0] < b[2] and b[0] < a[2] and a[1] < b[3] and b[1] < a[3]


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> SealPki:
    return SealPki.create(tmp_path_factory.mktemp("pki"))


@pytest.mark.parametrize("case", sorted(CASES))
def test_no_text_enters_the_seal_code_space_and_the_code_reads_there(pki: SealPki, case: str) -> None:
    doc, data = CASES[case]
    data = issued_today(data)
    rendered = render(doc, data)
    sealed = pki.seal(rendered, data, doc=doc)
    height = pdfium.PdfDocument(sealed)[0].get_height()
    box = qr_box(height)
    for number, chars in enumerate(text_boxes(sealed), start=1):
        inside = [char for char, char_box in chars if _intersects(char_box, box)]
        assert inside == [], f"page {number}: {''.join(inside)} drawn in the seal code's space"
    scale = DPI / 72
    crop = (
        round(box[0] * scale),
        round((height - box[3]) * scale),
        round(QR_SIZE * scale),
        round(QR_SIZE * scale),
    )
    for number in range(1, len(text_boxes(rendered)) + 1):
        blank = np.asarray(render_page(rendered, number, DPI, crop))
        assert blank.min() == 255, f"page {number}: something is drawn in the seal code's space"
        codes = decode_image(render_page(sealed, number, DPI, crop))
        assert len(codes) == 1, f"page {number}: the seal code does not read in its space"
        assert QUIET_ZONE == 4 and len(qr_rows(codes[0])) > 21
