"""Visible forgeries of a sealed PDF, and of paper, each caught with the reason naming the change.

A 課税証明書 and an 印鑑登録証明書 are sealed; each case changes one the way a forger would and
`verify_file` must answer NOT VALID with its own reason. From paper alone (a photo of the back)
the signed content of the page is shown, and it differs from an altered front.
"""

from __future__ import annotations

import io
import re
from dataclasses import replace

import pypdfium2 as pdfium
import pytest
from documents_cases import CASES
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.annotations import FreeText
from pypdf.filters import FlateDecode
from pypdf.generic import NameObject, NumberObject, StreamObject
from reportlab.lib.utils import ImageReader
from seal_support import CITY_NAME, SealPki, issued_today, png_of

from kofu.documents import IncomeItem, SealImpression
from kofu.documents.antiforgery import text_image
from kofu.documents.fonts import new_canvas
from kofu.documents.impression import impression_image
from kofu.documents.issue import stamp_code
from kofu.documents.render import render
from kofu.documents.sheets import print_sheets
from kofu.sealcode.content import normalise_text
from kofu.sealcode.verify import Status, codes_in_pdf, verify_file

INCOME = "6,200,000"
FORGED = "9,800,000"


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> SealPki:
    return SealPki.create(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def kazei(pki: SealPki) -> tuple[object, bytes]:
    data = issued_today(CASES["kazei-taxed"][1])
    return data, pki.seal(render("kazei", data), data, doc="kazei")


@pytest.fixture(scope="module")
def inkan(pki: SealPki) -> tuple[object, bytes]:
    data = issued_today(CASES["inkan-round"][1])
    return data, pki.seal(render("inkan", data), data, doc="inkan")


def _box_of(pdf: bytes, text: str) -> tuple[float, float, float, float]:
    """The box (left, bottom, right, top, in points) of the first ``text`` on page 1."""
    page = pdfium.PdfDocument(pdf)[0]
    textpage = page.get_textpage()
    index = textpage.get_text_range().index(text)
    boxes = [textpage.get_charbox(i) for i in range(index, index + len(text))]
    return (
        min(b[0] for b in boxes),
        min(b[1] for b in boxes),
        max(b[2] for b in boxes),
        max(b[3] for b in boxes),
    )


def _overlay(pdf: bytes) -> bytes:
    """A page with a white box over the income and the forged figure drawn (as an image) on it."""
    left, bottom, right, top = _box_of(pdf, INCOME)
    buffer = io.BytesIO()
    canvas = new_canvas(buffer, (595.2756, 841.8898))
    canvas.setFillColorRGB(1, 1, 1)
    canvas.rect(left - 1, bottom - 1, right - left + 2, top - bottom + 2, stroke=0, fill=1)
    image, width = text_image(FORGED, (top - bottom) / 72 * 25.4 * 0.8, 600)
    canvas.drawImage(ImageReader(image), right - width, bottom, width, top - bottom, mask="auto")
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _written(writer: PdfWriter) -> bytes:
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _set_stream(stream: StreamObject, data: bytes) -> None:
    stream[NameObject("/Filter")] = NameObject("/FlateDecode")
    stream.decoded_self = None
    StreamObject.set_data(stream, FlateDecode.encode(data))


def overlay_rewritten(pdf: bytes) -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    writer.pages[0].merge_page(PdfReader(io.BytesIO(_overlay(pdf))).pages[0])
    return _written(writer)


def overlay_appended(pdf: bytes) -> bytes:
    writer = PdfWriter(io.BytesIO(pdf), incremental=True)
    writer.pages[0].merge_page(PdfReader(io.BytesIO(_overlay(pdf))).pages[0])
    return pdf + _written(writer)[len(pdf) :] if _written(writer).startswith(pdf) else _written(writer)


def stream_replaced(pdf: bytes) -> bytes:
    """The page's content stream replaced: the same text, one figure painted over in white."""
    left, bottom, right, top = _box_of(pdf, INCOME)
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    page = writer.pages[0]
    original = page.get_contents().get_data()  # type: ignore[union-attr]
    white = f"\nq 1 1 1 rg {left} {bottom} {right - left} {top - bottom} re f Q\n".encode()
    contents = page["/Contents"].get_object()
    _set_stream(contents, original + white)
    return _written(writer)


def text_layer_edited(pdf: bytes) -> bytes:
    """The text layer says another income (the ToUnicode maps 6 → 9); the drawing is unchanged."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    for font in writer.pages[0]["/Resources"]["/Font"].get_object().values():
        cmap = font.get_object().get("/ToUnicode")
        if cmap is None:
            continue
        data = cmap.get_object().get_data()
        if b"<0036>" in data:
            _set_stream(cmap.get_object(), data.replace(b"<0036>", b"<0039>"))
    return _written(writer)


def annotated(pdf: bytes) -> bytes:
    left, bottom, right, top = _box_of(pdf, INCOME)
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    note = FreeText(text=FORGED, rect=(left - 2, bottom - 2, right + 2, top + 2), font_size="10pt")
    writer.add_annotation(page_number=0, annotation=note)
    return _written(writer)


def impression_swapped(pdf: bytes) -> bytes:
    """The 印影 image replaced by another seal's impression of the same size."""
    other = impression_image(SealImpression("round", 15.0, "架空"))
    writer = PdfWriter(clone_from=io.BytesIO(pdf))
    for xobject in writer.pages[0]["/Resources"]["/XObject"].values():
        image = xobject.get_object()
        if image.get("/Subtype") != "/Image":
            continue
        _set_stream(image, other.convert("RGB").tobytes())
        image[NameObject("/Width")], image[NameObject("/Height")] = (NumberObject(v) for v in other.size)
        mask = image["/SMask"].get_object()
        _set_stream(mask, other.getchannel("A").tobytes())
        mask[NameObject("/Width")], mask[NameObject("/Height")] = (NumberObject(v) for v in other.size)
    return _written(writer)


@pytest.mark.parametrize(
    ("forge", "reason"),
    [
        (overlay_rewritten, "document.modified.content"),
        (overlay_appended, "document.modified.incremental_update"),
        (stream_replaced, "document.modified.content"),
        (text_layer_edited, "document.modified.text"),
        (annotated, "document.modified.annotation"),
    ],
    ids=[
        "overlay-box-new-figure",
        "overlay-incremental-update",
        "replaced-stream",
        "edited-text-layer",
        "annotation",
    ],
)
def test_a_changed_tax_certificate_is_not_valid_with_its_reason(pki: SealPki, kazei, forge, reason) -> None:  # type: ignore[no-untyped-def]
    _data, sealed = kazei
    assert verify_file(sealed, pki.trust()).ok
    forged = forge(sealed)
    verdict = verify_file(forged, pki.trust())
    print(f"{forge.__name__}: {verdict.status.value} {verdict.reason} — {verdict.detail}")
    assert (verdict.status, verdict.reason) == (Status.MODIFIED, reason), verdict.detail
    assert not verdict.ok


def test_a_swapped_seal_impression_is_not_valid(pki: SealPki, inkan) -> None:  # type: ignore[no-untyped-def]
    _data, sealed = inkan
    assert verify_file(sealed, pki.trust()).ok
    verdict = verify_file(impression_swapped(sealed), pki.trust())
    print(f"impression_swapped: {verdict.status.value} {verdict.reason} — {verdict.detail}")
    assert (verdict.status, verdict.reason) == (Status.MODIFIED, "document.modified.image")
    assert "印影" in verdict.detail


def test_the_genuine_code_on_re_rendered_text_is_not_valid(pki: SealPki, kazei) -> None:  # type: ignore[no-untyped-def]
    data, sealed = kazei
    forged_data = replace(data, incomes=(IncomeItem("給与", 7_100_000, 9_800_000), *data.incomes[1:]))
    forged = stamp_code(render("kazei", forged_data), codes_in_pdf(sealed)[0])
    verdict = verify_file(forged, pki.trust())
    assert (verdict.status, verdict.reason) == (Status.MODIFIED, "document.modified.text")


def test_a_photo_of_the_back_shows_the_signed_content_that_an_altered_front_contradicts(
    pki: SealPki,
    kazei,  # type: ignore[no-untyped-def]
) -> None:
    data, sealed = kazei
    sheets = print_sheets(sealed, CITY_NAME, "https://shoumei.example.jp/")
    # The forger re-renders the front with a higher income and copies the genuine front code.
    forged_data = replace(data, incomes=(IncomeItem("給与", 7_100_000, 9_800_000), *data.incomes[1:]))
    forged_front = stamp_code(render("kazei", forged_data), codes_in_pdf(sealed)[0])
    front_photo = verify_file(png_of(forged_front, dpi=200), pki.trust())
    assert front_photo.ok and not front_photo.text_checked  # the genuine code, read off the paper
    back_photo = verify_file(png_of(sheets, page=2, dpi=200), pki.trust())
    assert (back_photo.status, back_photo.reason, back_photo.text_checked) == (
        Status.VALID,
        "seal.valid",
        False,
    )
    (page,) = back_photo.pages
    signed = [" ".join(run.text for run in line) for line in page.lines()]
    assert any(INCOME in line for line in signed) and not any(FORGED in line for line in signed)
    # What a person does: compare with the front; the figures the forger changed differ.
    front_text = normalise_text(pdfium.PdfDocument(forged_front)[0].get_textpage().get_text_range())
    differing = [run.text for run in page.texts if normalise_text(run.text) not in front_text]
    assert INCOME in differing and all(re.fullmatch(r"[\d,]+", text) for text in differing)
    print("signed figures the altered front does not show:", differing)


def test_a_photo_of_both_sides_with_a_back_from_another_document_is_not_valid(
    pki: SealPki, kazei, inkan
) -> None:  # type: ignore[no-untyped-def]
    _data, sealed = kazei
    other = print_sheets(inkan[1], CITY_NAME, "https://shoumei.example.jp/")
    front = Image.open(io.BytesIO(png_of(sealed, dpi=200)))
    back = Image.open(io.BytesIO(png_of(other, page=2, dpi=200)))
    both = Image.new("RGB", (front.width + back.width, front.height), "white")
    both.paste(front, (0, 0))
    both.paste(back, (front.width, 0))
    out = io.BytesIO()
    both.save(out, "PNG")
    verdict = verify_file(out.getvalue(), pki.trust())
    assert (verdict.status, verdict.reason) == (Status.MODIFIED, "seal.back.mismatch")
