"""One headless kiosk as its own process, ordering until a deadline (``python -m kofu.chaos.worker``).

Each visit is a whole order through the chain with the kiosk's journal; the printed document is
checked to name its card holder (the names are read from the cities' registries once, held in
memory, never written). One JSON line per visit goes to ``--out``: order id, issue number,
outcome code, latency, and whether the document named someone else. A kill -9 of this process
is what a crashed kiosk is: the next start of the same kiosk id recovers from its journal.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from kofu.card.store import CardStore
from kofu.city.registry.models import Card, Resident
from kofu.config import Settings
from kofu.documents.text import extract_text
from kofu.kiosk.center import CenterLink
from kofu.kiosk.devices import SimulatedPrinter
from kofu.kiosk.headless import issue_once
from kofu.kiosk.journal import kiosk_journal, recovered
from kofu.pki.tls import client_context
from kofu.storage import make_engine, session_factory


def holders(settings: Settings, labels: list[str]) -> dict[str, str]:
    """The registered name of each card's holder (read live from the cities' registries)."""
    found: dict[str, str] = {}
    for city in settings.cities:
        engine = make_engine(settings.city_db_url(city))
        try:
            with session_factory(engine)() as session:
                rows = session.query(Card, Resident).join(Resident, Card.resident_id == Resident.id)
                for card, resident in rows.filter(Card.label.in_(labels)):
                    found[card.label] = resident.name
        finally:
            engine.dispose()
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="kofu-chaos-kiosk")
    parser.add_argument("--kiosk", required=True)
    parser.add_argument("--cards", required=True, help="label:PIN:city,label:PIN:city,…")
    parser.add_argument("--until", type=float, required=True, help="epoch seconds")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    settings = Settings.from_env()
    cards = [tuple(item.split(":", 2)) for item in args.cards.split(",")]
    names = holders(settings, [label for label, _pin, _city in cards])
    center = CenterLink(settings.center_url, client_context(settings.pki, "kiosk", args.kiosk), args.kiosk)
    journal = kiosk_journal(settings.var_dir, args.kiosk)
    store = CardStore(settings.cards_dir)
    with recovered(journal, center), args.out.open("a", encoding="utf-8") as out:
        while time.time() < args.until:
            label, pin, city = random.choice(cards)
            printer = SimulatedPrinter()
            started = time.perf_counter()
            line: dict[str, object] = {"kiosk": args.kiosk, "city": city, "at": time.time()}
            try:
                issued = issue_once(
                    center, store, label, pin, "juminhyo", {"household": "self"}, 1, printer, journal=journal
                )
                text = "".join(extract_text(sheet.pdf) for sheet in printer.tray)
                line |= {
                    "order_id": issued.order_id,
                    "issue_number": issued.issue_number,
                    "code": "printed",
                    "wrong_person": "".join(names.get(label, "?").split()) not in "".join(text.split()),
                }
            except Exception as exc:  # every failed visit is a line with its code
                line["code"] = getattr(exc, "code", None) or f"unexpected.{type(exc).__name__}"
                time.sleep(0.5)  # a resident told to try again does not try a hundred times a second
            line["ms"] = round((time.perf_counter() - started) * 1000, 1)
            out.write(json.dumps(line) + "\n")
            out.flush()
    center.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
