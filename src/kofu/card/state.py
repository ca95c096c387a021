"""The card's memory (:class:`CardState`): keys, certificates, PINs and their counters.

Also the rules every part of the card package shares about that memory: the PIN formats, the
tries each PIN allows, what a card label may be. How a card is written to disk is
:mod:`kofu.card.cardfile`; where stored cards live, :mod:`kofu.card.store`.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from kofu.card.errors import CardError, PinFormatError

PIN_TRIES = 3  # user-authentication PIN
SIGN_PIN_TRIES = 5  # signing PIN
TEXT_PIN_TRIES = 3  # text AP (券面事項入力補助) PIN
ADMIN_KEY_LENGTH = 32
TOKEN_INFO_VALUE = b"JPKIAPICCTOKEN2".ljust(32, b" ")
_LABEL = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,63}")
_SIGN_PIN = re.compile(r"[A-Z0-9]{6,16}")


def is_auth_pin_format(pin: str) -> bool:
    """True if ``pin`` has the user-authentication PIN format: exactly 4 ASCII digits."""
    return len(pin) == 4 and pin.isascii() and pin.isdigit()


def is_sign_pin_format(pin: str) -> bool:
    """True if ``pin`` has the signing PIN format: 6-16 upper-case ASCII letters and digits."""
    return bool(_SIGN_PIN.fullmatch(pin))


def is_label(label: str) -> bool:
    """True if ``label`` is a safe card label (file name): 1..64 of [A-Za-z0-9_-], not starting with - or _."""
    return bool(_LABEL.fullmatch(label))


def check_label(label: str) -> str:
    """Return ``label`` if it is a safe card label (file name), else raise ``ValueError``."""
    if not is_label(label):
        raise ValueError("a card label is 1..64 of [A-Za-z0-9_-], not starting with - or _")
    return label


def _new_rsa_pem() -> bytes:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )


def _load_rsa(pem: bytes, what: str) -> rsa.RSAPrivateKey:
    # The key was checked when the card made it; a real card does not re-validate its own
    # key on every signature either (the full RSA check costs ~40 ms per load).
    key = serialization.load_pem_private_key(pem, password=None, unsafe_skip_rsa_key_validation=True)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise CardError(f"the card's {what} key is not RSA")
    return key


@dataclass
class CardState:
    """Everything the card remembers. Private keys never leave it except into this state.

    Empty values mean "never personalised": a card without a signing PIN answers ``69 84`` to
    VERIFY on EF 001B, one without an administration key ``69 84`` to EXTERNAL AUTHENTICATE.
    """

    label: str
    auth_key_pem: bytes = field(repr=False)
    auth_cert_der: bytes = b""
    auth_ca_der: bytes = b""
    auth_pin: str = field(default="", repr=False)
    auth_tries_left: int = PIN_TRIES
    token_info: bytes = TOKEN_INFO_VALUE
    sign_key_pem: bytes = field(default=b"", repr=False)
    sign_cert_der: bytes = b""
    sign_ca_der: bytes = b""
    sign_pin: str = field(default="", repr=False)
    sign_tries_left: int = SIGN_PIN_TRIES
    text_pin: str = field(default="", repr=False)
    text_tries_left: int = TEXT_PIN_TRIES
    text_attributes: bytes = field(default=b"", repr=False)
    admin_key: bytes = field(default=b"", repr=False)

    def __post_init__(self) -> None:
        """Check the label, PIN formats and counter ranges."""
        check_label(self.label)
        if not is_auth_pin_format(self.auth_pin):
            raise PinFormatError("the auth PIN must be 4 ASCII digits")
        if self.sign_pin and not is_sign_pin_format(self.sign_pin):
            raise PinFormatError("the signing PIN must be 6-16 upper-case letters and digits")
        if self.text_pin and not is_auth_pin_format(self.text_pin):
            raise PinFormatError("the text AP PIN must be 4 ASCII digits")
        if not 0 <= self.auth_tries_left <= PIN_TRIES:
            raise ValueError("auth_tries_left must be 0..3")
        if not 0 <= self.sign_tries_left <= SIGN_PIN_TRIES:
            raise ValueError("sign_tries_left must be 0..5")
        if not 0 <= self.text_tries_left <= TEXT_PIN_TRIES:
            raise ValueError("text_tries_left must be 0..3")
        if self.admin_key and len(self.admin_key) != ADMIN_KEY_LENGTH:
            raise ValueError("the administration key is 32 bytes")

    @classmethod
    def generate(
        cls,
        label: str,
        pin: str,
        *,
        sign_pin: str | None = None,
        text_pin: str | None = None,
        text_attributes: bytes = b"",
        admin_key: bytes | None = None,
    ) -> CardState:
        """A fresh card: new RSA-2048 auth and signing keys made on the card, no certificates yet.

        ``text_pin`` defaults to ``pin`` (most residents choose the same 4 digits); ``admin_key``
        defaults to 32 random bytes, which the issuing city records for unblocking.
        """
        if not is_auth_pin_format(pin):
            raise PinFormatError("the auth PIN must be 4 ASCII digits")
        return cls(
            label=label,
            auth_key_pem=_new_rsa_pem(),
            auth_pin=pin,
            sign_key_pem=_new_rsa_pem(),
            sign_pin=sign_pin or "",
            text_pin=pin if text_pin is None else text_pin,
            text_attributes=text_attributes,
            admin_key=secrets.token_bytes(ADMIN_KEY_LENGTH) if admin_key is None else admin_key,
        )

    def private_key(self) -> rsa.RSAPrivateKey:
        """Card-internal: the auth private key, for the applet's COMPUTE DIGITAL SIGNATURE only."""
        return _load_rsa(self.auth_key_pem, "auth")

    def public_key(self) -> rsa.RSAPublicKey:
        """The auth key's public half (what the JPKI CA certifies)."""
        return self.private_key().public_key()

    def sign_private_key(self) -> rsa.RSAPrivateKey | None:
        """Card-internal: the signing private key, or ``None`` on a card without one."""
        return _load_rsa(self.sign_key_pem, "signing") if self.sign_key_pem else None

    def sign_public_key(self) -> rsa.RSAPublicKey | None:
        """The signing key's public half (certified by the JPKI CA), or ``None``."""
        key = self.sign_private_key()
        return key.public_key() if key is not None else None
