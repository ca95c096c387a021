"""`kofu bench` figures and exit status, without a chain (tests/e2e/test_bench_command.py runs it for real)."""

from __future__ import annotations

import argparse

import pytest

from kofu import bench
from kofu.bench import BenchError, BenchResult, pick_cards
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
        "orders/s": "0.00",
        "p50": "n/a",
        "p95": "n/a",
        "p99": "n/a",
        "max": "n/a",
    }
    assert not result.ok


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
    def fake(settings, kiosks, seconds, cards=None):  # type: ignore[no-untyped-def]
        assert cards == ["NT-0001", "KD-0001"]
        return BenchResult(kiosks, 2, seconds, list(latencies), dict(failures))

    monkeypatch.setattr(bench, "run_bench", fake)
    args = argparse.Namespace(kiosks=2, seconds=3.0, cards="NT-0001, KD-0001")
    assert command._bench(None, args) == code  # type: ignore[arg-type]
    out, err = capsys.readouterr()
    figures = _figures(out.splitlines())
    assert {"orders", "failures", "orders/s", "p50", "p95", "p99"} <= figures.keys()
    assert figures["orders"] == str(len(latencies))
    assert said in err


def test_the_command_says_why_it_cannot_start(monkeypatch, capsys):
    def fake(settings, kiosks, seconds, cards=None):  # type: ignore[no-untyped-def]
        raise BenchError("only 1 eligible demo cards for 2 kiosks")

    monkeypatch.setattr(bench, "run_bench", fake)
    assert command._bench(None, argparse.Namespace(kiosks=2, seconds=1.0, cards=None)) == 2  # type: ignore[arg-type]
    assert "only 1 eligible demo cards" in capsys.readouterr().err
