"""schemathesis against every actor's OpenAPI, in-process, with a valid card session: no request
the schema allows makes an actor fail (no 5xx), and every answer is one the schema documents
(status, content type, body).

The centre's gateways are a UNIT-TEST STAND-IN (httpx MockTransport answering as a city would);
the peer of each call is named with FastAPI's dependency override (no TLS in-process): a kiosk
for the kiosk link, the city's issuer for the route registry, the centre at the gateway.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import schemathesis
from fastapi import FastAPI, Request
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from kofu import clock
from kofu.center import routing
from kofu.center.app import create_app as create_center
from kofu.center.auth import CardSession, CardVerifier, SessionSealer, issue_challenge
from kofu.center.migrate import upgrade
from kofu.center.service import CenterService
from kofu.city.gateway.app import create_app as create_gateway
from kofu.net.app import tls_peer
from kofu.pki.init import init_pki
from kofu.pki.paths import PkiPaths
from kofu.pki.tls import Peer
from kofu.protocol.center_gateway import CityResponse, MenuCall, OrderCall, Submission
from kofu.protocol.kiosk_center import SESSION_HEADER, Menu, OrderResult
from kofu.storage import make_engine, session_factory

CITY = "132292"
EXAMPLES = 25


def _city(request: httpx.Request) -> httpx.Response:
    """UNIT-TEST STAND-IN gateway: a menu for a menu, an opaque envelope for an order."""
    asked = Submission.model_validate_json(request.content).request
    if isinstance(asked, MenuCall):
        answer = CityResponse(
            request_id=asked.request_id, menu=Menu(city_code=CITY, city_name="西東京市", documents=[])
        )
    elif isinstance(asked, OrderCall):
        result = OrderResult(order_id=asked.order_id, status="issued", envelope=b"x", fee_total=200, pages=1)
        answer = CityResponse(request_id=asked.request_id, order=result)
    else:
        answer = CityResponse(request_id=asked.request_id, public_key=b"k" * 32)
    return httpx.Response(200, content=answer.model_dump_json())


def _center_peer(request: Request) -> Peer:
    return Peer("issuer", CITY) if request.url.path.startswith("/v1/routes") else Peer("kiosk", "K0001")


class Center:
    """The centre app with a real database and PKI, and a fresh card session per call."""

    def __init__(self, root: Path) -> None:
        self.pki = PkiPaths(root / "pki")
        init_pki(self.pki, cities=[CITY], kiosks=["K0001"])
        engine = make_engine(f"sqlite:///{root / 'center.db'}")
        upgrade(engine)
        self.db = session_factory(engine)
        routing.ensure_city(self.db, CITY, "西東京市")
        gateway = httpx.AsyncClient(transport=httpx.MockTransport(_city), base_url="https://gateway.test")
        self.service = CenterService(
            self.db, CardVerifier(self.pki), SessionSealer(b"s" * 32), {CITY: [gateway]}
        )
        self.app: FastAPI = create_center(self.service)
        self.app.dependency_overrides[tls_peer] = _center_peer

    def token(self) -> str:
        row = issue_challenge(self.db, "K0001", clock.now_utc())
        session = CardSession(row.session_id, "K0001", "0A1B2C3D", ((CITY, "residence"),), time.time() + 600)
        return self.service.sealer.seal(session)


_ROOT = Path(__import__("tempfile").mkdtemp(prefix="kofu-schemathesis-"))
CENTER = Center(_ROOT)
center_schema = schemathesis.openapi.from_asgi("/openapi.json", CENTER.app)

GATEWAY = create_gateway(CITY, request_timeout=0.2)
GATEWAY.dependency_overrides[tls_peer] = lambda: Peer("center", "center")
gateway_schema = schemathesis.openapi.from_asgi("/openapi.json", GATEWAY)


def _check(case: Any, **kwargs: Any) -> None:
    response = case.call(**kwargs)
    assert response.status_code < 500, (case.method, case.path, response.status_code, response.text[:300])
    # Every conformance check; not the heuristic that schema-valid data is never refused: a city
    # refusing an order by its rules (422 with a stable code) is the system working.
    case.validate_response(response, excluded_checks=[positive_data_acceptance])


@center_schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_center_answers_only_what_it_documents(case: Any) -> None:
    _check(case, headers={SESSION_HEADER: CENTER.token()})


@gateway_schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
def test_the_gateway_answers_only_what_it_documents(case: Any) -> None:
    if case.path == "/v1/pull":
        case.query = {**(case.query or {}), "wait": 0}  # a long poll: asked not to wait
        GATEWAY.dependency_overrides[tls_peer] = lambda: Peer("issuer", CITY)
    elif case.path == "/v1/results":
        GATEWAY.dependency_overrides[tls_peer] = lambda: Peer("issuer", CITY)
    else:
        GATEWAY.dependency_overrides[tls_peer] = lambda: Peer("center", "center")
    _check(case)


@pytest.fixture(scope="module", autouse=True)
def _cleanup() -> Iterator[None]:
    yield
    import shutil

    shutil.rmtree(_ROOT, ignore_errors=True)
