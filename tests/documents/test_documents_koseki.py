import re
from dataclasses import replace
from datetime import date

import pytest
from documents_cases import HITTOSHA, KOSEKI_HONSEKI, REGISTER, SHO

from kofu.documents import DocumentError, KosekiPerson, MibunEvent, page_count, page_texts, render_koseki
from kofu.documents.koseki import SENTENCE_KOJIN, SENTENCE_ZENBU


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def test_a_long_register_names_the_same_register_and_issue_number_on_every_page() -> None:
    pages = page_texts(render_koseki(REGISTER))
    total = len(pages)
    assert total == 4
    for number, text in enumerate(pages, start=1):
        flat = _flat(text)
        assert "全部事項証明" in flat
        assert _flat(KOSEKI_HONSEKI) in flat  # 本籍 in the header of every page
        assert _flat(HITTOSHA) in flat  # 筆頭者
        assert "発行番号第00034567号" in flat
        assert re.search(rf"(?m)^\s*{number}/{total}\s*$", text), text
    assert SENTENCE_ZENBU in _flat(pages[-1])
    assert all(SENTENCE_ZENBU not in _flat(p) for p in pages[:-1])
    assert [("以下余白" in p) for p in pages] == [False] * (total - 1) + [True]


def test_every_person_and_every_event_is_printed_once_in_register_order() -> None:
    flat = _flat("".join(page_texts(render_koseki(REGISTER))))
    names = [f"【名】{p.name}" for p in REGISTER.members]
    positions = [flat.index(n) for n in names]
    assert positions == sorted(positions)
    assert all(flat.count(n) == 1 for n in names)
    assert flat.count("戸籍に記録されている者") == len(REGISTER.members)
    for kind in ("出生", "婚姻", "離婚", "養子縁組", "認知", "死亡", "戸籍編製"):
        assert kind in flat or kind[0] + kind[1:] in flat, kind


def test_removed_members_are_marked_joseki() -> None:
    flat = _flat("".join(page_texts(render_koseki(REGISTER))))
    assert flat.count("除籍") == sum(1 for p in REGISTER.members if p.removed)


def test_kojin_prints_only_the_chosen_person_with_the_kojin_sentence() -> None:
    pdf = render_koseki(replace(REGISTER, scope="kojin", selected=(5,)))
    flat = _flat("".join(page_texts(pdf)))
    assert page_count(pdf) == 1
    assert "個人事項証明" in flat and "全部事項証明" not in flat
    assert f"【名】{SHO.name}" in flat
    assert "【名】義男" not in flat and "【名】春子" not in flat
    assert "戸籍編製" in flat  # 戸籍事項 belong to every certificate of the register
    assert SENTENCE_KOJIN in flat


def test_fields_print_in_order_and_dates_in_wareki() -> None:
    person = KosekiPerson(
        name="一",
        birth_date=date(2019, 5, 1),
        zokugara="長男",
        events=(MibunEvent("入籍", (("入籍日", date(2020, 1, 2)), ("入籍事由", "父の氏を称する入籍"))),),
    )
    flat = _flat("".join(page_texts(render_koseki(replace(REGISTER, members=(person,))))))
    assert "【生年月日】令和元年5月1日" in flat
    assert flat.index("【入籍日】令和2年1月2日") < flat.index("【入籍事由】父の氏を称する入籍")
    assert "【父】【母】" in flat  # no father or mother recorded: the fields stay, empty


@pytest.mark.parametrize(
    "change",
    [
        {"scope": "kojin", "selected": ()},
        {"scope": "kojin", "selected": (99,)},
        {"members": ()},
    ],
)
def test_invalid_registers_are_refused(change: dict[str, object]) -> None:
    with pytest.raises(DocumentError) as info:
        render_koseki(replace(REGISTER, **change))  # type: ignore[arg-type]
    assert info.value.code == "document.invalid"
