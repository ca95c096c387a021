"""The kiosk flow without a screen: `kofu issue` and `kofu bench` drive it."""

from __future__ import annotations

from dataclasses import dataclass

from kofu.card.reader import Reader
from kofu.card.store import CardStore
from kofu.kiosk.center import CenterLink
from kofu.kiosk.devices import DENOMINATIONS, CashUnit, Printer, SimulatedCashUnit, SimulatedPrinter
from kofu.kiosk.flow import KioskFlow
from kofu.kiosk.journal import Journal
from kofu.kiosk.seals import KioskSeals
from kofu.protocol.kiosk_center import CityChoice, DocumentOffer, RegistrationResult


@dataclass(frozen=True)
class Issued:
    """What a headless order produced."""

    order_id: str
    pages: int
    fee_total: int
    change: int
    issue_number: str


def insert_exact(cash: CashUnit, amount: int) -> None:
    """Feed coins and notes that add up to exactly `amount` (largest first)."""
    for value in sorted(DENOMINATIONS, reverse=True):
        while amount >= value:
            cash.insert(value)
            amount -= value
    if amount:
        cash.insert(10)  # amounts below ¥10 cannot be paid exactly; change comes back


def member_choices(offer: DocumentOffer, options: dict[str, str]) -> dict[str, str]:
    """Options with people given as a place in the chooser (``2``, 1 = first) or a name as
    printed, turned into the menu's opaque member tokens; tokens pass unchanged."""
    resolved = dict(options)
    for spec in offer.options:
        if not spec.enveloped_labels or spec.name not in options:
            continue
        picked = []
        for part in options[spec.name].split(","):
            part = part.strip().removeprefix("#")
            if part in spec.choices:
                picked.append(part)
            elif part.isdigit() and 1 <= int(part) <= len(spec.choices):
                picked.append(spec.choices[int(part) - 1])
            else:
                wanted = "".join(part.split())
                found = [
                    c
                    for c, ja, en in zip(
                        spec.choices, spec.choice_labels_ja, spec.choice_labels_en, strict=True
                    )
                    if "".join(en.split()) == wanted or "".join(ja.split()).startswith(wanted)
                ]
                picked.append(found[0] if found else part)
        resolved[spec.name] = ",".join(picked)
    return resolved


def _card_and_pin(flow: KioskFlow, reader: Reader, pin: str) -> list[CityChoice]:
    flow.place_card(reader)
    cities = flow.enter_pin(pin)
    flow.remove_card()
    return cities


def issue_once(
    center: CenterLink,
    store: CardStore | None,
    card: str | None,
    pin: str,
    doc: str,
    options: dict[str, str],
    copies: int,
    printer: Printer,
    city: str | None = None,
    *,
    journal: Journal,
    reader: Reader | None = None,
    seals: KioskSeals | None = None,
) -> Issued:
    """One whole visit: card, PIN, city, document, payment, printing. Raises KofuError on refusal.

    The card is the stored card ``card`` in an emulated reader, or whatever card is in ``reader``
    (e.g. a :class:`~kofu.card.pcsc.PcscReader`) when one is given. A kiosk that makes many
    visits passes its ``seals`` (the trust list it keeps) so that each visit does not fetch it again.
    """
    flow = KioskFlow(center, SimulatedCashUnit(), printer, journal, seals=seals)
    try:
        if reader is not None:
            cities = _card_and_pin(flow, reader, pin)
        else:
            if store is None or card is None:
                raise ValueError("issue_once needs a reader, or a card store and a card label")
            with store.open(card, wait=5.0) as stored:
                cities = _card_and_pin(flow, stored.reader(), pin)
        chosen = city or next((c.city_code for c in cities if c.kind == "residence"), cities[0].city_code)
        flow.choose_city(chosen)
        document = flow.order(doc, member_choices(flow.offer(doc), options), copies)
        insert_exact(flow.cash, document.fee_total)
        change = flow.pay_and_print()
        flow.reporter.flush()  # what is left pending is sent by the next visit of this kiosk
        return Issued(document.order_id, document.pages, document.fee_total, change, document.issue_number)
    except BaseException:
        flow.cancel()
        raise
    finally:
        flow.wipe()


def register_once(
    center: CenterLink,
    store: CardStore | None,
    card: str | None,
    pin: str,
    city: str,
    honseki: str,
    hittosha: str,
    *,
    journal: Journal,
    reader: Reader | None = None,
) -> RegistrationResult:
    """One 利用登録 visit: card, PIN, then the application (本籍, 筆頭者) to the 本籍地 ``city``."""
    flow = KioskFlow(center, SimulatedCashUnit(), SimulatedPrinter(), journal)  # prints nothing
    try:
        if reader is not None:
            _card_and_pin(flow, reader, pin)
        else:
            if store is None or card is None:
                raise ValueError("register_once needs a reader, or a card store and a card label")
            with store.open(card, wait=5.0) as stored:
                _card_and_pin(flow, stored.reader(), pin)
        return flow.apply_registration(city, honseki, hittosha)
    finally:
        flow.wipe()


def notices_once(
    center: CenterLink, store: CardStore, card: str, pin: str, *, journal: Journal
) -> list[dict[str, str]]:
    """One 本人通知 visit: card, PIN, then what the card's cities issued in the holder's name."""
    flow = KioskFlow(center, SimulatedCashUnit(), SimulatedPrinter(), journal)  # takes no money
    try:
        with store.open(card, wait=5.0) as stored:
            _card_and_pin(flow, stored.reader(), pin)
        return flow.notices()
    finally:
        flow.wipe()
