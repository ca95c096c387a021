"""Every document type and option: the extracted text equals its golden fixture (data in golden/).

Set ``KOFU_UPDATE_GOLDEN=1`` to rewrite the fixtures from the current renders, then review
the diff before keeping it.
"""

import pytest
from documents_cases import CASES
from golden import GOLDEN, load, normalise, store, updating

from kofu.documents import page_texts, render


@pytest.mark.parametrize("case", sorted(CASES))
def test_text_matches_golden_fixture(case: str) -> None:
    doc_type, data = CASES[case]
    pdf = render(doc_type, data)
    if updating():
        store(case, pdf)
    assert normalise(pdf) == load(case)


@pytest.mark.parametrize("case", sorted(CASES))
def test_every_page_carries_the_issue_number_and_page_numbers(case: str) -> None:
    doc_type, data = CASES[case]
    pages = page_texts(render(doc_type, data))
    for number, text in enumerate(pages, start=1):
        assert f"発行番号 第 {data.issue_number} 号" in text
        if len(pages) > 1:
            assert f"{number}/{len(pages)}" in text


def test_every_fixture_has_a_case() -> None:
    assert {p.stem for p in GOLDEN.glob("*.txt")} == set(CASES)


def test_the_cases_cover_every_document_type_and_option() -> None:
    by_type: dict[str, list[str]] = {}
    for name, (doc_type, _) in CASES.items():
        by_type.setdefault(doc_type, []).append(name)
    assert set(by_type) == {"juminhyo", "inkan", "koseki", "fuhyo", "kazei"}
    assert len(by_type["juminhyo"]) >= 6
    assert {
        "koseki-zenbu",
        "koseki-kojin",
        "fuhyo-honseki",
        "fuhyo-no-honseki",
        "kazei-taxed",
        "kazei-hikazei",
    } <= set(CASES)
