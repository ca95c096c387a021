"""A kiosk that dies between payment and print (``python -m tests.e2e.settle_kiosk``).

One visit through the real chain with the kiosk's own journal; its printer writes ``--marker``
once the money is in escrow and the print has started, then hangs, so the test can SIGKILL the
process at exactly that point — a kiosk that lost power mid-print and is not back yet.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from kofu import faketime
from kofu.card.store import CardStore
from kofu.config import Settings
from kofu.kiosk.center import CenterLink
from kofu.kiosk.headless import issue_once
from kofu.kiosk.journal import kiosk_journal
from kofu.pki.tls import client_context


class HangingPrinter:
    """Starts printing and never finishes (test double for a printer mid-job; the process dies here)."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def print_document(self, pdf: bytes, copies: int, title: str) -> None:
        self.marker.write_text("printing")
        time.sleep(600)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--kiosk", required=True)
    parser.add_argument("--card", required=True)
    parser.add_argument("--pin", required=True)
    parser.add_argument("--marker", type=Path, required=True)
    args = parser.parse_args()
    faketime.tolerate_faketime()  # on a chain's moved clock (tests.e2e.settle_month)
    settings = Settings.from_env()
    center = CenterLink(settings.center_url, client_context(settings.pki, "kiosk", args.kiosk), args.kiosk)
    issue_once(
        center,
        CardStore(settings.cards_dir),
        args.card,
        args.pin,
        "juminhyo",
        {},
        1,
        HangingPrinter(args.marker),  # type: ignore[arg-type]
        journal=kiosk_journal(settings.var_dir, args.kiosk),
    )


if __name__ == "__main__":
    main()
