"""A month of bench traffic on a moved clock, one fault of each kind, and the month settled.

A chain of its own (centre, gateways, issuers, verifier; no kiosk process) in its own var
directory runs ``kofu bench`` on three days of December 2026, each time with every actor, the
bench and the faults on one libfaketime offset from the real clock:

    30 Nov 23:59:40   traffic crosses into 1 December (November's orders are not December's)
    15 Dec 12:00      a mid-month day; then one fault of each kind (tests.e2e.settle_faults)
    28 Dec 23:59:40   traffic crosses into the year-end closure: from midnight the cities refuse
                      the 住民票 (29 Dec–3 Jan), and nothing is charged for it

The demo (PKI, registries, cards) is made on the chain's clock too, before the first day, so its
certificates are valid on every day of the run. Then ``kofu settle --month 2026-12``.

``python -m tests.e2e.settle_month --seconds 30`` runs it by hand and prints what each bench
run printed and the settlement (``tests/e2e/test_settle_month.py`` runs it short and checks it).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import zip_longest
from pathlib import Path

from sqlalchemy import text

from kofu import clock, faketime
from kofu.bench import eligible_cards
from kofu.config import Settings
from kofu.demo import DemoCard, kiosk_ids, load_index
from kofu.storage import make_engine
from kofu.up import Cluster
from tests.e2e.settle_faults import Injected

ROOT = Path(__file__).resolve().parents[2]
MONTH = "2026-12"
DECEMBER = (datetime(2026, 12, 1, tzinfo=clock.JST), datetime(2027, 1, 1, tzinfo=clock.JST))
NOVEMBER = (datetime(2026, 11, 1, tzinfo=clock.JST), DECEMBER[0])
CLOSURE = datetime(2026, 12, 29, tzinfo=clock.JST)  # the year-end closure begins
#: How long before the bench's run a chain that crosses midnight starts: its processes open and
#: the bench's kiosks load and make their warm-up visits meanwhile (slow on a busy machine).
LEAD = timedelta(seconds=30)
#: The code a 住民票 refused outside the city's hours (the closure included) is refused with.
OUTSIDE_HOURS = "city.document.outside_hours"


@dataclass(frozen=True)
class Day:
    """A day of the run: when the bench starts on the chain's clock, and what happens then."""

    name: str
    bench_at: datetime
    crosses_midnight: bool = False
    faults: bool = False


def days(before_midnight: float) -> tuple[Day, ...]:
    """The three days; on the two that cross midnight the bench starts ``before_midnight``
    seconds before it (20 s: 23:59:40)."""
    lead = timedelta(seconds=before_midnight)
    return (
        Day("30 Nov → 1 Dec", datetime(2026, 12, 1, tzinfo=clock.JST) - lead, crosses_midnight=True),
        Day("15 Dec", datetime(2026, 12, 15, 12, 0, tzinfo=clock.JST), faults=True),
        Day("28 Dec → 29 Dec", CLOSURE - lead, crosses_midnight=True),
    )


@dataclass
class BenchRun:
    """What ``kofu bench`` printed: its figures as read back from its output."""

    stdout: str
    returncode: int
    orders: int
    warmups: int
    failures: dict[str, int]


@dataclass
class DayRun:
    """One day of the run: what its bench printed, and the faults made after it."""

    day: Day
    bench: BenchRun
    injected: list[Injected] = field(default_factory=list)


def scenario_settings(var_dir: Path, port_base: int) -> Settings:
    """A small deployment in ``var_dir`` (8 households a city), on ports from ``port_base``."""
    return Settings.from_env(
        {
            "KOFU_VAR": str(var_dir),
            "KOFU_PORT_BASE": str(port_base),
            "KOFU_KIOSK_PORT": str(port_base + 100),
            "KOFU_HOUSEHOLDS": "8",
        }
    )


def _env(settings: Settings, offset: timedelta) -> dict[str, str]:
    env = {**os.environ, "KOFU_VAR": str(settings.var_dir), "KOFU_PORT_BASE": str(settings.port_base),
           "KOFU_KIOSK_PORT": str(settings.kiosk_port), "KOFU_HOUSEHOLDS": str(settings.households)}  # fmt: skip
    return faketime.process_env(offset, env)


def _run(
    settings: Settings, offset: timedelta, *argv: str, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """``python ARGV`` in this checkout, on the chain's clock (``offset`` from the real one)."""
    return subprocess.run(
        [sys.executable, *argv], env=_env(settings, offset), cwd=ROOT, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip


def kofu(
    settings: Settings, offset: timedelta, *args: str, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """``kofu ARGS`` on the chain's clock."""
    return _run(settings, offset, "-m", "kofu.cli", *args, timeout=timeout)


def _ok(done: subprocess.CompletedProcess[str], what: str) -> str:
    if done.returncode != 0:
        raise RuntimeError(f"{what} exited with {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done.stdout


_SEED = "from kofu.config import Settings; from kofu.demo import setup; setup(Settings.from_env(), bench_kiosks={n})"


def prepare(settings: Settings, kiosks: int, first: datetime) -> None:
    """The demo, made on the clock of an hour before ``first``; both cities issue the 住民票 at
    any hour and keep the year-end closure."""
    offset = faketime.offset_to(first - timedelta(hours=1))
    _ok(_run(settings, offset, "-c", _SEED.format(n=kiosks)), "seeding the demo")
    for city in settings.cities:
        done = kofu(
            settings, offset, "city", "settings", "set", "--city", city, "--doc", "juminhyo",
            "--hours", "00:00-24:00", "--year-end-closed", "on",
        )  # fmt: skip
        _ok(done, f"the settings of {city}")


def cards(settings: Settings) -> tuple[list[DemoCard], DemoCard]:
    """The bench's cards, the cities taking turns (each kiosk orders from both), and one more
    card (not the bench's) for the faults."""
    by_city: dict[str, list[DemoCard]] = {}
    for card in eligible_cards(load_index(settings)):
        by_city.setdefault(card.city, []).append(card)
    fault_card = by_city[min(by_city)].pop()
    turns = [c for group in zip_longest(*by_city.values()) for c in group if c is not None]
    return turns, fault_card


_FIGURE = re.compile(r"^ {2}(orders|warm-up orders|failures): (\d+)")
_FAILURE = re.compile(r"^ {4}(\S+): (\d+)$")


def parse_bench(done: subprocess.CompletedProcess[str]) -> BenchRun:
    figures: dict[str, int] = {}
    failures: dict[str, int] = {}
    for line in done.stdout.splitlines():
        if found := _FIGURE.match(line):
            figures[found[1]] = int(found[2])
        elif (found := _FAILURE.match(line)) and "failures" in figures and "warm-up orders" not in figures:
            failures[found[1]] = int(found[2])
    if not {"orders", "warm-up orders", "failures"} <= set(figures):
        raise RuntimeError(
            f"kofu bench printed no figures ({done.returncode}):\n{done.stdout}\n{done.stderr}"
        )
    return BenchRun(done.stdout, done.returncode, figures["orders"], figures["warm-up orders"], failures)


def chain_now(offset: timedelta) -> datetime:
    return clock.in_japan(faketime.real_now() + offset)


def run_day(
    settings: Settings, day: Day, seconds: float, kiosks: int, bench_cards: list[DemoCard], fault_card: DemoCard,
    work: Path, say: Callable[[str], None] = lambda _line: None,
) -> DayRun:  # fmt: skip
    """Run ``kofu bench`` from the day's instant for ``seconds`` (past midnight on a day that
    crosses it), then make the faults of the day, and publish the centre's history.

    On a day that crosses midnight the chain starts ``LEAD`` earlier and the bench at once with
    ``--start-at``: its kiosks load and make their warm-up visits (real orders, before midnight)
    and its run starts at the day's instant, however long loading took on a busy machine."""
    crossing = day.crosses_midnight
    offset = faketime.offset_to(day.bench_at - (LEAD if crossing else timedelta(0)))
    with Cluster(settings, with_kiosk=False, clock_offset=offset):
        say(f"  chain up at {chain_now(offset):%H:%M:%S}")
        args = ["--seconds", f"{seconds:.0f}"]
        if crossing:
            midnight = datetime.combine(
                day.bench_at.date() + timedelta(days=1), datetime.min.time(), clock.JST
            )
            run_for = (midnight - day.bench_at).total_seconds() + seconds
            args = ["--seconds", f"{run_for:.0f}", "--start-at", day.bench_at.isoformat()]
        done = kofu(
            settings, offset, "bench", "--kiosks", str(kiosks), *args,
            "--processes", str(min(kiosks, 2)), "--inprocess-orders", "0",
            "--cards", ",".join(c.card for c in bench_cards),
        )  # fmt: skip
        say(f"  bench {' '.join(args)}: done at {chain_now(offset):%H:%M:%S}")
        run = DayRun(day, parse_bench(done))
        if day.faults:
            made = _ok(
                _run(settings, offset, "-m", "tests.e2e.settle_faults", "--card", fault_card.card,
                     "--work", str(work)),
                "the faults",
            )  # fmt: skip
            run.injected = [Injected(**i) for i in json.loads(made)]
        _ok(kofu(settings, offset, "history", "publish"), "publishing the centre's history")
    return run


@dataclass(frozen=True)
class Printed:
    """An order the centre's history log ended as printed (its last entry)."""

    order_id: str
    kiosk_id: str
    city_code: str
    created_at: datetime
    finished_at: datetime
    copies: int
    paid: int


def printed_in_history(settings: Settings) -> list[Printed]:
    """Every order whose last entry in the centre's history log is printed: read from the log's
    rows as they are hashed, not through the settlement's code."""
    engine = make_engine(settings.center_db_url())
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                text(
                    "SELECT order_id, kiosk_id, city_code, created_at, finished_at, copies_printed, "
                    "amount_paid, status FROM history_log h WHERE leaf_index = "
                    "(SELECT MAX(leaf_index) FROM history_log WHERE order_id = h.order_id)"
                )
            ).all()
    finally:
        engine.dispose()
    return [
        Printed(r[0], r[1], r[2], _utc(r[3]), _utc(r[4]), r[5], r[6])
        for r in rows
        if r[7] == "printed" and r[4] is not None
    ]


def _utc(iso: str) -> datetime:
    moment = datetime.fromisoformat(iso)
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def within(
    printed: Iterable[Printed], span: tuple[datetime, datetime], when: Callable[[Printed], datetime]
) -> list[Printed]:
    return [p for p in printed if span[0] <= when(p) < span[1]]


@dataclass(frozen=True)
class JournalOrder:
    """An order as a kiosk's journal has it: the yen its cash unit kept for it, and holds."""

    kiosk_id: str
    state: str
    updated_at: datetime
    kept: int
    escrow: int


def journal_orders(settings: Settings, kiosk_ids: Iterable[str]) -> list[JournalOrder]:
    """Every order of the kiosks' journals, read directly from their files."""
    found = []
    for kiosk in kiosk_ids:
        engine = make_engine(f"sqlite:///{settings.var_dir / 'kiosk' / kiosk / 'journal.db'}")
        try:
            with engine.connect() as conn:
                rows = conn.execute(
                    text(
                        "SELECT o.state, o.updated_at, o.escrow, "
                        "COALESCE(SUM(CASE WHEN c.kind = 'kept' THEN c.amount END), 0) "
                        "FROM orders o LEFT JOIN cash c ON c.idempotency_key = o.idempotency_key "
                        "GROUP BY o.idempotency_key"
                    )
                ).all()
        finally:
            engine.dispose()
        found += [JournalOrder(kiosk, r[0], _utc(r[1]), r[3], r[2] or 0) for r in rows]
    return found


def run_month(var_dir: Path, port_base: int, *, seconds: float, kiosks: int, before_midnight: float,
              say: Callable[[str], None] = lambda _line: None) -> tuple[Settings, list[DayRun]]:  # fmt: skip
    """The whole run: the demo, then each day; ``say`` hears what each bench printed."""
    settings = scenario_settings(var_dir, port_base)
    plan = days(before_midnight)
    prepare(settings, kiosks, plan[0].bench_at - LEAD)
    bench_cards, fault_card = cards(settings)
    runs = []
    for day in plan:
        say(f"== {day.name}: chain clock {day.bench_at:%Y-%m-%d %H:%M:%S} JST, {kiosks} kiosks")
        run = run_day(settings, day, seconds, kiosks, bench_cards, fault_card, var_dir / "faults", say)
        for line in run.bench.stdout.splitlines()[:4]:
            say(line)
        for made in run.injected:
            say(f"  injected {made.kind}: order {made.order_id} kiosk {made.kiosk_id}")
        runs.append(run)
    return settings, runs


def main() -> None:
    from tests.conftest import _free_base

    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("KOFU_SETTLE_MONTH_SECONDS", 30)),
                        help="bench seconds a day (past midnight on the days that cross it)")  # fmt: skip
    parser.add_argument("--kiosks", type=int, default=3)
    parser.add_argument("--var", type=Path, help="the run's own var directory (default: a new temporary one)")
    args = parser.parse_args()
    var_dir = args.var or Path(tempfile.mkdtemp(prefix="kofu-settle-month-"))
    settings, _runs = run_month(
        var_dir, _free_base(), seconds=args.seconds, kiosks=args.kiosks, before_midnight=20, say=print
    )
    done = kofu(settings, timedelta(0), "settle", "--month", MONTH, "--out", str(var_dir / "settlement"))
    print(f"== KOFU_VAR={var_dir} kofu settle --month {MONTH}")
    print(done.stdout, end="")
    printed = printed_in_history(settings)
    for name, span in (("November", NOVEMBER), ("December", DECEMBER)):
        ended = within(printed, span, lambda p: p.finished_at)
        print(f"== the centre's history log: {len(ended)} orders printed in {name}, "
              f"{sum(p.copies for p in ended)} copies, ¥{sum(p.paid for p in ended):,}")  # fmt: skip
    refused = [
        o for o in journal_orders(settings, kiosk_ids(settings, args.kiosks)[1:]) if o.state == "refused"
    ]
    print(f"== the bench kiosks' journals: {len(refused)} orders refused, "
          f"¥{sum(o.kept + o.escrow for o in refused)} kept or held for them")  # fmt: skip
    sys.exit(done.returncode)


if __name__ == "__main__":
    main()
