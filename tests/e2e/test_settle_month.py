"""A month of bench traffic with one fault of each kind: `kofu settle --month 2026-12` lists
exactly the injected differences, and its figures are what the bench printed in December.

The run is `tests.e2e.settle_month` (a chain of its own on a moved clock, three days of
December); the expected figures are read from the centre's history log and the kiosks' journals
directly, and tied to each bench run's own count of printed orders. Short by default (two
kiosks; the bench's run starts 5 s before midnight and goes on 4 s past it, 4 s on 15 December);
``KOFU_SETTLE_MONTH_SECONDS=30`` runs three kiosks from 20 s before midnight to 30 s past it.
"""

from __future__ import annotations

import os
from collections import Counter
from datetime import timedelta

import pytest

from kofu import faketime
from kofu.demo import kiosk_ids
from kofu.settle import settle
from tests.conftest import _free_base
from tests.e2e.settle_month import (
    CLOSURE,
    DECEMBER,
    MONTH,
    NOVEMBER,
    OUTSIDE_HOURS,
    journal_orders,
    kofu,
    printed_in_history,
    run_month,
    within,
)

LONG = os.environ.get("KOFU_SETTLE_MONTH_SECONDS")
SECONDS = float(LONG) if LONG else 4.0
KIOSKS = 3 if LONG else 2
BEFORE_MIDNIGHT = 20.0 if LONG else 5.0

pytestmark = [pytest.mark.e2e, pytest.mark.timeout(1200 if LONG else 600)]


def _finished(p):  # type: ignore[no-untyped-def]
    return p.finished_at


def _created(p):  # type: ignore[no-untyped-def]
    return p.created_at


def test_a_month_of_bench_traffic_settles_to_exactly_the_injected_faults(tmp_path):
    try:
        faketime.library()
    except faketime.FaketimeMissing as exc:
        pytest.skip(str(exc))
    settings, runs = run_month(
        tmp_path / "var", _free_base(), seconds=SECONDS, kiosks=KIOSKS, before_midnight=BEFORE_MIDNIGHT
    )
    november_end, mid_month, year_end = runs
    bench = set(kiosk_ids(settings, KIOSKS)[1:])
    printed = printed_in_history(settings)

    def on_day(run):  # type: ignore[no-untyped-def]
        """The bench's printed orders placed on a run's day (the days are a fortnight apart)."""
        span = (run.day.bench_at - timedelta(hours=1), run.day.bench_at + timedelta(hours=1))
        return [p for p in within(printed, span, _created) if p.kiosk_id in bench]

    # Every visit the bench counted as printed (and its warm-ups) is a printed order in the history.
    for run in runs:
        assert len(on_day(run)) == run.bench.orders + run.bench.warmups, run.bench.stdout
    assert november_end.bench.failures == {} and mid_month.bench.failures == {}

    # 30 Nov → 1 Dec: printed on both sides of midnight; November's are in November's statement only.
    crossing = on_day(november_end)
    in_november = within(crossing, NOVEMBER, _finished)
    in_december = within(crossing, DECEMBER, _finished)
    assert in_november, "the bench printed nothing before midnight (it took longer than LEAD to load)"
    assert in_december, "the bench printed nothing after midnight"
    assert within(printed, NOVEMBER, _finished) == in_november
    november = settle(settings, "2026-11")
    assert november.differences == ()
    assert sum(t.documents for t in november.totals) == len(in_november)

    # 28 Dec → 29 Dec: orders until midnight, every one after it refused, and nothing charged for those.
    assert on_day(year_end) and not within(printed, (CLOSURE, DECEMBER[1]), _created)
    assert set(year_end.bench.failures) == {OUTSIDE_HOURS}, year_end.bench.stdout
    refused = [o for o in journal_orders(settings, sorted(bench)) if o.state == "refused"]
    assert len(refused) == year_end.bench.failures[OUTSIDE_HOURS]
    assert all(o.updated_at >= CLOSURE and o.kept == 0 and o.escrow == 0 for o in refused)

    # December's statement: exactly the injected differences, and the history's printed December.
    injected = {(i.kind, i.order_id) for i in mid_month.injected}
    assert {i.kind for i in mid_month.injected} == {
        "charged_not_printed", "printed_not_charged", "sealed_not_reported", "reported_unknown_to_city",
    }  # fmt: skip
    statement = settle(settings, MONTH)
    assert sorted((d.kind, d.order_id) for d in statement.differences) == sorted(injected)
    december = within(printed, DECEMBER, _finished)
    fault_prints = [p for p in december if p.kiosk_id in {i.kiosk_id for i in mid_month.injected}]
    assert len(fault_prints) == 2  # the kiosk that lost its journal, and the one the city forgot
    assert len(december) == (
        len(in_december)
        + mid_month.bench.orders + mid_month.bench.warmups
        + len(fault_prints)
        + year_end.bench.orders + year_end.bench.warmups
    )  # fmt: skip
    expected: Counter[tuple[str, str]] = Counter()
    for p in december:
        expected[(p.city_code, "documents")] += 1
        expected[(p.city_code, "copies")] += p.copies
        expected[(p.city_code, "fees")] += p.paid
    found: Counter[tuple[str, str]] = Counter()
    for total in statement.totals:
        found[(total.city_code, "documents")] += total.documents
        found[(total.city_code, "copies")] += total.copies
        found[(total.city_code, "fees")] += total.fees
    assert found == expected

    done = kofu(settings, timedelta(0), "settle", "--month", MONTH, "--out", str(tmp_path / "out"))
    assert done.returncode == 1, done.stdout + done.stderr
    assert "differences: charged_not_printed 1, printed_not_charged 1, sealed_not_reported 1, " \
           "reported_unknown_to_city 1" in done.stdout  # fmt: skip
    assert statement.digest in done.stdout
