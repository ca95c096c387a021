"""The consoles' chart of orders per minute and latency (``kofu.console.chart``), and the centre's
traffic page that draws it from the centre's own history — in process (TestClient, a real SQLite
centre database; no fakes)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import time_machine
from fastapi.testclient import TestClient

from kofu.center.console.app import create_app
from kofu.center.models import Order
from kofu.config import Settings
from kofu.console import chart, store
from kofu.storage import make_engine, session_factory

NOW = dt.datetime(2026, 11, 30, 3, 0, 30, tzinfo=dt.UTC)  # 12:00:30 in Japan
PORT = 8997
BASE = f"http://127.0.0.1:{PORT}"


def test_minutes_and_their_percentiles() -> None:
    events = [
        (NOW - dt.timedelta(minutes=2), 1.0),
        (NOW - dt.timedelta(minutes=2), 3.0),
        (NOW - dt.timedelta(seconds=10), None),  # not finished yet: counted, not timed
        (NOW - dt.timedelta(minutes=40), 9.0),  # before the window
    ]
    view = chart.by_minute(events, dt.timedelta(minutes=15), NOW)
    assert len(view.labels) == 15 and view.labels[-1] == "12:00"
    assert view.counts[-3:] == [2, 0, 1] and sum(view.counts) == 3
    assert (view.p50[-3], view.p99[-3], view.p50[-1]) == (1.0, 3.0, None)
    assert (view.finished, view.total_p50, view.total_p99) == (2, 1.0, 3.0)
    drawn = str(chart.svg(view, chart_id="c", title="Orders", lang="en"))
    assert 'role="img"' in drawn and 'aria-labelledby="c-t c-d"' in drawn
    assert "3 orders in the last 15 minutes (11:46–12:00), at most 2 in a minute" in drawn
    assert "p50 1.00 s, p99 3.00 s over 2 finished" in drawn
    assert re.findall(r'data-count="(\d+)"', drawn)[-3:] == ["2", "0", "1"]
    assert 'class="p50"' in drawn and 'class="p99"' in drawn
    assert "<script" not in drawn and "http://" not in drawn.replace("http://www.w3.org/2000/svg", "")


def test_no_orders_draws_an_empty_chart_that_says_so() -> None:
    view = chart.by_minute([], dt.timedelta(minutes=15), NOW)
    assert view.empty and view.total_p50 is None
    drawn = str(chart.svg(view, chart_id="c", title="<注文>", lang="ja"))
    assert "直近15分間の注文はありません。" in drawn and "&lt;注文&gt;" in drawn
    assert set(re.findall(r'data-count="(\d+)"', drawn)) == {"0"}
    assert "polyline" not in drawn


def _order(n: int, city: str, created: dt.datetime, seconds: float | None) -> Order:
    return Order(
        order_id=f"{n:032x}",
        idempotency_key=f"idem-{n}",
        created_at=created,
        finished_at=created + dt.timedelta(seconds=seconds) if seconds is not None else None,
        kiosk_id="K0001",
        store_id="S0001",
        city_code=city,
        doc="juminhyo",
        copies=1,
        status="printed" if seconds is not None else "forwarded",
    )


@time_machine.travel(NOW, tick=False)
def test_the_centre_traffic_page_charts_its_history(tmp_path: Path) -> None:
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
    assert set(re.findall(r'data-count="(\d+)"', empty.text)) == {"0"}

    center = make_engine(settings.center_db_url())
    with session_factory(center).begin() as session:
        session.add(_order(1, "132292", NOW - dt.timedelta(minutes=1, seconds=5), 2.0))
        session.add(_order(2, "132110", NOW - dt.timedelta(minutes=1), 4.0))
        session.add(_order(3, "132292", NOW - dt.timedelta(seconds=20), None))
    center.dispose()
    page = client.get("/traffic").text
    svg = page[page.index('<svg id="traffic-chart"') : page.index("</svg>")]
    assert re.findall(r'data-count="(\d+)"', svg)[-2:] == ["2", "1"]
    assert "注文 3 件" in svg and "p50 2.00 秒" in svg and "p99 4.00 秒" in svg
    figures = page[page.index('id="traffic-chart-figures"') :]
    assert (
        '<th scope="row">11:59</th><td class="num">2</td><td class="num">2.00</td><td class="num">4.00</td>'
        in figures
    )
