"""The emulated reader and the Reader protocol."""

from __future__ import annotations

import pytest

from kofu.card import apdu
from kofu.card.applet import JpkiApplet
from kofu.card.errors import CardError, CardRemoved
from kofu.card.reader import EMULATOR_ATR, EmulatedReader, Reader


def test_emulated_reader_is_a_reader_and_says_it_is_an_emulator(applet: JpkiApplet) -> None:
    reader: Reader = EmulatedReader(applet)
    assert "EMULATOR" in reader.name.upper()
    assert "emulator" in (EmulatedReader.__doc__ or "").lower()


def test_connect_returns_a_well_formed_atr(applet: JpkiApplet) -> None:
    atr = EmulatedReader(applet).connect()
    assert atr == EMULATOR_ATR and atr[0] == 0x3B
    check = 0
    for byte in atr[1:]:
        check ^= byte
    assert check == 0  # TCK


def test_transmit_needs_connect_and_a_card(applet: JpkiApplet) -> None:
    reader = EmulatedReader(applet)
    with pytest.raises(CardError):
        reader.transmit(apdu.select_ap(apdu.JPKI_AID).to_bytes())
    reader.connect()
    assert reader.transmit(apdu.select_ap(apdu.JPKI_AID).to_bytes()) == b"\x90\x00"
    reader.remove_card()
    assert not reader.card_present()
    with pytest.raises(CardRemoved) as info:
        reader.transmit(b"\x00\x20\x00\x80")
    assert info.value.code == "card.removed"
    with pytest.raises(CardRemoved):
        reader.connect()


def test_disconnect_powers_the_card_off(reader: EmulatedReader, applet: JpkiApplet) -> None:
    reader.transmit(apdu.select_ap(apdu.JPKI_AID).to_bytes())
    reader.transmit(apdu.select_ef(apdu.AUTH_PIN).to_bytes())
    reader.transmit(apdu.verify("1234").to_bytes())
    assert applet.pin_verified
    reader.disconnect()
    assert not applet.pin_verified and reader.card_present()


def test_insert_card(applet: JpkiApplet) -> None:
    reader = EmulatedReader(None)
    assert not reader.card_present()
    reader.insert_card(applet)
    reader.connect()
    assert reader.transmit(apdu.select_ap(apdu.JPKI_AID).to_bytes()) == b"\x90\x00"
