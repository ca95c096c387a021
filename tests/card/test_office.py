"""The city office driver: identify a card, read its attributes, unblock with the admin key."""

from __future__ import annotations

import contextlib

import pytest
from cryptography import x509

from kofu.card import apdu
from kofu.card.applet import JpkiApplet
from kofu.card.errors import AdminRejected, PinBlocked, PinFormatError, PinWrong
from kofu.card.jpki import JpkiDriver
from kofu.card.office import OfficeDriver
from kofu.card.reader import EmulatedReader
from kofu.card.state import CardState

from .conftest import PIN, SIGN_PIN, TEXT_PIN


def block(driver: JpkiDriver) -> None:
    driver.select_jpki()
    for _ in range(3):
        with contextlib.suppress(PinWrong, PinBlocked):
            driver.verify_auth_pin("0000")
    assert driver.auth_pin_tries_left() == 0


def test_card_serial_is_the_certificate_serial(reader: EmulatedReader, state: CardState) -> None:
    serial = OfficeDriver(reader).card_serial()
    assert serial == format(x509.load_der_x509_certificate(state.auth_cert_der).serial_number, "X")


def test_unblock_with_the_admin_key_sets_the_new_pin(reader: EmulatedReader, state: CardState) -> None:
    driver = OfficeDriver(reader)
    block(driver)
    driver.reset_pin("auth", state.admin_key, "8642")
    assert driver.pin_tries_left("auth") == 3
    driver.select_jpki()
    driver.verify_auth_pin("8642")
    assert state.auth_pin == "8642"


def test_a_wrong_admin_key_is_refused_by_the_card(reader: EmulatedReader, state: CardState) -> None:
    driver = OfficeDriver(reader)
    block(driver)
    with pytest.raises(AdminRejected) as info:
        driver.reset_pin("auth", bytes(32), "8642")
    assert info.value.code == "card.admin.rejected" and info.value.sw == 0x6300
    assert state.auth_tries_left == 0 and state.auth_pin == PIN


def test_a_kiosk_cannot_unblock(reader: EmulatedReader, state: CardState) -> None:
    """The kiosk driver has no unblocking at all, and the raw APDUs are refused by the card."""
    driver = JpkiDriver(reader)
    block(driver)
    assert not hasattr(driver, "reset_pin")
    for command in (
        apdu.reset_retry_counter(None),
        apdu.reset_retry_counter("1111"),
        apdu.change_reference_data("1111"),
    ):
        response = apdu.ResponseAPDU.parse(reader.transmit(command.to_bytes()))
        assert response.sw == 0x6982
    assert state.auth_tries_left == 0


def test_sign_and_text_pins_reset_independently(reader: EmulatedReader, state: CardState) -> None:
    driver = OfficeDriver(reader)
    assert driver.pin_tries_left("sign") == 5 and driver.pin_tries_left("text") == 3
    driver.reset_pin("sign", state.admin_key, "NEWPIN77")
    driver.reset_pin("text", state.admin_key, "1357")
    assert (state.sign_pin, state.text_pin, state.auth_pin) == ("NEWPIN77", "1357", PIN)
    with pytest.raises(PinFormatError):
        driver.reset_pin("sign", state.admin_key, "short")
    assert state.sign_pin != SIGN_PIN


def test_read_attributes_needs_the_text_pin(reader: EmulatedReader) -> None:
    driver = OfficeDriver(reader)
    with pytest.raises(PinWrong) as wrong:
        driver.read_attributes("0000")
    assert wrong.value.tries_left == 2
    attributes = driver.read_attributes(TEXT_PIN)
    assert attributes.name == "試験\u3000太郎" and attributes.sex == "1"


def test_card_without_admin_key_cannot_be_unblocked(state: CardState) -> None:
    state.admin_key = b""
    reader = EmulatedReader(JpkiApplet(state))
    reader.connect()
    driver = OfficeDriver(reader)
    with pytest.raises(Exception) as info:
        driver.reset_pin("auth", bytes(32), "1111")
    assert getattr(info.value, "sw", None) == 0x6984
