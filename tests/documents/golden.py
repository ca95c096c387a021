"""Golden text fixtures: ``golden/<case>.txt`` holds the normalised text of a rendered case.

``KOFU_UPDATE_GOLDEN=1 pytest tests/documents`` (or ``python tests/documents/golden.py``)
rewrites the fixtures from the current renders; review the diff before keeping it.
Normalising: whitespace runs (including the full-width space) become one space, lines are
stripped, empty lines dropped, and pages are separated by a line ``--- page n/total ---``.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from kofu.documents import page_texts

GOLDEN = Path(__file__).resolve().parent / "golden"
_SPACES = re.compile(r"\s+")


def normalise_page(text: str) -> list[str]:
    """Return the non-empty lines of one page's text with whitespace runs collapsed."""
    lines = (_SPACES.sub(" ", line).strip() for line in text.splitlines())
    return [line for line in lines if line]


def normalise(pdf: bytes) -> str:
    """Return the normalised text of every page of ``pdf``."""
    pages = page_texts(pdf)
    out: list[str] = []
    for number, text in enumerate(pages, start=1):
        out.append(f"--- page {number}/{len(pages)} ---")
        out += normalise_page(text)
    return "\n".join(out) + "\n"


def load(case: str) -> str:
    """Return the fixture of ``case``."""
    return (GOLDEN / f"{case}.txt").read_text(encoding="utf-8")


def updating() -> bool:
    """True when fixtures are to be rewritten rather than compared."""
    return os.environ.get("KOFU_UPDATE_GOLDEN") == "1"


def store(case: str, pdf: bytes) -> None:
    """Write the fixture of ``case`` from ``pdf``."""
    GOLDEN.mkdir(exist_ok=True)
    (GOLDEN / f"{case}.txt").write_text(normalise(pdf), encoding="utf-8")


if __name__ == "__main__":
    from documents_cases import CASES

    from kofu.documents import render

    for name, (doc_type, data) in sorted(CASES.items()):
        store(name, render(doc_type, data))
        print("wrote", GOLDEN / f"{name}.txt")
