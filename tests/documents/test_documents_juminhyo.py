import io
import re
from dataclasses import replace

import pytest
from documents_samples import ADDRESS, FAMILY, HONSEKI, MAYOR, SETAINUSHI, household, large_household
from pypdf import PdfReader

from kofu.documents import DocumentError, extract_text, page_count, page_texts, render_juminhyo
from kofu.documents.juminhyo import SENTENCE_SELECTED, SENTENCE_WHOLE_HOUSEHOLD

MAYOR_LINE = f"西東京市長\u3000{MAYOR}"


def _flat(text: str) -> str:
    # pypdf may put line breaks between separately drawn strings; compare without them.
    return text.replace("\n", "")


def test_one_person_household() -> None:
    pdf = render_juminhyo(household((SETAINUSHI,)))
    text = extract_text(pdf)
    assert pdf.startswith(b"%PDF-")
    assert page_count(pdf) == 1
    for expected in (
        "住民票（写し）",
        "田無 太郎",
        "たなし たろう",
        ADDRESS,
        "令和8年11月29日",
        "昭和55年4月1日生",
        "発行番号 第 00012345 号",
        MAYOR_LINE,
        SENTENCE_WHOLE_HOUSEHOLD,
        "以下余白",
    ):
        assert expected in text, expected
    assert "1/1" not in text


def test_four_person_household_names_every_member() -> None:
    pdf = render_juminhyo(household(FAMILY))
    text = extract_text(pdf)
    assert page_count(pdf) == 1
    for person in FAMILY:
        assert person.name in text
        assert person.kana in text
    for item in (
        "世帯主",
        "続柄",
        "妻",
        "子",
        "本籍",
        "筆頭者",
        HONSEKI,
        "住民となった年月日",
        "住所を定めた年月日",
        "届出日",
        "転入前住所",
        "異動前住所",
        MAYOR_LINE,
    ):
        assert item in text, item
    assert "前住所 " not in text.replace("転入前住所 ", "").replace("異動前住所 ", "")  # no 前住所 field
    assert SENTENCE_WHOLE_HOUSEHOLD in text


def test_selected_members_use_the_plain_sentence() -> None:
    text = extract_text(render_juminhyo(household(FAMILY[1:3], whole_household=False)))
    assert SENTENCE_SELECTED in text
    assert "世帯全員" not in text
    assert "田無 花子" in text and "田無 一郎" in text
    assert "田無 さくら" not in text


def test_without_setainushi_and_zokugara() -> None:
    data = household(FAMILY[1:2], whole_household=False, zokugara=False, honseki=False)
    text = extract_text(render_juminhyo(data))
    assert "続柄 省略" in text
    assert "世帯主 省略" in text
    assert "妻" not in text
    assert "田無 太郎" not in text  # the 世帯主's name would only come from the header
    assert "田無 花子" in text


def test_without_honseki_prints_omitted() -> None:
    text = extract_text(render_juminhyo(household(FAMILY, honseki=False)))
    assert HONSEKI not in text
    assert "省略" in text
    assert "田無 太郎" in text


def test_never_prints_juminhyo_code_or_my_number() -> None:
    text = extract_text(render_juminhyo(household(FAMILY)))
    assert "住民票コード" not in text
    assert "個人番号" not in text


def test_metadata_carries_no_personal_data() -> None:
    meta = PdfReader(io.BytesIO(render_juminhyo(household(FAMILY)))).metadata
    assert meta is not None
    assert meta.title == "住民票の写し"
    values = " ".join(str(v) for v in meta.values())
    for person in FAMILY:
        assert person.name not in values
    assert ADDRESS not in values


def test_long_household_breaks_into_numbered_pages() -> None:
    data = large_household(12)
    pdf = render_juminhyo(data)
    pages = page_texts(pdf)
    total = len(pages)
    assert total >= 3
    seen: list[str] = []
    for number, text in enumerate(pages, start=1):
        assert "発行番号 第 00012345 号" in text
        assert ADDRESS in text  # the header repeats, so a stray page shows whose it is
        assert re.search(rf"(?m)^\s*{number}/{total}\s*$", text), text
        assert data.setainushi in text  # header
        seen += [p.name for p in data.members[1:] if p.name in text]
    assert seen == [p.name for p in data.members[1:]]  # each person once, in order, never split
    assert SENTENCE_WHOLE_HOUSEHOLD in pages[-1]
    assert all(SENTENCE_WHOLE_HOUSEHOLD not in text for text in pages[:-1])
    assert "以下余白" in pages[-1]


def test_long_values_wrap_inside_the_cell() -> None:
    long_address = "東京都西東京市ひばり野三丁目4番5号" + "架空コーポラス第二試験棟" * 8 + "101号室"
    person = replace(SETAINUSHI, prior_address=long_address)
    text = extract_text(render_juminhyo(household((person,))))
    assert long_address in _flat(text)


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"members": ()}, "document.invalid"),
        ({"members": (replace(SETAINUSHI, sex="X"),)}, "document.invalid"),
    ],
)
def test_invalid_data_is_refused_with_a_code(change: dict[str, object], code: str) -> None:
    with pytest.raises(DocumentError) as info:
        render_juminhyo(replace(household(), **change))  # type: ignore[arg-type]
    assert info.value.code == code


def test_a_block_taller_than_a_page_is_too_long() -> None:
    person = replace(SETAINUSHI, prior_address="架空" * 3000)
    with pytest.raises(DocumentError) as info:
        render_juminhyo(household((person,)))
    assert info.value.code == "document.too_long"


def test_rendering_is_deterministic() -> None:
    assert render_juminhyo(household()) == render_juminhyo(household())
