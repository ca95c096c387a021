"""The card's memory and the on-disk card store."""

from __future__ import annotations

import dataclasses
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from kofu.card import apdu, cardfile
from kofu.card.errors import CardError, CardInUse, CardNotFound, CertificateMismatch, PinFormatError
from kofu.card.state import TOKEN_INFO_VALUE, CardState
from kofu.card.store import CardStore

from .conftest import PIN, issue_test_certificate


def test_generated_card_is_blank_with_a_fresh_key(state: CardState) -> None:
    assert state.auth_tries_left == 3
    assert state.token_info == b"JPKIAPICCTOKEN2" + b" " * 17 == TOKEN_INFO_VALUE
    assert state.public_key().key_size == 2048
    assert state.auth_key_pem.startswith(b"-----BEGIN PRIVATE KEY-----")


@pytest.mark.parametrize("pin", ["123", "12345", "abcd", "１２３４", ""])
def test_pin_format_is_checked_and_never_echoed(pin: str, module_state: CardState) -> None:
    with pytest.raises(PinFormatError) as info:
        dataclasses.replace(module_state, auth_pin=pin)
    assert info.value.code == "card.pin.format"
    assert not pin or pin not in str(info.value)


def test_repr_hides_the_pin_and_key(state: CardState) -> None:
    assert PIN not in repr(state) and "PRIVATE" not in repr(state)


def test_json_round_trip(state: CardState) -> None:
    assert cardfile.loads(cardfile.dumps(state)) == state
    with pytest.raises(CardError):
        cardfile.loads("{}")


def test_save_load_labels_and_file_mode(store: CardStore, state: CardState) -> None:
    assert store.labels() == [state.label]
    assert store.load(state.label) == state
    path = store.directory / f"{state.label}.json"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert [p.name for p in store.directory.iterdir() if p.name.endswith(".tmp")] == []


def test_missing_card_and_bad_label(store: CardStore) -> None:
    with pytest.raises(CardNotFound) as info:
        store.load("nobody")
    assert info.value.code == "card.not_found"
    with pytest.raises(ValueError):
        store.load("../etc/passwd")


def test_pin_counter_is_saved_immediately(store: CardStore, state: CardState) -> None:
    with store.open(state.label) as card:
        card.applet.transmit(apdu.select_ap(apdu.JPKI_AID).to_bytes())
        card.applet.transmit(apdu.select_ef(apdu.AUTH_PIN).to_bytes())
        assert card.applet.transmit(apdu.verify("0000").to_bytes()) == bytes.fromhex("63C2")
        assert store.load(state.label).auth_tries_left == 2  # on disk before the card leaves


def test_one_card_in_one_reader_at_a_time(store: CardStore, state: CardState) -> None:
    with store.open(state.label) as card:
        assert card.label == state.label
        with pytest.raises(CardInUse) as info, store.open(state.label):
            pass
        assert info.value.code == "card.in_use"
    with store.open(state.label):  # released after the block
        pass


def test_lock_holds_across_processes(store: CardStore, state: CardState) -> None:
    script = (
        "import sys; from pathlib import Path; from kofu.card.store import CardStore\n"
        "from kofu.card.errors import CardInUse\n"
        "try:\n"
        "    with CardStore(Path(sys.argv[1])).open(sys.argv[2]): print('opened')\n"
        "except CardInUse: print('in use')\n"
    )
    args = [sys.executable, "-c", script, str(store.directory), state.label]
    with store.open(state.label):
        held = subprocess.run(args, capture_output=True, text=True, check=True, timeout=60)
    free = subprocess.run(args, capture_output=True, text=True, check=True, timeout=60)
    assert (held.stdout.strip(), free.stdout.strip()) == ("in use", "opened")


def test_closing_takes_the_card_out_of_its_readers(store: CardStore, state: CardState) -> None:
    with store.open(state.label) as card:
        reader = card.reader()
        reader.connect()
    assert not reader.card_present()
    with pytest.raises(CardError):
        card.reader()


def test_install_certificate(tmp_path: Path, module_state: CardState) -> None:
    store = CardStore(tmp_path)
    blank = dataclasses.replace(module_state, auth_cert_der=b"", auth_ca_der=b"")
    store.save(blank)
    cert, ca = issue_test_certificate(blank)
    store.install_certificate(blank.label, cert, ca)
    loaded = store.load(blank.label)
    assert (loaded.auth_cert_der, loaded.auth_ca_der) == (cert, ca)


def test_install_certificate_for_another_key_is_refused(store: CardStore, state: CardState) -> None:
    other = CardState.generate("other", "5678")
    cert, ca = issue_test_certificate(other)
    with pytest.raises(CertificateMismatch) as info:
        store.install_certificate(state.label, cert, ca)
    assert info.value.code == "card.certificate.mismatch"
    with pytest.raises(CertificateMismatch):
        store.install_certificate(state.label, b"not DER", ca)


def test_store_directory_is_private(tmp_path: Path) -> None:
    store = CardStore(tmp_path / "new")
    assert stat.S_IMODE(os.stat(store.directory).st_mode) & 0o077 == 0


def test_every_part_of_the_card_survives_the_store(tmp_path: Path, state: CardState) -> None:
    store = CardStore(tmp_path / "every")
    store.save(state)
    loaded = store.load(state.label)
    assert loaded == state
    assert loaded.sign_pin == "KOFU2016" and len(loaded.admin_key) == 32 and loaded.text_attributes


def test_cards_stored_before_the_signing_side_still_load(state: CardState) -> None:
    import json

    doc = json.loads(cardfile.dumps(state))
    for name in ("sign_key_pem", "sign_cert_der", "sign_ca_der", "sign_pin", "sign_tries_left"):
        del doc[name]
    for name in ("text_pin", "text_tries_left", "text_attributes", "admin_key"):
        del doc[name]
    old = cardfile.loads(json.dumps(doc))
    assert (old.sign_pin, old.sign_key_pem, old.admin_key, old.sign_tries_left) == ("", b"", b"", 5)


@pytest.mark.parametrize(
    "changes",
    [
        {"sign_pin": "abcdef"},
        {"sign_pin": "ABC"},
        {"text_pin": "12"},
        {"sign_tries_left": 6},
        {"admin_key": b"x"},
    ],
)
def test_invalid_new_fields_are_rejected(state: CardState, changes: dict[str, object]) -> None:
    with pytest.raises((ValueError, PinFormatError)):
        dataclasses.replace(state, **changes)  # type: ignore[arg-type]


def test_signing_certificate_must_match_the_signing_key(tmp_path: Path, state: CardState) -> None:
    store = CardStore(tmp_path / "sign")
    store.save(state)
    cert, ca = state.auth_cert_der, state.auth_ca_der  # certifies the auth key, not the signing key
    with pytest.raises(CertificateMismatch):
        store.install_certificate(state.label, cert, ca, signing=True)
