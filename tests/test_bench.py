"""`kofu bench` figures and exit status, without a chain (tests/e2e/test_bench_command.py runs it for real)."""

from __future__ import annotations

import argparse
from datetime import datetime, timedelta

import pytest
import time_machine

from kofu import bench, clock
from kofu.bench import BenchError, BenchResult, pick_cards
from kofu.bench.drive import shares
from kofu.bench.inprocess import InProcess
from kofu.commands import bench as command
from kofu.demo import DemoCard


def _figures(lines: list[str]) -> dict[str, str]:
    return dict(line.strip().split(": ", 1) for line in lines[1:])


def test_no_orders_prints_every_figure_as_n_a_and_is_not_ok():
    result = BenchResult(kiosks=2, cards=4, seconds=3.0)
    figures = _figures(result.lines())
    assert figures == {
        "orders": "0",
        "failures": "0",
        "warm-up orders": "0 (one a process before the run, not counted)",
        "orders/s": "0.00",
        "p50": "n/a",
        "p95": "n/a",
        "p99": "n/a",
        "max": "n/a",
        "cpu bench": "n/a",
        "in-process limit": "n/a",
        "end-to-end / in-process": "n/a",
    }
    assert not result.ok


def test_a_full_run_prints_every_figure_per_actor_with_the_in_process_limit():
    result = BenchResult(kiosks=4, cards=8, seconds=10.0, latencies=[0.1] * 40, processes=2)
    result.visits_by_city = {"132292": 30, "132110": 10}
    result.cpu = {
        "center": 0.2,
        "gateway-132292": 0.06,
        "issuer-132292": 1.5,
        "issuer-132110": 0.3,
        "issuer-132110-1": 0.2,  # a second issuer process of the city (kofu up --issuers 2)
    }
    result.bench_cpu = 4.0
    mb = 1024 * 1024
    result.rss_start = {"center": 100 * mb, "issuer-132292": 200 * mb}
    result.rss_end = {"center": 101 * mb, "issuer-132292": 250 * mb}
    result.inprocess = InProcess("132292", orders=20, wall_seconds=2.0, cpu_seconds=1.0)
    result.profiles = "var/profiles/x/ (center.txt; py-spy collapsed stacks)"
    lines = result.lines()
    assert lines[0] == "kofu bench: 4 kiosks, 8 cards, 10.0 s, 2 processes"
    figures = _figures(lines)
    # CPU per visit each actor served: the centre every visit, a city's actors its own visits.
    assert figures["cpu center"] == "5.0 ms/visit (one core carries 200 visits/s)"
    assert figures["cpu gateway-132292"] == "2.0 ms/visit (one core carries 500 visits/s)"
    assert figures["cpu issuer-132292"] == "50.0 ms/visit (one core carries 20 visits/s)"
    assert figures["cpu issuer-132110"] == "30.0 ms/visit (one core carries 33 visits/s)"
    assert figures["cpu issuer-132110-1"] == "20.0 ms/visit (one core carries 50 visits/s)"
    assert figures["cpu bench"] == "100.0 ms/visit (0.40 cores, the kiosks' own work)"
    assert figures["rss center"] == "100.0 MB -> 101.0 MB"
    assert figures["rss issuer-132292"] == "200.0 MB -> 250.0 MB"
    assert figures["in-process limit"] == (
        "10.00 orders/s (100.0 ms/order, 50.0 ms CPU/order, 20 orders of 132292, one thread)"
    )
    assert figures["end-to-end / in-process"] == "0.40"  # 4 orders/s end to end
    assert figures["profiles"].startswith("var/profiles/x/")


def test_each_kiosk_keeps_its_own_cards_in_one_process():
    cards = [DemoCard(f"NT-{i:04d}", "1111", "132292", i, ("adult",)) for i in range(1, 8)]
    kiosks = ["K9001", "K9002", "K9003"]
    work = shares(kiosks, cards, processes=2)
    assert [w.kiosk_ids for w in work] == [("K9001", "K9003"), ("K9002",)]
    by_kiosk = {k: [c.card for c in mine] for w in work for k, mine in zip(w.kiosk_ids, w.cards, strict=True)}
    assert by_kiosk == {
        "K9001": ["NT-0001", "NT-0004", "NT-0007"],
        "K9002": ["NT-0002", "NT-0005"],
        "K9003": ["NT-0003", "NT-0006"],
    }
    assert len(shares(kiosks, cards, processes=8)) == 3  # never more processes than kiosks


def test_failures_are_listed_by_code_and_make_the_run_fail():
    result = BenchResult(kiosks=2, cards=4, seconds=2.0, latencies=[0.1, 0.3])
    result.failures = {"city.unavailable": 1, "card.pin.blocked": 2}
    figures = _figures(result.lines())
    assert figures["orders"] == "2" and figures["failures"] == "3"
    assert figures["card.pin.blocked"] == "2" and figures["city.unavailable"] == "1"
    assert figures["orders/s"] == "1.00"
    assert not result.ok


def test_percentiles_are_ordered_and_within_the_latencies():
    latencies = [0.05 + 0.01 * (i % 17) for i in range(200)] + [0.9]
    result = BenchResult(kiosks=1, cards=1, seconds=10.0, latencies=latencies)
    p50, p95, p99 = (result.percentile_ms(p) for p in (50, 95, 99))
    assert p50 is not None and p95 is not None and p99 is not None
    assert 50 <= p50 <= p95 <= p99 <= 900
    assert result.ok
    one = BenchResult(kiosks=1, cards=1, seconds=1.0, latencies=[0.2])
    assert {one.percentile_ms(p) for p in (50, 95, 99)} == {200.0}


CARDS = [
    DemoCard("NT-0001", "1111", "132292", 1, ("adult", "household-head")),
    DemoCard("NT-0002", "2222", "132292", 2, ("adult", "moved-out")),
    DemoCard("NT-0003", "3333", "132292", 3, ("minor", "under-15")),
    DemoCard("KD-0001", "4444", "132110", 1, ("adult", "household-member")),
]


def test_cards_are_picked_by_label_and_only_eligible_ones():
    assert [c.card for c in pick_cards(CARDS, None)] == ["NT-0001", "KD-0001"]
    assert [c.card for c in pick_cards(CARDS, ["KD-0001", "NT-0001"])] == ["KD-0001", "NT-0001"]
    for labels, reason in (
        (["NT-9999"], "not demo cards: NT-9999"),
        (["NT-0002"], "refused"),
        (["NT-0003"], "refused"),
        (["NT-0001", "NT-0001"], "twice"),
    ):
        with pytest.raises(BenchError, match=reason):
            pick_cards(CARDS, labels)


@pytest.mark.parametrize(
    ("latencies", "failures", "code", "said"),
    [
        ([0.1, 0.2], {}, 0, ""),
        ([0.1, 0.2], {"city.unavailable": 1}, 1, "1 orders failed"),
        ([], {}, 1, "no order succeeded"),
        ([], {"card.pin.blocked": 4}, 1, "no order succeeded"),
    ],
)
def test_the_command_exits_non_zero_unless_every_order_printed(
    monkeypatch, capsys, latencies, failures, code, said
):
    def fake(settings, kiosks, seconds, cards=None, **options):  # type: ignore[no-untyped-def]
        assert cards == ["NT-0001", "KD-0001"]
        assert options == {"processes": 3, "inprocess_orders": 2, "profile": True, "start_at": None}
        return BenchResult(kiosks, 2, seconds, list(latencies), dict(failures))

    monkeypatch.setattr(bench, "run_bench", fake)
    args = argparse.Namespace(
        kiosks=2,
        seconds=3.0,
        cards="NT-0001, KD-0001",
        processes=3,
        inprocess_orders=2,
        profile=True,
        start_at=None,
    )
    assert command._bench(None, args) == code  # type: ignore[arg-type]
    out, err = capsys.readouterr()
    figures = _figures(out.splitlines())
    assert {"orders", "failures", "orders/s", "p50", "p95", "p99"} <= figures.keys()
    assert figures["orders"] == str(len(latencies))
    assert said in err


def test_the_command_says_why_it_cannot_start(monkeypatch, capsys):
    def fake(settings, kiosks, seconds, cards=None, **options):  # type: ignore[no-untyped-def]
        raise BenchError("only 1 eligible demo cards for 2 kiosks")

    monkeypatch.setattr(bench, "run_bench", fake)
    args = argparse.Namespace(
        kiosks=2, seconds=1.0, cards=None, processes=1, inprocess_orders=0, profile=False, start_at=None
    )
    assert command._bench(None, args) == 2  # type: ignore[arg-type]
    assert "only 1 eligible demo cards" in capsys.readouterr().err


def test_without_named_cards_the_cities_take_turns():
    cards = [DemoCard(f"NT-{i:04d}", "1", "132292", i, ("adult",)) for i in range(1, 4)]
    cards += [DemoCard(f"KD-{i:04d}", "1", "132110", i, ("adult",)) for i in range(1, 3)]
    mixed = bench._cities_taking_turns(cards)
    assert [c.card for c in mixed] == ["NT-0001", "KD-0001", "NT-0002", "KD-0002", "NT-0003"]


def test_no_in_process_limit_without_the_citys_registry_here(tmp_path):
    from kofu.bench.inprocess import inprocess_limit
    from kofu.config import Settings

    settings = Settings.from_env({"KOFU_VAR": str(tmp_path)})  # no city database under it
    card = DemoCard("NT-0001", "1111", "132292", 1, ("adult",))
    assert inprocess_limit(settings, card, 5) is None
    assert inprocess_limit(settings, card, 0) is None


def test_start_at_is_an_instant_in_japan_time_unless_it_says_otherwise():
    assert command._instant("2026-11-30T23:59:50") == datetime(2026, 11, 30, 23, 59, 50, tzinfo=clock.JST)
    assert command._instant("2026-11-30T14:59:50+00:00") == datetime(
        2026, 11, 30, 23, 59, 50, tzinfo=clock.JST
    )
    with pytest.raises(argparse.ArgumentTypeError):
        command._instant("at midnight")


def test_a_start_further_away_than_the_kiosks_wait_is_refused_before_anything_starts(tmp_path):
    from kofu.config import Settings

    settings = Settings.from_env({"KOFU_VAR": str(tmp_path)})
    with pytest.raises(BenchError, match="--start-at"):
        bench.run_bench(settings, 1, 1.0, start_at=clock.now() + timedelta(hours=1))


def test_the_run_starts_at_the_instant_asked_for(monkeypatch):
    from kofu.bench import drive

    moment = datetime(2026, 11, 30, 23, 59, 20, tzinfo=clock.JST)
    waited: list[float] = []
    started: list[bool] = []
    monkeypatch.setattr(drive.time, "sleep", waited.append)
    with time_machine.travel(moment, tick=False):
        tallies, _wall = drive.drive(
            None,
            [],
            1.0,
            "juminhyo",
            lambda: started.append(True),
            moment + timedelta(seconds=30),  # type: ignore[arg-type]
        )
    assert waited == [30.0] and started == [True] and tallies == []
