from datetime import date
from pathlib import Path
from typing import Any

import pytest
from documents_samples import FAMILY, household

from kofu.documents import (
    Cell,
    Certification,
    DocumentError,
    DocumentLayout,
    DocumentSpec,
    Row,
    Table,
    build_juminhyo_spec,
    extract_text,
    page_texts,
    render_juminhyo,
)
from kofu.documents.fonts import register_fonts
from kofu.documents.koin import seal_columns
from kofu.documents.wrap import text_width, wrap_text

CERT = Certification("上記のとおり証明します。", date(2026, 6, 1), "架空市", "試験 次郎")


def _spec(blocks: int, rows: int = 5, header: bool = True) -> DocumentSpec:
    table = Table(rows=tuple(Row.of(Cell(f"項目{r}", f"値{r}")) for r in range(rows)))
    return DocumentSpec(
        title="課税証明書",
        issue_number="00000001",
        blocks=(table,) * blocks,
        certification=CERT,
        header=Table(rows=(Row.of(Cell("住所", "架空市一丁目")),)) if header else None,
    )


def test_wrap_breaks_per_character_within_width() -> None:
    register_fonts()
    text = "東京都西東京市ひばり野三丁目4番5号架空コーポラス第二試験棟101号室"
    lines = wrap_text(text, "Mincho", 10, 60)
    assert "".join(lines) == text
    assert len(lines) > 1
    assert all(text_width(line, "Mincho", 10) <= 60 for line in lines)


def test_wrap_keeps_closing_punctuation_off_line_starts() -> None:
    register_fonts()
    for width in range(20, 120, 3):
        for line in wrap_text("あいうえお、かきくけこ。「さしすせそ」たちつてと", "Mincho", 10, width)[1:]:
            assert line[0] not in "、。」"


def test_seal_columns_read_right_to_left() -> None:
    assert seal_columns("西東京市長之印") == ["西東京", "市長", "之印"]
    assert seal_columns("架空市長之印") == ["架空", "市長", "之印"]
    assert seal_columns("さいたま市長之印") == ["さいた", "ま市長", "之印"]
    assert seal_columns("") == []


def test_footer_never_stands_alone_when_the_last_block_can_move() -> None:
    layout = DocumentLayout()
    for count in range(1, 16):
        pages = layout.paginate(_spec(count))
        assert sum(len(p.blocks) for p in pages) == count
        assert pages[-1].last and pages[-1].blocks
        assert [p.end_mark for p in pages].count(True) == 1


def test_title_and_closing_are_parameters() -> None:
    text = extract_text(DocumentLayout().render(_spec(2, header=False)))
    assert "課税証明書" in text.replace(" ", "")
    assert "上記のとおり証明します。" in text
    assert "架空市長\u3000試験 次郎" in text
    assert "令和8年6月1日" in text


def test_too_many_pages_is_too_long() -> None:
    with pytest.raises(DocumentError) as info:
        DocumentLayout(max_pages=2).render(_spec(40))
    assert info.value.code == "document.too_long"


def test_page_hook_runs_once_per_page_before_content() -> None:
    calls: list[tuple[int, int]] = []

    def hook(canvas: Any, number: int, total: int) -> None:
        calls.append((number, total))
        canvas.setFont("Gothic", 6)
        canvas.drawString(10, 10, "地紋")

    pdf = DocumentLayout().render(_spec(15), page_hook=hook)
    total = len(page_texts(pdf))
    assert calls == [(n, total) for n in range(1, total + 1)]


def test_missing_font_says_how_to_install() -> None:
    with pytest.raises(DocumentError) as info:
        register_fonts({"NoSuchFont": Path("/nonexistent/ipaexm.ttf")})
    assert info.value.code == "document.font_missing"
    assert "fonts-ipaexfont" in str(info.value)


def test_spec_builder_has_no_drawing_and_one_block_per_member() -> None:
    spec = build_juminhyo_spec(household(FAMILY))
    assert len(spec.blocks) == len(FAMILY)
    assert spec.pdf_title == "住民票の写し"


def test_custom_layout_geometry_is_honoured() -> None:
    tight = DocumentLayout(max_pages=50, seal_size=18 * 2.834645669)
    assert render_juminhyo(household(FAMILY), layout=tight).startswith(b"%PDF-")
