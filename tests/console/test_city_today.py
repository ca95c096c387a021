"""The city console's Today page, in process (TestClient; a real SQLite registry and the real
issuer service; the centre and gateways are not running, so their parts say so): refusals told
at the menu are counted by document and code, once per card session, never by person; the
chart and the recent refusals come from the issuers' metrics."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from fastapi.testclient import TestClient

from kofu.city.console.app import create_app
from kofu.city.issuer.service import IssuerService
from kofu.city.issuer.staff import registry
from kofu.city.registry.db import create_schema
from kofu.city.registry.seed import SeededPerson, register_card, seed_city
from kofu.config import Settings
from kofu.console import store
from kofu.console.metrics import Sample, Series, parse
from kofu.pki.init import init_pki
from kofu.protocol.center_gateway import MenuCall
from kofu.storage import make_engine

CITY = "132292"
TODAY = date(2026, 11, 30)
NOON = datetime(2026, 11, 30, 12, 0, tzinfo=ZoneInfo("Asia/Tokyo"))
PORT = 8998
BASE = f"http://127.0.0.1:{PORT}"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Settings, dict[str, SeededPerson]]]:
    # Nothing listens on the centre's and gateways' ports: their parts of the page say so.
    settings = Settings(var_dir=tmp_path_factory.mktemp("var"), cities=(CITY,), port_base=_free_port())
    init_pki(settings.pki, cities=[CITY], kiosks=["K0001"])
    engine = make_engine(settings.city_db_url(CITY))
    create_schema(engine)
    engine.dispose()
    picked: dict[str, SeededPerson] = {}
    with registry(settings, CITY) as db, db.begin() as session:
        for person in seed_city(session, CITY, seed=7, households=8, as_of=TODAY):
            troubled = {"moved-out", "deceased", "dv-protected", "pending-change"} & set(person.traits)
            plain = person.age >= 18 and "household-head" in person.traits and not troubled
            key = "moved-out" if "moved-out" in person.traits else "adult" if plain else None
            if key and key not in picked:
                picked[key] = person
                register_card(session, person.resident_id, _serial(person), f"T-{person.resident_id}")
    engine, db = store.open_db(settings, CITY)
    store.add_account(db, "clerk1", "clerk", "a good clerk secret")
    engine.dispose()
    yield settings, picked


def _serial(person: SeededPerson) -> str:
    return f"{person.resident_id:X}AB"


def _menu(settings: Settings, person: SeededPerson, request_id: str, session_id: str | None) -> None:
    with registry(settings, CITY) as db:
        service = IssuerService(CITY, db, settings.pki, now=lambda: NOON)
        call = MenuCall(
            request_id=request_id,
            city_code=CITY,
            card_serial=_serial(person),
            kiosk_id="K0001",
            session_id=session_id,
        )
        service.handle(call)


def _today(settings: Settings, samples: Iterable[Sample] = ()) -> str:
    app = create_app(settings, CITY, port=PORT)
    for sample in samples:  # put straight into the console's ring: a fake scrape source
        app.state.scraper.ring.add(sample)
    client = TestClient(app, base_url=BASE, headers={"Origin": BASE})
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/signin").text)
    assert token is not None
    client.post("/signin", data={"csrf": token[1], "username": "clerk1", "password": "a good clerk secret"})
    page = client.get("/")
    assert page.status_code == 200
    return page.text


def _row(html: str, table: str, key: str) -> list[str]:
    body = html[html.index(f'id="{table}"') :]
    body = body[: body.index("</table>")]
    for row in re.findall(r"<tr>(.*?)</tr>", body, re.S):
        if key in row:
            return re.findall(r'<td class="num">(\d+)</td>', row)
    return []


@time_machine.travel(NOON, tick=False)
def test_a_menu_refused_at_the_issuer_counts_once_on_today(city) -> None:  # type: ignore[no-untyped-def]
    settings, people = city
    before = _today(settings)
    assert 'id="refusals"' not in before  # nothing yet (the centre is down: only the city's own)
    moved = people["moved-out"]
    _menu(settings, moved, "r1", "s" * 32)
    _menu(settings, moved, "r2", "s" * 32)  # the kiosk asks again in the same card session
    _menu(settings, moved, "r2", "s" * 32)  # the same request handed to a second worker
    html = _today(settings)
    assert _row(html, "refusals", "city.resident.moved_out") == ["0", "1", "1"]
    assert _row(html, "orders-by-doc", 'lang="en">*<')[-1] == "1"
    # Another card session is another refusal; the page shows counts and never the person.
    _menu(settings, moved, "r3", "t" * 32)
    html = _today(settings)
    assert _row(html, "refusals", "city.resident.moved_out") == ["0", "2", "2"]
    assert moved.name not in html and _serial(moved) not in html
    # A menu that refuses nothing adds nothing.
    _menu(settings, people["adult"], "r4", "u" * 32)
    html = _today(settings)
    assert _row(html, "refusals", "city.resident.moved_out") == ["0", "2", "2"]
    assert html.count('<td><span lang="en">city.') == 1  # no other code


def _issuer(orders: dict[tuple[str, str], int], timed: tuple[int, int, int]) -> Series:
    """An issuer's ``/metrics`` as it writes them: orders by document and outcome, and the time
    to answer them (cumulative buckets up to 0.5 s, 1 s, +Inf)."""
    lines = ["# TYPE kofu_orders counter"]
    lines += [f'kofu_orders_total{{doc="{d}",outcome="{o}"}} {n}' for (d, o), n in orders.items()]
    lines.append("# TYPE kofu_order_seconds histogram")
    for le, n in zip(("0.5", "1.0", "+Inf"), timed, strict=True):
        lines.append(f'kofu_order_seconds_bucket{{city="{CITY}",le="{le}"}} {n}')
    lines.append(f'kofu_order_seconds_count{{city="{CITY}"}} {timed[-1]}')
    return parse("\n".join(lines) + "\n")


@time_machine.travel(NOON, tick=False)
def test_today_charts_the_orders_the_issuers_answered(city) -> None:  # type: ignore[no-untyped-def]
    """From the issuers' scraped metrics: the samples are a fake scrape source (put into the
    console's ring by this test); the scraper itself is tested in ``test_console_metrics``."""
    settings, _people = city
    at = NOON.timestamp()
    first = _issuer({("juminhyo", "issued"): 5}, (5, 5, 5))  # 11:59:00, counted before
    second = _issuer(  # 11:59:30: two issued, one refused (moved out), timed 0.2, 0.7, 0.9 s
        {("juminhyo", "issued"): 7, ("juminhyo", "city.resident.moved_out"): 1}, (6, 8, 8)
    )
    other = _issuer({("koseki", "issued"): 1}, (1, 1, 1))  # a second issuer, met at 11:59:30
    samples = [
        Sample(at - 60, {"issuer-a": first}),
        Sample(at - 30, {"issuer-a": second, "issuer-b": other}),
        Sample(at, {"issuer-a": None, "issuer-b": None}),  # 12:00:00: neither could be read
    ]
    html = _today(settings, samples)
    svg = html[html.index('<svg id="today-chart"') : html.index("</svg>")]
    assert re.findall(r'data-count="(\d+)"', svg)[-1:] == ["3"]  # 11:59 (issuer-b's first sample adds none)
    assert svg.count('class="gap"') == 14  # 12:00 and the minutes before the first sample
    # p50 of 3 (1 in ≤0.5 s, 2 in (0.5, 1]): rank 1.5 → 0.5 + 0.5 × 0.5 / 2 = 0.625
    assert "注文 3 件" in svg and "p50 0.62 秒" in svg and "完了 3 件" in svg
    assert _row(html, "recent-refusals", "city.resident.moved_out") == ["1"]
    recent = html[html.index('id="recent-refusals"') :]
    assert recent[: recent.index("</table>")].count("<tr>") == 2  # the head and the one code
    assert "出典: 本市の発行サーバの Prometheus メトリクス" in html
