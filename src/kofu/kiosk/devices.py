"""The copier's devices behind small driver interfaces: cash unit and printer.

`CashUnit` and `Printer` are what the visit's flow needs (the headless `kofu issue` plugs in its
own); `KioskCashUnit` and `KioskPrinter` add what the touch screen and maintenance need (the cash
box, the output tray, counters). The implementations here are SIMULATED — no coin mechanism,
no print engine: the cash unit counts what the resident says they inserted, the printer puts
sheets in an in-memory tray — and a kiosk built with them says so in the log
(`kofu.kiosk.equipment`; the headless `kofu issue` and `kofu bench` use them quietly). A real
copier names its own drivers in the settings (``KOFU_CASH``, ``KOFU_PRINTER``), behind the same
interfaces.
"""

from __future__ import annotations

import functools
import logging
import threading
import uuid
from dataclasses import dataclass, field
from typing import Protocol

from kofu.protocol.errors import Refused

log = logging.getLogger(__name__)

DENOMINATIONS = (10, 50, 100, 500, 1000, 2000, 5000, 10000)
PAPER_CAPACITY = 500  # A4 sheets in the paper drawer
TONER_PAGES = 3000  # pages one toner cartridge prints
LOW = 0.1


@functools.cache
def say_simulated(device: str, driver: str) -> None:
    """Warn once per process that the kiosk's ``device`` is a simulation."""
    log.warning("%s: SIMULATED — %s — not a real device", device, driver)


class CashUnit(Protocol):
    """Coins and notes in, change out."""

    def insert(self, amount: int) -> int: ...
    def inserted(self) -> int: ...
    def collect(self, fee: int) -> int: ...
    def refund(self) -> int: ...


class KioskCashUnit(CashUnit, Protocol):
    """The kiosk's cash unit: also the cash box staff empty."""

    simulated: bool
    driver: str

    @property
    def box_total(self) -> int: ...
    def empty_box(self) -> int: ...


class Printer(Protocol):
    """Prints a PDF document (n copies); raises on failure."""

    def print_document(self, pdf: bytes, copies: int, title: str) -> None: ...


@dataclass
class Sheet:
    """A printed document lying in the tray until the resident takes it."""

    sheet_id: str
    title: str
    copies: int
    pdf: bytes = field(repr=False)


class KioskPrinter(Printer, Protocol):
    """The kiosk's printer: its output tray, its counter, and the paper-jam test switch."""

    simulated: bool
    driver: str
    tray: list[Sheet]
    pages_printed: int
    fail_next: bool

    def take_all(self) -> list[Sheet]: ...


class SimulatedCashUnit:
    """A SIMULATED cash unit: counts inserted money, pays change and refunds."""

    simulated = True
    driver = "simulated: the money is what the device panel's buttons say"

    def __init__(self) -> None:
        self._inserted = 0
        self._lock = threading.Lock()
        self._box = 0  # money kept after fees were collected (for maintenance)

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
            self._box += fee
            self._inserted = 0
            return change

    def refund(self) -> int:
        with self._lock:
            back, self._inserted = self._inserted, 0
            return back

    @property
    def box_total(self) -> int:
        return self._box

    def empty_box(self) -> int:
        """Staff take the cash box's contents; how much it held."""
        with self._lock:
            taken, self._box = self._box, 0
            return taken


class SimulatedPrinter:
    """A SIMULATED printer: 'printed' documents wait in an in-memory tray, never on disk."""

    simulated = True
    driver = "simulated: documents go to an in-memory output tray"

    def __init__(self) -> None:
        self.tray: list[Sheet] = []
        self.fail_next = False  # maintenance's test switch: the next print jams
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


@dataclass
class Supplies:
    """Paper and toner of the print engine, counted in A4 pages."""

    paper: int = PAPER_CAPACITY
    toner: int = TONER_PAGES

    def can_print(self, pages: int) -> bool:
        return pages <= self.paper and pages <= self.toner

    def use(self, pages: int) -> None:
        self.paper = max(0, self.paper - pages)
        self.toner = max(0, self.toner - pages)

    def refill_paper(self) -> None:
        self.paper = PAPER_CAPACITY

    def replace_toner(self) -> None:
        self.toner = TONER_PAGES

    @property
    def paper_state(self) -> str:
        return _level(self.paper, PAPER_CAPACITY)

    @property
    def toner_state(self) -> str:
        return _level(self.toner, TONER_PAGES)

    @property
    def toner_percent(self) -> int:
        return round(100 * self.toner / TONER_PAGES)


def _level(left: int, full: int) -> str:
    if left <= 0:
        return "empty"
    return "low" if left < full * LOW else "ok"
