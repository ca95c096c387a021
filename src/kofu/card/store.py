"""Where emulated cards live on disk (:class:`CardStore`): one file each, locked while in a reader.

A stored card is one JSON file ``<label>.json`` (mode 0600, written atomically; the format is
:mod:`kofu.card.cardfile`). While a card sits in a reader, :meth:`CardStore.open` holds an
exclusive lock on ``<label>.lock`` so two processes never use one card at once, and every change
of the PIN counter is written at once, as a real card writes its EEPROM.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import time
from collections.abc import Iterator
from pathlib import Path

from cryptography import x509

from kofu.card import cardfile
from kofu.card.errors import CardError, CardInUse, CardNotFound, CertificateMismatch
from kofu.card.inserted import PersistentCard
from kofu.card.state import CardState, check_label, is_label
from kofu.files import write_atomic


class CardStore:
    """A directory of emulated cards, one ``<label>.json`` each, locked while in a reader."""

    def __init__(self, directory: Path) -> None:
        """Use (and create, mode 0700) ``directory``."""
        self.directory = Path(directory)
        self.directory.mkdir(parents=True, exist_ok=True, mode=0o700)

    def _path(self, label: str, suffix: str) -> Path:
        return self.directory / f"{check_label(label)}{suffix}"

    def save(self, state: CardState) -> None:
        """Write the card atomically (:func:`kofu.files.write_atomic`) with mode 0600."""
        write_atomic(self._path(state.label, ".json"), cardfile.dumps(state).encode("utf-8"), 0o600)

    def load(self, label: str) -> CardState:
        """Read a stored card; raise :class:`CardNotFound` if there is none."""
        path = self._path(label, ".json")
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CardNotFound(f"no stored card {label!r}") from None
        state = cardfile.loads(text)
        if state.label != label:
            raise CardError(f"card file {label!r} holds another label")
        return state

    def labels(self) -> list[str]:
        """Labels of all stored cards, sorted."""
        return sorted(p.stem for p in self.directory.glob("*.json") if is_label(p.stem))

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
            card = PersistentCard(self.load(label), self.save)
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
