"""A kiosk keeps one TLS connection to the centre across its calls (real mutual TLS, the real
centre app, a real SQLite history): no handshake per visit."""

from __future__ import annotations

from typing import Any

import httpx
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.orm import Session, sessionmaker
from tests.mtls import serve_mtls

from kofu.center.app import create_app
from kofu.center.auth import CardVerifier, SessionSealer
from kofu.center.service import CenterService
from kofu.kiosk.center import CenterLink
from kofu.pki.paths import PkiPaths
from kofu.pki.tls import client_context


def test_a_kiosk_makes_many_calls_over_one_connection(pki: PkiPaths, db: sessionmaker[Session]) -> None:
    service = CenterService(
        db=db,
        verifier=CardVerifier(pki),
        sealer=SessionSealer(AESGCM.generate_key(bit_length=256)),
        gateways={"132292": [httpx.AsyncClient(base_url="https://gateway.invalid")]},
    )
    app = create_app(service)
    connections: list[tuple[str, int]] = []

    async def counting(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http":
            connections.append(tuple(scope["client"]))  # the kiosk's address and port
        await app(scope, receive, send)

    with serve_mtls(counting, pki, "center", "center") as url:
        link = CenterLink(url, client_context(pki, "kiosk", "K0001"), "K0001")
        try:
            challenges = {link.open_session().session_id for _ in range(5)}
        finally:
            link.close()
    assert len(challenges) == 5  # five real answers
    assert len(connections) == 5 and len(set(connections)) == 1, connections
