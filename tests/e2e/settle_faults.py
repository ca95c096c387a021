"""Faults a settlement must find, made on the real parts of a running chain.

One fault of each kind the settlement lists, each on a kiosk of its own (fresh ids, their own
TLS identities), so that nothing else a chain does shows as that kiosk's:

    kill_between_payment_and_print   charged_not_printed       (the kiosk dies mid-print)
    lose_the_report                  sealed_not_reported       (the kiosk's journal is lost)
    lose_the_journal                 printed_not_charged       (after a print, its disk is replaced)
    lose_the_city_row                reported_unknown_to_city  (the city's log loses a row)

``python -m tests.e2e.settle_faults --card LABEL --work DIR`` makes all four with one demo card
against the chain of ``$KOFU_VAR`` and prints what it made (JSON: kind → kiosk and order id).
Run it on the chain's clock (under the same libfaketime offset) when the chain runs on a moved
one: the kiosks' journals are dated by the process that writes them.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete

from kofu import faketime
from kofu.card.store import CardStore
from kofu.city.registry.models import Issuance
from kofu.config import Settings
from kofu.demo import DemoCard, load_index
from kofu.kiosk.devices import SimulatedCashUnit, SimulatedPrinter
from kofu.kiosk.flow import KioskFlow
from kofu.kiosk.journal import Journal, kiosk_journal
from kofu.pki.tls import ensure_tls_identity
from kofu.storage import make_engine, session_factory
from tests.e2e.helpers import center_link, order

ROOT = Path(__file__).resolve().parents[2]


def new_kiosks(settings: Settings, n: int) -> list[str]:
    """``n`` kiosk ids no one has used (KS<random>0 …), each with its TLS identity."""
    tag = secrets.token_hex(2).upper()
    ids = [f"KS{tag}{i}" for i in range(n)]
    for kiosk in ids:
        ensure_tls_identity(settings.pki, "kiosk", kiosk)
    return ids


def kill_between_payment_and_print(settings: Settings, kiosk: str, card: DemoCard, work: Path) -> str:
    """A kiosk process pays and starts printing, and is killed there (tests.e2e.settle_kiosk);
    the order id, as the dead kiosk's journal has it."""
    marker = work / f"{kiosk}.printing"
    env = {**os.environ, "KOFU_VAR": str(settings.var_dir), "KOFU_PORT_BASE": str(settings.port_base),
           "KOFU_KIOSK_PORT": str(settings.kiosk_port)}  # fmt: skip
    proc = subprocess.Popen(
        [sys.executable, "-m", "tests.e2e.settle_kiosk", "--kiosk", kiosk, "--card", card.card,
         "--pin", card.pin, "--marker", str(marker)],
        env=env, cwd=ROOT,
    )  # fmt: skip
    try:
        for _ in range(1200):
            if marker.exists() or proc.poll() is not None:
                break
            time.sleep(0.05)
        assert marker.exists(), "the kiosk never reached the printer"
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    journal = kiosk_journal(settings.var_dir, kiosk)
    try:
        (printing,) = [row["order_id"] for row in journal.rows("orders") if row["order_id"]]
    finally:
        journal.close()
    return str(printing)


def lose_the_report(settings: Settings, kiosk: str, card: DemoCard, work: Path) -> str:
    """The order is placed and sealed; the kiosk's journal (and every report in it) is lost."""
    lost = Journal(work / f"lost-{kiosk}" / "journal.db")
    center = center_link(settings, kiosk)
    flow = KioskFlow(center, SimulatedCashUnit(), SimulatedPrinter(), lost)
    try:
        with CardStore(settings.cards_dir).open(card.card, wait=5.0) as stored:
            flow.place_card(stored.reader())
            flow.enter_pin(card.pin)
            flow.remove_card()
        flow.choose_city(card.city)
        return flow.order("juminhyo", {}, 1).order_id
    finally:
        flow.wipe()
        center.close()
        lost.close()


def lose_the_journal(settings: Settings, kiosk: str) -> None:
    """The kiosk's disk is replaced after a print: its cash journal is gone."""
    journal = kiosk_journal(settings.var_dir, kiosk)
    journal.close()
    for path in journal.path.parent.glob("journal.*"):
        path.unlink()


def lose_the_city_row(settings: Settings, city: str, order_id: str) -> None:
    """The city's issuance log loses a row (restored from a backup taken before it)."""
    engine = make_engine(settings.city_db_url(city))
    try:
        with session_factory(engine).begin() as session:
            session.execute(delete(Issuance).where(Issuance.order_id == order_id))
    finally:
        engine.dispose()


@dataclass(frozen=True)
class Injected:
    """A fault made: the difference it must show as (kind), on which kiosk, for which order."""

    kind: str
    kiosk_id: str
    order_id: str


def inject_all(settings: Settings, card: DemoCard, work: Path) -> list[Injected]:
    """One fault of each kind, each on a new kiosk of its own, with ``card``."""
    work.mkdir(parents=True, exist_ok=True)
    dying, silent, amnesic, forgotten = new_kiosks(settings, 4)
    dying_order = kill_between_payment_and_print(settings, dying, card, work)
    silent_order = lose_the_report(settings, silent, card, work)
    amnesic_order, _ = order(settings, card, kiosk_id=amnesic)
    lose_the_journal(settings, amnesic)
    forgotten_order, _ = order(settings, card, kiosk_id=forgotten)
    lose_the_city_row(settings, card.city, forgotten_order.order_id)
    return [
        Injected("charged_not_printed", dying, dying_order),
        Injected("sealed_not_reported", silent, silent_order),
        Injected("printed_not_charged", amnesic, amnesic_order.order_id),
        Injected("reported_unknown_to_city", forgotten, forgotten_order.order_id),
    ]


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--card", required=True, help="a demo card label (its PIN is in the demo's index)")
    parser.add_argument("--work", type=Path, required=True, help="a directory for the lost journal")
    args = parser.parse_args()
    faketime.tolerate_faketime()
    settings = Settings.from_env()
    card = next(c for c in load_index(settings) if c.card == args.card)
    made = inject_all(settings, card, args.work)
    print(json.dumps([vars(i) for i in made]))


if __name__ == "__main__":
    main()
