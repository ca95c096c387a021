"""What the emulated My Number Card holds: its two applications, their EFs and PINs. Pure data.

=========  ===================================  ===========================================
AP / EF    content                              access
=========  ===================================  ===========================================
JPKI 000A  user-authentication certificate      always readable
JPKI 000B  its CA certificate                   always readable
JPKI 0006  token info ``JPKIAPICCTOKEN2``       always readable
JPKI 0001  signing certificate                  readable after VERIFY of 001B
JPKI 0002  its CA certificate                   always readable
JPKI 0017  auth RSA-2048 key                    COMPUTE DIGITAL SIGNATURE after VERIFY of 0018
JPKI 001A  signing RSA-2048 key                 COMPUTE DIGITAL SIGNATURE after VERIFY of 001B
JPKI 0018  auth PIN: 4 digits, 3 tries          VERIFY; reset only after EXTERNAL AUTHENTICATE
JPKI 001B  signing PIN: 6-16 [A-Z0-9], 5 tries  VERIFY; reset only after EXTERNAL AUTHENTICATE
TEXT 0011  text AP PIN: 4 digits, 3 tries       VERIFY; reset only after EXTERNAL AUTHENTICATE
TEXT 0002  name, address, birth date, sex       readable after VERIFY of 0011
=========  ===================================  ===========================================

The text AP's EF 0001 (the My Number itself) is not emulated: kofu never holds a My Number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from kofu.card import apdu
from kofu.card.state import (
    PIN_TRIES,
    SIGN_PIN_TRIES,
    TEXT_PIN_TRIES,
    is_auth_pin_format,
    is_sign_pin_format,
)


@dataclass(frozen=True)
class PinSlot:
    """A PIN EF: where its value and counter live in :class:`CardState`, and its rules."""

    fid: bytes
    pin_field: str
    tries_field: str
    max_tries: int
    valid: Callable[[str], bool]


@dataclass(frozen=True)
class ElementaryFile:
    """An EF of an AP. ``field`` names the :class:`CardState` attribute with its content (or key);
    ``pin`` is the PIN EF that must be verified to read it (data) or use it (key)."""

    fid: bytes
    kind: Literal["data", "key", "pin"]
    field: str = ""
    pin: bytes | None = None


@dataclass(frozen=True)
class Application:
    """An application (DF) selected by AID."""

    name: str
    aid: bytes
    files: dict[bytes, ElementaryFile]
    pins: dict[bytes, PinSlot]


def _files(*files: ElementaryFile) -> dict[bytes, ElementaryFile]:
    return {f.fid: f for f in files}


JPKI = Application(
    name="JPKI",
    aid=apdu.JPKI_AID,
    files=_files(
        ElementaryFile(apdu.AUTH_CERT, "data", "auth_cert_der"),
        ElementaryFile(apdu.AUTH_CA, "data", "auth_ca_der"),
        ElementaryFile(apdu.TOKEN_INFO, "data", "token_info"),
        ElementaryFile(apdu.SIGN_CERT, "data", "sign_cert_der", pin=apdu.SIGN_PIN),
        ElementaryFile(apdu.SIGN_CA, "data", "sign_ca_der"),
        ElementaryFile(apdu.AUTH_KEY, "key", "auth_key_pem", pin=apdu.AUTH_PIN),
        ElementaryFile(apdu.SIGN_KEY, "key", "sign_key_pem", pin=apdu.SIGN_PIN),
        ElementaryFile(apdu.AUTH_PIN, "pin"),
        ElementaryFile(apdu.SIGN_PIN, "pin"),
    ),
    pins={
        apdu.AUTH_PIN: PinSlot(apdu.AUTH_PIN, "auth_pin", "auth_tries_left", PIN_TRIES, is_auth_pin_format),
        apdu.SIGN_PIN: PinSlot(
            apdu.SIGN_PIN, "sign_pin", "sign_tries_left", SIGN_PIN_TRIES, is_sign_pin_format
        ),
    },
)

TEXT = Application(
    name="TEXT",
    aid=apdu.TEXT_AP_AID,
    files=_files(
        ElementaryFile(apdu.TEXT_PIN, "pin"),
        ElementaryFile(apdu.TEXT_ATTRIBUTES, "data", "text_attributes", pin=apdu.TEXT_PIN),
    ),
    pins={
        apdu.TEXT_PIN: PinSlot(
            apdu.TEXT_PIN, "text_pin", "text_tries_left", TEXT_PIN_TRIES, is_auth_pin_format
        ),
    },
)

APPLICATIONS: dict[bytes, Application] = {JPKI.aid: JPKI, TEXT.aid: TEXT}
