"""A long poll whose issuer hung up (a process that died or restarted) never takes a request.

Driven at the ASGI level, so the test decides exactly when the issuer's connection goes away.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from tests.aio import run
from tests.peers import as_peer

from kofu.city.gateway.app import create_app
from kofu.city.gateway.queue import CityQueue
from kofu.pki.tls import Peer
from kofu.protocol.center_gateway import CityResponse, MenuCall
from kofu.protocol.kiosk_center import Menu

CITY = "132292"


def _request(rid: str) -> MenuCall:
    return MenuCall(request_id=rid, city_code=CITY, card_serial="0A", kiosk_id="K0001")


async def _pull(app: Any, wait: float, hang_up: asyncio.Event | None = None) -> tuple[int, list[str]]:
    """GET /v1/pull as the city's issuer; with ``hang_up``, the connection drops when it is set."""
    sent: list[dict[str, Any]] = []
    delivered = False

    async def receive() -> dict[str, Any]:
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": b"", "more_body": False}
        if hang_up is None:
            await asyncio.Event().wait()  # never hangs up
        else:
            await hang_up.wait()
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "GET",
        "scheme": "https",
        "path": "/v1/pull",
        "raw_path": b"/v1/pull",
        "query_string": f"wait={wait}&limit=8".encode(),
        "headers": [(b"host", b"gateway.test")],
        "client": ("127.0.0.1", 50000),
        "server": ("127.0.0.1", 8444),
    }
    await app(scope, receive, send)
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return status, [r["request_id"] for r in json.loads(body)["requests"]]


def test_a_request_goes_to_the_live_poll_not_to_one_whose_issuer_hung_up() -> None:
    async def scenario() -> None:
        app = create_app(CITY)
        as_peer(app, Peer("issuer", CITY))  # no TLS at the ASGI level
        queue: CityQueue = app.state.queue
        hang_up = asyncio.Event()
        dead = asyncio.create_task(_pull(app, wait=20, hang_up=hang_up))
        await asyncio.sleep(0.05)  # the old process's poll is waiting in the queue
        hang_up.set()  # ... and its process goes away
        assert await asyncio.wait_for(dead, 2) == (200, [])
        waiter = asyncio.create_task(queue.submit(_request("r1"), timeout=5))
        await asyncio.sleep(0)
        assert await _pull(app, wait=2) == (200, ["r1"])  # the new process's poll gets it
        queue.complete(
            CityResponse(request_id="r1", menu=Menu(city_code=CITY, city_name="西東京市", documents=[]))
        )
        assert (await waiter).menu is not None

    run(scenario())


def test_requests_given_back_are_pulled_again_unless_nobody_waits_for_them() -> None:
    async def scenario() -> None:
        queue = CityQueue()
        live = asyncio.create_task(queue.submit(_request("live"), timeout=5))
        gone = asyncio.create_task(queue.submit(_request("gone"), timeout=0.05))
        await asyncio.sleep(0)
        taken = await queue.pull(max_items=8, wait=1)
        assert [r.request_id for r in taken] == ["live", "gone"]
        await asyncio.sleep(0.1)  # the centre stopped waiting for "gone"
        queue.give_back(taken)
        assert [r.request_id for r in await queue.pull(max_items=8, wait=0.1)] == ["live"]
        live.cancel()
        await asyncio.gather(live, gone, return_exceptions=True)

    run(scenario())
