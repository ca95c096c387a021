"""`kofu verify` on a phone photo: page 1 of a sealed document, a little turned, on a table, in
uneven light, saved as a JPEG at quality 70. Only the code can be read from a picture."""

from __future__ import annotations

import io

import numpy as np
import pytest
from documents_samples import household
from PIL import Image, ImageFilter
from seal_support import SealPki, issued_today, png_of

from kofu.documents.render import render
from kofu.sealcode.verify import Status, Verdict, is_pdf, verify_file

FRAME = (3024, 4032)  # a 12-megapixel phone camera, held upright
TABLE = (72, 60, 52)
EXIF_ORIENTATION = 0x0112


def phone_photo(png: bytes, *, angle: float, scale: float, sideways: bool = False, seed: int = 7) -> bytes:
    """The page in ``png`` photographed: scaled, turned by ``angle`` degrees, on a table, lit from
    one side with a warm cast, with sensor noise and a little blur, as a quality-70 JPEG.

    ``sideways``: stored the way many phones store a picture, turned, with an EXIF orientation
    tag saying how to turn it back.
    """
    page = Image.open(io.BytesIO(png)).convert("RGB")
    page = page.resize((round(page.width * scale), round(page.height * scale)), Image.Resampling.LANCZOS)
    page = page.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=TABLE)
    frame = Image.new("RGB", FRAME, TABLE)
    frame.paste(page, ((FRAME[0] - page.width) // 2, (FRAME[1] - page.height) // 2))
    pixels = np.asarray(frame, dtype=np.float32)
    light = np.linspace(1.0, 0.72, FRAME[0], dtype=np.float32)[None, :, None]  # darker to the right
    pixels *= light * np.array([1.0, 0.96, 0.88], dtype=np.float32)
    noise = np.random.default_rng(seed).standard_normal((FRAME[1], FRAME[0], 1), dtype=np.float32)
    pixels += noise * 5.0
    photo = Image.fromarray(np.clip(pixels, 0, 255).astype(np.uint8)).filter(ImageFilter.GaussianBlur(0.9))
    out = io.BytesIO()
    if sideways:
        exif = Image.Exif()
        exif[EXIF_ORIENTATION] = 6  # "turn 90° clockwise to view"
        photo.transpose(Image.Transpose.ROTATE_90).save(out, "JPEG", quality=70, exif=exif)
    else:
        photo.save(out, "JPEG", quality=70)
    return out.getvalue()


@pytest.fixture(scope="module")
def sealed(tmp_path_factory: pytest.TempPathFactory) -> tuple[SealPki, bytes]:
    pki = SealPki.create(tmp_path_factory.mktemp("pki"))
    data = issued_today(household())
    return pki, pki.seal(render("juminhyo", data), data)


@pytest.fixture(scope="module")
def page_png(sealed: tuple[SealPki, bytes]) -> bytes:
    return png_of(sealed[1], page=1, dpi=300)


@pytest.fixture(scope="module")
def from_pdf(sealed: tuple[SealPki, bytes]) -> Verdict:
    pki, pdf = sealed
    verdict = verify_file(pdf, pki.trust())
    assert verdict.ok and verdict.text_checked
    return verdict


@pytest.mark.parametrize(
    ("angle", "scale", "sideways"),
    [(3.5, 0.85, False), (-6.0, 1.0, False), (2.0, 0.9, True)],
    ids=["turned-left", "turned-right", "stored-sideways"],
)
def test_a_phone_photo_of_page_one_verifies_from_its_code(
    sealed: tuple[SealPki, bytes],
    page_png: bytes,
    from_pdf: Verdict,
    angle: float,
    scale: float,
    sideways: bool,
) -> None:
    photo = phone_photo(page_png, angle=angle, scale=scale, sideways=sideways)
    assert photo[:3] == b"\xff\xd8\xff" and not is_pdf(photo)
    with Image.open(io.BytesIO(photo)) as opened:
        assert opened.format == "JPEG" and opened.size == (FRAME[::-1] if sideways else FRAME)

    verdict = verify_file(photo, sealed[0].trust())
    assert (verdict.status, verdict.reason, verdict.text_checked) == (Status.VALID, "seal.valid", False)
    assert verdict.code == from_pdf.code and verdict.kid == from_pdf.kid
    assert verdict.payload == from_pdf.payload and verdict.city_name == from_pdf.city_name


def test_a_photo_of_an_unsealed_page_has_no_code(sealed: tuple[SealPki, bytes]) -> None:
    data = issued_today(household())
    bare = phone_photo(png_of(render("juminhyo", data), dpi=300), angle=3.5, scale=0.85)
    verdict = verify_file(bare, sealed[0].trust())
    assert (verdict.status, verdict.reason) == (Status.MALFORMED, "seal.code.missing")


def test_a_phone_photo_of_the_back_gives_the_pages_signed_content(
    sealed: tuple[SealPki, bytes], from_pdf: Verdict
) -> None:
    from kofu.documents.sheets import print_sheets

    pki, pdf = sealed
    sheets = print_sheets(pdf, "西東京市", "https://shoumei.example.jp/")
    photo = phone_photo(png_of(sheets, page=2, dpi=300), angle=-3.0, scale=0.9)
    verdict = verify_file(photo, pki.trust())
    assert (verdict.status, verdict.reason, verdict.text_checked) == (Status.VALID, "seal.valid", False)
    assert verdict.pages == from_pdf.pages and verdict.kid == from_pdf.kid
