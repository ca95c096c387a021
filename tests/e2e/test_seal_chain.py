"""Seal QR through the real chain: every offered document type verifies with `kofu verify`
(PDF and 200-dpi PNG), tampering is caught with its reason, keys rotate and get revoked."""

from __future__ import annotations

import dataclasses
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric import ec

from kofu.card.store import CardStore
from kofu.city.issuer import catalog
from kofu.config import Settings
from kofu.demo import DemoCard
from kofu.kiosk.devices import SimulatedPrinter
from kofu.kiosk.headless import issue_once
from kofu.pki.trust import rotate_seal
from kofu.protocol.errors import KofuError
from kofu.sealcode.code import parse_seal, sign_payload
from kofu.sealcode.verify import codes_in_pdf
from kofu.up import _settings_env
from tests.e2e.helpers import center_link, eligible, journal_of

pytestmark = pytest.mark.e2e


def _issue(settings: Settings, card: DemoCard, doc: str, city: str | None = None) -> bytes:
    printer = SimulatedPrinter()
    center = center_link(settings)
    try:
        issue_once(
            center,
            CardStore(settings.cards_dir),
            card.card,
            card.pin,
            doc,
            {},
            1,
            printer,
            city=city,
            journal=journal_of(settings),
        )
    finally:
        center.close()
    (sheet,) = printer.tray
    return sheet.pdf


def _issue_any(settings: Settings, cards: list[DemoCard], doc: str) -> bytes:
    """The first card (and city) the document is issued for; refusals by rule are tried past."""
    refusals = []
    for card in cards[:8]:
        for city in (None, *settings.cities):
            try:
                return _issue(settings, card, doc, city)
            except KofuError as exc:
                if not exc.code.startswith(("city.", "order.invalid")):
                    raise
                refusals.append(exc.code)
    pytest.fail(f"no demo card got a {doc}: {sorted(set(refusals))}")


def _kofu(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "KOFU_VAR": str(settings.var_dir), **_settings_env(settings)}
    return subprocess.run(
        [sys.executable, "-m", "kofu.cli", *args], capture_output=True, text=True, env=env, timeout=120
    )


def _png(pdf: bytes, path: Path, page: int = 1) -> Path:
    done = subprocess.run(
        ["pdftoppm", "-r", "200", "-png", "-singlefile", "-f", str(page), "-l", str(page), "-"],
        input=pdf,
        capture_output=True,
        check=True,
    )
    path.write_bytes(done.stdout)
    return path


@pytest.mark.parametrize("doc", sorted(catalog.OFFERS))
def test_every_offered_document_verifies_from_pdf_and_png(chain, chain_settings, demo_cards, doc, tmp_path):
    pdf = _issue_any(chain_settings, eligible(demo_cards, "132292"), doc)
    (tmp_path / "doc.pdf").write_bytes(pdf)
    done = _kofu(chain_settings, "verify", str(tmp_path / "doc.pdf"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "VALID valid (seal.valid)" in done.stdout and f"document      {doc}" in done.stdout
    assert "signed content" in done.stdout  # each page's content, as its back code signs it
    for page in (1, 2):  # the front (the city's QR) and the back (the page's signed content)
        scan = _kofu(chain_settings, "verify", str(_png(pdf, tmp_path / f"p{page}.png", page)))
        assert scan.returncode == 0 and "VALID valid" in scan.stdout, scan.stdout + scan.stderr


def test_tampering_is_caught_with_its_own_reason(chain, chain_settings, demo_cards, tmp_path):
    from kofu.documents import render_juminhyo
    from kofu.documents.issue import stamp_code

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "documents"))
    from documents_samples import household

    pdf = _issue(chain_settings, eligible(demo_cards, "132292")[0], "juminhyo")
    code = next(c for c in codes_in_pdf(pdf) if c.startswith("KOFU1:"))  # the front's, not a back part
    parsed = parse_seal(code)
    other_key = ec.generate_private_key(ec.SECP256R1())
    forged_date = dataclasses.replace(parsed.payload, issue_number="00000001")
    cases = {
        # the genuine code over a document with other text (a forger's edited copy)
        "document.modified.text": stamp_code(render_juminhyo(household()), code),
        "seal.signature.invalid": sign_payload(forged_date, other_key, parsed.kid),
        "seal.key.unknown": sign_payload(parsed.payload, other_key, b"\x00" * 8),
        "seal.code.encoding": code[: len(code) // 2],  # truncated
        "seal.code.cose": "KOFU1:"
        + __import__("base45").b45encode(__import__("zlib").compress(b"junk")).decode(),
        "seal.code.prefix": "KOFU2:" + code[6:],
    }
    for reason, forged in cases.items():
        path = tmp_path / (reason + (".pdf" if isinstance(forged, bytes) else ".txt"))
        path.write_bytes(forged if isinstance(forged, bytes) else forged.encode())
        done = _kofu(chain_settings, "verify", str(path))
        assert done.returncode == 1, (reason, done.stdout, done.stderr)
        assert f"({reason})" in done.stdout, (reason, done.stdout)


def test_rotation_keeps_old_documents_and_revocation_fails_them(chain, chain_settings, demo_cards, tmp_path):
    city = "132292"
    card = eligible(demo_cards, "132292")[2]
    before = tmp_path / "before.pdf"
    before.write_bytes(_issue(chain_settings, card, "juminhyo"))
    old_kid, new_kid = rotate_seal(chain_settings.pki, city)
    after = tmp_path / "after.pdf"
    after.write_bytes(_issue(chain_settings, card, "juminhyo"))  # the kiosk refetches the list
    fronts = [c for c in codes_in_pdf(after.read_bytes()) if c.startswith("KOFU1:")]
    assert parse_seal(fronts[0]).kid.hex() == new_kid
    for path in (before, after):
        assert _kofu(chain_settings, "verify", str(path)).returncode == 0
    done = _kofu(chain_settings, "pki", "revoke-seal", city, old_kid)
    assert done.returncode == 0, done.stderr
    revoked = _kofu(chain_settings, "verify", str(before))
    assert revoked.returncode == 1 and "(seal.key.revoked)" in revoked.stdout
    assert _kofu(chain_settings, "verify", str(after)).returncode == 0
