"""The reader seam: one small interface that the emulated, PC/SC and vpcd readers implement.

A reader moves bytes only; :mod:`kofu.card.jpki` knows what they mean.
"""

from __future__ import annotations

import functools
import logging
from typing import Protocol

from kofu.card.applet import JpkiApplet
from kofu.card.errors import CardError, CardRemoved

logger = logging.getLogger(__name__)


def _atr(historical: bytes) -> bytes:
    """A T=1 ATR carrying ``historical`` bytes, with its check byte TCK."""
    body = bytes((0x80 | len(historical), 0x80, 0x01)) + historical  # T0, TD1 (T=1), TD2 (T=1)
    tck = 0
    for byte in body:
        tck ^= byte
    return b"\x3b" + body + bytes((tck,))


EMULATOR_ATR = _atr(b"KOFU-EMU")


@functools.cache
def _say_emulated(name: str) -> None:
    """Warn once per process and reader name (a bench opens hundreds of emulated readers)."""
    logger.warning("%s: software card emulator in use, not a real My Number Card", name)


class Reader(Protocol):
    """A card reader slot. ``connect`` powers the card on; ``disconnect`` powers it off."""

    name: str

    def connect(self) -> bytes:
        """Power the card on and return its ATR; raise :class:`CardRemoved` if there is none."""
        ...

    def transmit(self, apdu: bytes) -> bytes:
        """Send one command APDU, return the response APDU (data + SW1 SW2)."""
        ...

    def disconnect(self) -> None:
        """Power the card off (it forgets its selection and PIN verification)."""
        ...

    def card_present(self) -> bool:
        """True if a card is in the slot."""
        ...


class EmulatedReader:
    """An in-process reader holding an emulated card (:class:`JpkiApplet`).

    THIS IS AN EMULATOR, not a real card reader: no My Number Card is involved.
    """

    def __init__(self, applet: JpkiApplet | None, name: str = "kofu emulated reader (EMULATOR)") -> None:
        """Make a reader with ``applet`` in its slot (``None``: empty slot)."""
        self.name = name
        self._applet = applet
        self._connected = False
        _say_emulated(name)

    def insert_card(self, applet: JpkiApplet) -> None:
        """Put an emulated card in the slot (powered off)."""
        self.remove_card()
        self._applet = applet

    def remove_card(self) -> None:
        """Take the card out: it loses power, and later exchanges raise :class:`CardRemoved`."""
        if self._applet is not None:
            self._applet.power_off()
        self._applet = None
        self._connected = False

    def card_present(self) -> bool:
        """True if a card is in the slot."""
        return self._applet is not None

    def connect(self) -> bytes:
        """Power the card on (a cold reset) and return the emulator's ATR."""
        if self._applet is None:
            raise CardRemoved("no card in the reader")
        self._applet.reset()
        self._connected = True
        return EMULATOR_ATR

    def transmit(self, apdu: bytes) -> bytes:
        """Send one command APDU to the emulated card and return its response."""
        if self._applet is None:
            raise CardRemoved("no card in the reader")
        if not self._connected:
            raise CardError("reader not connected: call connect() first")
        return self._applet.transmit(apdu)

    def disconnect(self) -> None:
        """Power the card off; it stays in the slot."""
        if self._applet is not None:
            self._applet.power_off()
        self._connected = False
