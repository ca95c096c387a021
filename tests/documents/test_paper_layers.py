"""What the kiosk prints around a document (`print_sheets`): on the front of every sheet the
microtext line with the city's name and the warning sentence, on the back how to check it, in
Japanese, with the public verification address, and the page's back code (its signed content).

The layers' words are drawn as images, never as PDF text (so the printed sheets keep the city
PDF's text hash): text extraction finds none of them, by design. They are read here as the images
the sheets carry, each compared pixel for pixel with the words drawn the way the layers draw text.
"""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from threading import Barrier
from typing import Any

import numpy as np
import pytest
from documents_samples import household, large_household
from pypdf import PdfReader
from seal_support import CITY_NAME, SealPki, issued_today

from kofu.documents.antiforgery import text_image
from kofu.documents.render import render
from kofu.documents.sheets import HOW_TO_CHECK, PAGE_LINE, VERIFY_LINE, WARNING, print_sheets, sheet_backs
from kofu.documents.text import page_texts
from kofu.sealcode.back import is_back_part
from kofu.sealcode.qr import decode_pdf
from kofu.sealcode.verify import codes_in_pdf

VERIFY_URL = "https://shoumei.example.jp/kakunin"
MICROTEXT_MM = 0.5  # the microtext's letter height
WARNING_MM, HOW_TO_MM, WORDS_DPI = 2.3, 3.0, 600


def _alpha(image: Any) -> np.ndarray:
    return np.asarray(image.convert("RGBA").getchannel("A"))


def sheet_images(sheets: bytes) -> list[list[np.ndarray]]:
    """The alpha (ink) of every image on each page of the sheets, forms included."""
    return [[_alpha(found.image) for found in page.images] for page in PdfReader(io.BytesIO(sheets)).pages]


def carries(images: list[np.ndarray], text: str, height_mm: float, dpi: int) -> bool:
    """Whether one of ``images`` is ``text`` as the layers draw it (same pixels)."""
    expected = _alpha(text_image(text, height_mm, dpi)[0])
    return any(image.shape == expected.shape and np.array_equal(image, expected) for image in images)


def microtext_lines(images: list[np.ndarray], city_name: str) -> list[int]:
    """The images that are one long line of ``city_name``'s microtext unit, repeated; their lengths
    in units."""
    unit = f"{city_name}　{city_name}発行証明書　"
    one = _alpha(text_image(unit, MICROTEXT_MM)[0])[:, :-2]  # without the image's 2-pixel margin
    width = one.shape[1]
    lines = []
    for image in images:
        body = image[:, :-2]
        if body.shape[0] != one.shape[0] or body.shape[1] < 10 * width or body.shape[1] % width:
            continue
        if all(np.array_equal(body[:, k : k + width], one) for k in range(0, body.shape[1], width)):
            lines.append(body.shape[1] // width)
    return lines


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> SealPki:
    return SealPki.create(tmp_path_factory.mktemp("pki"))


@pytest.fixture(scope="module")
def two_pages(pki: SealPki) -> tuple[bytes, str, bytes]:
    """A sealed two-page 住民票, its seal code, and the sheets the kiosk prints for it."""
    data = issued_today(large_household(8))
    sealed = pki.seal(render("juminhyo", data), data)
    assert len(page_texts(sealed)) == 2
    code = codes_in_pdf(sealed)[0]
    return sealed, code, print_sheets(sealed, CITY_NAME, VERIFY_URL)


def test_every_front_carries_the_microtext_and_the_warning(two_pages: tuple[bytes, str, bytes]) -> None:
    _sealed, _code, sheets = two_pages
    pages = sheet_images(sheets)
    assert len(pages) == 4
    for front in pages[0::2]:
        lines = microtext_lines(front, CITY_NAME)
        assert lines and min(lines) >= 20  # the line runs across the sheet: 24 units of 15 letters
        assert carries(front, WARNING, WARNING_MM, WORDS_DPI)
        assert not microtext_lines(front, "小平市")
    assert "「複写」" in WARNING
    assert "偽造防止用紙" not in WARNING  # plain paper: its security is printed, not the paper's


def test_every_back_tells_a_resident_how_to_check_in_japanese(two_pages: tuple[bytes, str, bytes]) -> None:
    _sealed, _code, sheets = two_pages
    for back in sheet_images(sheets)[1::2]:
        assert microtext_lines(back, CITY_NAME)
        assert carries(back, HOW_TO_CHECK[0], 4.5, WORDS_DPI)
        for line in (*HOW_TO_CHECK[1:], VERIFY_LINE.format(url=VERIFY_URL)):
            assert carries(back, line, HOW_TO_MM, WORDS_DPI), line
        assert not carries(back, WARNING, WARNING_MM, WORDS_DPI)  # the warning is the front's
    words = "".join((*HOW_TO_CHECK, VERIFY_LINE.format(url=""), WARNING))
    assert not any("a" <= c.lower() <= "z" for c in words), "no English on the paper"
    assert "kofu" not in words and "verify" not in words and "127.0.0.1" not in words


def test_the_layers_add_no_text_and_each_back_carries_its_pages_code(
    two_pages: tuple[bytes, str, bytes],
) -> None:
    sealed, code, sheets = two_pages
    fronts = page_texts(sealed)
    assert page_texts(sheets) == [fronts[0], "", fronts[1], ""]
    found = decode_pdf(sheets, range(1, 5))
    assert found[1] == [code] and found[3] == [code]
    backs = sheet_backs(sealed)
    assert sorted(found[2]) == sorted(backs[0]) and sorted(found[4]) == sorted(backs[1])
    assert all(is_back_part(part) for part in found[2] + found[4])


def test_each_back_names_its_own_front(two_pages: tuple[bytes, str, bytes]) -> None:
    _sealed, _code, sheets = two_pages
    backs = sheet_images(sheets)[1::2]
    for page, back in enumerate(backs, start=1):
        for line in (1, 2, 3):
            named = carries(back, PAGE_LINE.format(page=line, pages=2), HOW_TO_MM, WORDS_DPI)
            assert named == (line == page), (page, line)


def test_sheets_printed_at_once_are_each_the_sheets_printed_alone(pki: SealPki) -> None:
    documents = []
    for count in (1, 8, 3, 8):  # one-page and two-page documents, each with its own backs
        data = issued_today(large_household(count))
        documents.append(pki.seal(render("juminhyo", data), data))
    cities = ["小金井市", CITY_NAME, "小金井市", CITY_NAME]
    start = Barrier(len(documents))

    def sheets(job: tuple[bytes, str]) -> bytes:
        start.wait()  # all lay the shared layers at the same time
        return print_sheets(job[0], job[1], VERIFY_URL)

    with ThreadPoolExecutor(max_workers=len(documents)) as pool:
        together = list(pool.map(sheets, zip(documents, cities, strict=True)))
    alone = [print_sheets(pdf, city, VERIFY_URL) for pdf, city in zip(documents, cities, strict=True)]
    assert together == alone
    assert len(set(alone)) == len(alone)


def test_another_city_gets_its_own_name_in_the_microtext(pki: SealPki) -> None:
    data = issued_today(household())
    sealed = pki.seal(render("juminhyo", data), data)
    sheets = print_sheets(sealed, "小平市", VERIFY_URL)
    front, back = sheet_images(sheets)
    assert microtext_lines(front, "小平市") and microtext_lines(back, "小平市")
    assert not microtext_lines(front, CITY_NAME)
    assert carries(back, VERIFY_LINE.format(url=VERIFY_URL), HOW_TO_MM, WORDS_DPI)
    assert not carries(back, VERIFY_LINE.format(url="https://elsewhere.example/"), HOW_TO_MM, WORDS_DPI)
    assert codes_in_pdf(sealed)
