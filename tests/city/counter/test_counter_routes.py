"""The centre's route registry as cities use it (in-process ASGI; the peer is named explicitly)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import select
from tests.peers import as_peer

from kofu import clock
from kofu.center import routes_api, routing
from kofu.center.auth import card_ref
from kofu.center.migrate import upgrade
from kofu.center.models import Route, RouteChange
from kofu.net.app import install_error_handlers
from kofu.pki.paths import PkiPaths
from kofu.pki.tls import Peer
from kofu.storage import make_engine, session_factory

SERIAL = "1A2B3C4D5E"


@pytest.fixture
def center(tmp_path: Path) -> Iterator[tuple[TestClient, FastAPI]]:
    engine = make_engine(f"sqlite:///{tmp_path / 'center.db'}")
    upgrade(engine)
    db = session_factory(engine)
    routing.ensure_city(db, "132292", "西東京市")
    routing.ensure_city(db, "132110", "小平市")
    app = FastAPI()
    install_error_handlers(app)
    routes_api.install(app)
    pki = PkiPaths(tmp_path / "pki")  # the JPKI CA's record: 132292 asked for SERIAL
    pki.jpki_issued.mkdir(parents=True)
    (pki.jpki_issued / SERIAL).write_text("132292")
    app.state.service = SimpleNamespace(db=db, verifier=SimpleNamespace(pki=pki))
    as_peer(app, Peer("issuer", "132292"))
    with TestClient(app) as client:
        yield client, app
    engine.dispose()


def post(
    client: TestClient, city: str, effective: dt.date | None = None, serial: str = SERIAL
) -> tuple[int, dict[str, object]]:
    body = {
        "card_serial": serial,
        "residence_city": city,
        "effective_from": effective.isoformat() if effective else None,
    }
    response = client.post("/v1/routes", json=body)
    return response.status_code, response.json()


def test_a_city_registers_its_new_card_and_the_center_keeps_only_the_hash(
    center: tuple[TestClient, FastAPI],
) -> None:
    client, app = center
    status, body = post(client, "132292")
    assert status == 201 and body["status"] == "registered"
    assert SERIAL not in str(body)
    db = app.state.service.db
    with db() as session:
        (route,) = session.scalars(select(Route)).all()
        assert route.card_ref == card_ref(SERIAL) and route.residence_city == "132292"
    assert post(client, "132292")[0] == 201  # idempotent


def test_only_the_citys_own_issuer_may_register(center: tuple[TestClient, FastAPI]) -> None:
    client, app = center
    status, body = post(client, "132110")  # peer is 132292's issuer
    assert status == 403 and body["error"]["code"] == "link.peer.rejected"  # type: ignore[index]
    as_peer(app, Peer("kiosk", "K0001"))
    assert post(client, "132292")[0] == 403
    as_peer(app, Peer("gateway", "132292"))
    assert post(client, "132292")[0] == 403


def test_a_move_is_scheduled_and_takes_effect_the_next_day(center: tuple[TestClient, FastAPI]) -> None:
    client, app = center
    db = app.state.service.db
    post(client, "132292")
    as_peer(app, Peer("issuer", "132110"))
    status, body = post(client, "132110")  # not without a date: the card is routed elsewhere
    assert status == 400 and body["error"]["code"] == "route.conflict"  # type: ignore[index]
    move_day = dt.date(2026, 5, 10)
    status, body = post(client, "132110", move_day + dt.timedelta(days=1))
    assert status == 201 and body["status"] == "scheduled"

    def residence(day: dt.date) -> str:
        return next(c.code for c, kind in routing.cities_for(db, SERIAL, today=day) if kind == "residence")

    assert residence(move_day) == "132292"  # the day of the move: the old city
    assert residence(move_day + dt.timedelta(days=1)) == "132110"  # from the next day: the new one
    assert residence(move_day + dt.timedelta(days=400)) == "132110"
    with db() as session:
        assert [c.card_ref for c in session.scalars(select(RouteChange))] == [card_ref(SERIAL)]


def test_unknown_routes_and_cities_are_refused(center: tuple[TestClient, FastAPI]) -> None:
    client, app = center
    status, body = post(client, "132292", dt.date(2026, 1, 1))
    assert status == 422 and body["error"]["code"] == "route.unknown"  # type: ignore[index]
    as_peer(app, Peer("issuer", "999999"))
    status, body = post(client, "999999")
    assert body["error"]["code"] == "city.unknown"  # type: ignore[index]
    status, _ = post(client, "132292", serial="not-hex")
    assert status == 400


def test_today_is_the_japanese_day() -> None:
    late_utc = dt.datetime(2026, 3, 31, 16, 30, tzinfo=dt.UTC)  # 01:30 on 1 April in Japan
    assert clock.japan_date(late_utc) == dt.date(2026, 4, 1)


def test_a_new_card_is_routed_only_for_the_city_that_asked_for_it(center: tuple[TestClient, FastAPI]) -> None:
    """An issuer certificate cannot claim a card the centre does not know yet: the JPKI CA says
    which city asked for each card certificate."""
    client, app = center
    as_peer(app, Peer("issuer", "132110"))
    status, body = post(client, "132110")  # 132110's own issuer, but 132292 asked for the card
    assert status == 422 and body["error"]["code"] == "route.not_issuer"  # type: ignore[index]
    status, body = post(client, "132110", serial="FFFF0001")  # a card no city asked for
    assert status == 422 and body["error"]["code"] == "route.not_issuer"  # type: ignore[index]
    as_peer(app, Peer("issuer", "132292"))
    assert post(client, "132292")[0] == 201
