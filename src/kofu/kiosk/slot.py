"""The kiosk's card slot when it is a real PC/SC reader (``KOFU_READER=pcsc``).

A USB reader with a My Number Card, or the "Virtual PCD" of ``kofu card insert NAME``: the
kiosk cannot tell them apart. A background task of the app calls :meth:`PcscSlot.poll` (in a
worker thread: every PC/SC call blocks) a few times a second; it asks pcscd whether a card is
present, which costs no APDU and needs no connection, so it never disturbs an exchange under
way. The screen lays the card on the reader (connects, exclusive) only when the resident is at
the "place your card" step; taking it off is seen by the next poll.

Without pcscd or without a reader the slot says so (status ``unavailable``) and keeps trying.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from kofu.card.errors import CardError
from kofu.card.pcsc import PcscReader

log = logging.getLogger(__name__)

CONNECT_WAIT = 2.0  # seconds `connect` waits for the card the poll has just seen


class PcscSlot:
    """Presence of a card on one PC/SC reader, and readers to talk to it."""

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

    def open(self) -> PcscReader:
        """A reader for one visit (its own PC/SC context; close it when the visit ends)."""
        return PcscReader(self.name or self.wanted, wait=CONNECT_WAIT)

    def json(self) -> dict[str, Any]:
        return {
            "kind": "pcsc",
            "name": self.name or self.wanted or "",
            "present": self.present,
            "status": self.status,
        }

    def _close_probe(self) -> None:
        probe, self._probe = self._probe, None
        if probe is not None:
            probe.close()

    def close(self) -> None:
        with self._lock:
            self._close_probe()


SIMULATED = {"kind": "simulated", "name": "", "present": None, "status": "ok"}
