"""The city office's side of a card: identify it, read its text attributes, unblock and reset PINs.

Only a terminal holding the card's administration key (from the city's card records) can reset a
PIN: it answers the card's GET CHALLENGE with EXTERNAL AUTHENTICATE and then sends RESET RETRY
COUNTER (see :mod:`kofu.card.admin`). Everything goes through a :class:`~kofu.card.reader.Reader`,
so the same code works with the emulated reader, a PC/SC reader and the vpcd virtual card.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from cryptography import x509

from kofu.card import apdu
from kofu.card.admin import admin_mac
from kofu.card.apdu import SW_AUTH_FAILED, SW_OK
from kofu.card.attributes import CardAttributes, decode_attributes, total_length
from kofu.card.errors import AdminRejected, CardError, PinFormatError
from kofu.card.jpki import JpkiDriver, tries_from_query
from kofu.card.state import is_auth_pin_format, is_sign_pin_format

PinKind = Literal["auth", "sign", "text"]
PIN_KINDS: tuple[PinKind, ...] = ("auth", "sign", "text")


@dataclass(frozen=True)
class _PinRef:
    aid: bytes
    fid: bytes
    valid: Callable[[str], bool]
    rule: str


_PINS: dict[str, _PinRef] = {
    "auth": _PinRef(apdu.JPKI_AID, apdu.AUTH_PIN, is_auth_pin_format, "4 digits"),
    "sign": _PinRef(apdu.JPKI_AID, apdu.SIGN_PIN, is_sign_pin_format, "6-16 upper-case letters and digits"),
    "text": _PinRef(apdu.TEXT_AP_AID, apdu.TEXT_PIN, is_auth_pin_format, "4 digits"),
}


def check_pin_format(kind: PinKind, pin: str) -> None:
    """Raise :class:`PinFormatError` (never echoing the PIN) unless ``pin`` suits that PIN."""
    ref = _PINS[kind]
    if not ref.valid(pin):
        raise PinFormatError(f"the {kind} PIN must be {ref.rule}")


class OfficeDriver(JpkiDriver):
    """A city office terminal talking to the card in ``reader`` (already connected)."""

    def card_serial(self) -> str:
        """The auth certificate's serial (upper-case hex): how the city's records know the card."""
        self.select_jpki()
        der = self.read_auth_certificate()
        try:
            return format(x509.load_der_x509_certificate(der).serial_number, "X")
        except ValueError as exc:
            raise CardError("the card's certificate is not DER") from exc

    def pin_tries_left(self, kind: PinKind) -> int:
        """Tries left of one PIN (0 when blocked); costs no try."""
        ref = _PINS[kind]
        self._expect_ok(apdu.select_ap(ref.aid), "SELECT AP")
        self._select_ef(ref.fid)
        return tries_from_query(self._exchange(apdu.verify(None)).sw)

    def authenticate_admin(self, admin_key: bytes) -> None:
        """GET CHALLENGE + EXTERNAL AUTHENTICATE with the administration key (in the selected AP)."""
        challenge = self._expect_ok(apdu.get_challenge(), "GET CHALLENGE")
        response = self._exchange(apdu.external_authenticate(admin_mac(admin_key, challenge)))
        if response.sw == SW_AUTH_FAILED:
            raise AdminRejected("the card refused the administration key", sw=response.sw)
        if response.sw != SW_OK:
            raise CardError("EXTERNAL AUTHENTICATE failed", sw=response.sw)

    def reset_pin(self, kind: PinKind, admin_key: bytes, new_pin: str) -> None:
        """Unblock one PIN and set ``new_pin`` (full tries again)."""
        check_pin_format(kind, new_pin)
        ref = _PINS[kind]
        self._expect_ok(apdu.select_ap(ref.aid), "SELECT AP")
        self.authenticate_admin(admin_key)
        self._select_ef(ref.fid)
        self._expect_ok(apdu.reset_retry_counter(new_pin), "RESET RETRY COUNTER")

    def read_attributes(self, text_pin: str) -> CardAttributes:
        """The four attributes of the text AP (needs its PIN)."""
        check_pin_format("text", text_pin)
        self._expect_ok(apdu.select_ap(apdu.TEXT_AP_AID), "SELECT text AP")
        self._verify(apdu.TEXT_PIN, text_pin, "text PIN")
        self._select_ef(apdu.TEXT_ATTRIBUTES)
        data = self._expect_ok(apdu.read_binary(0, 7), "READ BINARY attributes header")
        return decode_attributes(self._read_rest(data, total_length(data), "attributes"))
