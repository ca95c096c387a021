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
from .vectors.generate import challenge_source

TRANSCRIPT = VECTORS / "jpki_transcript.json"
CARD = VECTORS / "jpki_card.json"
TRANSCRIPTS = [
    "jpki_transcript.json",
    "sign_transcript.json",
    "text_transcript.json",
    "admin_transcript.json",
]


def run_transcript(name: str) -> tuple[CardState, list[str]]:
    """Run one transcript against a fresh copy of the card vector; (card afterwards, failures)."""
    card = load_card(CARD)
    applet = JpkiApplet(card, on_change=lambda s: None, random_bytes=challenge_source())  # type: ignore[arg-type]
    failures = []
    for number, step in enumerate(load_transcript(VECTORS / name)):
        problem = step.check(applet.transmit(step.apdu))
        if problem:
            failures.append(f"{name} step {number} ({step.comment}): {problem}")
    return card, failures


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


def test_transcripts_cover_every_error_status_word() -> None:
    sws = {s.expect_sw for name in TRANSCRIPTS for s in load_transcript(VECTORS / name)}
    wanted = {0x9000, 0x6A82, 0x6986, 0x6982, 0x6700, 0x6A86, 0x6D00, 0x6E00, 0x63C3, 0x63C2, 0x63C1}
    wanted |= {0x63C0, 0x6983, 0x6B00, 0x6981, 0x6A80, 0x63C5, 0x63C4, 0x6300, 0x6985}
    assert wanted <= sws


def test_card_vector_holds_every_part_of_the_card() -> None:
    card = load_card(CARD)
    assert card.sign_pin == "KOFU2016" and card.sign_tries_left == 5
    assert card.text_pin == "5678" and len(card.admin_key) == 32
    sign_cert = x509.load_der_x509_certificate(card.sign_cert_der)
    assert sign_cert.public_key() == card.sign_public_key()
    assert card.text_attributes.startswith(b"\xff\x20")


@pytest.mark.parametrize("name", TRANSCRIPTS[1:])
def test_other_transcripts_run_against_the_emulator(name: str) -> None:
    card, failures = run_transcript(name)
    assert failures == []
    if name == "sign_transcript.json":
        assert card.sign_tries_left == 0 and card.auth_tries_left == 3
    if name == "text_transcript.json":
        assert card.text_tries_left == 0 and card.text_pin == "5678"
    if name == "admin_transcript.json":
        assert (card.auth_pin, card.auth_tries_left, card.sign_pin) == ("2468", 3, "NEWSIGN1")


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
