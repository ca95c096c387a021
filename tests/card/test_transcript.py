"""The APDU transcript of ``vectors/jpki_transcript.json`` against the emulated card."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from kofu.card.applet import JpkiApplet
from kofu.card.state import CardState

from .loaders import VECTORS, load_card, load_transcript

TRANSCRIPT = VECTORS / "jpki_transcript.json"
CARD = VECTORS / "jpki_card.json"


def test_card_vector_loads_with_a_certificate_for_its_key() -> None:
    card = load_card(CARD)
    assert card.auth_pin == "1234"
    assert card.auth_tries_left == 3
    cert = x509.load_der_x509_certificate(card.auth_cert_der)
    assert cert.public_key() == card.public_key()
    assert len(card.auth_cert_der) > 255  # reading it needs several chunks


def test_transcript_loader_parses_every_kind_of_expectation() -> None:
    steps = load_transcript(TRANSCRIPT)
    assert len(steps) > 50
    assert any(s.expect_data for s in steps)
    assert any(s.expect_len for s in steps)
    assert any(s.expect_data is None and s.expect_len is None for s in steps)


def test_transcript_covers_every_error_status_word() -> None:
    sws = {s.expect_sw for s in load_transcript(TRANSCRIPT)}
    wanted = {0x9000, 0x6A82, 0x6986, 0x6982, 0x6700, 0x6A86, 0x6D00, 0x6E00, 0x63C3, 0x63C2, 0x63C1}
    wanted |= {0x63C0, 0x6983, 0x6B00, 0x6981, 0x6A80}
    assert wanted <= sws


@pytest.mark.parametrize(
    "bad",
    [
        {"comment": "x", "apdu": "00", "expect_sw": "9000"},
        {"comment": "x", "apdu": "00", "expect_sw": "90", "expect_data": None},
        {"comment": "x", "apdu": "00", "expect_sw": "9000", "expect_data": 5},
        {"comment": "x", "apdu": "zz", "expect_sw": "9000", "expect_data": None},
    ],
)
def test_transcript_loader_rejects_malformed_steps(tmp_path: Path, bad: dict[str, object]) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps([bad]))
    with pytest.raises(ValueError):
        load_transcript(path)


def test_transcript_runs_against_the_emulator() -> None:
    card = load_card(CARD)
    counters: list[int] = []
    applet = JpkiApplet(card, on_change=lambda s: counters.append(s.auth_tries_left))
    failures = []
    for number, step in enumerate(load_transcript(TRANSCRIPT)):
        problem = step.check(applet.transmit(step.apdu))
        if problem:
            failures.append(f"step {number} ({step.comment}): {problem}")
    assert failures == []
    assert card.auth_tries_left == 0
    assert counters[-1] == 0 and 3 in counters


def test_transcript_signature_verifies_with_the_certificate_key() -> None:
    card: CardState = load_card(CARD)
    step = next(s for s in load_transcript(TRANSCRIPT) if s.comment == "SIGN the challenge DigestInfo")
    assert step.expect_data is not None
    key = x509.load_der_x509_certificate(card.auth_cert_der).public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    key.verify(step.expect_data, b"kofu transcript challenge", padding.PKCS1v15(), hashes.SHA256())
