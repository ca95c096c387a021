"""Writes sample PDFs and PNG renders to test-artifacts/documents/ for people to look at."""

import shutil
import subprocess
from pathlib import Path

import pytest
from documents_samples import FAMILY, SETAINUSHI, household, large_household

from kofu.documents import render_juminhyo

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "documents"

SAMPLES = {
    "juminhyo-one-person": household((SETAINUSHI,)),
    "juminhyo-household": household(FAMILY),
    "juminhyo-selected-no-zokugara-no-honseki": household(
        FAMILY[1:3], whole_household=False, zokugara=False, honseki=False
    ),
    "juminhyo-twelve-members": large_household(12),
}


@pytest.mark.parametrize("name", sorted(SAMPLES))
def test_write_sample_renders(name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    pdf_path = ARTIFACTS / f"{name}.pdf"
    pdf_path.write_bytes(render_juminhyo(SAMPLES[name]))
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) not installed; PDF written without PNG")
    subprocess.run(["pdftoppm", "-r", "100", "-png", str(pdf_path), str(ARTIFACTS / name)], check=True)
    assert list(ARTIFACTS.glob(f"{name}*.png"))
