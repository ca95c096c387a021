"""The kiosk's card slot: a SIMULATED slot for stored emulated cards, or a real PC/SC reader.

``KOFU_READER=emulated`` (the default) gives `SimulatedSlot`: the device panel lays a stored
card (``var/cards``) on it by its label. Which cards the panel offers is a backend of its own,
a `CardPanel` named by ``KOFU_CARD_PANEL`` (``module:factory``; `kofu up` names its own);
without one the panel lists no card. A panel lists labels, holders and cities — never
a PIN.

``KOFU_READER=pcsc`` gives `PcscSlot`: a USB reader with a My Number Card, or the "Virtual PCD"
of ``kofu card insert NAME``; the kiosk cannot tell them apart. A background task of the app
calls :meth:`PcscSlot.poll` (in a worker thread: every PC/SC call blocks) a few times a second;
it asks pcscd whether a card is present, which costs no APDU and needs no connection, so it
never disturbs an exchange under way. The visit lays the card on the reader (connects,
exclusive) only when the resident is at the "place your card" step; taking it off is seen by the
next poll. Without pcscd or without a reader the slot says so (status ``unavailable``) and keeps
trying.
"""

from __future__ import annotations

import contextlib
import logging
import threading
from typing import Protocol

from kofu.card.errors import CardError
from kofu.card.pcsc import PcscReader
from kofu.card.reader import Reader
from kofu.card.store import CardStore
from kofu.protocol.errors import Refused
from kofu.protocol.kiosk_screen import DeviceCard, ReaderState

log = logging.getLogger(__name__)

CONNECT_WAIT = 2.0  # seconds `connect` waits for the card the poll has just seen
CARD_WAIT = 1.0  # how long to wait for a card file another process has open


class CardPanel(Protocol):
    """The simulated slot's list of cards to lay on it (label, holder, city; never a PIN)."""

    def cards(self) -> list[DeviceCard]: ...


class NoCards:
    """No card panel configured: the simulated slot lists no card."""

    def cards(self) -> list[DeviceCard]:
        return []


class SimulatedSlot:
    """A SIMULATED card slot: a stored emulated card is laid on it by its label."""

    kind = "simulated"
    simulated = True
    driver = "simulated: stored emulated cards, laid on it from the device panel"

    def __init__(self, store: CardStore, panel: CardPanel | None = None) -> None:
        self.store = store
        self.panel: CardPanel = panel or NoCards()

    def lay(self, label: str) -> tuple[contextlib.ExitStack, Reader]:
        """Open the stored card ``label``; it stays locked to this kiosk until the stack closes.
        Raises ``card.not_found`` for a label that names no card, a CardError if it cannot be read."""
        stack = contextlib.ExitStack()
        try:
            card = stack.enter_context(self.store.open(label, wait=CARD_WAIT))
            return stack, card.reader()
        except ValueError as exc:  # not a card label at all
            stack.close()
            raise Refused("card.not_found") from exc
        except BaseException:
            stack.close()
            raise

    def state(self) -> ReaderState:
        return ReaderState(kind="simulated")

    def close(self) -> None:
        return None


class PcscSlot:
    """Presence of a card on one PC/SC reader, and readers to talk to it."""

    kind = "pcsc"
    simulated = False
    driver = "PC/SC"

    def __init__(self, name: str | None = None) -> None:
        self.wanted = name
        self.name: str | None = None
        self.present = False
        self.status = "starting"
        self._probe: PcscReader | None = None
        self._lock = threading.Lock()

    def poll(self) -> bool:
        """Ask pcscd whether a card is on the reader now (blocking; call from a worker thread)."""
        with self._lock:
            try:
                if self._probe is None:
                    self._probe = PcscReader(self.wanted)
                    self.name = self._probe.name
                    log.info("card reader: PC/SC %s", self.name)
                self.present = self._probe.card_present()
                self.status = "ok"
            except CardError as exc:
                if self.status != "unavailable":
                    log.warning("card reader unavailable: %s", exc.code)
                self._close_probe()
                self.present = False
                self.status = "unavailable"
            return self.present

    def lay(self) -> tuple[contextlib.ExitStack, Reader]:
        """The card lying on the reader, for one visit (its own PC/SC context, closed with the
        stack). Raises ``kiosk.card.none`` without a card, a CardError if it cannot be reached."""
        if not self.poll():
            raise Refused("kiosk.card.none")
        stack = contextlib.ExitStack()
        try:
            reader = stack.enter_context(PcscReader(self.name or self.wanted, wait=CONNECT_WAIT))
        except BaseException:
            stack.close()
            raise
        return stack, reader

    def state(self) -> ReaderState:
        status = self.status if self.status in ("starting", "ok", "unavailable") else "unavailable"
        return ReaderState(
            kind="pcsc",
            name=self.name or self.wanted or "",
            present=self.present,
            status=status,  # type: ignore[arg-type]
        )

    def _close_probe(self) -> None:
        probe, self._probe = self._probe, None
        if probe is not None:
            probe.close()

    def close(self) -> None:
        with self._lock:
            self._close_probe()
