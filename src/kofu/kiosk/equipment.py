"""The kiosk's devices as one object, built from configuration.

    card slot   KOFU_READER      emulated (SimulatedSlot) | pcsc (PcscSlot, KOFU_READER_NAME)
    card panel  KOFU_CARD_PANEL  (none) | module:factory — the simulated slot's list of cards
    cash unit   KOFU_CASH        simulated | module:factory
    printer     KOFU_PRINTER     simulated | module:factory
    speaker     KOFU_SPEAKER     page | module:factory

``module:factory`` names a callable that takes the `Settings` and returns the device (a
`KioskCashUnit`, `KioskPrinter`, `Speaker` or `CardPanel`): a copier's own driver replaces a
simulated one here, and nothing of the visit or the screen changes. A kiosk built with a
simulated device (``simulated = True``) says so in the log, once per device. The change tray, output tray and retained bin (`Outputs`) and the
paper and toner (`Supplies`) belong to the copier too.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from kofu.card.store import CardStore
from kofu.config import Settings
from kofu.kiosk.devices import (
    PAPER_CAPACITY,
    KioskCashUnit,
    KioskPrinter,
    SimulatedCashUnit,
    SimulatedPrinter,
    Supplies,
    say_simulated,
)
from kofu.kiosk.slot import CardPanel, NoCards, PcscSlot, SimulatedSlot
from kofu.kiosk.speaker import PageSpeaker, Speaker
from kofu.kiosk.tray import Outputs
from kofu.protocol.kiosk_maintenance import (
    CardReaderStatus,
    CashUnitStatus,
    DeviceStatus,
    PrinterStatus,
    SpeakerStatus,
)


@dataclass
class Devices:
    """Card slot, cash unit, printer (with its paper and trays) and speaker of one kiosk."""

    slot: SimulatedSlot | PcscSlot
    cash: KioskCashUnit
    printer: KioskPrinter
    speaker: Speaker
    supplies: Supplies = field(default_factory=Supplies)
    outputs: Outputs = field(init=False)

    def __post_init__(self) -> None:
        self.outputs = Outputs(self.printer)
        for name, device in (
            ("card slot", self.slot),
            ("cash unit", self.cash),
            ("printer", self.printer),
            ("speaker", self.speaker),
        ):
            if getattr(device, "simulated", False):
                say_simulated(name, str(getattr(device, "driver", "")))

    @classmethod
    def simulated(cls, store: CardStore, panel: CardPanel | None = None) -> Devices:
        """Every device simulated; the slot holds the cards of ``store``."""
        return cls(SimulatedSlot(store, panel), SimulatedCashUnit(), SimulatedPrinter(), PageSpeaker())

    @property
    def pcsc(self) -> PcscSlot | None:
        """The real PC/SC reader, when the slot is one."""
        return self.slot if isinstance(self.slot, PcscSlot) else None

    def status(self, *, card_in_slot: bool) -> DeviceStatus:
        """Device states and counters for maintenance: never a document or anything about a resident."""
        slot, cash, printer, supplies = self.slot, self.cash, self.printer, self.supplies
        pcsc = self.pcsc
        return DeviceStatus(
            card_reader=CardReaderStatus(
                status=pcsc.status if pcsc is not None else "ok",
                card_present=pcsc.present if pcsc is not None else card_in_slot,
                name=slot.state().name,
                simulated=pcsc is None,
                driver=slot.driver,
            ),
            cash_unit=CashUnitStatus(
                status="ok",
                box_total=cash.box_total,
                inserted_now=cash.inserted(),
                change_waiting=self.outputs.returned,
                retained_cash=self.outputs.retained_cash,
                simulated=cash.simulated,
                driver=cash.driver,
            ),
            printer=PrinterStatus(
                status="jam_armed" if printer.fail_next else supplies.paper_state,
                paper=supplies.paper,
                paper_capacity=PAPER_CAPACITY,
                paper_state=supplies.paper_state,  # type: ignore[arg-type]
                toner_percent=supplies.toner_percent,
                toner_state=supplies.toner_state,  # type: ignore[arg-type]
                copies_printed=printer.pages_printed,
                fail_next=printer.fail_next,
                tray_documents=len(printer.tray),
                simulated=printer.simulated,
                driver=printer.driver,
            ),
            speaker=SpeakerStatus(status="ok", driver=self.speaker.driver, simulated=self.speaker.simulated),
        )

    def close(self) -> None:
        self.slot.close()


def import_object(spec: str) -> Any:
    """The object ``package.module:name`` names."""
    module, _, name = spec.partition(":")
    target: Any = importlib.import_module(module)
    for part in name.split("."):
        target = getattr(target, part)
    return target


def _backend(setting: str, spec: str, builtin: str, make: Callable[[], Any], settings: Settings) -> Any:
    if spec in ("", builtin):
        return make()
    try:
        factory = import_object(spec)
    except (ImportError, AttributeError) as exc:
        raise RuntimeError(f"{setting}={spec}: cannot load it ({exc})") from exc
    return factory(settings)


def build_devices(settings: Settings, store: CardStore | None = None) -> Devices:
    """The devices the settings name (see the module's table)."""
    if settings.reader == "pcsc":
        slot: SimulatedSlot | PcscSlot = PcscSlot(settings.reader_name)
    else:
        panel = _backend("KOFU_CARD_PANEL", settings.card_panel, "none", NoCards, settings)
        slot = SimulatedSlot(store or CardStore(settings.cards_dir), panel)
    return Devices(
        slot=slot,
        cash=_backend("KOFU_CASH", settings.cash, "simulated", SimulatedCashUnit, settings),
        printer=_backend("KOFU_PRINTER", settings.printer, "simulated", SimulatedPrinter, settings),
        speaker=_backend("KOFU_SPEAKER", settings.speaker, "page", PageSpeaker, settings),
    )
