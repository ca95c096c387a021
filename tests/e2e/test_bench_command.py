"""`kofu bench` as a command against the running test chain: its printed figures and exit status.

Cards: the first two eligible demo cards of each city. No test changes a demo card (those that
do take their own), and the bench, which uses each card's own PIN, leaves every PIN counter at 3. The bench's kiosks are the headless ones, K9001 and K9002.
"""

from __future__ import annotations

import contextlib
import re
from pathlib import Path

import pytest
from sqlalchemy import select

from kofu.card.store import CardStore
from kofu.center.models import Order
from kofu.config import Settings
from kofu.demo import DemoCard
from kofu.storage import make_engine, session_factory
from tests.e2e.helpers import eligible
from tests.e2e.rules_helpers import city_setting, kofu

pytestmark = pytest.mark.e2e

KIOSKS = ("K9001", "K9002")  # `kofu bench --kiosks 2`
FIGURES = {
    "orders",
    "failures",
    "warm-up orders",
    "orders/s",
    "p50",
    "p95",
    "p99",
    "max",
    "cpu bench",
    "in-process limit",
    "end-to-end / in-process",
}
FIGURE = re.compile(r"^ {2,4}(?P<key>[^:\s][^:]*): (?P<value>.+)$")
CPU = re.compile(r"^(?P<ms>\d+\.\d) ms/visit \(one core carries (?:\d+ visits/s|n/a)\)$")
ACTORS = {"center", "gateway-132292", "gateway-132110", "issuer-132292", "issuer-132110"}
RSS = re.compile(r"^\d+\.\d MB -> \d+\.\d MB$")
BENCH_CPU = re.compile(r"^\d+\.\d ms/visit \(\d+\.\d\d cores, the kiosks' own work\)$")
INPROCESS = re.compile(
    r"^(?P<rate>\d+\.\d\d) orders/s \(\d+\.\d ms/order, \d+\.\d ms CPU/order, 2 orders of \d{6}, one thread\)$"
)


def _bench_cards(cards: list[DemoCard]) -> list[DemoCard]:
    first, second = eligible(cards, "132292")[:2], eligible(cards, "132110")[:2]
    # Kiosk i takes cards i, i+2: each kiosk orders from one city, so both cities serve a visit
    # however slow the first visits are (each kiosk finishes the visit it started).
    picked = [first[0], second[0], first[1], second[1]]
    return picked


def _bench(settings: Settings, cards: list[DemoCard], *extra: str):  # type: ignore[no-untyped-def]
    done = kofu(
        settings,
        "bench",
        "--kiosks",
        "2",
        "--seconds",
        "3",
        "--inprocess-orders",
        "2",
        "--cards",
        ",".join(c.card for c in cards),
        *extra,
    )
    lines = done.stdout.splitlines()
    assert lines and lines[0].startswith("kofu bench: 2 kiosks, 4 cards"), done.stdout + done.stderr
    assert lines[0].endswith(", 2 processes"), lines[0]  # one kiosk in each
    figures = {m["key"]: m["value"] for m in map(FIGURE.match, lines[1:]) if m}
    assert len(figures) == len(lines) - 1, done.stdout  # every line after the heading is a figure
    return done, figures


def _cpu(figures: dict[str, str]) -> dict[str, float]:
    """The server actors' CPU figures (``cpu ACTOR: N ms/visit (one core carries M visits/s)``),
    taken out of ``figures``: ms per visit by actor."""
    found = {}
    assert BENCH_CPU.match(figures.pop("cpu bench")), "the bench's own CPU"
    for key in [k for k in figures if k.startswith("cpu ")]:
        match = CPU.match(figures.pop(key))
        assert match, key
        found[key.removeprefix("cpu ")] = float(match["ms"])
    return found


def _rss(figures: dict[str, str]) -> set[str]:
    """The actors whose memory at start and end is printed, taken out of ``figures``."""
    found = set()
    for key in [k for k in figures if k.startswith("rss ")]:
        assert RSS.match(figures.pop(key)), key
        found.add(key.removeprefix("rss "))
    return found


def _ms(value: str) -> float:
    assert value.endswith(" ms"), value
    return float(value.removesuffix(" ms"))


def _printed_by_bench(settings: Settings) -> dict[str, str | None]:
    engine = make_engine(settings.center_db_url())
    try:
        with session_factory(engine)() as session:
            rows = session.scalars(select(Order).where(Order.kiosk_id.in_(KIOSKS)))
            return {o.order_id: o.outcome for o in rows}
    finally:
        engine.dispose()


def test_kofu_bench_orders_through_the_chain_and_prints_its_figures(chain, chain_settings, demo_cards):
    cards = _bench_cards(demo_cards)
    before = _printed_by_bench(chain_settings)
    done, figures = _bench(chain_settings, cards, "--profile")
    assert done.returncode == 0, done.stdout + done.stderr
    orders = int(figures["orders"])
    assert orders > 0 and figures["failures"] == "0"
    assert float(figures["orders/s"]) > 0
    p50, p95, p99, top = (_ms(figures[k]) for k in ("p50", "p95", "p99", "max"))
    assert 0 < p50 <= p95 <= p99 <= top
    # The chain runs here: the CPU each server actor spent, per visit it served.
    cpu = _cpu(figures)
    assert set(cpu) == ACTORS and cpu["center"] > 0 and cpu["issuer-132292"] > 0, cpu  # a gateway
    # relays little: in a 3-second run it may spend less than one clock tick
    assert _rss(figures) >= ACTORS
    # The same orders through the issuer's order path in the bench's process, and the ratio.
    limit = INPROCESS.match(figures.pop("in-process limit"))
    assert limit and float(limit["rate"]) > 0, limit
    ratio = float(figures.pop("end-to-end / in-process"))
    assert ratio == pytest.approx(float(figures["orders/s"]) / float(limit["rate"]), rel=0.02, abs=0.01)
    # A profile of each actor, written where the bench says.
    where = figures.pop("profiles").split(" (", 1)[0].rstrip("/")
    written = {p.stem for p in Path(where).glob("*.txt")}
    assert written >= ACTORS, written
    assert all(";" in (Path(where) / f"{actor}.txt").read_text() for actor in ACTORS)  # stacks
    assert set(figures) == FIGURES - {"cpu bench", "in-process limit", "end-to-end / in-process"}
    # Every order it counts is a printed history row of its kiosks at the centre, and nothing else.
    warmups = int(figures["warm-up orders"].split()[0])
    assert warmups == 2  # one a process, each process one kiosk
    new = {k: v for k, v in _printed_by_bench(chain_settings).items() if k not in before}
    assert len(new) == orders + warmups and set(new.values()) == {"printed"}
    store = CardStore(chain_settings.cards_dir)
    assert [store.load(c.card).auth_tries_left for c in cards] == [3, 3, 3, 3]  # only the right PIN


@pytest.mark.parametrize("off", [("132292",), ("132292", "132110")], ids=["one-city-off", "both-off"])
def test_kofu_bench_fails_when_orders_fail_and_counts_them_by_code(chain, chain_settings, demo_cards, off):
    cards = _bench_cards(demo_cards)  # two of 132292, two of 132110: each kiosk gets one of each
    with contextlib.ExitStack() as settings_changed:
        for city in off:
            settings_changed.enter_context(city_setting(chain_settings, city, doc="juminhyo", offered=False))
        done, figures = _bench(chain_settings, cards)
    assert done.returncode == 1, done.stdout + done.stderr
    _cpu(figures)
    _rss(figures)
    refused = int(figures["city.document.not_offered"])
    assert refused > 0 and int(figures["failures"]) == refused
    assert set(figures) == {*FIGURES - {"cpu bench"}, "city.document.not_offered"}
    assert "orders failed" in done.stderr
    if len(off) == 1:  # 132110 still issued: one failure is enough to fail the run
        assert int(figures["orders"]) > 0
        assert 0 < _ms(figures["p50"]) <= _ms(figures["p95"]) <= _ms(figures["p99"])
    else:
        assert figures["orders"] == "0" and "no order succeeded" in done.stderr
        assert [figures[k] for k in ("p50", "p95", "p99", "max")] == ["n/a"] * 4
    store = CardStore(chain_settings.cards_dir)
    assert [store.load(c.card).auth_tries_left for c in cards] == [3, 3, 3, 3]
