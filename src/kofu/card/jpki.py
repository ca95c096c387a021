"""The kiosk side of the card: JPKI user authentication, spoken only in APDUs through a Reader.

The auth flow of ``DOMAIN.md``: SELECT AP → READ ``000A`` → SELECT ``0018`` → VERIFY →
SELECT ``0017`` → COMPUTE DIGITAL SIGNATURE over the challenge's SHA-256 DigestInfo.
Every unexpected status word raises :class:`CardError` carrying it in ``sw``.
"""

from __future__ import annotations

import hashlib

from kofu.card import apdu
from kofu.card.apdu import SW_AUTH_BLOCKED, SW_OK, CommandAPDU, ResponseAPDU, tries_left_from_sw
from kofu.card.errors import ApduFormatError, CardError, PinBlocked, PinFormatError, PinWrong
from kofu.card.reader import Reader
from kofu.card.state import is_auth_pin_format

READ_CHUNK = 0xFF  # ≤ 255 so Le is never the ambiguous 00
_DER_HEADER = 4  # tag + up to 3 length bytes: enough for any certificate up to 64 KiB


def der_total_length(header: bytes) -> int:
    """Total length (header included) of a DER SEQUENCE from its first bytes; ``CardError`` if not one."""
    if len(header) < 2 or header[0] != 0x30:
        raise CardError("EF does not start with a DER SEQUENCE (no certificate?)")
    first = header[1]
    if first < 0x80:
        return 2 + first
    count = first & 0x7F
    if not 1 <= count <= 2 or len(header) < 2 + count:
        raise CardError("unsupported DER length in certificate EF")
    return 2 + count + int.from_bytes(header[2 : 2 + count], "big")


def tries_from_query(sw: int) -> int:
    """Tries left from the answer to a VERIFY without data (``69 83``: blocked, 0)."""
    if sw == SW_AUTH_BLOCKED:
        return 0
    tries = tries_left_from_sw(sw)
    if tries is None:
        raise CardError("PIN tries query failed", sw=sw)
    return tries


class JpkiDriver:
    """Talks to the JPKI AP of a card in ``reader`` (which must already be connected)."""

    def __init__(self, reader: Reader) -> None:
        """Drive the card in ``reader``."""
        self.reader = reader

    def _exchange(self, command: CommandAPDU) -> ResponseAPDU:
        raw = self.reader.transmit(command.to_bytes())
        try:
            return ResponseAPDU.parse(raw)
        except ApduFormatError as exc:
            raise CardError("malformed response from card") from exc

    def _expect_ok(self, command: CommandAPDU, what: str) -> bytes:
        response = self._exchange(command)
        if response.sw != SW_OK:
            raise CardError(f"{what} failed", sw=response.sw)
        return response.data

    def select_jpki(self) -> None:
        """SELECT the JPKI AP (``6A 82`` here means: not a My Number Card)."""
        self._expect_ok(apdu.select_ap(apdu.JPKI_AID), "SELECT JPKI AP")

    def _select_ef(self, fid: bytes) -> None:
        self._expect_ok(apdu.select_ef(fid), f"SELECT EF {fid.hex().upper()}")

    def _read_der(self, fid: bytes) -> bytes:
        self._select_ef(fid)
        data = self._expect_ok(apdu.read_binary(0, _DER_HEADER), "READ BINARY header")
        total = der_total_length(data)
        if total > apdu.MAX_OFFSET + 1:
            raise CardError("certificate EF too large")
        return self._read_rest(data, total, "certificate")

    def _read_rest(self, head: bytes, total: int, what: str) -> bytes:
        """The selected EF's first ``total`` bytes, ``head`` being those already read."""
        data = head[:total]
        while len(data) < total:
            size = min(READ_CHUNK, total - len(data))
            chunk = self._expect_ok(apdu.read_binary(len(data), size), f"READ BINARY {what}")
            if not chunk:
                raise CardError(f"card returned no data before the end of the {what}")
            data += chunk[:size]
        return data

    def read_token_info(self) -> bytes:
        """Token info EF ``0006`` (``JPKIAPICCTOKEN2`` + spaces on a My Number Card)."""
        self._select_ef(apdu.TOKEN_INFO)
        return self._expect_ok(apdu.read_binary(0, 32), "READ BINARY token info")

    def read_auth_certificate(self) -> bytes:
        """DER of the user-authentication certificate (EF ``000A``; no PIN needed)."""
        return self._read_der(apdu.AUTH_CERT)

    def read_auth_ca_certificate(self) -> bytes:
        """DER of the CA certificate of the auth certificate (EF ``000B``)."""
        return self._read_der(apdu.AUTH_CA)

    def auth_pin_tries_left(self) -> int:
        """How many auth-PIN attempts remain (0 when blocked); costs no try."""
        self._select_ef(apdu.AUTH_PIN)
        return tries_from_query(self._exchange(apdu.verify(None)).sw)

    def verify_auth_pin(self, pin: str) -> None:
        """VERIFY the auth PIN; raise PinFormatError (not sent), PinWrong(tries_left) or PinBlocked."""
        if not is_auth_pin_format(pin):
            raise PinFormatError("the PIN must be 4 digits")
        self._verify(apdu.AUTH_PIN, pin, "PIN")

    def _verify(self, fid: bytes, pin: str, what: str) -> None:
        """VERIFY the PIN EF ``fid`` of the selected AP; raise PinWrong(tries_left) or PinBlocked."""
        self._select_ef(fid)
        response = self._exchange(apdu.verify(pin))
        if response.sw == SW_OK:
            return
        tries = tries_left_from_sw(response.sw)
        if response.sw == SW_AUTH_BLOCKED or tries == 0:
            raise PinBlocked(f"the {what} is blocked", sw=response.sw)
        if tries is not None:
            raise PinWrong(tries, sw=response.sw)
        raise CardError(f"VERIFY {what} failed", sw=response.sw)

    def sign(self, digest: bytes) -> bytes:
        """Sign a 32-byte SHA-256 ``digest`` with the auth key (PIN must be verified): RSA PKCS#1 v1.5."""
        digest_info = apdu.sha256_digest_info(digest)
        self._select_ef(apdu.AUTH_KEY)
        signature = self._expect_ok(apdu.compute_signature(digest_info), "COMPUTE DIGITAL SIGNATURE")
        if len(signature) != 256:
            raise CardError("signature is not 256 bytes")
        return signature

    def authenticate(self, pin: str, challenge: bytes) -> tuple[bytes, bytes]:
        """Run the whole auth flow: return (certificate DER, signature over sha256(challenge))."""
        if not is_auth_pin_format(pin):
            raise PinFormatError("the PIN must be 4 digits")
        self.select_jpki()
        certificate = self.read_auth_certificate()
        self.verify_auth_pin(pin)
        return certificate, self.sign(hashlib.sha256(challenge).digest())
