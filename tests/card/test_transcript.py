"""The APDU transcripts of ``vectors/*_transcript.json`` against the emulated card."""

from __future__ import annotations

import ast
import dataclasses
import importlib
import inspect
import json
import pkgutil
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa

import kofu.card
from kofu.card import apdu, applet
from kofu.card.applet import JpkiApplet
from kofu.card.filesystem import APPLICATIONS
from kofu.card.state import CardState

from .loaders import VECTORS, load_card, load_transcript
from .vectors.generate import challenge_source

TRANSCRIPT = VECTORS / "jpki_transcript.json"
CARD = VECTORS / "jpki_card.json"
TRANSCRIPTS = sorted(path.name for path in VECTORS.glob("*_transcript.json"))


class Storage:
    """The card's memory behind ``on_change``: the first ``writes`` writes succeed, then every
    write fails (``None``: no limit). ``saved`` holds a copy of the card at each successful write."""

    def __init__(self, writes: int | None) -> None:
        self.writes = writes
        self.saved: list[CardState] = []
        self.failed = 0

    def __call__(self, state: CardState) -> None:
        if self.writes is not None and len(self.saved) >= self.writes:
            self.failed += 1
            raise OSError("card memory write failed")
        self.saved.append(dataclasses.replace(state))


def run_transcript(name: str) -> tuple[CardState, Storage, list[str]]:
    """Run one transcript against a fresh copy of its card vector; (card afterwards, its memory, failures)."""
    transcript = load_transcript(VECTORS / name)
    card = load_card(VECTORS / transcript.card)
    storage = Storage(transcript.storage_writes)
    card_applet = JpkiApplet(card, on_change=storage, random_bytes=challenge_source())
    failures = []
    for number, step in enumerate(transcript.steps):
        problem = step.check(card_applet.transmit(step.apdu))
        if problem:
            failures.append(f"{name} step {number} ({step.comment}): {problem}")
    return card, storage, failures


def card_status_words() -> set[int]:
    """Every status word the card package names: each ``SW_*`` constant of every ``kofu.card``
    module, with the ``63 Cx`` family spelled out for as many tries as a PIN of the card has."""
    words: set[int] = set()
    for info in pkgutil.iter_modules(kofu.card.__path__, "kofu.card."):
        module = importlib.import_module(info.name)
        words |= {v for n, v in vars(module).items() if n.startswith("SW_") and isinstance(v, int)}
    words.discard(apdu.SW_TRIES_LEFT_BASE)
    most_tries = max(slot.max_tries for ap in APPLICATIONS.values() for slot in ap.pins.values())
    return words | {apdu.sw_tries_left(n) for n in range(most_tries + 1)}


def _named_status_word(node: ast.expr) -> bool:
    """True if ``node`` is an ``SW_*`` name, ``sw_tries_left(...)`` or a choice between such."""
    if isinstance(node, ast.IfExp):
        return _named_status_word(node.body) and _named_status_word(node.orelse)
    if isinstance(node, ast.Call):
        return isinstance(node.func, ast.Name) and node.func.id == "sw_tries_left"
    return isinstance(node, ast.Name) and node.id.startswith("SW_")


def test_every_transcript_is_found_and_runs_against_its_own_card() -> None:
    assert {
        "jpki_transcript.json",
        "sign_transcript.json",
        "text_transcript.json",
        "admin_transcript.json",
        "blank_transcript.json",
        "storage_transcript.json",
        "damaged_transcript.json",
    } <= set(TRANSCRIPTS)
    cards = {name: load_transcript(VECTORS / name).card for name in TRANSCRIPTS}
    assert cards["blank_transcript.json"] == "blank_card.json"
    assert cards["damaged_transcript.json"] == "damaged_card.json"
    assert load_transcript(VECTORS / "storage_transcript.json").storage_writes == 1
    assert all((VECTORS / card).is_file() for card in cards.values())


def test_card_vector_loads_with_a_certificate_for_its_key() -> None:
    card = load_card(CARD)
    assert card.auth_pin == "1234"
    assert card.auth_tries_left == 3
    cert = x509.load_der_x509_certificate(card.auth_cert_der)
    assert cert.public_key() == card.public_key()
    assert len(card.auth_cert_der) > 255  # reading it needs several chunks


def test_transcript_loader_parses_every_kind_of_expectation() -> None:
    transcript = load_transcript(TRANSCRIPT)
    steps = transcript.steps
    assert (transcript.card, transcript.storage_writes) == ("jpki_card.json", None)
    assert len(steps) > 50
    assert any(s.expect_data for s in steps)
    assert any(s.expect_len for s in steps)
    assert any(s.expect_data is None and s.expect_len is None for s in steps)


def test_the_card_package_names_every_status_word_the_applet_answers() -> None:
    tree = ast.parse(inspect.getsource(applet))
    calls = [n for n in ast.walk(tree) if isinstance(n, ast.Call)]
    answers = [c for c in calls if isinstance(c.func, ast.Name) and c.func.id == "_sw"]
    assert len(answers) > 40
    unnamed = [ast.unparse(c) for c in answers if not c.args or not _named_status_word(c.args[0])]
    assert unnamed == []
    built = [ast.unparse(c) for c in calls if isinstance(c.func, ast.Attribute) and c.func.attr == "from_sw"]
    assert built == ["ResponseAPDU.from_sw(sw, data)"]  # only inside _sw


def test_transcripts_cover_every_error_status_word() -> None:
    wanted = card_status_words()
    # the derivation itself: each constant of kofu.card.apdu, and 63 C0 … 63 C5 (signing PIN)
    assert {apdu.SW_REF_DATA_NOT_USABLE, apdu.SW_MEMORY_FAILURE, apdu.SW_UNKNOWN_ERROR} <= wanted
    assert {0x63C0, 0x63C5} <= wanted and 0x63C6 not in wanted and apdu.SW_OK in wanted
    seen = {s.expect_sw for name in TRANSCRIPTS for s in load_transcript(VECTORS / name).steps}
    assert sorted(f"{sw:04X}" for sw in wanted - seen) == []


def test_transcripts_expect_only_status_words_the_card_names() -> None:
    wanted = card_status_words()
    strange = {
        f"{name}: {s.comment} → {s.expect_sw:04X}"
        for name in TRANSCRIPTS
        for s in load_transcript(VECTORS / name).steps
        if s.expect_sw not in wanted
    }
    assert strange == set()


def test_card_vector_holds_every_part_of_the_card() -> None:
    card = load_card(CARD)
    assert card.sign_pin == "KOFU2016" and card.sign_tries_left == 5
    assert card.text_pin == "5678" and len(card.admin_key) == 32
    sign_cert = x509.load_der_x509_certificate(card.sign_cert_der)
    assert sign_cert.public_key() == card.sign_public_key()
    assert card.text_attributes.startswith(b"\xff\x20")


def test_blank_and_damaged_cards_lack_what_their_transcripts_need() -> None:
    blank = load_card(VECTORS / "blank_card.json")
    assert (blank.auth_key_pem, blank.auth_cert_der, blank.sign_key_pem) == (b"", b"", b"")
    assert (blank.sign_pin, blank.text_pin, blank.admin_key) == ("", "", b"")
    damaged = load_card(VECTORS / "damaged_card.json")
    with pytest.raises(ValueError):
        damaged.sign_private_key()
    assert damaged.public_key() == load_card(CARD).public_key()


@pytest.mark.parametrize("name", TRANSCRIPTS)
def test_transcripts_run_against_the_emulator(name: str) -> None:
    card, storage, failures = run_transcript(name)
    assert failures == []
    written = [s.auth_tries_left for s in storage.saved]
    if name == "jpki_transcript.json":
        assert card.auth_tries_left == 0
        assert written[-1] == 0 and 3 in written
    if name == "sign_transcript.json":
        assert card.sign_tries_left == 0 and card.auth_tries_left == 3
    if name == "text_transcript.json":
        assert card.text_tries_left == 0 and card.text_pin == "5678"
    if name == "admin_transcript.json":
        assert (card.auth_pin, card.auth_tries_left, card.sign_pin) == ("2468", 3, "NEWSIGN1")
    if name == "blank_transcript.json":
        assert written == [2, 3] and storage.failed == 0  # only the auth PIN was ever verified
    if name == "storage_transcript.json":
        # the one write that succeeded is the try taken before comparing the right PIN
        assert written == [2] and storage.failed == 5
        assert (storage.saved[0].auth_pin, storage.saved[0].sign_pin) == ("1234", "KOFU2016")
    if name == "damaged_transcript.json":
        assert (card.sign_tries_left, card.auth_tries_left) == (5, 3) and storage.failed == 0


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
    path.write_text(json.dumps({"card": "jpki_card.json", "storage_writes": None, "steps": [bad]}))
    with pytest.raises(ValueError):
        load_transcript(path)


@pytest.mark.parametrize(
    "bad",
    [
        [],
        {"card": "jpki_card.json", "steps": []},
        {"card": "../jpki_card.json", "storage_writes": None, "steps": []},
        {"card": "jpki_card.json", "storage_writes": -1, "steps": []},
        {"card": "jpki_card.json", "storage_writes": True, "steps": []},
        {"card": "jpki_card.json", "storage_writes": None, "steps": {}},
        {"card": "jpki_card.json", "storage_writes": None, "steps": [], "extra": 1},
    ],
)
def test_transcript_loader_rejects_malformed_transcripts(tmp_path: Path, bad: object) -> None:
    path = tmp_path / "t.json"
    path.write_text(json.dumps(bad))
    with pytest.raises(ValueError):
        load_transcript(path)


def test_transcript_signature_verifies_with_the_certificate_key() -> None:
    card: CardState = load_card(CARD)
    steps = load_transcript(TRANSCRIPT).steps
    step = next(s for s in steps if s.comment == "SIGN the challenge DigestInfo")
    assert step.expect_data is not None
    key = x509.load_der_x509_certificate(card.auth_cert_der).public_key()
    assert isinstance(key, rsa.RSAPublicKey)
    key.verify(step.expect_data, b"kofu transcript challenge", padding.PKCS1v15(), hashes.SHA256())
