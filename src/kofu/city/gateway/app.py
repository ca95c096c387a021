"""The gateway's HTTP surface: the centre submits, the city's issuer pulls and answers.

Only the centre's certificate may submit; only this city's issuer certificate may pull and
answer. Requests for another city are refused. Persists nothing, logs no request content.
"""

from __future__ import annotations

import asyncio

from fastapi import FastAPI, Query, Request, Response

from kofu.city.gateway.queue import CityQueue
from kofu.net.app import install_error_handlers, require_peer
from kofu.protocol.errors import ProtocolViolation
from kofu.protocol.messages import CityPull, CityRequest, CityResponse

REQUEST_TIMEOUT = 25.0
PULL_WAIT_MAX = 25.0


def create_app(city_code: str, *, request_timeout: float = REQUEST_TIMEOUT) -> FastAPI:
    """The gateway of one city."""
    app = FastAPI(title=f"kofu gateway {city_code}", docs_url=None, redoc_url=None, openapi_url=None)
    install_error_handlers(app)
    queue = CityQueue()
    app.state.queue = queue

    @app.post("/v1/requests", response_model=CityResponse)
    async def submit(body: CityRequest, request: Request) -> CityResponse:
        require_peer(request, "center")
        if body.city_code != city_code:
            raise ProtocolViolation("protocol.wrong_city", "this gateway serves another city")
        return await queue.submit(body, request_timeout)

    @app.get("/v1/pull", response_model=CityPull)
    async def pull(
        request: Request,
        wait: float = Query(20.0, ge=0, le=PULL_WAIT_MAX),
        limit: int = Query(8, ge=1, le=64),
    ) -> CityPull:
        require_peer(request, "issuer", city_code)
        return CityPull(requests=await _pull_while_connected(queue, request, limit, wait))

    @app.post("/v1/results", status_code=204)
    async def result(body: CityResponse, request: Request) -> Response:
        require_peer(request, "issuer", city_code)
        delivered = queue.complete(body)
        return Response(status_code=204 if delivered else 410)

    @app.get("/v1/health")
    async def health(request: Request) -> dict[str, object]:
        require_peer(request, "center")
        return {"city": city_code, "waiting": queue.waiting}

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
