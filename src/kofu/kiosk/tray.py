"""What the kiosk gives out: the change tray, the document tray, and the retained bin.

Tray rule: documents a resident left in the output tray are never shown to anyone else. When a
visit ends without them being taken (timeout, cancel, page reloaded or closed) or a new card is
placed, they go to the retained bin, which holds only a count until maintenance clears it;
unclaimed change left past the next idle period goes to the retained cash the same way.
"""

from __future__ import annotations

import logging
from typing import Any

from kofu import clock
from kofu.kiosk.devices import KioskPrinter, Sheet
from kofu.protocol.kiosk_maintenance import Retained
from kofu.protocol.kiosk_screen import TraySheet

log = logging.getLogger(__name__)


class Outputs:
    """Change waiting to be taken, printed sheets in the tray, and what was retained (counts only)."""

    def __init__(self, printer: KioskPrinter) -> None:
        self.printer = printer
        self.returned = 0  # coins and notes waiting in the change tray
        self.retained: list[dict[str, Any]] = []  # sheets left behind: counts only, never the PDF
        self.retained_cash = 0

    def has_leftovers(self) -> bool:
        return bool(self.printer.tray) or self.returned > 0

    def retain_sheets(self, visit: int) -> int:
        """Move sheets nobody took to the retained bin (counts only); returns how many documents."""
        sheets = self.printer.take_all()
        for sheet in sheets:
            self.retained.append(
                {"title": sheet.title, "copies": sheet.copies, "at": clock.now_utc().timestamp()}
            )
        if sheets:
            log.info("visit %d: %d document(s) left in the tray were retained", visit, len(sheets))
        return len(sheets)

    def retain_all(self, visit: int) -> int:
        """Sheets and change nobody took are kept (a new resident never sees them); documents kept."""
        left = self.retain_sheets(visit)
        self.retained_cash += self.returned
        self.returned = 0
        return left

    def take_change(self) -> int:
        taken, self.returned = self.returned, 0
        return taken

    def take_documents(self) -> int:
        return len(self.printer.take_all())

    def sheet(self, sheet_id: str) -> Sheet | None:
        return next((s for s in self.printer.tray if s.sheet_id == sheet_id), None)

    def tray(self) -> list[TraySheet]:
        return [TraySheet(id=s.sheet_id, title=s.title, copies=s.copies) for s in self.printer.tray]

    def retained_count(self) -> Retained:
        return Retained(documents=len(self.retained), copies=sum(int(r["copies"]) for r in self.retained))

    def destroy_retained(self) -> None:
        """Staff destroyed the retained sheets."""
        self.retained.clear()
