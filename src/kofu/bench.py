"""`kofu bench`: N concurrent headless kiosks ordering through the running chain.

Each kiosk is one of the headless kiosk identities made by `kofu pki init` (K9001, K9002, …)
and drives its own share of the demo cards, always with the card's own PIN (a bench never
counts a PIN down). Every order is a whole visit: card, PIN, menu, 住民票 for the holder,
payment, printing (to a printer that keeps nothing). A visit that raises counts as a failure
under its stable code; only visits that printed count as orders and have a latency.

When the chain runs here (`kofu up`'s pid files in ``var/run``), the bench also reads the CPU
time the centre, each gateway and each issuer spent, and prints it per visit with what one core
would carry at that cost. The kiosks' own work (card, HPKE, the seal check) runs in the bench's
process and is not counted: each store's kiosk is its own machine.
"""

from __future__ import annotations

import statistics
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

from kofu.card.store import CardStore
from kofu.config import Settings
from kofu.demo import DemoCard, kiosk_ids, load_index
from kofu.kiosk.center import CenterLink
from kofu.kiosk.headless import issue_once
from kofu.kiosk.journal import kiosk_journal
from kofu.pki.errors import PkiError
from kofu.pki.tls import client_context
from kofu.procstat import actor_cpu, cpu_spent

REFUSED_TRAITS = {"moved-out", "deceased", "dv-protected", "pending-change"}
PERCENTILES = (50, 95, 99)


class BenchError(ValueError):
    """The bench cannot start (unknown or unsuitable cards, no kiosk identity); nothing was ordered."""


class _NullPrinter:
    """Bench printer: prints nowhere, keeps nothing."""

    def print_document(self, pdf: bytes, copies: int, title: str) -> None:
        pass


@dataclass
class BenchResult:
    """What a bench run did: latencies (seconds) of the orders that printed, failures by code."""

    kiosks: int
    cards: int
    seconds: float
    latencies: list[float] = field(default_factory=list)
    failures: dict[str, int] = field(default_factory=dict)
    #: Visits (printed or failed) by the card's city, and CPU seconds each server actor spent.
    visits_by_city: dict[str, int] = field(default_factory=dict)
    cpu: dict[str, float] = field(default_factory=dict)

    @property
    def orders(self) -> int:
        return len(self.latencies)

    @property
    def failed(self) -> int:
        return sum(self.failures.values())

    @property
    def ok(self) -> bool:
        """At least one order printed and none failed."""
        return self.orders > 0 and self.failed == 0

    @property
    def orders_per_s(self) -> float:
        return self.orders / self.seconds if self.seconds > 0 else 0.0

    def percentile_ms(self, p: int) -> float | None:
        """The p-th percentile latency in ms (inclusive method), or None without orders."""
        lat = sorted(self.latencies)
        if not lat:
            return None
        if len(lat) == 1:
            return lat[0] * 1000
        return statistics.quantiles(lat, n=100, method="inclusive")[p - 1] * 1000

    def lines(self) -> list[str]:
        """The figures as printed: always every line, ``n/a`` where there is nothing to measure."""

        def ms(value: float | None) -> str:
            return "n/a" if value is None else f"{value:.1f} ms"

        out = [
            f"kofu bench: {self.kiosks} kiosks, {self.cards} cards, {self.seconds:.1f} s",
            f"  orders: {self.orders}",
            f"  failures: {self.failed}",
        ]
        out += [f"    {code}: {count}" for code, count in sorted(self.failures.items())]
        out.append(f"  orders/s: {self.orders_per_s:.2f}")
        out += [f"  p{p}: {ms(self.percentile_ms(p))}" for p in PERCENTILES]
        out.append(f"  max: {ms(max(self.latencies) * 1000 if self.latencies else None)}")
        out += self._cpu_lines()
        return out

    def _cpu_lines(self) -> list[str]:
        """Per server actor: CPU ms per visit it served, and visits/s one core carries at that."""
        out = []
        for actor, seconds in sorted(self.cpu.items()):
            role, _, city = actor.partition("-")
            if role not in ("center", "gateway", "issuer"):
                continue
            visits = self.visits_by_city.get(city, 0) if city else sum(self.visits_by_city.values())
            if visits == 0:
                continue
            per_visit = seconds / visits
            carries = f"{1 / per_visit:.0f} visits/s" if per_visit > 0 else "n/a"
            out.append(f"  cpu {actor}: {per_visit * 1000:.1f} ms/visit (one core carries {carries})")
        return out


def eligible_cards(cards: list[DemoCard]) -> list[DemoCard]:
    """Adults whom no rule refuses a 住民票 (children's cards exist for the under-15 refusal)."""
    return [c for c in cards if "adult" in c.traits and not REFUSED_TRAITS & set(c.traits)]


def pick_cards(cards: list[DemoCard], labels: Sequence[str] | None) -> list[DemoCard]:
    """The demo cards named by ``labels`` (every eligible card when None), each one eligible."""
    usable = eligible_cards(cards)
    if labels is None:
        return usable
    known = {c.card: c for c in cards}
    allowed = {c.card for c in usable}
    unknown = [label for label in labels if label not in known]
    if unknown:
        raise BenchError(f"not demo cards: {', '.join(unknown)} (see `kofu cards`)")
    refused = [label for label in labels if label not in allowed]
    if refused:
        raise BenchError(
            f"cards a 住民票 is refused for (not adult, or refused by rule): {', '.join(refused)}"
        )
    if len(set(labels)) != len(labels):
        raise BenchError("a card is named twice: a card can be in one reader at a time")
    return [known[label] for label in labels]


def run_bench(
    settings: Settings,
    kiosks: int,
    seconds: float,
    doc: str = "juminhyo",
    cards: Sequence[str] | None = None,
) -> BenchResult:
    """Drive ``kiosks`` kiosks for ``seconds`` with the demo cards ``cards`` (default: every
    eligible one), each kiosk with its own cards; return what happened."""
    if kiosks < 1 or seconds <= 0:
        raise BenchError("--kiosks must be at least 1 and --seconds more than 0")
    chosen = pick_cards(load_index(settings), cards)
    if len(chosen) < kiosks:
        raise BenchError(f"only {len(chosen)} eligible demo cards for {kiosks} kiosks")
    ids = kiosk_ids(settings, kiosks)[1:]
    links: list[CenterLink] = []
    try:
        for kiosk_id in ids:
            try:
                context = client_context(settings.pki, "kiosk", kiosk_id)
            except (PkiError, OSError) as exc:
                raise BenchError(f"no TLS identity for kiosk {kiosk_id}: {exc}") from exc
            links.append(CenterLink(settings.center_url, context, kiosk_id))
        before = actor_cpu(settings.run_dir)
        result = _drive(settings, links, chosen, seconds, doc)
        result.cpu = cpu_spent(before, actor_cpu(settings.run_dir))
        return result
    finally:
        for link in links:
            link.close()


def _drive(
    settings: Settings, links: list[CenterLink], cards: list[DemoCard], seconds: float, doc: str
) -> BenchResult:
    store = CardStore(settings.cards_dir)
    result = BenchResult(kiosks=len(links), cards=len(cards), seconds=0.0)
    journals = [kiosk_journal(settings.var_dir, link.kiosk_id) for link in links]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def fail(code: str) -> None:
        with lock:
            result.failures[code] = result.failures.get(code, 0) + 1

    def kiosk(index: int) -> None:
        mine = cards[index :: len(links)]
        n = 0
        while time.monotonic() < deadline:
            card = mine[n % len(mine)]
            n += 1
            with lock:
                result.visits_by_city[card.city] = result.visits_by_city.get(card.city, 0) + 1
            started = time.perf_counter()
            try:
                issue_once(
                    links[index],
                    store,
                    card.card,
                    card.pin,
                    doc,
                    {"household": "self"},
                    1,
                    _NullPrinter(),
                    journal=journals[index],
                )
            except Exception as exc:  # every failed visit counts, whatever raised
                code = getattr(exc, "code", None)
                fail(code if isinstance(code, str) and code else f"unexpected.{type(exc).__name__}")
                continue
            elapsed = time.perf_counter() - started
            with lock:
                result.latencies.append(elapsed)

    began = time.monotonic()
    threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(len(links))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    result.seconds = time.monotonic() - began
    return result
