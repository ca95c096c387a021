"""The rules of the standard forms (docs/forms.md), one test each, on the renderers."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date

import pytest
from documents_cases import (
    FIVE,
    FUHYO,
    HIKAZEI,
    KAZEI,
    KAZEI_R5,
    MARINA,
    REGISTER,
    YOSHIKO,
    _foreign,
    _inkan_tsusho,
)
from documents_samples import ADDRESS, FAMILY, SETAINUSHI, household

from kofu.documents import (
    DocumentError,
    MibunEvent,
    extract_text,
    page_texts,
    render_fuhyo,
    render_inkan,
    render_juminhyo,
    render_kazei,
    render_koseki,
)
from kofu.documents.juminhyo import OMITTED as JUMINHYO_OMITTED
from kofu.documents.juminhyo import SENTENCE_WHOLE_HOUSEHOLD

# --- 住民票: the household form ------------------------------------------------------------


@pytest.mark.parametrize(("people", "sheets"), [(1, 1), (4, 1), (5, 2), (8, 2), (9, 3)])
def test_the_household_form_holds_four_people_a_sheet(people: int, sheets: int) -> None:
    members = (FIVE * 2)[:people]
    members = tuple(replace(p, name=f"田無 {'一二三四五六七八九'[i]}郎") for i, p in enumerate(members))
    pages = page_texts(render_juminhyo(household(members)))
    assert len(pages) == sheets
    blocks = [text.replace(f"世帯主 {members[0].name}", "") for text in pages]  # less the header
    on_sheet = [[m.name for m in members if m.name in text] for text in blocks]
    assert on_sheet == [[m.name for m in members[i : i + 4]] for i in range(0, people, 4)]


def test_five_people_take_two_sheets_each_with_the_header_items_and_its_page_number() -> None:
    data = household(FIVE, issue_number="00012346")
    pages = page_texts(render_juminhyo(data))
    assert len(pages) == 2
    for number, text in enumerate(pages, start=1):
        assert "住民票（写し）" in text
        assert "発行番号 第 00012346 号" in text
        assert f"住所 {ADDRESS}" in text
        assert f"世帯主 {SETAINUSHI.name}" in text
        assert re.search(rf"(?m)^\s*{number}/2\s*$", text), text
    assert [text.count("氏名") for text in pages] == [4, 1]
    assert SENTENCE_WHOLE_HOUSEHOLD not in pages[0] and SENTENCE_WHOLE_HOUSEHOLD in pages[1]


def test_the_form_has_transfer_and_move_addresses_and_the_notice_date_but_no_old_prior_address() -> None:
    text = extract_text(render_juminhyo(household((SETAINUSHI,))))
    assert f"転入前住所 {SETAINUSHI.prior_address}" in text
    assert f"異動前住所 {SETAINUSHI.previous_address}" in text
    assert "届出日 平成27年4月10日" in text
    assert re.search(r"(?m)^前住所", text) is None and " 前住所" not in text


def test_the_address_defined_date_is_blank_for_someone_who_never_moved_within_the_city() -> None:
    moved = extract_text(render_juminhyo(household((SETAINUSHI,))))
    assert "住所を定めた年月日 令和2年3月28日 届出日" in moved
    stayed = replace(SETAINUSHI, address_defined_date=None, previous_address=None)
    text = extract_text(render_juminhyo(household((stayed,))))
    assert "住所を定めた年月日 届出日 平成27年4月10日" in text  # the cell is there, and empty
    assert "令和2年3月28日" not in text


#: Every optional item of the 住民票 and the 附票, and the option that prints it.
JUMINHYO_OPTIONS = {
    "include_setainushi_zokugara": ("世帯主", "続柄"),
    "include_honseki": ("本籍", "筆頭者"),
}
FOREIGN_OPTIONS = {
    "include_nationality": ("国籍・地域",),
    "include_residence_status": ("30条45規定区分", "在留資格", "在留期間", "在留期間の満了の日"),
    "include_card_number": ("在留カード等の番号",),
}


def _omitted_labels(text: str) -> set[str]:
    """Labels whose value is the omission mark."""
    return set(re.findall(r"(\S+) 省略", text))


def test_every_omitted_optional_item_is_marked_the_same_way() -> None:
    japanese = extract_text(render_juminhyo(household(FAMILY, zokugara=False, honseki=False)))
    foreign = extract_text(render_juminhyo(_foreign(False)))  # type: ignore[arg-type]
    fuhyo = extract_text(render_fuhyo(replace(FUHYO, include_honseki=False)))
    assert JUMINHYO_OMITTED == "省略"
    assert _omitted_labels(japanese) == {"世帯主", "続柄", "本籍", "筆頭者"}
    assert japanese.count("省略") == 1 + len(FAMILY) * 3  # 世帯主; each person's 続柄, 本籍, 筆頭者
    assert _omitted_labels(foreign) == {label for labels in FOREIGN_OPTIONS.values() for label in labels}
    assert _omitted_labels(fuhyo) == {"本籍", "筆頭者"}
    for text in (japanese, foreign, fuhyo):  # one word, never a variant
        assert "（省略）" not in text and "記載省略" not in text and "省 略" not in text


@pytest.mark.parametrize("option", sorted({**JUMINHYO_OPTIONS, **FOREIGN_OPTIONS}))
def test_each_optional_item_is_printed_when_chosen(option: str) -> None:
    data = replace(
        household((*FAMILY[:2], replace(MARINA, zokugara="同居人")), zokugara=False, honseki=False),
        **{option: True},
    )
    omitted = _omitted_labels(extract_text(render_juminhyo(data)))
    labels = {**JUMINHYO_OPTIONS, **FOREIGN_OPTIONS}[option]
    assert not omitted & set(labels), (option, omitted)


def test_someone_born_here_has_no_transfer_address() -> None:
    born = replace(
        SETAINUSHI, became_resident_reason="出生", address_defined_date=None, previous_address=None
    )
    with pytest.raises(DocumentError) as refused:
        render_juminhyo(household((born,)))
    assert refused.value.code == "document.invalid"


# --- 戸籍 ------------------------------------------------------------------------------------


def test_every_person_of_the_register_has_a_register_zokugara_and_the_hittosha_has_parents() -> None:
    text = "".join(page_texts(render_koseki(REGISTER)))
    words = re.findall(r"【続柄】(\S+)", text)
    assert len(words) == len(REGISTER.members) + 1  # the adopted child's second 【続柄】 (養子)
    assert all(re.fullmatch(r"[長二三四五六七八九十]+[男女]|養子|養女", w) for w in words), words
    head = REGISTER.members[0]
    assert head.father and head.mother and f"【父】{head.father}" in text and f"【母】{head.mother}" in text


@pytest.mark.parametrize("word", ["子", "妻", "夫", "世帯主", "長子"])
def test_a_zokugara_no_register_writes_is_refused(word: str) -> None:
    spouse = replace(REGISTER.members[2], zokugara=word)
    with pytest.raises(DocumentError) as refused:
        render_koseki(replace(REGISTER, members=(REGISTER.members[0], spouse)))
    assert refused.value.code == "document.invalid"


@pytest.mark.parametrize("kind", ["婚姻", "離婚", "養子縁組", "認知", "分籍"])
def test_entries_that_carry_no_notice_date_refuse_one(kind: str) -> None:
    event = MibunEvent(kind, ((f"{kind}日", date(2000, 1, 1)), ("届出日", date(2000, 1, 1))))
    person = replace(YOSHIKO, events=(*YOSHIKO.events, event))
    with pytest.raises(DocumentError) as refused:
        render_koseki(replace(REGISTER, members=(REGISTER.members[0], person)))
    assert refused.value.code == "document.invalid"


_KIND = re.compile(
    r"(?m)^[\u3000 ]*(出[\u3000 ]+生|婚[\u3000 ]+姻|離[\u3000 ]+婚|死[\u3000 ]+亡|認[\u3000 ]+知|養子縁組|戸籍に記録されている者) "
)


def _entries(text: str) -> list[tuple[str, str]]:
    """Each 身分事項 of a rendered register: (kind without spaces, its fields)."""
    marks = list(_KIND.finditer(text))
    ends = [m.start() for m in marks[1:]] + [len(text)]
    return [(re.sub(r"\s", "", m.group(1)), text[m.end() : end]) for m, end in zip(marks, ends, strict=True)]


def test_marriage_and_divorce_entries_show_their_day_and_the_other_party_and_no_notice_date() -> None:
    entries = _entries("".join(page_texts(render_koseki(REGISTER))))
    kinds = [kind for kind, _ in entries]
    assert (
        kinds.count("婚姻") == 6 and kinds.count("離婚") == 2 and kinds.count("出生") == len(REGISTER.members)
    )
    for kind, fields in entries:
        if kind in ("婚姻", "離婚"):
            assert f"【{kind}日】" in fields and "【配偶者氏名】" in fields, fields
            assert "【届出日】" not in fields, fields
        if kind in ("出生", "死亡"):
            assert "【届出日】" in fields and "【届出人】" in fields, fields


def test_the_register_prints_the_name_furigana_recorded_since_2025() -> None:
    text = "".join(page_texts(render_koseki(REGISTER)))
    assert "【氏の振り仮名】カクウ" in text
    for person in REGISTER.members:
        assert (f"【名の振り仮名】{person.name_kana}" in text) == bool(person.name_kana)
    assert (
        text.index("【名】義男")
        < text.index("【名の振り仮名】ヨシオ")
        < text.index("【生年月日】昭和43年3月3日")
    )


# --- 戸籍の附票 ------------------------------------------------------------------------------


def test_the_fuhyo_shows_the_register_start_and_with_honseki_each_person_by_given_name() -> None:
    text = extract_text(render_fuhyo(FUHYO))
    assert "編製日 平成6年6月12日" in text and "改製日" not in text
    for person in FUHYO.members:
        assert person.name not in text.replace("筆頭者 架空 義男", "")
        assert f"{person.mei} 生年月日" in text
    remade = extract_text(render_fuhyo(replace(FUHYO, kaisei_on=date(2004, 3, 20))))
    assert "改製日 平成16年3月20日" in remade and "編製日" not in remade
    plain = extract_text(render_fuhyo(replace(FUHYO, include_honseki=False)))
    assert all(f"氏名 {p.name}" in plain or p.name in plain for p in FUHYO.members)


def test_the_fuhyo_shows_birth_date_and_sex_except_for_who_left_before_2022_01_11() -> None:
    text = extract_text(render_fuhyo(FUHYO))
    assert "良子 生年月日 性別" in text  # removed in 1997: the items did not exist yet
    assert "健太 生年月日 平成11年4月2日 性別 男" in text  # removed in 2025
    assert "義男 生年月日 昭和43年3月3日 性別 男" in text


def test_the_fuhyo_prints_every_address_of_every_member() -> None:
    text = extract_text(render_fuhyo(FUHYO))
    for person in FUHYO.members:
        for line in person.addresses:
            assert line.address in text
    assert text.count("【住所を定めた年月日】") == sum(len(p.addresses) for p in FUHYO.members)


# --- 印鑑登録証明書 --------------------------------------------------------------------------


def test_a_seal_in_the_tsusho_prints_the_tsusho_and_the_katakana_name() -> None:
    data = _inkan_tsusho()
    text = extract_text(render_inkan(data))
    assert f"通称\n{data.tsusho_kana}\n{data.tsusho}" in text
    assert f"カタカナ併記名 {data.katakana_name}" in text
    assert data.name in text


# --- 課税・非課税証明書 ----------------------------------------------------------------------


def test_the_forest_environment_tax_is_collected_from_reiwa_6_only() -> None:
    assert "森林環境税 1,000 1,000" in extract_text(render_kazei(KAZEI))
    before = extract_text(render_kazei(KAZEI_R5))
    assert "森林環境税" not in before
    assert "市民税 134,400 3,500 137,900" in before
    with pytest.raises(DocumentError) as refused:
        render_kazei(replace(KAZEI_R5, forest_env_tax=1_000))
    assert refused.value.code == "document.invalid"


def test_the_title_follows_the_data() -> None:
    assert page_texts(render_kazei(KAZEI))[0].splitlines()[1] == "課税証明書"
    assert page_texts(render_kazei(HIKAZEI))[0].splitlines()[1] == "非課税証明書"


def test_the_dependant_breakdown_and_the_statuses_are_printed() -> None:
    text = extract_text(render_kazei(replace(KAZEI, widow=True)))
    assert "配偶者 一般 特定 老人 16歳未満 合計\n1人 1人 0人 0人 1人 3人" in text
    assert "寡婦 ひとり親 障害者\n○" in text
    assert extract_text(render_kazei(KAZEI)).count("○") == 0
    assert extract_text(render_kazei(HIKAZEI)).count("○") == 1  # ひとり親


def test_the_address_is_the_one_of_the_levy_date() -> None:
    text = extract_text(render_kazei(KAZEI))
    assert f"住所（令和8年1月1日現在） {KAZEI.address}" in text
    assert text.count("住所") == 1
