"""The card's memory (:class:`CardState`) and where emulated cards live on disk (:class:`CardStore`).

A stored card is one JSON file ``<label>.json`` (mode 0600, written atomically). While a card
sits in a reader, :meth:`CardStore.open` holds an exclusive lock on ``<label>.lock`` so two
processes never use one card at once, and every change of the PIN counter is written at once,
as a real card writes its EEPROM.
"""

from __future__ import annotations

import base64
import contextlib
import fcntl
import json
import os
import re
import secrets
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cryptography import x509
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from kofu.card.errors import CardError, CardInUse, CardNotFound, CertificateMismatch, PinFormatError

if TYPE_CHECKING:
    from kofu.card.applet import JpkiApplet
    from kofu.card.reader import EmulatedReader

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


def check_label(label: str) -> str:
    """Return ``label`` if it is a safe card label (file name), else raise ``ValueError``."""
    if not _LABEL.fullmatch(label):
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

    def to_json(self) -> str:
        """Serialize for :class:`CardStore` (binary fields as base64)."""
        doc = {
            "label": self.label,
            "auth_key_pem": self.auth_key_pem.decode("ascii"),
            "auth_cert_der": _b64(self.auth_cert_der),
            "auth_ca_der": _b64(self.auth_ca_der),
            "auth_pin": self.auth_pin,
            "auth_tries_left": self.auth_tries_left,
            "token_info": _b64(self.token_info),
            "sign_key_pem": self.sign_key_pem.decode("ascii"),
            "sign_cert_der": _b64(self.sign_cert_der),
            "sign_ca_der": _b64(self.sign_ca_der),
            "sign_pin": self.sign_pin,
            "sign_tries_left": self.sign_tries_left,
            "text_pin": self.text_pin,
            "text_tries_left": self.text_tries_left,
            "text_attributes": _b64(self.text_attributes),
            "admin_key": _b64(self.admin_key),
        }
        return json.dumps(doc, indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str) -> CardState:
        """Parse :meth:`to_json` output (older cards lack the signing side, text AP and admin key)."""
        try:
            doc: dict[str, Any] = json.loads(text)

            def b64(name: str) -> bytes:
                return base64.b64decode(doc.get(name, ""), validate=True)

            return cls(
                label=str(doc["label"]),
                auth_key_pem=str(doc["auth_key_pem"]).encode("ascii"),
                auth_cert_der=b64("auth_cert_der"),
                auth_ca_der=b64("auth_ca_der"),
                auth_pin=str(doc["auth_pin"]),
                auth_tries_left=int(doc["auth_tries_left"]),
                token_info=b64("token_info"),
                sign_key_pem=str(doc.get("sign_key_pem", "")).encode("ascii"),
                sign_cert_der=b64("sign_cert_der"),
                sign_ca_der=b64("sign_ca_der"),
                sign_pin=str(doc.get("sign_pin", "")),
                sign_tries_left=int(doc.get("sign_tries_left", SIGN_PIN_TRIES)),
                text_pin=str(doc.get("text_pin", "")),
                text_tries_left=int(doc.get("text_tries_left", TEXT_PIN_TRIES)),
                text_attributes=b64("text_attributes"),
                admin_key=b64("admin_key"),
            )
        except (ValueError, KeyError, TypeError) as exc:  # PinFormatError is a CardError
            raise CardError(f"not a stored card: {type(exc).__name__}") from exc


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class PersistentCard:
    """A stored card in a reader: its state, its applet, and a save on every PIN-counter change."""

    def __init__(self, store: CardStore, state: CardState) -> None:
        """Wrap ``state``; use :meth:`CardStore.open` rather than calling this directly."""
        from kofu.card.applet import JpkiApplet

        self.store = store
        self.state = state
        self.applet: JpkiApplet = JpkiApplet(state, on_change=store.save)
        self._readers: list[EmulatedReader] = []
        self.closed = False

    @property
    def label(self) -> str:
        """The card's label."""
        return self.state.label

    def reader(self, name: str | None = None) -> EmulatedReader:
        """An emulated reader holding this card; it loses the card when the store closes it."""
        from kofu.card.reader import EmulatedReader

        if self.closed:
            raise CardError("the card has been put back in the store")
        reader = EmulatedReader(self.applet) if name is None else EmulatedReader(self.applet, name=name)
        self._readers.append(reader)
        return reader

    def close(self) -> None:
        """Take the card out of every reader, power it off and save it."""
        for reader in self._readers:
            reader.remove_card()
        self.applet.power_off()
        if not self.closed:
            self.store.save(self.state)
        self.closed = True


class CardStore:
    """A directory of emulated cards, one ``<label>.json`` each, locked while in a reader."""

    def __init__(self, directory: Path) -> None:
        """Use (and create, mode 0700) ``directory``."""
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _path(self, label: str, suffix: str) -> Path:
        return self.directory / f"{check_label(label)}{suffix}"

    def save(self, state: CardState) -> None:
        """Write the card atomically (temp file, fsync, ``os.replace``) with mode 0600."""
        target = self._path(state.label, ".json")
        fd, tmp = tempfile.mkstemp(dir=self.directory, prefix=f".{state.label}.", suffix=".tmp")
        try:
            os.fchmod(fd, 0o600)
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(state.to_json())
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        dir_fd = os.open(self.directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)

    def load(self, label: str) -> CardState:
        """Read a stored card; raise :class:`CardNotFound` if there is none."""
        path = self._path(label, ".json")
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CardNotFound(f"no stored card {label!r}") from None
        state = CardState.from_json(text)
        if state.label != label:
            raise CardError(f"card file {label!r} holds another label")
        return state

    def labels(self) -> list[str]:
        """Labels of all stored cards, sorted."""
        return sorted(p.stem for p in self.directory.glob("*.json") if _LABEL.fullmatch(p.stem))

    @contextlib.contextmanager
    def _locked(self, label: str, wait: float) -> Iterator[None]:
        fd = os.open(self._path(label, ".lock"), os.O_RDWR | os.O_CREAT, 0o600)
        try:
            deadline = time.monotonic() + wait
            while True:
                try:
                    fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        raise CardInUse(f"card {label!r} is in another reader") from None
                    time.sleep(0.02)
            yield
        finally:
            os.close(fd)  # closing the descriptor releases the lock

    @contextlib.contextmanager
    def open(self, label: str, *, wait: float = 0.0) -> Iterator[PersistentCard]:
        """Put a stored card in a reader: lock it (waiting up to ``wait`` s, else :class:`CardInUse`).

        The lock lasts until the ``with`` block ends; then the card is powered off and saved.
        """
        with self._locked(label, wait):
            card = PersistentCard(self, self.load(label))
            try:
                yield card
            finally:
                card.close()

    def install_certificate(
        self, label: str, cert_der: bytes, ca_der: bytes, *, signing: bool = False
    ) -> None:
        """Write the auth (or, with ``signing``, the signing) certificate and its CA into a stored card.

        The card must not be in a reader. Raises :class:`CertificateMismatch` unless ``cert_der``
        certifies the card's own key of that kind.
        """
        try:
            cert = x509.load_der_x509_certificate(cert_der)
            x509.load_der_x509_certificate(ca_der)
        except ValueError as exc:
            raise CertificateMismatch("not a DER X.509 certificate") from exc
        with self._locked(label, 0.0):
            state = self.load(label)
            own = state.sign_public_key() if signing else state.public_key()
            if own is None or cert.public_key() != own:
                raise CertificateMismatch("the certificate is for another key")
            if signing:
                state.sign_cert_der, state.sign_ca_der = bytes(cert_der), bytes(ca_der)
            else:
                state.auth_cert_der, state.auth_ca_der = bytes(cert_der), bytes(ca_der)
            self.save(state)

    def delete(self, label: str) -> None:
        """Destroy a stored card (a card that was never handed out); it must not be in a reader."""
        with self._locked(label, 0.0), contextlib.suppress(FileNotFoundError):
            self._path(label, ".json").unlink()
