"""A month's statement splits by the store the centre recorded for each order and that store's
chain: two kiosks of two chains, and one the kiosk directory does not list (its own store).

In process: the centre's service with a stand-in gateway (httpx's MockTransport answering as a
city would; UNIT-TEST STAND-IN: no TLS, no issuer), real SQLite files migrated by the centre's
and a city's chains, and `kofu.settle.reconcile.settle` reading them as `kofu settle` does.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

import httpx
import pytest
import time_machine
from sqlalchemy import select

from kofu import clock
from kofu.center import routing
from kofu.center.auth import CardSession, CardVerifier, SessionSealer, issue_challenge
from kofu.center.migrate import upgrade as upgrade_center
from kofu.center.models import Order
from kofu.center.service import CenterService
from kofu.city.registry.migrate import upgrade as upgrade_city
from kofu.config import Settings
from kofu.pki.init import init_pki
from kofu.pki.paths import PkiPaths
from kofu.pki.stores import Store, load_stores, write_stores
from kofu.protocol.center_gateway import CityResponse, OrderCall, Submission
from kofu.protocol.kiosk_center import OrderOutcome, OrderRequest, OrderResult
from kofu.settle.reconcile import settle
from kofu.storage import make_engine, session_factory
from tests.aio import run as _run

CITY = "132292"
MART = Store("K0001", "S0001", "コフマート 西東京田無店", "kofu-mart", "コフマート")
STATION = Store("K0002", "S0101", "ステーションマート 西東京駅前店", "station", "ステーションマート")
UNLISTED = "K0003"


def _city(request: httpx.Request) -> httpx.Response:
    asked = Submission.model_validate_json(request.content).request
    assert isinstance(asked, OrderCall)
    result = OrderResult(order_id=asked.order_id, status="issued", envelope=b"c", fee_total=300, pages=1)
    return httpx.Response(
        200, content=CityResponse(request_id=asked.request_id, order=result).model_dump_json()
    )


@pytest.fixture
def settings(tmp_path) -> Settings:  # type: ignore[no-untyped-def]
    settings = Settings(var_dir=tmp_path, cities=(CITY,))
    write_stores(settings.stores_file, [MART, STATION])
    upgrade_city(make_engine(settings.city_db_url(CITY)))
    return settings


def _print(service: CenterService, kiosk_id: str, copies: int) -> str:
    row = issue_challenge(service.db, kiosk_id, clock.now_utc())
    session = CardSession(row.session_id, kiosk_id, "0A1B2C3D", ((CITY, "residence"),), time.time() + 600)
    order = OrderRequest(
        city_code=CITY, doc="juminhyo", copies=copies, kiosk_public_key=b"p" * 32,
        idempotency_key=f"idem-{time.monotonic_ns()}",
    )  # fmt: skip
    result = _run(service.order(session, order))
    done = OrderOutcome(outcome="printed", copies_printed=copies, amount=300 * copies)
    assert service.outcome(kiosk_id, result.order_id, done).status == "printed"
    return result.order_id


@time_machine.travel(datetime(2026, 11, 10, 3, 0, tzinfo=UTC), tick=False)
def test_a_statement_splits_by_the_recorded_store_and_its_chain(settings, tmp_path, caplog) -> None:  # type: ignore[no-untyped-def]
    pki = PkiPaths(tmp_path / "pki")
    init_pki(pki, cities=[CITY], kiosks=[MART.kiosk_id])
    engine = make_engine(settings.center_db_url())
    upgrade_center(engine)
    db = session_factory(engine)
    routing.ensure_city(db, CITY, "西東京市")
    client = httpx.AsyncClient(transport=httpx.MockTransport(_city), base_url="https://gateway.test")
    service = CenterService(
        db, CardVerifier(pki), SessionSealer(b"k" * 32), {CITY: [client]},
        stores=lambda: load_stores(settings.stores_file),
    )  # fmt: skip
    try:
        with caplog.at_level(logging.WARNING, logger="kofu.center.service"):
            placed = {
                MART.kiosk_id: [_print(service, MART.kiosk_id, 1), _print(service, MART.kiosk_id, 2)],
                STATION.kiosk_id: [_print(service, STATION.kiosk_id, 1)],
                UNLISTED: [_print(service, UNLISTED, 1), _print(service, UNLISTED, 1)],
            }
    finally:
        _run(client.aclose())
        engine.dispose()

    with session_factory(make_engine(settings.center_db_url()))() as session:
        stores = {o.order_id: (o.kiosk_id, o.store_id) for o in session.scalars(select(Order))}
    for kiosk_id, store_id in ((MART.kiosk_id, "S0001"), (STATION.kiosk_id, "S0101"), (UNLISTED, UNLISTED)):
        assert {stores[o] for o in placed[kiosk_id]} == {(kiosk_id, store_id)}
    warned = [r for r in caplog.records if r.levelno == logging.WARNING and UNLISTED in r.getMessage()]
    assert len(warned) == 1  # once, however many orders it places
    assert not any(k in r.getMessage() for r in caplog.records for k in (MART.kiosk_id, STATION.kiosk_id))

    statement = settle(settings, "2026-11", journal_dir=tmp_path / "no-journals")
    lines = {(line.chain, line.doc): line for line in statement.lines}
    assert set(lines) == {("kofu-mart", "juminhyo"), ("station", "juminhyo"), (UNLISTED, "juminhyo")}
    figures = {chain: (line.documents, line.copies, line.fees) for (chain, _doc), line in lines.items()}
    assert figures == {"kofu-mart": (2, 3, 900), "station": (1, 1, 300), UNLISTED: (2, 2, 600)}
    assert {t.chain for t in statement.totals} == {"kofu-mart", "station", UNLISTED}
