"""A kiosk speaks to the centre only as the kiosk its client certificate names (real mTLS 1.3).

The centre serves under uvicorn as ``kofu center`` does; each kiosk is a real client with its own
certificate from the network CA. The kiosk id a request carries (``SessionOpen.kiosk_id``), the
kiosk a challenge was issued to and the kiosk a session token was sealed for must all be the
kiosk the TLS handshake proved; the city behind the centre is a stand-in gateway that records
what reaches it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from tests.mtls import serve_mtls

from kofu.center import routing
from kofu.center.app import create_app
from kofu.center.auth import CardVerifier, SessionSealer
from kofu.center.migrate import upgrade
from kofu.center.models import Challenge
from kofu.center.service import CenterService
from kofu.net.client import sync_client
from kofu.pki.jpki import issue_card_certificate
from kofu.pki.paths import PkiPaths
from kofu.pki.tls import client_context, ensure_tls_identity
from kofu.protocol.center_gateway import CityRequest, CityResponse, Submission
from kofu.protocol.kiosk_center import (
    SESSION_HEADER,
    Menu,
    SessionAuth,
    SessionAuthenticated,
    SessionChallenge,
)
from kofu.storage import make_engine, session_factory

CITY = "132292"
KIOSKS = ("K0001", "K0002")


class StandInGateway:
    """The city's gateway as the centre's httpx client sees it: answers menus, keeps what came."""

    def __init__(self) -> None:
        self.received: list[CityRequest] = []

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        asked = Submission.model_validate_json(request.content).request
        self.received.append(asked)
        menu = Menu(city_code=CITY, city_name="西東京市", documents=[])
        return httpx.Response(
            200, content=CityResponse(request_id=asked.request_id, menu=menu).model_dump_json()
        )


@pytest.fixture(scope="module")
def center_db(tmp_path_factory: pytest.TempPathFactory) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(f"sqlite:///{Path(tmp_path_factory.mktemp('centre')) / 'center.db'}")
    upgrade(engine)
    db = session_factory(engine)
    routing.ensure_city(db, CITY, "西東京市")
    yield db
    engine.dispose()


@pytest.fixture(scope="module")
def city() -> StandInGateway:
    return StandInGateway()


@pytest.fixture(scope="module")
def center(pki: PkiPaths, center_db: sessionmaker[Session], city: StandInGateway) -> Iterator[str]:
    ensure_tls_identity(pki, "kiosk", "K0002")
    gateway = httpx.AsyncClient(base_url="https://gateway.invalid", transport=httpx.MockTransport(city))
    service = CenterService(
        db=center_db,
        verifier=CardVerifier(pki),
        sealer=SessionSealer(AESGCM.generate_key(bit_length=256)),
        gateways={CITY: [gateway]},
    )
    with serve_mtls(create_app(service), pki, "center", "center") as url:
        yield url


@pytest.fixture(scope="module")
def kiosks(pki: PkiPaths, center: str) -> Iterator[dict[str, httpx.Client]]:
    made = {kiosk: sync_client(center, client_context(pki, "kiosk", kiosk)) for kiosk in KIOSKS}
    yield made
    for client in made.values():
        client.close()


@pytest.fixture(scope="module")
def card(pki: PkiPaths, card_key: rsa.RSAPrivateKey, center_db: sessionmaker[Session]) -> bytes:
    """A card routed to CITY: its authentication certificate (DER)."""
    certificate = issue_card_certificate(pki, card_key.public_key())
    routing.register_route(center_db, format(certificate.serial_number, "X"), CITY)
    return certificate.public_bytes(Encoding.DER)


def _code(response: httpx.Response) -> tuple[int, str]:
    return response.status_code, response.json()["error"]["code"]


def _challenges(db: sessionmaker[Session], kiosk: str) -> list[str]:
    with db() as session:
        return list(session.scalars(select(Challenge.session_id).where(Challenge.kiosk_id == kiosk)))


def _open(client: httpx.Client, kiosk_id: str) -> httpx.Response:
    return client.post("/v1/sessions", json={"kiosk_id": kiosk_id})


def _answer(
    client: httpx.Client, challenge: SessionChallenge, certificate: bytes, key: rsa.RSAPrivateKey
) -> httpx.Response:
    signature = key.sign(challenge.challenge, padding.PKCS1v15(), hashes.SHA256())
    body = SessionAuth(certificate=certificate, signature=signature).model_dump_json()
    return client.post(f"/v1/sessions/{challenge.session_id}/auth", content=body)


@pytest.mark.parametrize(("holder", "claimed"), [("K0001", "K0002"), ("K0002", "K0001")])
def test_a_session_opened_in_another_kiosks_name_is_refused(
    kiosks: dict[str, httpx.Client], center_db: sessionmaker[Session], holder: str, claimed: str
) -> None:
    before = _challenges(center_db, claimed)
    response = _open(kiosks[holder], claimed)
    assert _code(response) == (403, "link.peer.rejected")
    assert f"got kiosk/{holder}" in response.json()["error"]["detail"]
    assert _challenges(center_db, claimed) == before  # no challenge was issued for anyone


def test_a_kiosk_opens_a_session_in_its_own_name(
    kiosks: dict[str, httpx.Client], center_db: sessionmaker[Session]
) -> None:
    response = _open(kiosks["K0001"], "K0001")
    assert response.status_code == 200
    challenge = SessionChallenge.model_validate_json(response.content)
    assert challenge.session_id in _challenges(center_db, "K0001")
    assert len(challenge.challenge) == 32


def test_an_issuer_certificate_is_no_kiosk(pki: PkiPaths, center: str) -> None:
    with sync_client(center, client_context(pki, "issuer", CITY)) as issuer:
        assert _code(_open(issuer, CITY)) == (403, "link.peer.rejected")
        assert _code(issuer.get("/v1/health")) == (403, "link.peer.rejected")


def test_a_challenge_is_answered_only_over_the_certificate_it_was_issued_to(
    kiosks: dict[str, httpx.Client], card: bytes, card_key: rsa.RSAPrivateKey
) -> None:
    challenge = SessionChallenge.model_validate_json(_open(kiosks["K0001"], "K0001").content)
    assert _code(_answer(kiosks["K0002"], challenge, card, card_key)) == (403, "session.invalid")
    # the refused attempt did not use the challenge up: its own kiosk still answers it
    answered = _answer(kiosks["K0001"], challenge, card, card_key)
    assert answered.status_code == 200
    assert [c.city_code for c in SessionAuthenticated.model_validate_json(answered.content).cities] == [CITY]


def test_a_session_token_works_only_for_the_kiosk_it_was_sealed_for(
    kiosks: dict[str, httpx.Client], card: bytes, card_key: rsa.RSAPrivateKey, city: StandInGateway
) -> None:
    challenge = SessionChallenge.model_validate_json(_open(kiosks["K0001"], "K0001").content)
    token = SessionAuthenticated.model_validate_json(
        _answer(kiosks["K0001"], challenge, card, card_key).content
    ).session_token
    city.received.clear()
    stolen = kiosks["K0002"].post("/v1/menu", json={"city_code": CITY}, headers={SESSION_HEADER: token})
    assert _code(stolen) == (403, "session.invalid")
    assert city.received == []  # nothing reached the city
    own = kiosks["K0001"].post("/v1/menu", json={"city_code": CITY}, headers={SESSION_HEADER: token})
    assert own.status_code == 200 and Menu.model_validate_json(own.content).city_name == "西東京市"
    assert [r.kiosk_id for r in city.received] == ["K0001"]
