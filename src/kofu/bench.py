"""`kofu bench`: N concurrent headless kiosks ordering through the running chain."""

from __future__ import annotations

import statistics
import threading
import time
from dataclasses import dataclass, field

from kofu.card.state import CardStore
from kofu.config import Settings
from kofu.demo import DemoCard, kiosk_ids, load_index
from kofu.kiosk.centre import CentreLink
from kofu.kiosk.headless import issue_once
from kofu.pki.tls import client_context
from kofu.protocol.errors import KofuError

REFUSED_TRAITS = {"moved-out", "deceased", "dv-protected", "pending-change"}


class _NullPrinter:
    """Bench printer: counts sheets, keeps nothing."""

    def print_document(self, pdf: bytes, copies: int, title: str) -> None:
        pass


@dataclass
class _Tally:
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


def eligible_cards(cards: list[DemoCard]) -> list[DemoCard]:
    """Adults whom no rule refuses a 住民票 (children's cards exist for the under-15 refusal)."""
    return [c for c in cards if "adult" in c.traits and not REFUSED_TRAITS & set(c.traits)]


def run_bench(settings: Settings, kiosks: int, seconds: float, doc: str = "juminhyo") -> dict[str, float]:
    """Drive `kiosks` kiosks for `seconds`; return throughput and latency figures (ms)."""
    cards = eligible_cards(load_index(settings))
    if len(cards) < kiosks:
        raise SystemExit(f"only {len(cards)} eligible demo cards for {kiosks} kiosks")
    ids = kiosk_ids(settings, kiosks)[1:]
    store = CardStore(settings.cards_dir)
    tally = _Tally()
    deadline = time.monotonic() + seconds

    def kiosk(index: int) -> None:
        kiosk_id = ids[index]
        centre = CentreLink(settings.center_url, client_context(settings.pki, "kiosk", kiosk_id), kiosk_id)
        mine = cards[index::kiosks]
        n = 0
        try:
            while time.monotonic() < deadline:
                card = mine[n % len(mine)]
                n += 1
                started = time.perf_counter()
                try:
                    issue_once(
                        centre, store, card.card, card.pin, doc, {"household": "self"}, 1, _NullPrinter()
                    )
                except KofuError as exc:
                    with tally.lock:
                        tally.errors[exc.code] = tally.errors.get(exc.code, 0) + 1
                    continue
                elapsed = time.perf_counter() - started
                with tally.lock:
                    tally.latencies.append(elapsed)
        finally:
            centre.close()

    began = time.monotonic()
    threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(kiosks)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    wall = time.monotonic() - began
    lat = sorted(tally.latencies)
    figures = {
        "orders": float(len(lat)),
        "seconds": wall,
        "orders_per_s": len(lat) / wall if wall else 0.0,
        "errors": float(sum(tally.errors.values())),
    }
    if lat:
        q = statistics.quantiles(lat, n=100, method="inclusive") if len(lat) > 1 else [lat[0]] * 99
        figures.update(p50_ms=q[49] * 1000, p95_ms=q[94] * 1000, p99_ms=q[98] * 1000, max_ms=lat[-1] * 1000)
    for code, count in sorted(tally.errors.items()):
        figures[f"error:{code}"] = float(count)
    return figures
