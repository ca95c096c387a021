"""The consoles' chart of orders per minute and latency (``kofu.console.chart``), and the centre's
traffic page that draws it from the centre's scraped metrics — in process (TestClient). The page's
samples are put straight into the console's ring: a fake scrape source, in this test only (the
scraper itself is tested against real listeners in ``test_console_metrics``)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import time_machine
from fastapi.testclient import TestClient

from kofu.center.console.app import create_app
from kofu.config import Settings
from kofu.console import chart, store
from kofu.console.metrics import Sample, parse

NOW = dt.datetime(2026, 11, 30, 3, 0, 30, tzinfo=dt.UTC)  # 12:00:30 in Japan
PORT = 8997
BASE = f"http://127.0.0.1:{PORT}"
LABELS = [f"11:{m:02}" for m in range(46, 60)] + ["12:00"]


def _minutes(counts: list[int], p50: list[float | None], p99: list[float | None]) -> chart.Minutes:
    pad = 15 - len(counts)
    return chart.Minutes(
        labels=LABELS, counts=[0] * pad + counts, p50=[None] * pad + p50, p99=[None] * pad + p99
    )


def test_minutes_and_their_percentiles() -> None:
    view = _minutes([2, 0, 1], [1.0, None, None], [3.0, None, None])
    view.finished, view.total_p50, view.total_p99 = 2, 1.0, 3.0
    drawn = str(chart.svg(view, chart_id="c", title="Orders", lang="en"))
    assert 'role="img"' in drawn and 'aria-labelledby="c-t c-d"' in drawn
    assert "3 orders in the last 15 minutes (11:46–12:00), at most 2 in a minute" in drawn
    assert "p50 1.00 s, p99 3.00 s over 2 finished" in drawn
    assert re.findall(r'data-count="(\d+)"', drawn)[-3:] == ["2", "0", "1"]
    assert 'class="p50"' in drawn and 'class="p99"' in drawn
    assert 'class="gap"' not in drawn and "without a sample" not in drawn
    assert "<script" not in drawn and "http://" not in drawn.replace("http://www.w3.org/2000/svg", "")


def test_no_orders_draws_an_empty_chart_that_says_so() -> None:
    view = _minutes([], [], [])
    assert view.empty and view.total_p50 is None
    drawn = str(chart.svg(view, chart_id="c", title="<注文>", lang="ja"))
    assert "直近15分間の注文はありません。" in drawn and "&lt;注文&gt;" in drawn
    assert set(re.findall(r'data-count="(\d+)"', drawn)) == {"0"}
    assert "polyline" not in drawn


def _centre(cities: dict[str, tuple[int, ...]]) -> str:
    """The centre's ``kofu_order_seconds`` as it writes it: cumulative buckets per city."""
    lines = ["# TYPE kofu_order_seconds histogram"]
    for city, cumulative in cities.items():
        for le, n in zip(("1.0", "2.5", "5.0", "+Inf"), cumulative, strict=True):
            lines.append(f'kofu_order_seconds_bucket{{city="{city}",le="{le}"}} {n}')
        lines.append(f'kofu_order_seconds_count{{city="{city}"}} {cumulative[-1]}')
    return "\n".join(lines) + "\n"


@time_machine.travel(NOW, tick=False)
def test_the_centre_traffic_page_charts_the_scraped_metrics(tmp_path: Path) -> None:
    settings = Settings(var_dir=tmp_path)
    app = create_app(settings, port=PORT)
    engine, db = store.open_db(settings, "center")
    store.add_account(db, "op1", "auditor", "an operator secret")
    engine.dispose()
    client = TestClient(app, base_url=BASE, headers={"Origin": BASE})
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/signin").text)
    assert token is not None
    client.post("/signin", data={"csrf": token[1], "username": "op1", "password": "an operator secret"})

    empty = client.get("/traffic?lang=en")
    assert empty.status_code == 200 and 'id="traffic-chart"' in empty.text
    assert "data-count" not in empty.text  # no sample yet: no bar; each minute drawn and listed as a gap
    assert empty.text.count('class="gap"') == 2 * 15
    assert "出典: センターの Prometheus メトリクス（kofu_order_seconds" in empty.text

    at = NOW.timestamp()
    ring = app.state.scraper.ring
    ring.add(Sample(at - 90, {"center": parse(_centre({"132292": (0, 0, 0, 0)}))}))  # 11:59:00
    # 11:59:40: one of 132292 in (1, 2.5], one of 132110 in (2.5, 5]
    ring.add(Sample(at - 50, {"center": parse(_centre({"132292": (0, 1, 1, 1), "132110": (0, 0, 1, 1)}))}))
    ring.add(Sample(at - 20, {"center": None}))  # 12:00:10: the centre could not be read
    page = client.get("/traffic").text
    svg = page[page.index('<svg id="traffic-chart"') : page.index("</svg>")]
    assert re.findall(r'data-count="(\d+)"', svg)[-1:] == ["2"]  # 11:59; 12:00 is a gap
    assert svg.count('class="gap"') == 14  # 11:46…11:58 unsampled, and 12:00 a failed scrape
    # p50 of the two: rank 1 is the 132292 order in (1, 2.5], all of it: 2.5; p99 in (2.5, 5]: 4.95
    assert "注文 2 件" in svg and "p50 2.50 秒" in svg and "p99 4.95 秒" in svg
    figures = page[page.index('id="traffic-chart-figures"') :]
    assert (
        '<th scope="row">11:59</th><td class="num">2</td><td class="num">2.50</td><td class="num">4.95</td>'
        in figures
    )
    latency = page[page.index('id="latency"') :]
    # 132110's one order in (2.5, 5]: p50 at rank 0.5 of 1, 2.5 + 2.5 × 0.5 = 3.75
    assert '<th scope="row">132110</th><td class="num">1</td><td class="num">3.75</td>' in latency
    per_minute = page[page.index('id="per-minute"') : page.index('id="latency"')]
    assert re.search(
        r'<th scope="row">合計</th>(<td class="num">0</td>){13}<td class="num">2</td>', per_minute
    )
