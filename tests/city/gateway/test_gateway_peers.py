"""Who may call a city's gateway, over real mutual TLS 1.3 with certificates from the network CA.

Only the centre submits; only that city's issuer pulls and answers; both may ask for health (the
city's console asks as the city's issuer: the queue depth it shows staff). The
gateway runs under uvicorn exactly as ``kofu gateway`` serves it, and every caller is a real
client with its own certificate: the identity the gateway checks is the one the TLS handshake
verified, never anything in the request.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest
from tests.mtls import serve_mtls

from kofu.city.gateway.app import create_app
from kofu.net.client import sync_client
from kofu.pki.init import init_pki
from kofu.pki.paths import PkiPaths
from kofu.pki.tls import client_context
from kofu.protocol.center_gateway import CityResponse, MenuCall, Submission
from kofu.protocol.gateway_issuer import CityPull
from kofu.protocol.kiosk_center import Menu

CITY, OTHER = "132292", "132110"
CENTRE = ("center", "center")
ISSUER = ("issuer", CITY)
OTHER_ISSUER = ("issuer", OTHER)
KIOSK = ("kiosk", "K0001")
GATEWAY = ("gateway", CITY)  # the gateway's own certificate is no caller either
ALL_PEERS = [CENTRE, ISSUER, OTHER_ISSUER, KIOSK, GATEWAY]


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PkiPaths:
    paths = PkiPaths(tmp_path_factory.mktemp("pki"))
    init_pki(paths, cities=[CITY, OTHER], kiosks=["K0001"])
    return paths


@pytest.fixture(scope="module")
def gateway(pki: PkiPaths) -> Iterator[str]:
    with serve_mtls(create_app(CITY, request_timeout=10.0), pki, "gateway", CITY) as url:
        yield url


@pytest.fixture(scope="module")
def clients(pki: PkiPaths, gateway: str) -> Iterator[dict[tuple[str, str], httpx.Client]]:
    made = {peer: sync_client(gateway, client_context(pki, *peer), timeout=20.0) for peer in ALL_PEERS}
    yield made
    for client in made.values():
        client.close()


def _request(rid: str, city: str = CITY) -> MenuCall:
    return MenuCall(request_id=rid, city_code=city, card_serial="0A", kiosk_id="K0001")


def _submission(rid: str, city: str = CITY) -> str:
    return Submission(request=_request(rid, city)).model_dump_json()


def _answer(rid: str, name: str) -> CityResponse:
    return CityResponse(request_id=rid, menu=Menu(city_code=CITY, city_name=name, documents=[]))


def _call(client: httpx.Client, route: str) -> httpx.Response:
    """One call of ``route`` with a well-formed body, so only the peer can make it fail."""
    if route == "pull":
        return client.get("/v1/pull", params={"wait": 0})
    if route == "results":
        return client.post("/v1/results", content=_answer("nobody-waits", "x").model_dump_json())
    if route == "requests":
        return client.post("/v1/requests", content=_submission(f"r-{time.monotonic_ns()}"))
    return client.get("/v1/health")


def _refused(response: httpx.Response) -> bool:
    return response.status_code == 403 and response.json()["error"]["code"] == "link.peer.rejected"


ALLOWED = {"pull": {ISSUER}, "results": {ISSUER}, "requests": {CENTRE}, "health": {CENTRE, ISSUER}}
REFUSALS = [
    pytest.param(route, peer, id=f"{route}-{peer[0]}-{peer[1]}")
    for route, allowed in ALLOWED.items()
    for peer in ALL_PEERS
    if peer not in allowed
]


@pytest.mark.parametrize(("route", "peer"), REFUSALS)
def test_every_other_peer_is_refused(
    clients: dict[tuple[str, str], httpx.Client], route: str, peer: tuple[str, str]
) -> None:
    response = _call(clients[peer], route)
    assert _refused(response), (response.status_code, response.text)
    assert f"got {peer[0]}/{peer[1]}" in response.json()["error"]["detail"]  # who the handshake proved


def test_the_issuer_of_this_city_pulls_and_answers(clients: dict[tuple[str, str], httpx.Client]) -> None:
    pulled = _call(clients[ISSUER], "pull")
    assert pulled.status_code == 200
    assert CityPull.model_validate_json(pulled.content).requests == []
    assert _call(clients[ISSUER], "results").status_code == 410  # accepted; nobody waits for it


def test_the_center_asks_for_health_and_is_held_to_the_gateway_city(
    clients: dict[tuple[str, str], httpx.Client],
) -> None:
    health = _call(clients[CENTRE], "health")
    assert health.status_code == 200 and health.json() == {"city": CITY, "waiting": 0, "unpulled": 0}
    wrong = clients[CENTRE].post("/v1/requests", content=_submission("w", city=OTHER))
    assert wrong.status_code == 400 and wrong.json()["error"]["code"] == "protocol.wrong_city"


def test_only_this_citys_issuer_sees_and_answers_what_the_center_submits(
    clients: dict[tuple[str, str], httpx.Client],
) -> None:
    center, issuer, other = clients[CENTRE], clients[ISSUER], clients[OTHER_ISSUER]
    with ThreadPoolExecutor(max_workers=1) as pool:
        waiting = pool.submit(center.post, "/v1/requests", content=_submission("r-1"))
        deadline = time.monotonic() + 10
        while _call(center, "health").json()["waiting"] == 0:
            assert time.monotonic() < deadline and not waiting.done()
            time.sleep(0.02)
        # another city's issuer and a kiosk neither see it nor answer it
        assert _refused(other.get("/v1/pull", params={"wait": 0}))
        assert _refused(clients[KIOSK].get("/v1/pull", params={"wait": 0}))
        forged = _answer("r-1", "forged by another city").model_dump_json()
        assert _refused(other.post("/v1/results", content=forged))
        assert _call(center, "health").json()["waiting"] == 1  # still queued, still unanswered
        pulled = CityPull.model_validate_json(issuer.get("/v1/pull", params={"wait": 5}).content)
        assert [r.request_id for r in pulled.requests] == ["r-1"]
        assert _refused(other.post("/v1/results", content=forged))  # pulled, still not for others
        answered = issuer.post("/v1/results", content=_answer("r-1", "西東京市").model_dump_json())
        assert answered.status_code == 204
        response = waiting.result(timeout=10)
    assert response.status_code == 200
    menu = CityResponse.model_validate_json(response.content).menu
    assert menu is not None and menu.city_name == "西東京市"
