"""The dispatcher the issuer uses: document type → renderer."""

from typing import Any

import pytest
from documents_cases import CASES, KAZEI

from kofu.documents import DOCUMENT_TYPES, DocumentError, page_count, render


def test_every_type_has_a_renderer() -> None:
    assert DOCUMENT_TYPES == ("juminhyo", "inkan", "koseki", "fuhyo", "kazei")


def test_unknown_type_is_invalid() -> None:
    with pytest.raises(DocumentError) as info:
        render("jukyo", KAZEI)  # type: ignore[arg-type]
    assert info.value.code == "document.invalid"


def test_data_of_another_document_is_invalid() -> None:
    with pytest.raises(DocumentError) as info:
        render("juminhyo", KAZEI)
    assert info.value.code == "document.invalid"


@pytest.mark.parametrize("case", ["koseki-zenbu", "inkan-round", "kazei-hikazei", "fuhyo-honseki"])
def test_page_hook_runs_on_every_page(case: str) -> None:
    calls: list[tuple[int, int]] = []

    def hook(canvas: Any, number: int, total: int) -> None:
        calls.append((number, total))

    doc_type, data = CASES[case]
    pdf = render(doc_type, data, page_hook=hook)
    total = page_count(pdf)
    assert calls == [(n, total) for n in range(1, total + 1)]


@pytest.mark.parametrize("case", sorted(CASES))
def test_rendering_is_deterministic(case: str) -> None:
    doc_type, data = CASES[case]
    assert render(doc_type, data) == render(doc_type, data)
