"""住民票 of a foreign resident: each optional item printed only when chosen, 省略 in its place
otherwise; 通称 and カタカナ併記名 always."""

import re
from dataclasses import replace

import pytest
from documents_cases import MARINA, _foreign
from documents_samples import FAMILY, household

from kofu.documents import JuminhyoData, extract_text, render_juminhyo

#: Each option's values, and the labels whose value is 省略 when it is not chosen.
ITEMS = {
    "include_nationality": (["ブラジル"], ["国籍・地域"]),
    "include_residence_status": (
        ["技術・人文知識・国際業務", "中長期在留者", "在留期間3年", "令和9年4月9日"],
        ["30条45規定区分", "在留資格", "在留期間", "在留期間の満了の日"],
    ),
    "include_card_number": (["AB12345678CD"], ["在留カード等の番号"]),
}


@pytest.mark.parametrize("option", sorted(ITEMS))
def test_each_item_is_printed_only_when_chosen_and_marked_omitted_otherwise(option: str) -> None:
    data = _foreign(False)
    assert isinstance(data, JuminhyoData)
    text = extract_text(render_juminhyo(replace(data, **{option: True})))
    flat = re.sub(r"\s", "", text)
    for other, (values, labels) in ITEMS.items():
        chosen = other == option
        for value in values:
            assert (re.sub(r"\s", "", value) in flat) == chosen, (option, value)
        for label in labels:
            assert (f"{label} 省略" in text) == (not chosen), (option, label)


def test_tsusho_is_printed_and_there_is_no_honseki_row() -> None:
    data = _foreign(True)
    assert isinstance(data, JuminhyoData)
    text = extract_text(render_juminhyo(replace(data, include_honseki=True)))
    assert "通称" in text and "架空 まりな" in text and "かくう まりな" in text
    assert "カタカナ併記名 アウヴェス フィクタ マリナ" in text
    assert MARINA.name in text
    assert "本籍" not in text and "筆頭者" not in text


def test_mixed_household_prints_foreign_items_only_for_the_foreign_member() -> None:
    data = replace(household((*FAMILY, replace(MARINA, zokugara="同居人"))), include_nationality=True)
    text = extract_text(render_juminhyo(data))
    assert text.count("国籍・地域") == 1
    assert text.count("筆頭者") == len(FAMILY)  # no 本籍 row for the foreign member
