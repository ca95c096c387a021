"""The city console's Today page, in process (TestClient; a real SQLite registry and the real
issuer service; the centre and gateways are not running, so their parts say so): refusals told
at the menu are counted by document and code, once per card session, never by person."""

from __future__ import annotations

import re
import socket
from collections.abc import Iterator
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat
from fastapi.testclient import TestClient

from kofu.city.console.app import create_app
from kofu.city.issuer.service import IssuerService
from kofu.city.issuer.staff import registry
from kofu.city.registry.db import create_schema
from kofu.city.registry.seed import SeededPerson, register_card, seed_city
from kofu.config import Settings
from kofu.console import store
from kofu.pki.init import init_pki
from kofu.protocol.center_gateway import MenuCall, OrderCall
from kofu.protocol.kiosk_center import OrderRequest
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


def _today(settings: Settings) -> str:
    client = TestClient(create_app(settings, CITY, port=PORT), base_url=BASE, headers={"Origin": BASE})
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


@time_machine.travel(NOON, tick=False)
def test_today_charts_the_orders_the_issuer_numbered(city) -> None:  # type: ignore[no-untyped-def]
    settings, people = city
    adult = people["adult"]
    key = X25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
    for n in range(2):
        order = OrderRequest(
            city_code=CITY, doc="juminhyo", copies=1, kiosk_public_key=key, idempotency_key=f"idem-{n:04}"
        )
        call = OrderCall(
            request_id=f"o{n}",
            city_code=CITY,
            card_serial=_serial(adult),
            kiosk_id="K0001",
            order_id=f"{n + 1:032x}",
            order=order,
        )
        with registry(settings, CITY) as db:
            answer = IssuerService(CITY, db, settings.pki, now=lambda: NOON).handle(call)
        assert answer.order is not None and answer.order.status == "issued"
    html = _today(settings)
    svg = html[html.index('<svg id="today-chart"') : html.index("</svg>")]
    assert re.findall(r'data-count="(\d+)"', svg)[-1] == "2"  # both in the minute of 12:00
    assert "注文 2 件" in svg and "完了 2 件" in svg
    figures = html[html.index('id="today-chart-figures"') :]
    assert '<th scope="row">12:00</th><td class="num">2</td>' in figures
    assert adult.name not in html


@time_machine.travel(datetime(2026, 12, 1, 9, 0, tzinfo=ZoneInfo("Asia/Tokyo")), tick=False)
def test_yesterdays_refusals_are_not_today(city) -> None:  # type: ignore[no-untyped-def]
    settings, _people = city
    html = _today(settings)
    assert "city.resident.moved_out" not in html
    svg = html[html.index('<svg id="today-chart"') : html.index("</svg>")]
    assert set(re.findall(r'data-count="(\d+)"', svg)) == {"0"} and "注文はありません" in svg


@time_machine.travel(NOON, tick=False)
def test_menus_the_centre_refused_for_the_city_join_its_own(city, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """The centre's status stands in here (UNIT-TEST STAND-IN: the centre's side, which records
    a stopped city's menus once per session, is tested in tests/center/test_center_orders.py)."""
    from kofu.city.console import data
    from kofu.protocol.city_center import MENU_REFUSED, CityStatus, OrderCount

    told = CityStatus(
        city_code=CITY,
        stopped=True,
        stopped_by="city:132292:sup",
        stop_reason="maintenance",
        today=[
            OrderCount(doc="*", status=MENU_REFUSED, outcome="city.stopped", count=3),
            OrderCount(doc="juminhyo", status="refused", outcome="city.document.outside_hours", count=1),
        ],
    )
    monkeypatch.setattr(data, "center_status", lambda settings, city: told)
    html = _today(settings=city[0])
    assert _row(html, "refusals", "city.stopped") == ["0", "3", "3"]
    assert _row(html, "refusals", "city.document.outside_hours") == ["1", "0", "1"]
    assert _row(html, "orders-by-doc", 'lang="en">juminhyo<')[:3] == ["0", "1", "0"]
