"""Writes every golden case as PDF and PNG (pdftoppm -r 100) to test-artifacts/documents/ for
people to look at, plus a few extra juminhyo samples."""

import shutil
import subprocess
from pathlib import Path

import pytest
from documents_cases import CASES
from documents_samples import FAMILY, household, large_household

from kofu.documents import render

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"

SAMPLES = {
    **CASES,
    "juminhyo-selected-no-zokugara-no-honseki": (
        "juminhyo",
        household(FAMILY[1:3], whole_household=False, zokugara=False, honseki=False),
    ),
    "juminhyo-twelve-members": ("juminhyo", large_household(12)),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_write_sample_renders(name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob(f"{name}-*.png"):
        old.unlink()  # a render that lost a page must not leave the old page behind
    doc_type, data = SAMPLES[name]
    pdf_path = ARTIFACTS / f"{name}.pdf"
    pdf_path.write_bytes(render(doc_type, data))
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) not installed; PDF written without PNG")
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(pdf_path), str(ARTIFACTS / name)], check=True)
    assert list(ARTIFACTS.glob(f"{name}-*.png"))
