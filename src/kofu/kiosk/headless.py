"""The kiosk flow without a screen: `kofu issue` and `kofu bench` drive it."""

from __future__ import annotations

from dataclasses import dataclass

from kofu.card.state import CardStore
from kofu.kiosk.centre import CentreLink
from kofu.kiosk.devices import DENOMINATIONS, Printer, SimulatedCashUnit
from kofu.kiosk.flow import KioskFlow


@dataclass(frozen=True)
class Issued:
    """What a headless order produced."""

    order_id: str
    pages: int
    fee_total: int
    change: int
    issue_number: str


def insert_exact(cash: SimulatedCashUnit, amount: int) -> None:
    """Feed coins and notes that add up to exactly `amount` (largest first)."""
    for value in sorted(DENOMINATIONS, reverse=True):
        while amount >= value:
            cash.insert(value)
            amount -= value
    if amount:
        cash.insert(10)  # amounts below ¥10 cannot be paid exactly; change comes back


def issue_once(
    centre: CentreLink,
    store: CardStore,
    card: str,
    pin: str,
    doc: str,
    options: dict[str, str],
    copies: int,
    printer: Printer,
    city: str | None = None,
) -> Issued:
    """One whole visit: card, PIN, city, document, payment, printing. Raises KofuError on refusal."""
    cash = SimulatedCashUnit()
    flow = KioskFlow(centre, cash, printer)
    try:
        with store.open(card, wait=5.0) as stored:
            flow.place_card(stored.reader())
            cities = flow.enter_pin(pin)
            flow.remove_card()
        chosen = city or next((c.city_code for c in cities if c.kind == "residence"), cities[0].city_code)
        flow.choose_city(chosen)
        document = flow.order(doc, options, copies)
        insert_exact(cash, document.fee_total)
        change = flow.pay_and_print()
        return Issued(document.order_id, document.pages, document.fee_total, change, document.issue_number)
    except BaseException:
        flow.cancel()
        raise
    finally:
        flow.wipe()
