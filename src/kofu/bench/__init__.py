"""`kofu bench`: N concurrent headless kiosks ordering through the running chain.

Each kiosk is one of the headless kiosk identities made by `kofu pki init` (K9001, K9002, …)
and drives its own share of the demo cards, always with the card's own PIN (a bench never
counts a PIN down). Every order is a whole visit: card, PIN, menu, 住民票 for the holder,
payment, printing (to a printer that keeps nothing). A visit that raises counts as a failure
under its stable code; only visits that printed count as orders and have a latency.

The kiosks run in several processes (``kofu.bench.drive``), so the bench is not its own limit;
the CPU they spent is printed as the bench's own. When the chain runs here (`kofu up`'s pid
files in ``var/run``), the bench also reads the CPU time the centre, each gateway and each
issuer spent, printed per visit with what one core would carry at that cost, and each actor's
resident memory at the start and the end. After the run, the same 1-page orders go through the
issuer's order path in this process with no network (``kofu.bench.inprocess``): the in-process
limit, and the ratio of the end-to-end rate to it.
"""

from __future__ import annotations

import os
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

from kofu import clock
from kofu.bench.inprocess import InProcess, InProcessRefused
from kofu.config import Settings
from kofu.demo import DemoCard, kiosk_ids, load_index
from kofu.procstat import actor_cpu, actor_rss, cpu_spent, own_cpu

REFUSED_TRAITS = {"moved-out", "deceased", "dv-protected", "pending-change"}
PERCENTILES = (50, 95, 99)


class BenchError(ValueError):
    """The bench cannot start (unknown or unsuitable cards, no kiosk identity); nothing was ordered."""


#: Bench processes by default: enough that no one interpreter is the limit on a small box.
DEFAULT_PROCESSES = 4
#: In-process orders after the run by default (fewer under CI).
DEFAULT_INPROCESS_ORDERS = 20
MB = 1024 * 1024


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
    #: Bench processes, and the CPU seconds they (and the bench's own process) spent in the run.
    processes: int = 1
    bench_cpu: float | None = None
    #: Visits made before the run, one a process, to load what is loaded once (not counted).
    warmups: int = 0
    #: Resident memory in bytes of each actor at the start and at the end of the run.
    rss_start: dict[str, int] = field(default_factory=dict)
    rss_end: dict[str, int] = field(default_factory=dict)
    inprocess: InProcess | None = None
    #: Why there is no in-process limit, when there is a reason to say.
    inprocess_note: str | None = None
    #: Where ``--profile`` wrote its profiles (or why not); None without ``--profile``.
    profiles: str | None = None

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
            f"kofu bench: {self.kiosks} kiosks, {self.cards} cards, {self.seconds:.1f} s, "
            f"{self.processes} processes",
            f"  orders: {self.orders}",
            f"  failures: {self.failed}",
        ]
        out += [f"    {code}: {count}" for code, count in sorted(self.failures.items())]
        out.append(f"  warm-up orders: {self.warmups} (one a process before the run, not counted)")
        out.append(f"  orders/s: {self.orders_per_s:.2f}")
        out += [f"  p{p}: {ms(self.percentile_ms(p))}" for p in PERCENTILES]
        out.append(f"  max: {ms(max(self.latencies) * 1000 if self.latencies else None)}")
        out += self._cpu_lines()
        out.append(f"  cpu bench: {self._bench_cpu()}")
        out += self._rss_lines()
        out += self._inprocess_lines()
        if self.profiles is not None:
            out.append(f"  profiles: {self.profiles}")
        return out

    @property
    def visits(self) -> int:
        return sum(self.visits_by_city.values())

    def _bench_cpu(self) -> str:
        if self.bench_cpu is None or self.visits == 0 or self.seconds <= 0:
            return "n/a"
        cores = self.bench_cpu / self.seconds
        return f"{self.bench_cpu / self.visits * 1000:.1f} ms/visit ({cores:.2f} cores, the kiosks' own work)"

    def _rss_lines(self) -> list[str]:
        """Each actor's resident memory at the start and the end of the run."""
        return [
            f"  rss {actor}: {start / MB:.1f} MB -> {self.rss_end[actor] / MB:.1f} MB"
            for actor, start in sorted(self.rss_start.items())
            if actor in self.rss_end
        ]

    def _inprocess_lines(self) -> list[str]:
        limit = self.inprocess
        if limit is None:
            why = f" ({self.inprocess_note})" if self.inprocess_note else ""
            return [f"  in-process limit: n/a{why}", "  end-to-end / in-process: n/a"]
        ratio = f"{self.orders_per_s / limit.orders_per_s:.2f}" if limit.orders_per_s > 0 else "n/a"
        return [
            f"  in-process limit: {limit.orders_per_s:.2f} orders/s ({limit.ms_per_order:.1f} ms/order, "
            f"{limit.cpu_ms_per_order:.1f} ms CPU/order, {limit.orders} orders of {limit.city}, one thread)",
            f"  end-to-end / in-process: {ratio}",
        ]

    def _cpu_lines(self) -> list[str]:
        """Per server actor: CPU ms per visit it served (a city's visits are shared by its several
        gateways or issuers: each line is that process's part), and visits/s one core carries."""
        out = []
        for actor, seconds in sorted(self.cpu.items()):
            role, *rest = actor.split("-")  # center, center-2, gateway-132292-1, issuer-132292-1
            if role not in ("center", "gateway", "issuer"):
                continue
            city = rest[0] if role != "center" and rest else ""
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


def _cities_taking_turns(cards: list[DemoCard]) -> list[DemoCard]:
    """The cards with their cities taking turns (NT, KD, NT, …), so that every city serves from
    the first visit on, whatever the number of kiosks."""
    by_city: dict[str, list[DemoCard]] = {}
    for card in cards:
        by_city.setdefault(card.city, []).append(card)
    queues = list(by_city.values())
    mixed: list[DemoCard] = []
    for n in range(max(map(len, queues), default=0)):
        mixed += [q[n] for q in queues if n < len(q)]
    return mixed


def run_bench(
    settings: Settings,
    kiosks: int,
    seconds: float,
    doc: str = "juminhyo",
    cards: Sequence[str] | None = None,
    *,
    processes: int = DEFAULT_PROCESSES,
    inprocess_orders: int | None = None,
    profile: bool = False,
    start_at: datetime | None = None,
) -> BenchResult:
    """Drive ``kiosks`` kiosks for ``seconds`` with the demo cards ``cards`` (default: every
    eligible one), each kiosk with its own cards, from ``processes`` processes, starting at
    ``start_at`` (on :mod:`kofu.clock`) once they are ready, or as soon as they are; then measure
    the in-process limit with ``inprocess_orders`` orders; return what happened."""
    from kofu.bench import drive as bench_drive
    from kofu.bench import profile as bench_profile
    from kofu.bench.inprocess import inprocess_limit

    if kiosks < 1 or seconds <= 0 or processes < 1:
        raise BenchError("--kiosks and --processes must be at least 1 and --seconds more than 0")
    if start_at is not None and (start_at - clock.now()).total_seconds() > bench_drive.START_TIMEOUT:
        raise BenchError(f"--start-at is more than {bench_drive.START_TIMEOUT:.0f} s away")
    chosen = pick_cards(load_index(settings), cards)
    if cards is None:
        chosen = _cities_taking_turns(chosen)
    if len(chosen) < kiosks:
        raise BenchError(f"only {len(chosen)} eligible demo cards for {kiosks} kiosks")
    ids = kiosk_ids(settings, kiosks)[1:]
    missing = [k for k in ids if not settings.pki.tls_cert("kiosk", k).exists()]
    if missing:
        raise BenchError(f"no TLS identity for kiosk {missing[0]} (run `kofu pki init`)")
    work = bench_drive.shares(ids, chosen, processes)
    before: dict[str, float] = {}
    rss_start: dict[str, int] = {}
    own: list[float] = []
    profiling: list[bench_profile.Profiling] = []

    def started() -> None:
        before.update(actor_cpu(settings.run_dir))
        rss_start.update(actor_rss(settings.run_dir))
        own.append(own_cpu(children=False))
        if profile:
            profiling.append(bench_profile.start(settings.run_dir, settings.var_dir / "profiles", seconds))

    tallies, wall = bench_drive.drive(settings, work, seconds, doc, started, start_at)
    errors = sorted({t.error for t in tallies if t.error})
    if not own:
        raise BenchError("; ".join(errors) or "the bench's kiosks did not start")
    result = BenchResult(kiosks=kiosks, cards=len(chosen), seconds=wall, processes=len(work))
    result.cpu = cpu_spent(before, actor_cpu(settings.run_dir))
    result.rss_start, result.rss_end = rss_start, actor_rss(settings.run_dir)
    # The kiosk processes report their run's CPU themselves; once reaped, their whole lives (start,
    # warm-up, run) would count again among this process's children, so its own is read alone.
    result.bench_cpu = sum(t.cpu for t in tallies) + own_cpu(children=False) - own[0]
    for tally in tallies:
        result.warmups += tally.warmups
        result.latencies += tally.latencies
        for code, count in tally.failures.items():
            result.failures[code] = result.failures.get(code, 0) + count
        for city, count in tally.visits_by_city.items():
            result.visits_by_city[city] = result.visits_by_city.get(city, 0) + count
    if errors:  # a process that stopped reporting: its visits are unknown, the run failed
        result.failures["bench.process_failed"] = len(errors)
    if profiling:
        result.profiles = profiling[0].finish()
    if inprocess_orders is None:
        inprocess_orders = 3 if os.environ.get("CI") else DEFAULT_INPROCESS_ORDERS
    try:
        result.inprocess = inprocess_limit(settings, chosen[0], inprocess_orders)
    except InProcessRefused as exc:
        result.inprocess_note = f"refused: {exc}"
    return result
