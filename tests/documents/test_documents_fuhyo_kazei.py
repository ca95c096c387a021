from dataclasses import replace

from documents_cases import FUHYO, HIKAZEI, KAZEI, KOSEKI_HONSEKI

from kofu.documents import extract_text, render_fuhyo, render_kazei
from kofu.documents.fuhyo import SENTENCE as FUHYO_SENTENCE
from kofu.documents.kazei import SENTENCE as KAZEI_SENTENCE


def test_fuhyo_lists_every_address_in_order_with_its_date() -> None:
    text = extract_text(render_fuhyo(FUHYO))
    for person in FUHYO.members:
        positions = [text.index(a.address) for a in person.addresses]
        assert positions == sorted(positions) or len(set(a.address for a in person.addresses)) < len(
            positions
        )
    assert text.count("【住所を定めた年月日】") == sum(len(p.addresses) for p in FUHYO.members)
    assert KOSEKI_HONSEKI in text and "筆頭者 架空 義男" in text
    assert FUHYO_SENTENCE in text
    assert text.count("除\u3000籍") == sum(p.removed for p in FUHYO.members) == 2


def test_fuhyo_without_honseki_prints_omitted() -> None:
    text = extract_text(render_fuhyo(replace(FUHYO, include_honseki=False)))
    assert KOSEKI_HONSEKI not in text
    assert "本籍 省略" in text and "筆頭者 省略" in text


def test_kazei_taxed_shows_year_levy_address_and_totals() -> None:
    text = extract_text(render_kazei(KAZEI))
    assert "令和8年度" in text and "課税証明書" in text and "非課税" not in text
    assert "住所（令和8年1月1日現在） 東京都西東京市架空町一丁目2番3号" in text
    assert "合計所得金額 4,640,000" in text
    assert "控除合計 2,065,000" in text
    assert "森林環境税 1,000 1,000" in text
    assert "合計 257,500 5,000 262,500" in text
    assert KAZEI_SENTENCE in text


def test_kazei_without_tax_is_a_hikazei_certificate() -> None:
    text = extract_text(render_kazei(HIKAZEI))
    assert "非課税証明書" in text
    assert "市民税 非課税 非課税 非課税" in text
    assert "森林環境税 非課税 非課税" in text
    assert "課税標準額（円） 57,000" in text
