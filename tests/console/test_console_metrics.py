"""The consoles' reading of the actors' Prometheus metrics (``kofu.console.metrics``): the text
parsed, ``histogram_quantile`` over bucket increases against figures worked out by hand, the
ring's bound, and scrapes of real listeners — one that answers, one that does not (a gap), and
the centre's own ``/metrics`` behind its door, read with the certificate the console uses."""

from __future__ import annotations

import datetime as dt
import math
import socket
from dataclasses import replace
from pathlib import Path

import pytest
from fastapi import FastAPI
from prometheus_client import CollectorRegistry, Counter, Histogram, start_http_server

from kofu.center.console.data import metrics_targets
from kofu.config import Settings
from kofu.console import chart
from kofu.console.metrics import (
    Ring,
    Sample,
    Scraper,
    Target,
    histogram_quantile,
    increase,
    parse,
    window,
)
from kofu.pki.init import init_pki
from kofu.pki.tls import client_context
from kofu.telemetry import doors
from kofu.telemetry.asgi import TelemetryMiddleware
from tests.aio import run
from tests.mtls import serve_mtls

NOW = dt.datetime(2026, 11, 30, 3, 0, 30, tzinfo=dt.UTC)  # 12:00:30 in Japan
LES = ("0.1", "0.5", "1.0", "2.5", "+Inf")


def histogram(city: str, cumulative: tuple[int, ...]) -> str:
    """``kofu_order_seconds`` of one city as an actor writes it (cumulative bucket counts)."""
    lines = ["# TYPE kofu_order_seconds histogram"]
    lines += [
        f'kofu_order_seconds_bucket{{city="{city}",le="{le}"}} {n}'
        for le, n in zip(LES, cumulative, strict=True)
    ]
    lines += [f'kofu_order_seconds_count{{city="{city}"}} {cumulative[-1]}']
    lines += [f'kofu_order_seconds_sum{{city="{city}"}} 1.0']
    return "\n".join(lines) + "\n"


def test_the_text_is_read_by_name_and_labels() -> None:
    text = '# TYPE kofu_orders counter\nkofu_orders_total{doc="juminhyo",outcome="issued"} 3\n'
    text += histogram("132292", (1, 2, 3, 4, 5))
    series = parse(text)
    assert series[("kofu_orders_total", (("doc", "juminhyo"), ("outcome", "issued")))] == 3.0
    assert series[("kofu_order_seconds_bucket", (("city", "132292"), ("le", "+Inf")))] == 5.0
    assert series[("kofu_order_seconds_count", (("city", "132292"),))] == 5.0


def test_histogram_quantile_as_prometheus_computes_it() -> None:
    # 100 observations: 10 up to 0.1 s, 50 more up to 0.5 s, 35 more up to 1 s, 5 more up to 2.5 s.
    buckets = [(0.1, 10.0), (0.5, 60.0), (1.0, 95.0), (2.5, 100.0), (math.inf, 100.0)]
    # p50: rank 50 falls in (0.1, 0.5] holding ranks 10…60: 0.1 + 0.4 × (50 − 10) / 50 = 0.42
    assert histogram_quantile(0.5, buckets) == pytest.approx(0.42)
    # p99: rank 99 falls in (1, 2.5] holding ranks 95…100: 1 + 1.5 × (99 − 95) / 5 = 2.2
    assert histogram_quantile(0.99, buckets) == pytest.approx(2.2)
    # a rank in the +Inf bucket: the largest finite bound; no observations: none
    assert histogram_quantile(0.99, [(0.1, 1.0), (math.inf, 10.0)]) == 0.1
    assert histogram_quantile(0.5, [(0.1, 0.0), (math.inf, 0.0)]) is None


def test_a_counter_that_went_down_was_restarted() -> None:
    assert increase(10.0, 14.0) == 4.0
    assert increase(10.0, 3.0) == 3.0  # the process started again and has counted 3 since


def test_the_minutes_use_the_bucket_increases_between_two_samples() -> None:
    before = parse(histogram("132292", (100, 200, 300, 400, 400)))  # what had been seen before
    # then 10, 50, 35, 5 more in the buckets: the hand-worked histogram above
    after = parse(histogram("132292", (110, 260, 395, 500, 500)))
    ring = [
        Sample(NOW.timestamp() - 60, {"center": before}),  # 11:59:30
        Sample(NOW.timestamp() - 45, {"center": after}),  # 11:59:45
        Sample(NOW.timestamp() - 30, {"center": after}),  # 12:00:00, nothing more
    ]
    read = window(
        ring,
        counter="kofu_order_seconds_count",
        histogram="kofu_order_seconds",
        group=lambda _name, labels: labels.get("city"),
        now=NOW,
    )
    view = read.minutes("132292")
    assert view.labels[-2:] == ["11:59", "12:00"] and view.counts[-2:] == [100, 0]
    assert view.p50[-2] == pytest.approx(0.42) and view.p99[-2] == pytest.approx(2.2)
    assert view.p50[-1] is None  # no order in that minute: no latency
    assert (view.finished, view.total_p50) == (100, pytest.approx(0.42))
    assert view.gaps[-2:] == [False, False] and all(view.gaps[:-2])  # before the console began


def test_the_ring_keeps_only_the_last_samples() -> None:
    ring = Ring(keep=3)
    for n in range(5):
        ring.add(Sample(float(n), {}))
    assert [s.at for s in ring] == [2.0, 3.0, 4.0] and len(ring) == 3


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])  # closed again when the socket is: nobody listens there


def test_a_scrape_reads_a_real_listener_and_a_failed_one_is_a_gap() -> None:
    registry = CollectorRegistry()
    orders = Counter("kofu_orders", "orders", ["doc", "outcome"], registry=registry)
    timed = Histogram("kofu_order_seconds", "time", ["city"], registry=registry, buckets=(0.5, 1.0))
    orders.labels("juminhyo", "issued").inc(2)
    timed.labels("132292").observe(0.3)
    server, thread = start_http_server(0, addr="127.0.0.1", registry=registry)
    try:
        up = Target("issuer", f"http://127.0.0.1:{server.server_port}/metrics")
        down = Target("other", f"http://127.0.0.1:{_closed_port()}/metrics")
        scraper = Scraper(lambda: [up, down], now=lambda: NOW.timestamp())
        sample = run(scraper.scrape())
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
    read = sample.targets["issuer"]
    assert read is not None and read[("kofu_orders_total", (("doc", "juminhyo"), ("outcome", "issued")))] == 2
    assert read[("kofu_order_seconds_bucket", (("city", "132292"), ("le", "0.5")))] == 1
    assert sample.targets["other"] is None and not sample.gap  # one of two read
    assert list(scraper.ring) == [sample]

    nobody = Scraper(lambda: [down], now=lambda: NOW.timestamp())
    gap = run(nobody.scrape())
    assert gap.gap and len(nobody.ring) == 1  # kept, as a gap, not raised
    view = window(nobody.ring, counter="kofu_orders_total", group=lambda _n, _l: "all", now=NOW).minutes(
        "all"
    )
    assert view.gaps[-1] and view.empty
    drawn = str(chart.svg(view, chart_id="c", title="Orders", lang="en"))
    assert drawn.count('class="gap"') == len(view.labels)  # nothing sampled in the window yet
    assert "15 minutes without a sample" in drawn


def test_the_centre_console_reads_the_centre_through_its_door(tmp_path: Path) -> None:
    """Over real mutual TLS: the console's own targets carry the centre's certificate, which the
    centre's ``/metrics`` door lets in; the same scrape with a kiosk's certificate finds a 404 (a gap)."""
    settings = Settings(var_dir=tmp_path, cities=("132292",))
    init_pki(settings.pki, cities=["132292"], kiosks=["K0001"])
    app = TelemetryMiddleware(FastAPI(), door=doors.peer_door(("center", None)))
    with serve_mtls(app, settings.pki, "center", "center") as url:
        (own,) = metrics_targets(settings)()
        assert own.name == "center" and own.url == settings.center_url + "/metrics"
        here = replace(own, url=url + "/metrics")  # the same client, at this test's port
        kiosk = replace(here, name="kiosk", tls=client_context(settings.pki, "kiosk", "K0001"))
        sample = run(Scraper(lambda: [here, kiosk]).scrape())
    read = sample.targets["center"]
    assert read is not None and any(name.startswith("python_") for name, _labels in read)
    assert sample.targets["kiosk"] is None
