"""Helpers of the document, rule and registration chain tests (test_documents_*, test_rules_*,
test_registration_*).

Cards: a test that only reads (orders, menus, refusals) takes a demo card by its traits with
``any_with``; no test changes a demo card or its resident, so any of them will do. A test that
changes something (abolishes a seal, lengthens a name, applies for a 利用登録) takes its own card
from the ``own`` fixture (tests/residents.py).
"""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kofu.card.store import CardStore
from kofu.city.issuer import staff
from kofu.config import Settings
from kofu.demo import DemoCard
from kofu.kiosk.devices import SimulatedCashUnit, SimulatedPrinter
from kofu.kiosk.flow import KioskFlow
from kofu.kiosk.headless import Issued, issue_once
from kofu.protocol.kiosk_center import Menu, OrderRequest, OrderResult
from kofu.storage import make_engine, session_factory
from kofu.up import _settings_env
from tests.e2e.helpers import center_link, eligible, journal_of

CITIES = ("132292", "132110")
OTHER = {"132292": "132110", "132110": "132292"}


def any_with(cards: list[DemoCard], trait: str, *, without: tuple[str, ...] = ()) -> DemoCard:
    """The last eligible demo card with ``trait``: for tests that change nothing (shared is fine)."""
    found = [c for c in eligible(cards) if trait in c.traits and not set(without) & set(c.traits)]
    assert found, f"no eligible card with {trait}"
    return found[-1]


def issue(
    settings: Settings,
    card: DemoCard,
    doc: str,
    options: dict[str, str] | None = None,
    *,
    city: str | None = None,
) -> tuple[Issued, bytes]:
    """One headless visit through the real chain; the printed PDF."""
    printer = SimulatedPrinter()
    center = center_link(settings)
    try:
        issued = issue_once(
            center,
            CardStore(settings.cards_dir),
            card.card,
            card.pin,
            doc,
            options or {},
            1,
            printer,
            city=city,
            journal=journal_of(settings),
        )
    finally:
        center.close()
    (sheet,) = printer.tray
    return issued, sheet.pdf


@contextmanager
def visit(settings: Settings, card: DemoCard) -> Iterator[KioskFlow]:
    """A kiosk flow with the card authenticated (for steps the headless visit does not split)."""
    center = center_link(settings)
    flow = KioskFlow(center, SimulatedCashUnit(), SimulatedPrinter(), journal_of(settings))
    try:
        with CardStore(settings.cards_dir).open(card.card, wait=5.0) as stored:
            flow.place_card(stored.reader())
            flow.enter_pin(card.pin)
            flow.remove_card()
        yield flow
    finally:
        flow.cancel()
        center.close()


def menu_of(settings: Settings, card: DemoCard, city: str | None = None) -> Menu:
    with visit(settings, card) as flow:
        return flow.choose_city(city or card.city)


def raw_order(
    settings: Settings,
    card: DemoCard,
    doc: str,
    options: dict[str, str] | None = None,
    *,
    copies: int = 1,
    city: str | None = None,
) -> OrderResult:
    """An order straight to the centre, past the kiosk's own menu check: what the city decides."""
    with visit(settings, card) as flow:
        assert flow.token is not None
        key = X25519PrivateKey.generate()
        request = OrderRequest(
            city_code=city or card.city,
            doc=doc,  # type: ignore[arg-type]
            options=options or {},
            copies=copies,
            kiosk_public_key=key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
            idempotency_key=secrets.token_hex(16),
        )
        return flow.center.order(flow.token, request)


def refusal(result: OrderResult) -> str | None:
    return result.error.code if result.status == "refused" and result.error else None


@contextmanager
def city_setting(settings: Settings, city: str, **changes: Any) -> Iterator[dict[str, Any]]:
    """Change a city's settings for the body of a ``with``; put them back afterwards."""
    before = staff.show_settings(settings, city)
    doc = changes.get("doc")
    try:
        yield staff.set_settings(settings, city, **changes)
    finally:
        restore: dict[str, Any] = {"copy_limit": before["copy_limit"], "kazei_years": before["kazei_years"]}
        if doc is not None:
            old = before["documents"][doc]
            restore |= {
                "doc": doc,
                "offered": old["offered"],
                "fee": old["fee"],
                "hours": old["hours"],
                "weekdays_only": old["weekdays_only"],
            }
        staff.set_settings(settings, city, **restore)


@contextmanager
def registry_session(settings: Settings, city: str) -> Iterator[Any]:
    """A read-write transaction on a city's registry (what city staff change)."""
    engine = make_engine(settings.city_db_url(city))
    try:
        with session_factory(engine).begin() as session:
            yield session
    finally:
        engine.dispose()


def kofu(settings: Settings, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the `kofu` command against the chain."""
    env = {**os.environ, "KOFU_VAR": str(settings.var_dir), **_settings_env(settings)}
    return subprocess.run(
        [sys.executable, "-m", "kofu.cli", *args], capture_output=True, text=True, env=env, timeout=120
    )
