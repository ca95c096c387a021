import io
from dataclasses import replace

import pytest
from documents_cases import CASES
from pypdf import PdfReader

from kofu.documents import DocumentError, InkanData, SealImpression, extract_text, render_inkan
from kofu.documents.impression import VERMILION
from kofu.documents.inkan import SENTENCE

INKAN = CASES["inkan-round"][1]
assert isinstance(INKAN, InkanData)


def _content(pdf: bytes) -> bytes:
    return b"".join(page.get_contents().get_data() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_certificate_shows_the_registrant_and_the_closing_sentence() -> None:
    text = extract_text(render_inkan(INKAN))
    for expected in (
        "印鑑登録証明書",
        "田無 太郎",
        "昭和55年4月1日生",
        "男",
        INKAN.address,
        "第0012345号",
        "印影",
    ):
        assert expected in text, expected
    assert SENTENCE in text.replace("\n", "")


def test_impression_is_printed_as_a_vermilion_image_and_recorded_with_its_digest() -> None:
    from kofu.documents.render import render_document
    from kofu.sealcode.manifest import pdf_image_sha256

    rendered = render_document("inkan", INKAN)
    page = PdfReader(io.BytesIO(rendered.pdf)).pages[0]
    images = [
        x.get_object()
        for x in page["/Resources"]["/XObject"].values()
        if x.get_object()["/Subtype"] == "/Image"
    ]
    assert len(images) == 1
    (image,) = images
    samples = image.get_data()
    vermilion = bytes(round(c * 255) for c in VERMILION)
    assert samples == vermilion * (len(samples) // 3)  # one ink, its shape in the alpha
    alpha = image["/SMask"].get_object().get_data()
    assert 0.05 < sum(1 for v in alpha if v > 128) / len(alpha) < 0.6
    (picture,) = rendered.pages[0].pictures
    assert picture.kind == "印影" and picture.sha256 == pdf_image_sha256(image)
    assert (picture.width, picture.height) == (15.0, 15.0) and any(any(r) for r in picture.preview_rows())
    assert b"BT" in _content(rendered.pdf)  # the page's text is still text


@pytest.mark.parametrize(
    ("shape", "chars", "columns"),
    [
        ("round", "田", ["田"]),
        ("round", "田無", ["田無"]),
        ("oval", "架空太", ["架空太"]),
        ("square", "田無太", ["田無", "太"]),
        ("square", "田無太郎", ["田無", "太郎"]),
        ("round", "田無太郎", ["田無", "太郎"]),
    ],
)
def test_characters_read_in_columns_right_to_left(shape: str, chars: str, columns: list[str]) -> None:
    seal = SealImpression(shape, 15.0, chars)  # type: ignore[arg-type]
    assert seal.columns() == columns
    render_inkan(replace(INKAN, impression=seal))


def test_explicit_strokes_are_drawn_instead_of_characters() -> None:
    strokes = (((0.3, 0.8), (0.7, 0.8)), ((0.5, 0.8), (0.5, 0.2)), ((0.3, 0.2), (0.7, 0.2)))
    seal = SealImpression("square", 12.0, "工", strokes=strokes)
    pdf = render_inkan(replace(INKAN, impression=seal))
    assert b" l" in _content(pdf)


@pytest.mark.parametrize(
    "seal",
    [
        SealImpression("round", 7.0, "田"),
        SealImpression("round", 26.0, "田"),
        SealImpression("round", 15.0, ""),
        SealImpression("round", 15.0, "田無太郎丸"),
        SealImpression("hexagon", 15.0, "田"),  # type: ignore[arg-type]
        SealImpression("square", 12.0, "工", strokes=(((0.5, 1.5),),)),
    ],
)
def test_seals_no_city_would_register_are_invalid(seal: SealImpression) -> None:
    with pytest.raises(DocumentError) as info:
        render_inkan(replace(INKAN, impression=seal))
    assert info.value.code == "document.invalid"
