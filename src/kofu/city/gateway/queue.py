"""The gateway's in-memory queue: requests wait here until their city's issuer pulls them.

Each request has exactly one waiter (the centre's HTTP call). A request whose waiter has gone
(timed out, disconnected) is dropped before any issuer sees it, and a late answer for it is
discarded rather than handed to anyone else: a timeout cancels the issuance, it does not merely
release a lock. Nothing is written to disk.
"""

from __future__ import annotations

import asyncio
import contextlib

from kofu.protocol.center_gateway import CityRequest, CityResponse
from kofu.protocol.errors import LinkFailed, ProtocolViolation


class CityQueue:
    """Requests for one city, and the waiter of each."""

    def __init__(self) -> None:
        self._pending: asyncio.Queue[CityRequest] = asyncio.Queue()
        self._waiters: dict[str, asyncio.Future[CityResponse]] = {}

    @property
    def waiting(self) -> int:
        """Requests submitted and not answered yet."""
        return len(self._waiters)

    async def submit(self, request: CityRequest, timeout: float) -> CityResponse:
        """Queue a request and wait for the issuer's answer to that very request."""
        if request.request_id in self._waiters:
            raise ProtocolViolation("protocol.duplicate_request", "request id already waiting")
        future: asyncio.Future[CityResponse] = asyncio.get_running_loop().create_future()
        self._waiters[request.request_id] = future
        await self._pending.put(request)
        try:
            return await asyncio.wait_for(asyncio.shield(future), timeout)
        except TimeoutError as exc:
            raise LinkFailed("city.unavailable", "the city's issuer did not answer in time") from exc
        finally:
            self._waiters.pop(request.request_id, None)
            future.cancel()

    async def pull(self, max_items: int, wait: float) -> list[CityRequest]:
        """Up to `max_items` live requests, waiting up to `wait` seconds for the first."""
        taken: list[CityRequest] = []
        with contextlib.suppress(TimeoutError):
            first = await asyncio.wait_for(self._next_live(), wait)
            taken.append(first)
        while taken and len(taken) < max_items:
            try:
                candidate = self._pending.get_nowait()
            except asyncio.QueueEmpty:
                break
            if self._is_live(candidate):
                taken.append(candidate)
        return taken

    def give_back(self, requests: list[CityRequest]) -> None:
        """Return requests that were taken but never reached an issuer, for the next pull."""
        for request in requests:
            if self._is_live(request):
                self._pending.put_nowait(request)

    def complete(self, response: CityResponse) -> bool:
        """Hand an answer to its waiter; False if nobody waits for that request any more."""
        future = self._waiters.get(response.request_id)
        if future is None or future.done():
            return False
        future.set_result(response)
        return True

    async def _next_live(self) -> CityRequest:
        while True:
            request = await self._pending.get()
            if self._is_live(request):
                return request

    def _is_live(self, request: CityRequest) -> bool:
        future = self._waiters.get(request.request_id)
        return future is not None and not future.done()
