"""Real mutual-TLS 1.3 handshakes on 127.0.0.1 with the network CA."""

from __future__ import annotations

import socket
import ssl
import threading
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from kofu.pki import (
    PeerRejected,
    PkiError,
    PkiPaths,
    client_context,
    ensure_tls_identity,
    init_pki,
    peer_identity,
    require_peer,
    server_context,
)


@dataclass
class ServerResult:
    peer_der: bytes | None = None
    version: str | None = None
    error: BaseException | None = None
    done: threading.Event = field(default_factory=threading.Event)


def _serve_once(ctx: ssl.SSLContext) -> tuple[int, ServerResult]:
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(10)
    port = listener.getsockname()[1]
    result = ServerResult()

    def run() -> None:
        try:
            conn, _ = listener.accept()
            conn.settimeout(10)
            with ctx.wrap_socket(conn, server_side=True) as tls:
                result.peer_der = tls.getpeercert(binary_form=True)
                result.version = tls.version()
                tls.sendall(b"ok")
        except (OSError, ssl.SSLError) as exc:
            result.error = exc
        finally:
            listener.close()
            result.done.set()

    threading.Thread(target=run, daemon=True).start()
    return port, result


def _connect(ctx: ssl.SSLContext, port: int, host: str = "localhost") -> bytes:
    with (
        socket.create_connection(("127.0.0.1", port), timeout=10) as raw,
        ctx.wrap_socket(raw, server_hostname=host) as tls,
    ):
        return tls.recv(2)


@pytest.fixture(scope="module")
def paths(tmp_path_factory: pytest.TempPathFactory) -> PkiPaths:
    paths = PkiPaths(tmp_path_factory.mktemp("pki"))
    init_pki(paths, cities=["131016"], kiosks=["K0001"])
    return paths


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1"])
def test_mutual_tls_handshake(paths: PkiPaths, host: str) -> None:
    port, result = _serve_once(server_context(paths, "center", "center"))
    assert _connect(client_context(paths, "kiosk", "K0001"), port, host) == b"ok"
    assert result.done.wait(10)
    assert result.error is None
    assert result.version == "TLSv1.3"
    assert result.peer_der is not None
    peer = peer_identity(result.peer_der)
    assert (peer.role, peer.ident) == ("kiosk", "K0001")
    assert require_peer(result.peer_der, "kiosk", "K0001") == peer
    assert require_peer(result.peer_der, "kiosk") == peer
    with pytest.raises(PeerRejected, match="role"):
        require_peer(result.peer_der, "gateway")
    with pytest.raises(PeerRejected):
        require_peer(result.peer_der, "kiosk", "K0002")
    with pytest.raises(PeerRejected):
        require_peer(None, "kiosk")


def test_client_from_other_ca_rejected(paths: PkiPaths, tmp_path: Path) -> None:
    rogue = PkiPaths(tmp_path / "rogue")
    cert, key = ensure_tls_identity(rogue, "kiosk", "K0001")
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.minimum_version = ssl.TLSVersion.TLSv1_3
    ctx.load_verify_locations(cafile=str(paths.network_ca_cert))  # trusts the real server
    ctx.load_cert_chain(str(cert), str(key))  # but presents a foreign certificate

    port, result = _serve_once(server_context(paths, "center", "center"))
    with pytest.raises((ssl.SSLError, ConnectionError)):
        data = _connect(ctx, port)
        if not data:  # TLS 1.3: the client may only see the rejection as a closed stream
            raise ConnectionError("closed")
    assert result.done.wait(10)
    assert isinstance(result.error, ssl.SSLError)
    assert result.peer_der is None


def test_client_without_certificate_rejected(paths: PkiPaths) -> None:
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    ctx.load_verify_locations(cafile=str(paths.network_ca_cert))
    port, result = _serve_once(server_context(paths, "gateway", "131016"))
    with pytest.raises((ssl.SSLError, ConnectionError)):
        if not _connect(ctx, port):
            raise ConnectionError("closed")
    assert result.done.wait(10)
    assert isinstance(result.error, ssl.SSLError)


def test_peer_identity_errors(paths: PkiPaths) -> None:
    with pytest.raises(PkiError):
        peer_identity(b"garbage")
    ca_der = ssl.PEM_cert_to_DER_cert(paths.network_ca_cert.read_text())
    with pytest.raises(PkiError, match="OU"):
        peer_identity(ca_der)
    with pytest.raises(PeerRejected):
        require_peer(ca_der, "center")


def test_missing_identity_and_unknown_role(paths: PkiPaths, tmp_path: Path) -> None:
    with pytest.raises(PkiError, match="kofu pki init"):
        client_context(paths, "kiosk", "K9999")
    with pytest.raises(PkiError, match="role"):
        ensure_tls_identity(PkiPaths(tmp_path), "printer", "x")
