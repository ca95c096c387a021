"""Maintenance mode: what store staff and the copier's technician may see and do (invariant 6).

Behind the maintenance key: a random token written to `var/kiosk/maintenance.key` (mode 0600)
when the kiosk first starts, sent as `Authorization: Bearer <key>` (the /maintenance page asks
for it and keeps it in page memory only). Staff see paper, toner, the cash box, device status
and how many sheets residents left behind; they can refill paper, replace toner, empty the cash
box, destroy the retained sheets, arm a simulated paper jam and set the idle timeout. They never
see a document, a card or anything about a resident: the status below is built from counters.
"""

from __future__ import annotations

import contextlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from kofu.protocol.errors import Refused

if TYPE_CHECKING:
    from kofu.kiosk.screen import KioskScreen

KEY_FILE = "maintenance.key"
PAPER_CAPACITY = 500  # A4 sheets in the paper drawer
TONER_PAGES = 3000  # pages one toner cartridge prints
LOW = 0.1


def load_or_create_key(directory: Path) -> str:
    """The kiosk's maintenance key, created (0600) on first start and kept across restarts."""
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / KEY_FILE
    key = secrets.token_urlsafe(18)
    with contextlib.suppress(FileExistsError):
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(key + "\n")
    return path.read_text().strip()


class MaintenanceGate:
    """Checks the maintenance credentials (constant-time compare of a bearer token)."""

    def __init__(self, key: str) -> None:
        if len(key) < 16:
            raise ValueError("the maintenance key is too short")
        self._key = key.encode()

    def allows(self, authorization: str | None) -> bool:
        scheme, _, token = (authorization or "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return False
        return hmac.compare_digest(token.strip().encode(), self._key)


@dataclass
class Supplies:
    """Paper and toner of the (simulated) print engine, counted in A4 pages."""

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

    def status(self) -> dict[str, object]:
        toner_percent = round(100 * self.toner / TONER_PAGES)
        return {
            "paper": self.paper,
            "paper_capacity": PAPER_CAPACITY,
            "paper_state": _level(self.paper, PAPER_CAPACITY),
            "toner_percent": toner_percent,
            "toner_state": _level(self.toner, TONER_PAGES),
        }


def _level(left: int, full: int) -> str:
    if left <= 0:
        return "empty"
    return "low" if left < full * LOW else "ok"


def maintenance_status(screen: KioskScreen) -> dict[str, Any]:
    """Devices, supplies, cash and the retained bin: never a document or anything about a resident."""
    printer = screen.printer
    supplies = screen.supplies.status()
    printer_state = "jam_armed" if printer.fail_next else str(supplies["paper_state"])
    return {
        "visit_in_progress": screen._in_visit(),
        "idle_timeout": screen.idle_timeout,
        "devices": {
            "card_reader": {
                "status": screen.pcsc.status if screen.pcsc is not None else "ok",
                "card_present": screen.pcsc.present if screen.pcsc is not None else screen.slot is not None,
                "name": screen.pcsc.json()["name"] if screen.pcsc is not None else "",
                "simulated": screen.pcsc is None,
            },
            "cash_unit": {
                "status": "ok",
                "box_total": screen.cash.box_total,
                "inserted_now": screen.cash.inserted(),
                "change_waiting": screen.outputs.returned,
                "retained_cash": screen.outputs.retained_cash,
                "simulated": True,
            },
            "printer": {
                "status": printer_state,
                **supplies,
                "copies_printed": printer.pages_printed,
                "fail_next": printer.fail_next,
                "tray_documents": len(printer.tray),
                "simulated": True,
            },
            "speaker": {"status": "ok", "driver": "page (Web Speech API)", "simulated": True},
        },
        "retained": screen.outputs.retained_json(),
    }


def maintain(screen: KioskScreen, action: str, value: float | None = None) -> dict[str, Any]:
    """One maintenance action (see `MAINTENANCE_ACTIONS`)."""
    if action == "paper.refill":
        screen.supplies.refill_paper()
    elif action == "toner.replace":
        screen.supplies.replace_toner()
    elif action == "cashbox.empty":
        screen.cash.box_total = 0
        screen.outputs.retained_cash = 0
    elif action == "retained.destroy":
        screen.outputs.retained.clear()
    elif action == "printer.fail_next":
        screen.printer.fail_next = True
    elif action == "printer.clear_fault":
        screen.printer.fail_next = False
    elif action == "idle_timeout" and value is not None and 2 <= value <= 3600:
        screen.idle_timeout = float(value)
    else:
        raise Refused("kiosk.invalid")
    return maintenance_status(screen)
