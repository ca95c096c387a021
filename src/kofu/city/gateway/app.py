"""The gateway's HTTP surface: the centre submits, the city's issuer pulls and answers.

Only the centre's certificate may submit; only this city's issuer certificate may pull and
answer. Requests for another city are refused. Persists nothing, logs no request content.
"""

from __future__ import annotations

import asyncio
from typing import Annotated

from fastapi import FastAPI, Query, Request, Response

from kofu.city.gateway.queue import CityQueue
from kofu.net.app import PeerDep, expect_peer, install_error_handlers
from kofu.protocol import center_gateway, gateway_issuer
from kofu.protocol.center_gateway import CityRequest, CityResponse, GatewayHealth, Submission
from kofu.protocol.errors import Gone, ProtocolViolation
from kofu.protocol.gateway_issuer import CityPull, PullQuery
from kofu.protocol.link import route
from kofu.telemetry import metrics
from kofu.telemetry.relay import Relayed

REQUEST_TIMEOUT = 25.0


def create_app(city_code: str, *, request_timeout: float = REQUEST_TIMEOUT) -> FastAPI:
    """The gateway of one city."""
    app = FastAPI(title=f"kofu gateway {city_code}", docs_url=None, redoc_url=None)
    install_error_handlers(app)
    queue = CityQueue()
    app.state.queue = queue
    relayed = Relayed()  # each waiting request's trace: lease and answer are events on its span
    metrics.QUEUE.labels("waiting").set_function(lambda: queue.waiting)
    metrics.QUEUE.labels("unpulled").set_function(lambda: queue.unpulled)

    @route(app, center_gateway.SUBMIT)
    async def submit(body: Submission, peer: PeerDep) -> CityResponse:
        expect_peer(peer, "center")
        if body.request.city_code != city_code:
            raise ProtocolViolation("protocol.wrong_city", "this gateway serves another city")
        with relayed.waiting(body.request):
            return await queue.submit(body.request, request_timeout)

    @route(app, gateway_issuer.PULL)
    async def pull(request: Request, query: Annotated[PullQuery, Query()], peer: PeerDep) -> CityPull:
        expect_peer(peer, "issuer", city_code)
        pulled = await _pull_while_connected(queue, request, query.limit, query.wait)
        return CityPull(requests=pulled, traces=relayed.leased(pulled))

    @route(app, gateway_issuer.RESULTS)
    async def result(body: CityResponse, peer: PeerDep) -> Response:
        expect_peer(peer, "issuer", city_code)
        relayed.answered(body)
        if queue.complete(body):
            return Response(status_code=204)
        raise Gone("protocol.gone", "nobody waits for this answer any more")

    @route(app, center_gateway.HEALTH)
    async def health(peer: PeerDep) -> GatewayHealth:
        # the centre, or the city's own console (as the city's issuer): queue depth only
        expect_peer(peer, "issuer", city_code) if peer.role == "issuer" else expect_peer(peer, "center")
        return GatewayHealth(city=city_code, waiting=queue.waiting, unpulled=queue.unpulled)

    return app


async def _pull_while_connected(
    queue: CityQueue, request: Request, limit: int, wait: float
) -> list[CityRequest]:
    """The queue's pull, given up the moment the issuer hangs up (a process that died or was
    restarted leaves its long polls open here): a request is never handed to a poll nobody
    reads, and one taken just as the poll went away is put back for the next."""
    taken = asyncio.create_task(queue.pull(max_items=limit, wait=wait))
    gone = asyncio.create_task(_disconnected(request))
    try:
        await asyncio.wait({taken, gone}, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for task in (taken, gone):
            task.cancel()  # nothing for a finished one; a waiting pull has taken nothing
        items, hung_up = await asyncio.gather(taken, gone, return_exceptions=True)
    if not isinstance(items, list):
        return []
    if hung_up is None:  # `gone` finished: the issuer hung up
        queue.give_back(items)
        return []
    return items


async def _disconnected(request: Request) -> None:
    while (await request.receive())["type"] != "http.disconnect":
        pass
