"""The centre's order path against a stand-in gateway: a prevented misissuance stops the city."""

from __future__ import annotations

import time
from collections.abc import Iterator

import httpx
import pytest
from sqlalchemy import select
from tests.aio import run as _run

from kofu.center import routing
from kofu.center.auth import CardSession, CardVerifier, SessionSealer
from kofu.center.models import Order
from kofu.center.service import CenterService
from kofu.protocol.center_gateway import CityRequest, CityResponse, MenuCall, OrderCall, Submission
from kofu.protocol.errors import KofuError, Problem, Refused
from kofu.protocol.kiosk_center import Menu, MenuRequest, OrderOutcome, OrderRequest, OrderResult

CITY = "132292"
KIOSK = "K0001"
KEY = b"k" * 32


class Gateway:
    """Answers every menu and order the way a city would (a fixed menu, an opaque envelope)."""

    def __init__(self) -> None:
        self.requests: list[CityRequest] = []
        self.problem: Problem | None = None  # what the city answers instead, when set

    def __call__(self, request: httpx.Request) -> httpx.Response:
        asked = Submission.model_validate_json(request.content).request
        self.requests.append(asked)
        if self.problem is not None:
            answer = CityResponse(request_id=asked.request_id, error=self.problem)
        elif isinstance(asked, MenuCall):
            answer = CityResponse(
                request_id=asked.request_id, menu=Menu(city_code=CITY, city_name="西東京市", documents=[])
            )
        else:
            assert isinstance(asked, OrderCall)
            result = OrderResult(
                order_id=asked.order_id, status="issued", envelope=b"ciphertext", fee_total=300, pages=1
            )
            answer = CityResponse(request_id=asked.request_id, order=result)
        return httpx.Response(200, content=answer.model_dump_json())


@pytest.fixture
def center(db, pki) -> Iterator[tuple[CenterService, Gateway]]:  # type: ignore[no-untyped-def]
    routing.ensure_city(db, CITY, "西東京市")
    gateway = Gateway()
    client = httpx.AsyncClient(transport=httpx.MockTransport(gateway), base_url="https://gateway.test")
    yield CenterService(db, CardVerifier(pki), SessionSealer(KEY), {CITY: client}), gateway
    _run(client.aclose())


def _session() -> CardSession:
    return CardSession("s1", KIOSK, "0A1B2C3D", ((CITY, "residence"),), time.time() + 600)


def _order(copies: int = 1) -> OrderRequest:
    return OrderRequest(
        city_code=CITY,
        doc="juminhyo",
        copies=copies,
        kiosk_public_key=b"p" * 32,
        idempotency_key=f"idem-{time.monotonic_ns()}",
    )


def test_a_prevented_misissuance_stops_the_city_until_it_is_resumed(center, db) -> None:  # type: ignore[no-untyped-def]
    service, gateway = center
    first = _run(service.order(_session(), _order()))
    assert first.status == "issued" and len(gateway.requests) == 1
    service.outcome(KIOSK, first.order_id, OrderOutcome(outcome="misissuance_prevented"))

    for attempt in (
        lambda: service.menu(_session(), MenuRequest(city_code=CITY)),
        lambda: service.order(_session(), _order()),
    ):
        with pytest.raises(Refused) as stopped:
            _run(attempt())
        assert stopped.value.code == "city.stopped" and stopped.value.detail == "misissuance_prevented"
    assert len(gateway.requests) == 1  # the city was not even asked
    with db() as session:
        rows = session.scalars(select(Order)).all()
    assert [(r.order_id, r.outcome, r.fee_total) for r in rows] == [
        (first.order_id, "misissuance_prevented", 0)
    ]

    routing.set_stopped(db, CITY, False)
    again = _run(service.order(_session(), _order(copies=2)))
    assert again.status == "issued" and len(gateway.requests) == 2


def test_other_outcomes_leave_the_city_open(center) -> None:  # type: ignore[no-untyped-def]
    service, gateway = center
    for outcome in ("printed", "failed", "cancelled"):
        result = _run(service.order(_session(), _order()))
        service.outcome(KIOSK, result.order_id, OrderOutcome(outcome=outcome))  # type: ignore[arg-type]
    assert _run(service.menu(_session(), MenuRequest(city_code=CITY))).city_code == CITY
    assert len(gateway.requests) == 4


def test_a_document_the_city_could_not_make_closes_its_history_row(center, db) -> None:  # type: ignore[no-untyped-def]
    service, gateway = center
    gateway.problem = Problem(code="document.render_failed", detail="document.invalid", kind="error")
    with pytest.raises(KofuError) as failed:
        _run(service.order(_session(), _order()))
    assert failed.value.code == "document.render_failed" and not isinstance(failed.value, Refused)
    with db() as session:
        row = session.scalars(select(Order)).one()
    assert (row.status, row.outcome, row.fee_total) == ("failed", "document.render_failed", 0)
    assert row.finished_at is not None
