"""A real card reader through PC/SC (pcscd + pyscard): the reader a kiosk uses in production.

:class:`PcscReader` implements :class:`~kofu.card.reader.Reader` with pyscard's thin ``scard``
binding. It works the same with a USB reader holding a real My Number Card and with the
"Virtual PCD" reader of Debian's ``vsmartcard-vpcd`` holding the emulator (``kofu card insert``):
nothing here can tell the two apart. Removal is seen either as a PC/SC error during an exchange
(→ :class:`CardRemoved`) or by :meth:`PcscReader.card_present` / :meth:`wait_for_removal`.
"""

from __future__ import annotations

import contextlib
import time
from typing import Any

from kofu.card.errors import CardError, CardInUse, CardRemoved, ReaderUnavailable

try:  # pyscard is a declared dependency, but it needs libpcsclite at import time
    from smartcard import scard as _scard
except ImportError:  # pragma: no cover - only on machines without libpcsclite
    _scard = None

_REMOVED = (
    "SCARD_E_NO_SMARTCARD",
    "SCARD_W_REMOVED_CARD",
    "SCARD_W_RESET_CARD",
    "SCARD_W_UNPOWERED_CARD",
    "SCARD_W_UNRESPONSIVE_CARD",
    "SCARD_E_READER_UNAVAILABLE",
)
_POLL = 0.1


def _lib() -> Any:
    if _scard is None:
        raise ReaderUnavailable("pyscard/libpcsclite is not installed")
    return _scard


def _code(name: str) -> int:
    return int(getattr(_lib(), name))


def _message(hresult: int) -> str:
    return str(_lib().SCardGetErrorMessage(hresult)).strip()


def list_readers() -> list[str]:
    """Names of the PC/SC readers pcscd knows (empty if none); :class:`ReaderUnavailable` without pcscd."""
    lib = _lib()
    hresult, context = lib.SCardEstablishContext(lib.SCARD_SCOPE_USER)
    if hresult != lib.SCARD_S_SUCCESS:
        raise ReaderUnavailable(f"cannot reach pcscd: {_message(hresult)}")
    try:
        hresult, readers = lib.SCardListReaders(context, [])
        if hresult == _code("SCARD_E_NO_READERS_AVAILABLE"):
            return []
        if hresult != lib.SCARD_S_SUCCESS:
            raise ReaderUnavailable(f"cannot list readers: {_message(hresult)}")
        return [str(r) for r in readers]
    finally:
        lib.SCardReleaseContext(context)


class PcscReader:
    """The first PC/SC reader, or the one whose name contains ``name``.

    ``wait`` is how long :meth:`connect` waits for a card to be placed before it gives up with
    :class:`CardRemoved` (a kiosk screen asks the resident to place the card meanwhile).
    """

    def __init__(self, name: str | None = None, *, wait: float = 0.0) -> None:
        """Pick the reader now (raise :class:`ReaderUnavailable` if there is none)."""
        lib = _lib()
        self._wanted = name
        self._wait = wait
        hresult, self._context = lib.SCardEstablishContext(lib.SCARD_SCOPE_USER)
        if hresult != lib.SCARD_S_SUCCESS:
            raise ReaderUnavailable(f"cannot reach pcscd: {_message(hresult)}")
        self._card: Any = None
        self._protocol = 0
        try:
            self.name = self._pick(name)
        except BaseException:
            self.close()
            raise

    def _pick(self, name: str | None) -> str:
        lib = _lib()
        hresult, readers = lib.SCardListReaders(self._context, [])
        if hresult != lib.SCARD_S_SUCCESS or not readers:
            raise ReaderUnavailable("no PC/SC reader is attached (is pcscd running?)")
        for reader in readers:
            if name is None or reader == name or name in reader:
                return str(reader)
        raise ReaderUnavailable(f"no PC/SC reader named like {name!r}; found: {', '.join(readers)}")

    def _state(self, timeout_ms: int, known: int) -> int:
        lib = _lib()
        hresult, states = lib.SCardGetStatusChange(self._context, timeout_ms, [(self.name, known)])
        if hresult == _code("SCARD_E_TIMEOUT"):
            return known
        if hresult != lib.SCARD_S_SUCCESS:
            raise ReaderUnavailable(f"reader status: {_message(hresult)}")
        return int(states[0][1])

    def card_present(self) -> bool:
        """True if a card is in the reader now (asks pcscd; costs no APDU)."""
        return bool(self._state(0, _code("SCARD_STATE_UNAWARE")) & _code("SCARD_STATE_PRESENT"))

    def wait_for_card(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for a card; True once one is present."""
        deadline = time.monotonic() + timeout
        while not self.card_present():
            if time.monotonic() >= deadline:
                return False
            time.sleep(_POLL)
        return True

    def wait_for_removal(self, timeout: float) -> bool:
        """Wait up to ``timeout`` seconds for the card to be taken out; True once it is gone."""
        deadline = time.monotonic() + timeout
        while self.card_present():
            if time.monotonic() >= deadline:
                return False
            time.sleep(_POLL)
        return True

    def connect(self) -> bytes:
        """Power the card on (exclusive use) and return its ATR."""
        lib = _lib()
        self.disconnect()
        if not self.wait_for_card(self._wait):
            raise CardRemoved("no card in the reader")
        deadline = time.monotonic() + max(self._wait, 2.0)
        while True:
            hresult, card, protocol = lib.SCardConnect(
                self._context,
                self.name,
                lib.SCARD_SHARE_EXCLUSIVE,
                lib.SCARD_PROTOCOL_T0 | lib.SCARD_PROTOCOL_T1,
            )
            if hresult != _code("SCARD_E_SHARING_VIOLATION") or time.monotonic() >= deadline:
                break
            time.sleep(_POLL)  # another program is finishing with the card
        self._raise_for(hresult, "connect", in_use=True)
        self._card, self._protocol = card, protocol
        hresult, _reader, _state, _proto, atr = lib.SCardStatus(card)
        self._raise_for(hresult, "status")
        return bytes(atr)

    def _raise_for(self, hresult: int, what: str, *, in_use: bool = False) -> None:
        lib = _lib()
        if hresult == lib.SCARD_S_SUCCESS:
            return
        if any(hresult == _code(name) for name in _REMOVED):
            self._card = None
            raise CardRemoved(f"card removed ({_message(hresult)})")
        if in_use and hresult == _code("SCARD_E_SHARING_VIOLATION"):
            raise CardInUse("the card is in use by another program")
        raise CardError(f"PC/SC {what} failed: {_message(hresult)}")

    def transmit(self, apdu: bytes) -> bytes:
        """Send one command APDU and return the response APDU."""
        if self._card is None:
            raise CardError("reader not connected: call connect() first")
        hresult, response = _lib().SCardTransmit(self._card, self._protocol, list(apdu))
        self._raise_for(hresult, "transmit")
        return bytes(response)

    def disconnect(self) -> None:
        """Power the card off (it forgets selections and verified PINs); it stays in the reader."""
        if self._card is not None:
            with contextlib.suppress(Exception):  # the card may already be gone
                _lib().SCardDisconnect(self._card, _lib().SCARD_UNPOWER_CARD)
            self._card = None

    def close(self) -> None:
        """Disconnect and release the PC/SC context."""
        self.disconnect()
        if getattr(self, "_context", None) is not None:
            with contextlib.suppress(Exception):
                _lib().SCardReleaseContext(self._context)
            self._context = None

    def __enter__(self) -> PcscReader:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()
