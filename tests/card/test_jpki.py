"""The kiosk-side JPKI driver, through an emulated reader."""

from __future__ import annotations

import hashlib

import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding

from kofu.card.errors import CardError, PinBlocked, PinFormatError, PinWrong
from kofu.card.jpki import JpkiDriver, der_total_length
from kofu.card.reader import EmulatedReader
from kofu.card.state import CardState
from kofu.card.store import CardStore

from .conftest import PIN


@pytest.fixture
def driver(reader: EmulatedReader) -> JpkiDriver:
    """A driver with the JPKI AP selected."""
    driver = JpkiDriver(reader)
    driver.select_jpki()
    return driver


class RecordingReader:
    """Wraps a reader and records every command APDU."""

    def __init__(self, inner: EmulatedReader) -> None:
        self.inner = inner
        self.name = inner.name
        self.sent: list[bytes] = []

    def connect(self) -> bytes:
        return self.inner.connect()

    def transmit(self, apdu: bytes) -> bytes:
        self.sent.append(apdu)
        return self.inner.transmit(apdu)

    def disconnect(self) -> None:
        self.inner.disconnect()

    def card_present(self) -> bool:
        return self.inner.card_present()


def test_read_certificates_in_chunks(reader: EmulatedReader, state: CardState) -> None:
    recorder = RecordingReader(reader)
    driver = JpkiDriver(recorder)
    driver.select_jpki()
    assert len(state.auth_cert_der) > 255
    assert driver.read_auth_certificate() == state.auth_cert_der
    reads = [c for c in recorder.sent if c[1] == 0xB0]
    assert reads[0] == bytes.fromhex("00B0000004")
    assert len(reads) >= 3 and all(0 < c[4] <= 255 for c in reads)
    assert driver.read_auth_ca_certificate() == state.auth_ca_der
    assert driver.read_token_info() == state.token_info


def test_authenticate_signs_the_challenge(reader: EmulatedReader, state: CardState) -> None:
    recorder = RecordingReader(reader)
    certificate, signature = JpkiDriver(recorder).authenticate(PIN, b"challenge-123")
    assert certificate == state.auth_cert_der
    state.public_key().verify(signature, b"challenge-123", padding.PKCS1v15(), hashes.SHA256())
    flow = [
        c[:4].hex().upper() + (c[5:7].hex().upper() if c[1] == 0xA4 and c[2] == 2 else "")
        for c in recorder.sent
    ]
    selects_and_ops = [f for f in flow if not f.startswith("00B0")]
    assert selects_and_ops == [
        "00A4040C",
        "00A4020C000A",
        "00A4020C0018",
        "00200080",
        "00A4020C0017",
        "802A0080",
    ]


def test_sign_verifies_with_the_public_key(driver: JpkiDriver, state: CardState) -> None:
    digest = hashlib.sha256(b"data").digest()
    driver.verify_auth_pin(PIN)
    state.public_key().verify(driver.sign(digest), b"data", padding.PKCS1v15(), hashes.SHA256())


def test_three_wrong_pins_block(driver: JpkiDriver) -> None:
    assert driver.auth_pin_tries_left() == 3
    with pytest.raises(PinWrong) as first:
        driver.verify_auth_pin("0000")
    with pytest.raises(PinWrong) as second:
        driver.verify_auth_pin("1111")
    with pytest.raises(PinBlocked) as third:
        driver.verify_auth_pin("2222")
    assert (first.value.tries_left, second.value.tries_left) == (2, 1)
    assert (first.value.code, third.value.code) == ("card.pin.wrong", "card.pin.blocked")
    assert driver.auth_pin_tries_left() == 0
    with pytest.raises(PinBlocked):
        driver.verify_auth_pin(PIN)  # 69 83: the right PIN no longer helps
    assert PIN not in str(third.value)


def test_blocked_survives_a_store_reload(store: CardStore, state: CardState) -> None:
    with store.open(state.label) as card:
        reader = card.reader()
        reader.connect()
        driver = JpkiDriver(reader)
        driver.select_jpki()
        for wrong in ("0000", "1111", "2222"):
            with pytest.raises((PinWrong, PinBlocked)):
                driver.verify_auth_pin(wrong)
    assert store.load(state.label).auth_tries_left == 0
    with store.open(state.label) as card:
        reader = card.reader()
        reader.connect()
        driver = JpkiDriver(reader)
        with pytest.raises(PinBlocked):
            driver.authenticate(PIN, b"challenge")
        assert driver.auth_pin_tries_left() == 0


@pytest.mark.parametrize("pin", ["123", "12345", "12a4", "１２３４", " 1234"])
def test_bad_pin_format_is_refused_before_the_card(reader: EmulatedReader, pin: str) -> None:
    recorder = RecordingReader(reader)
    driver = JpkiDriver(recorder)
    with pytest.raises(PinFormatError):
        driver.verify_auth_pin(pin)
    with pytest.raises(PinFormatError):
        driver.authenticate(pin, b"challenge")
    assert recorder.sent == []


def test_power_off_clears_verification(reader: EmulatedReader, driver: JpkiDriver) -> None:
    driver.verify_auth_pin(PIN)
    reader.disconnect()
    reader.connect()
    driver.select_jpki()
    with pytest.raises(CardError) as info:
        driver.sign(bytes(32))
    assert info.value.sw == 0x6982 and info.value.code == "card.error"


def test_sign_needs_a_sha256_digest(driver: JpkiDriver) -> None:
    with pytest.raises(ValueError):
        driver.sign(b"short")


def test_unexpected_status_word_is_a_card_error(reader: EmulatedReader) -> None:
    driver = JpkiDriver(reader)
    with pytest.raises(CardError) as info:
        driver.read_auth_certificate()  # AP not selected: SELECT EF → 6A 82
    assert info.value.sw == 0x6A82


def test_der_total_length() -> None:
    assert der_total_length(bytes.fromhex("3003")) == 5
    assert der_total_length(bytes.fromhex("308181")) == 132
    assert der_total_length(bytes.fromhex("30820300")) == 4 + 0x300
    for bad in ("3183", "FFFF", "30", "3083010000"):
        with pytest.raises(CardError):
            der_total_length(bytes.fromhex(bad))
