"""Maintenance mode: what store staff and the copier's technician may see and do (invariant 6).

Behind the maintenance key: a random token written to `var/kiosk/maintenance.key` (mode 0600)
when the kiosk first starts, sent as `Authorization: Bearer <key>` (the /maintenance page asks
for it and keeps it in page memory only). Staff see paper, toner, the cash box, device status
and how many sheets residents left behind; they can refill paper, replace toner, empty the cash
box, destroy the retained sheets, arm a simulated paper jam and set the idle timeout. They never
see a document, a card or anything about a resident: the status below is built from counters of
the devices (`kofu.kiosk.equipment`) and two facts about the visit (`Attended`).
"""

from __future__ import annotations

import contextlib
import hmac
import os
import secrets
from pathlib import Path
from typing import Protocol

from kofu.kiosk.equipment import Devices
from kofu.protocol.errors import Refused
from kofu.protocol.kiosk_maintenance import MaintenanceStatus

KEY_FILE = "maintenance.key"
IDLE_TIMEOUT_RANGE = (2.0, 3600.0)


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


class Attended(Protocol):
    """What maintenance may know of the visit: whether one is under way, and its idle timeout."""

    @property
    def in_progress(self) -> bool: ...
    @property
    def card_in_slot(self) -> bool: ...

    idle_timeout: float


def maintenance_status(devices: Devices, visit: Attended) -> MaintenanceStatus:
    """Devices, supplies, cash and the retained bin: never a document or anything about a resident."""
    return MaintenanceStatus(
        visit_in_progress=visit.in_progress,
        idle_timeout=visit.idle_timeout,
        devices=devices.status(card_in_slot=visit.card_in_slot),
        retained=devices.outputs.retained_count(),
    )


def maintain(devices: Devices, visit: Attended, action: str, value: float | None = None) -> MaintenanceStatus:
    """One maintenance action (refill, replace, empty, destroy, jam test, idle timeout)."""
    low, high = IDLE_TIMEOUT_RANGE
    if action == "paper.refill":
        devices.supplies.refill_paper()
    elif action == "toner.replace":
        devices.supplies.replace_toner()
    elif action == "cashbox.empty":
        devices.cash.empty_box()
        devices.outputs.retained_cash = 0
    elif action == "retained.destroy":
        devices.outputs.destroy_retained()
    elif action == "printer.fail_next":
        devices.printer.fail_next = True
    elif action == "printer.clear_fault":
        devices.printer.fail_next = False
    elif action == "idle_timeout" and value is not None and low <= value <= high:
        visit.idle_timeout = float(value)
    else:
        raise Refused("kiosk.invalid")
    return maintenance_status(devices, visit)
