"""The gateway's in-memory queue with leases: requests wait here until one of the city's issuers pulls them.

Each request has exactly one waiter (the centre's HTTP call). A pull *leases* a request: it is
answered by that issuer, or — if the issuer dies or hangs and the lease lapses — handed to the
next pull, from any issuer process of the city. The city issues each order id at most once
(its issuance log), so a request handled twice gets the same answer; the first answer is given
to the waiter and a late one is discarded (``complete`` returns False). A request whose waiter
has gone (timed out, disconnected) is dropped before any issuer sees it: a timeout cancels the
issuance, it does not merely release a lock.

Over capacity the gateway says so at once: a menu or an order submitted while requests wait
unpulled for longer than ``busy_after`` seconds (every worker of every issuer is busy), or
while ``busy_depth`` requests wait, is refused with ``city.busy`` and a time to retry, instead
of waiting 25 seconds and failing after the city has rendered a document nobody will collect.

Why memory and not a broker: the gateway is the city's public segment and keeps nothing (no
personal data at rest there); what must survive a crash survives elsewhere. The centre keeps
the order (its history row, swept if a gateway dies with it) and asks again through another
gateway; the city keeps the issue number and the document per order id. A broker would add a
store of personal data in the public segment and a second source of truth for the same thing.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from dataclasses import dataclass, field

from kofu.protocol.center_gateway import CityRequest, CityResponse, MenuCall, OrderCall
from kofu.protocol.errors import Busy, LinkFailed, ProtocolViolation

#: Seconds an issuer has to answer a request it pulled before another may take it.
LEASE = 15.0
BUSY_AFTER = 2.0
BUSY_DEPTH = 256


@dataclass
class _Entry:
    request: CityRequest
    waiter: asyncio.Future[CityResponse]
    queued_at: float
    leased_until: float | None = None
    taken: int = field(default=0)


class CityQueue:
    """Requests for one city, the waiter of each, and who holds a lease on which."""

    def __init__(
        self, *, lease: float = LEASE, busy_after: float = BUSY_AFTER, busy_depth: int = BUSY_DEPTH
    ) -> None:
        self.lease, self.busy_after, self.busy_depth = lease, busy_after, busy_depth
        self._entries: dict[str, _Entry] = {}
        self._order: list[str] = []  # request ids not leased, oldest first
        self._changed = asyncio.Condition()

    @property
    def waiting(self) -> int:
        """Requests submitted and not answered yet."""
        return len(self._entries)

    @property
    def unpulled(self) -> int:
        """Requests no issuer holds now."""
        return len(self._order)

    def busy(self) -> float | None:
        """Seconds to wait before trying again when the city's issuers are saturated, else None."""
        self._requeue_lapsed()
        if not self._order:
            return None
        oldest = time.monotonic() - self._entries[self._order[0]].queued_at
        if len(self._order) >= self.busy_depth or oldest > self.busy_after:
            return max(1.0, oldest)
        return None

    async def submit(self, request: CityRequest, timeout: float) -> CityResponse:
        """Queue a request and wait for the issuer's answer to that very request."""
        if request.request_id in self._entries:
            raise ProtocolViolation("protocol.duplicate_request", "request id already waiting")
        if isinstance(request, MenuCall | OrderCall):
            retry = self.busy()
            if retry is not None:
                raise Busy("city.busy", "every issuer of the city is busy", retry_after=retry)
        waiter: asyncio.Future[CityResponse] = asyncio.get_running_loop().create_future()
        self._entries[request.request_id] = _Entry(request, waiter, time.monotonic())
        self._order.append(request.request_id)
        await self._notify()
        try:
            return await asyncio.wait_for(asyncio.shield(waiter), timeout)
        except TimeoutError as exc:
            raise LinkFailed("city.unavailable", "the city's issuer did not answer in time") from exc
        finally:
            self._forget(request.request_id)
            waiter.cancel()

    async def pull(self, max_items: int, wait: float) -> list[CityRequest]:
        """Lease up to ``max_items`` live requests, waiting up to ``wait`` seconds for the first."""
        deadline = time.monotonic() + wait
        async with self._changed:
            while True:
                taken = self._lease(max_items)
                remaining = deadline - time.monotonic()
                if taken or remaining <= 0:
                    return taken
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(self._changed.wait(), min(remaining, 1.0))

    def give_back(self, requests: list[CityRequest]) -> None:
        """Return leased requests that never reached an issuer, for the next pull (first in line)."""
        for request in reversed(requests):
            entry = self._entries.get(request.request_id)
            if entry is not None and not entry.waiter.done() and entry.leased_until is not None:
                entry.leased_until = None
                self._order.insert(0, request.request_id)

    def complete(self, response: CityResponse) -> bool:
        """Hand an answer to its waiter; False if nobody waits for that request any more (or it
        was answered already, by another issuer that held an earlier lease)."""
        entry = self._entries.get(response.request_id)
        if entry is None or entry.waiter.done():
            return False
        entry.waiter.set_result(response)
        self._forget(response.request_id)
        return True

    def _lease(self, max_items: int) -> list[CityRequest]:
        self._requeue_lapsed()
        now = time.monotonic()
        taken: list[CityRequest] = []
        while self._order and len(taken) < max_items:
            entry = self._entries.get(self._order.pop(0))
            if entry is None or entry.waiter.done():
                continue  # its waiter gave up: nobody will collect it
            entry.leased_until, entry.taken = now + self.lease, entry.taken + 1
            taken.append(entry.request)
        return taken

    def _requeue_lapsed(self) -> None:
        now = time.monotonic()
        for request_id, entry in self._entries.items():
            if entry.leased_until is not None and entry.leased_until < now and not entry.waiter.done():
                entry.leased_until = None  # its issuer died or hangs: the next pull takes it
                self._order.append(request_id)

    def _forget(self, request_id: str) -> None:
        self._entries.pop(request_id, None)
        with contextlib.suppress(ValueError):
            self._order.remove(request_id)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()
