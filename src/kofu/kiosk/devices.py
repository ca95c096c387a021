"""The copier's devices behind small driver interfaces: cash unit and printer.

The implementations here are SIMULATED (no coin mechanism, no print engine): the cash unit
counts what the resident says they inserted, the printer puts sheets in an in-memory tray. A
real copier plugs its own drivers in behind the same interfaces.
"""

from __future__ import annotations

import threading
import uuid
from dataclasses import dataclass, field
from typing import Protocol

from kofu.protocol.errors import Refused

DENOMINATIONS = (10, 50, 100, 500, 1000, 2000, 5000, 10000)


class CashUnit(Protocol):
    """Coins and notes in, change out."""

    def insert(self, amount: int) -> int: ...
    def inserted(self) -> int: ...
    def collect(self, fee: int) -> int: ...
    def refund(self) -> int: ...


class Printer(Protocol):
    """Prints a PDF document (n copies); raises on failure."""

    def print_document(self, pdf: bytes, copies: int, title: str) -> None: ...


class SimulatedCashUnit:
    """A SIMULATED cash unit: counts inserted money, pays change and refunds."""

    def __init__(self) -> None:
        self._inserted = 0
        self._lock = threading.Lock()
        self.box_total = 0  # money kept after fees were collected (for maintenance)

    def insert(self, amount: int) -> int:
        if amount not in DENOMINATIONS:
            raise Refused("kiosk.payment.denomination", f"{amount} yen is not accepted")
        with self._lock:
            self._inserted += amount
            return self._inserted

    def inserted(self) -> int:
        return self._inserted

    def collect(self, fee: int) -> int:
        """Keep the fee, return the change; refuse if not enough was inserted."""
        with self._lock:
            if self._inserted < fee:
                raise Refused("kiosk.payment.insufficient", f"{self._inserted} < {fee}")
            change = self._inserted - fee
            self.box_total += fee
            self._inserted = 0
            return change

    def refund(self) -> int:
        with self._lock:
            back, self._inserted = self._inserted, 0
            return back


@dataclass
class Sheet:
    """A printed document lying in the tray until the resident takes it."""

    sheet_id: str
    title: str
    copies: int
    pdf: bytes = field(repr=False)


class SimulatedPrinter:
    """A SIMULATED printer: 'printed' documents wait in an in-memory tray, never on disk."""

    def __init__(self) -> None:
        self.tray: list[Sheet] = []
        self.fail_next = False  # lets a test or the maintenance screen simulate a paper jam
        self.pages_printed = 0

    def print_document(self, pdf: bytes, copies: int, title: str) -> None:
        if self.fail_next:
            self.fail_next = False
            raise Refused("kiosk.print.failed", "simulated paper jam")
        self.tray.append(Sheet(uuid.uuid4().hex, title, copies, pdf))
        self.pages_printed += copies

    def take_all(self) -> list[Sheet]:
        taken, self.tray = self.tray, []
        return taken


class FilePrinter:
    """Headless 'printer' for `kofu issue`: writes the document to the file the user named."""

    def __init__(self, path: str) -> None:
        self.path = path

    def print_document(self, pdf: bytes, copies: int, title: str) -> None:
        with open(self.path, "wb") as out:
            out.write(pdf)
