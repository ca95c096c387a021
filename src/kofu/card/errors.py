"""Errors of the card package.

Every error carries a stable ``code`` that the kiosk maps to a message for the resident, and
``sw`` (the card's status word) when a card answered. No message ever contains a PIN.

::

    Exception
    └── CardError            card.error              unexpected status word, bad response, I/O
        ├── ApduFormatError  card.apdu.format        malformed command or response APDU
        ├── CardNotFound     card.not_found          no stored card with that label
        ├── CardInUse        card.in_use             the card file is already in a reader
        ├── CardRemoved      card.removed            no card in the reader (taken out)
        ├── CertificateMismatch card.certificate.mismatch  certificate is not for the card's key
        ├── PinFormatError   card.pin.format         PIN is not 4 ASCII digits (never sent)
        ├── PinWrong         card.pin.wrong          wrong PIN; ``tries_left`` > 0
        ├── PinBlocked       card.pin.blocked        no tries left (63 C0 or 69 83)
        ├── AdminRejected    card.admin.rejected     the card refused the administration key (63 00)
        └── ReaderUnavailable card.reader.unavailable  no PC/SC reader (pcscd not running, none attached)
"""

from __future__ import annotations


class CardError(Exception):
    """Base error of :mod:`kofu.card`; ``sw`` is the status word when a card answered."""

    code = "card.error"

    def __init__(self, message: str, *, sw: int | None = None) -> None:
        """Make an error; ``message`` must never contain a PIN."""
        if sw is not None:
            message = f"{message} (SW {sw:04X})"
        super().__init__(message)
        self.sw = sw


class ApduFormatError(CardError):
    """A command or response APDU is malformed (too short, Lc disagreeing with the length...)."""

    code = "card.apdu.format"


class CardNotFound(CardError):
    """No card with this label is stored."""

    code = "card.not_found"


class CardInUse(CardError):
    """The card is already in a reader (another process holds its lock)."""

    code = "card.in_use"


class CardRemoved(CardError):
    """There is no card in the reader, or it was taken out during an exchange."""

    code = "card.removed"


class CertificateMismatch(CardError):
    """A certificate to install does not certify the card's own public key."""

    code = "card.certificate.mismatch"


class PinFormatError(CardError):
    """The PIN is not exactly 4 ASCII digits; nothing was sent to the card."""

    code = "card.pin.format"


class PinWrong(CardError):
    """The card refused the PIN; ``tries_left`` attempts remain (at least 1)."""

    code = "card.pin.wrong"

    def __init__(self, tries_left: int, *, sw: int | None = None) -> None:
        """Make the error for a wrong PIN with ``tries_left`` attempts remaining."""
        super().__init__(f"wrong PIN, {tries_left} tries left", sw=sw)
        self.tries_left = tries_left


class PinBlocked(CardError):
    """The PIN is blocked: no tries left; only the city office can reset it."""

    code = "card.pin.blocked"


class AdminRejected(CardError):
    """The card refused the city's administration key (EXTERNAL AUTHENTICATE answered ``63 00``)."""

    code = "card.admin.rejected"


class ReaderUnavailable(CardError):
    """No usable card reader: pcscd is not running, or no (matching) reader is attached."""

    code = "card.reader.unavailable"
