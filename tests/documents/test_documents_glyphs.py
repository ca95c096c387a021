"""Rare characters: IPAex where it has the glyph, IPAmj Mincho otherwise, IVS variants kept."""

import io
from dataclasses import replace

import pytest
from documents_samples import SETAINUSHI, household
from pypdf import PdfReader

from kofu.documents import DocumentError, extract_text, render_juminhyo
from kofu.documents.fonts import MINCHO, MINCHO_MJ, register_fonts
from kofu.documents.glyphs import clusters, pick, runs, text_width
from kofu.documents.wrap import wrap_text

IVS_KUZU = "葛\U000e0102"  # 葛 with a variation selector IPAmj knows (Moji_Joho collection)


def _fonts(pdf: bytes) -> set[str]:
    names: set[str] = set()
    for page in PdfReader(io.BytesIO(pdf)).pages:
        for font in page["/Resources"]["/Font"].values():
            names.add(str(font.get_object()["/BaseFont"]))
    return names


@pytest.mark.parametrize("name", ["髙﨑 𠮷男", "﨑山 髙志", "𠮷田 𠮷", f"{IVS_KUZU}西 一"])
def test_rare_names_extract_back_exactly(name: str) -> None:
    pdf = render_juminhyo(household((replace(SETAINUSHI, name=name),)))
    assert name in extract_text(pdf)


def test_character_missing_from_ipaex_is_drawn_with_ipamj() -> None:
    register_fonts()
    assert pick("髙", MINCHO) == (MINCHO, "髙")
    assert pick("﨑", MINCHO) == (MINCHO, "﨑")
    assert pick("𠮷", MINCHO)[0] == MINCHO_MJ
    assert [f for f, _ in runs("𠮷田", MINCHO)] == [MINCHO_MJ, MINCHO]
    pdf = render_juminhyo(household((replace(SETAINUSHI, name="𠮷田 太郎"),)))
    assert any("IPAmj" in f for f in _fonts(pdf))


def test_variation_sequence_uses_the_variant_glyph_and_keeps_the_selector() -> None:
    register_fonts()
    font, drawn = pick(IVS_KUZU, MINCHO)
    assert font == MINCHO_MJ and len(drawn) == 1 and ord(drawn) >= 0xF0000  # private code → variant glyph
    assert pick("葛", MINCHO) == (MINCHO, "葛")


def test_unknown_variation_sequence_falls_back_to_the_base_character() -> None:
    register_fonts()
    assert pick("田\U000e01ef", MINCHO) == (MINCHO, "田")


@pytest.mark.parametrize("char", ["\U000f0000", "\ue000", "\U0003134a"])
def test_private_use_gaiji_and_characters_in_no_font_are_refused(char: str) -> None:
    with pytest.raises(DocumentError) as info:
        render_juminhyo(household((replace(SETAINUSHI, name=f"田無 {char}"),)))
    assert info.value.code == "document.invalid"


def test_wrapping_never_separates_a_character_from_its_selector() -> None:
    register_fonts()
    text = IVS_KUZU * 40
    assert clusters(IVS_KUZU) == [IVS_KUZU]
    for width in (30, 45, 61, 100):
        lines = wrap_text(text, MINCHO, 10, width)
        assert "".join(lines) == text
        assert all(line.startswith("葛") for line in lines)
    assert text_width(IVS_KUZU, MINCHO, 10) == pytest.approx(10.0)
