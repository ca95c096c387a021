"""Every font of every PDF we produce is embedded: the city's document, sealed, and the sheets the
kiosk prints. A font that is only named (Helvetica, say) is drawn with whatever the printer or
viewer substitutes, so the paper would not show what was certified."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from documents_cases import CASES
from pypdf import PdfReader
from seal_support import CITY_NAME, SealPki, issued_today

from kofu.documents.render import render
from kofu.documents.sheets import print_sheets

EMBEDDED = ("/FontFile", "/FontFile2", "/FontFile3")


def _fonts(resources: Any, seen: set[int]) -> Iterator[tuple[str, Any]]:
    resources = resources.get_object() if resources is not None else {}
    for name, ref in (resources.get("/Font") or {}).items():
        yield name, ref.get_object()
    for ref in (resources.get("/XObject") or {}).values():
        xobject = ref.get_object()
        key = id(xobject)
        if xobject.get("/Subtype") == "/Form" and key not in seen:
            seen.add(key)
            yield from _fonts(xobject.get("/Resources"), seen)


def unembedded_fonts(pdf: bytes) -> list[str]:
    """Names of the fonts of ``pdf`` that carry no font program."""
    missing = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        for name, font in _fonts(page.get("/Resources"), set()):
            if font.get("/Subtype") == "/Type3":
                continue  # glyphs drawn by content streams: nothing to embed
            described = font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            descriptor = described.get("/FontDescriptor")
            if descriptor is None or not any(k in descriptor.get_object() for k in EMBEDDED):
                missing.append(f"page {number} {name} {font.get('/BaseFont')}")
    return missing


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> SealPki:
    return SealPki.create(tmp_path_factory.mktemp("pki"))


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_font_is_embedded_in_the_document_and_the_printed_sheets(pki: SealPki, case: str) -> None:
    doc, data = CASES[case]
    data = issued_today(data)
    rendered = render(doc, data)
    sealed = pki.seal(rendered, data, doc=doc)
    sheets = print_sheets(sealed, CITY_NAME, "https://verify.example.jp/")
    for what, pdf in (("rendered", rendered), ("sealed", sealed), ("sheets", sheets)):
        assert unembedded_fonts(pdf) == [], what
