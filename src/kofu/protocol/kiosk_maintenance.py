"""The kiosk's maintenance page ⇄ the kiosk: an action, and what staff see of the devices.

Part of the touch screen's link (``kofu.protocol.kiosk_screen``, where its endpoints
``MAINTENANCE_STATUS`` and ``MAINTENANCE_ACTION`` are declared); kept apart because staff, not
residents, read it. It holds counters and device states only: never a document, a PIN or
anything about a resident.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from kofu.protocol.types import Model, Text32


class Maintain(Model):
    """A maintenance action (refill, replace, empty, destroy, …) and its value."""

    action: Text32 = Field(min_length=1)
    value: float | None = None


class CardReaderStatus(Model):
    """The card reader as maintenance sees it."""

    status: str
    card_present: bool
    name: str = ""
    simulated: bool
    driver: str


class CashUnitStatus(Model):
    """The cash unit as maintenance sees it (counters only)."""

    status: str
    box_total: int
    inserted_now: int
    change_waiting: int
    retained_cash: int
    simulated: bool
    driver: str


class PrinterStatus(Model):
    """The printer, its paper and toner, as maintenance sees it."""

    status: str
    paper: int
    paper_capacity: int
    paper_state: Literal["ok", "low", "empty"]
    toner_percent: int
    toner_state: Literal["ok", "low", "empty"]
    copies_printed: int
    fail_next: bool
    tray_documents: int
    simulated: bool
    driver: str


class SpeakerStatus(Model):
    """The speaker as maintenance sees it."""

    status: str
    driver: str
    simulated: bool


class DeviceStatus(Model):
    """Every device of the kiosk."""

    card_reader: CardReaderStatus
    cash_unit: CashUnitStatus
    printer: PrinterStatus
    speaker: SpeakerStatus


class Retained(Model):
    """Documents residents left behind, counted (never shown)."""

    documents: int
    copies: int


class MaintenanceStatus(Model):
    """What staff see: counters and device states, never a document or anything about a resident."""

    visit_in_progress: bool
    idle_timeout: float
    devices: DeviceStatus
    retained: Retained
