"""The centre's async client for its gateways (``kofu.net.aio``), over real mutual TLS 1.3: what
it sends, what it reads back, and each transport failure as its stable code."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import BaseModel
from tests.aio import run
from tests.mtls import serve_mtls

from kofu.net.client import acall, async_client
from kofu.pki.init import init_pki
from kofu.pki.paths import PkiPaths
from kofu.pki.tls import client_context
from kofu.protocol.errors import KofuError, LinkFailed
from kofu.protocol.link import Endpoint
from kofu.telemetry import tracing

CITY = "132292"
ECHO = Endpoint("echo", "POST", "/echo/{name}")
REFUSE = Endpoint("refuse", "POST", "/refuse")
HANG = Endpoint("hang", "POST", "/hang")


class Note(BaseModel):
    text: str


async def _peer_app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    """Echoes what it was sent and who sent it; refuses with a problem; or never answers."""
    if scope["type"] != "http":
        return
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    if scope["path"] == "/hang":
        await asyncio.Event().wait()
    if scope["path"] == "/refuse":
        status = 409
        answer = {"error": {"code": "city.busy", "detail": "queue full", "kind": "busy"}}
    else:
        status = 200
        headers = {k.decode(): v.decode() for k, v in scope["headers"]}
        der = scope["extensions"]["tls"]["client_cert_der"]
        answer = {
            "path": scope["path"],
            "body": body.decode(),
            "content_type": headers.get("content-type"),
            "traceparent": headers.get("traceparent"),
            "extra": headers.get("x-extra"),
            "peer_cert_bytes": len(der or b""),
        }
    await send(
        {"type": "http.response.start", "status": status, "headers": [(b"content-type", b"application/json")]}
    )
    await send({"type": "http.response.body", "body": json.dumps(answer).encode()})


@pytest.fixture(scope="module")
def pki(tmp_path_factory: pytest.TempPathFactory) -> PkiPaths:
    paths = PkiPaths(tmp_path_factory.mktemp("pki"))
    init_pki(paths, cities=[CITY], kiosks=[])
    return paths


@pytest.fixture(scope="module")
def gateway(pki: PkiPaths) -> Iterator[str]:
    with serve_mtls(_peer_app, pki, "gateway", CITY) as url:
        yield url


def test_a_call_carries_its_body_and_the_centres_certificate(pki: PkiPaths, gateway: str) -> None:
    async def calls() -> list[Any]:
        client = async_client(gateway, client_context(pki, "center", "center"))
        try:
            first = await acall(client, ECHO, Note(text="一"), path={"name": "a"}, headers={"x-extra": "1"})
            second = await acall(client, ECHO, Note(text="二"), path={"name": "b"})
            return [first.json(), second.json()]
        finally:
            await client.aclose()

    first, second = run(calls())
    assert first["path"] == "/echo/a" and Note.model_validate_json(first["body"]).text == "一"
    assert first["content_type"] == "application/json" and first["extra"] == "1"
    assert first["peer_cert_bytes"] > 0  # the server saw the centre's client certificate
    assert second["path"] == "/echo/b" and second["extra"] is None
    assert first["traceparent"] is None  # outside any span, nothing to continue


def test_a_call_inside_a_span_continues_its_trace(
    pki: PkiPaths, gateway: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from opentelemetry.sdk.trace import TracerProvider

    provider = TracerProvider()
    monkeypatch.setattr(tracing, "_provider", provider)
    monkeypatch.setattr(tracing, "_tracer", provider.get_tracer("test"))

    async def call() -> tuple[Any, str | None]:
        client = async_client(gateway, client_context(pki, "center", "center"))
        try:
            with tracing.span("order"):
                sent = tracing.traceparent()
                return (await acall(client, ECHO, Note(text="x"), path={"name": "t"})).json(), sent
        finally:
            await client.aclose()

    answer, sent = run(call())
    assert sent is not None and answer["traceparent"] == sent


def _refused(url: str, context: Any, endpoint: Any, timeout: float = 30.0, **kwargs: Any) -> KofuError:
    """The error one call through a fresh client raises (the test fails if it raises none)."""

    async def call() -> None:
        client = async_client(url, context, timeout=timeout)
        try:
            await acall(client, endpoint, Note(text="x"), **kwargs)
        finally:
            await client.aclose()

    with pytest.raises(KofuError) as raised:
        run(call())
    return raised.value


def test_an_error_answer_raises_its_stable_code(pki: PkiPaths, gateway: str) -> None:
    assert _refused(gateway, client_context(pki, "center", "center"), REFUSE).code == "city.busy"


def test_nobody_listening_is_link_unavailable(pki: PkiPaths) -> None:
    with socket.socket() as probe:  # a port that was free a moment ago, now closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    context = client_context(pki, "center", "center")
    failed = _refused(f"https://localhost:{port}", context, ECHO, path={"name": "a"})
    assert isinstance(failed, LinkFailed) and failed.code == "link.unavailable"


def test_a_peer_of_another_trust_is_link_unavailable(pki: PkiPaths, gateway: str, tmp_path: Any) -> None:
    other = PkiPaths(tmp_path / "other")
    init_pki(other, cities=[CITY], kiosks=[])
    failed = _refused(gateway, client_context(other, "center", "center"), ECHO, path={"name": "a"})
    assert isinstance(failed, LinkFailed) and failed.code == "link.unavailable"


def test_a_peer_that_never_answers_is_link_timeout(pki: PkiPaths, gateway: str) -> None:
    failed = _refused(gateway, client_context(pki, "center", "center"), HANG, timeout=0.3)
    assert isinstance(failed, LinkFailed) and failed.code == "link.timeout"


def test_a_restarted_peer_is_reached_again_at_once(pki: PkiPaths) -> None:
    """Connections kept to the peer before it stopped are dropped, not used for the next call."""
    import threading
    import time

    from kofu.net.server import make_server
    from kofu.pki.tls import server_context

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]

    def serving() -> Any:
        server = make_server(_peer_app, "127.0.0.1", port, server_context(pki, "gateway", CITY))
        thread = threading.Thread(target=server.run, daemon=True)
        thread.start()
        while not server.started:
            assert thread.is_alive()
            time.sleep(0.01)
        return server, thread

    async def calls() -> list[str]:
        client = async_client(f"https://localhost:{port}", client_context(pki, "center", "center"))
        paths = []
        try:
            for name in ("before", "after"):
                server, thread = serving()
                try:
                    answer = await acall(client, ECHO, Note(text="x"), path={"name": name})
                    paths.append(answer.json()["path"])
                finally:
                    server.should_exit = True
                    await asyncio.to_thread(thread.join, 15)
        finally:
            await client.aclose()
        return paths

    assert run(calls()) == ["/echo/before", "/echo/after"]
