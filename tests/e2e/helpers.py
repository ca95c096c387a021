"""Helpers for tests that drive the real chain (headless kiosk through real processes)."""

from __future__ import annotations

from pathlib import Path

from kofu.card.store import CardStore
from kofu.city.registry.models import Card, Resident
from kofu.config import Settings
from kofu.demo import DemoCard
from kofu.kiosk.center import CenterLink
from kofu.kiosk.devices import SimulatedPrinter
from kofu.kiosk.headless import Issued, issue_once
from kofu.kiosk.journal import Journal, kiosk_journal
from kofu.pki.tls import client_context
from kofu.storage import make_engine, session_factory

REFUSAL_TRAITS = {"moved-out", "deceased", "dv-protected", "pending-change"}


def journal_of(settings: Settings, kiosk_id: str | None = None) -> Journal:
    """The journal of a kiosk of the chain (the headless visits of the tests keep one too)."""
    return kiosk_journal(settings.var_dir, kiosk_id or settings.kiosk_id)


def center_link(settings: Settings, kiosk_id: str | None = None) -> CenterLink:
    kiosk = kiosk_id or settings.kiosk_id
    return CenterLink(settings.center_url, client_context(settings.pki, "kiosk", kiosk), kiosk)


def order(
    settings: Settings,
    card: DemoCard,
    *,
    pin: str | None = None,
    options: dict[str, str] | None = None,
    copies: int = 1,
    kiosk_id: str | None = None,
) -> tuple[Issued, bytes]:
    """One headless visit; returns what was issued and the printed PDF."""
    printer = SimulatedPrinter()
    center = center_link(settings, kiosk_id)
    try:
        issued = issue_once(
            center,
            CardStore(settings.cards_dir),
            card.card,
            pin or card.pin,
            "juminhyo",
            options or {},
            copies,
            printer,
            journal=journal_of(settings, kiosk_id),
        )
    finally:
        center.close()
    (sheet,) = printer.tray
    return issued, sheet.pdf


def eligible(cards: list[DemoCard], city: str | None = None) -> list[DemoCard]:
    return [
        c
        for c in cards
        if "adult" in c.traits and not REFUSAL_TRAITS & set(c.traits) and (city is None or c.city == city)
    ]


def with_trait(cards: list[DemoCard], trait: str) -> DemoCard:
    return next(c for c in cards if trait in c.traits)


def registry(settings: Settings, city: str) -> list[Resident]:
    """Every resident of a city's registry (detached, with household loaded)."""
    engine = make_engine(settings.city_db_url(city))
    try:
        with session_factory(engine)() as session:
            residents = session.query(Resident).all()
            for r in residents:
                _ = r.household.address
            return residents
    finally:
        engine.dispose()


def card_serials(settings: Settings, city: str) -> list[str]:
    engine = make_engine(settings.city_db_url(city))
    try:
        with session_factory(engine)() as session:
            return [c.cert_serial_hex for c in session.query(Card).all()]
    finally:
        engine.dispose()


def files_under(*roots: Path) -> list[Path]:
    return [p for root in roots if root.exists() for p in root.rglob("*") if p.is_file()]
