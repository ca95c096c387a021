"""The gateway queue: each answer reaches only its own waiter; a timeout cancels the request."""

from __future__ import annotations

import asyncio

import pytest
from tests.aio import run as _run

from kofu.city.gateway.queue import CityQueue
from kofu.protocol.center_gateway import CityResponse, MenuCall
from kofu.protocol.errors import Busy, LinkFailed, ProtocolViolation
from kofu.protocol.kiosk_center import Menu


def _request(rid: str) -> MenuCall:
    return MenuCall(request_id=rid, city_code="132292", card_serial="0A", kiosk_id="K0001")


def _answer(rid: str, name: str) -> CityResponse:
    return CityResponse(request_id=rid, menu=Menu(city_code="132292", city_name=name, documents=[]))


def test_answers_go_to_their_own_waiters() -> None:
    async def scenario() -> None:
        queue = CityQueue()
        first = asyncio.create_task(queue.submit(_request("a"), timeout=5))
        second = asyncio.create_task(queue.submit(_request("b"), timeout=5))
        pulled = await queue.pull(max_items=8, wait=1)
        assert [r.request_id for r in pulled] == ["a", "b"]
        assert queue.complete(_answer("b", "for b"))
        assert queue.complete(_answer("a", "for a"))
        assert (await first).menu.city_name == "for a"  # type: ignore[union-attr]
        assert (await second).menu.city_name == "for b"  # type: ignore[union-attr]

    _run(scenario())


def test_timed_out_request_is_never_handed_out_and_late_answer_is_dropped() -> None:
    async def scenario() -> None:
        queue = CityQueue()
        with pytest.raises(LinkFailed) as exc:
            await queue.submit(_request("late"), timeout=0.05)
        assert exc.value.code == "city.unavailable"
        assert await queue.pull(max_items=8, wait=0.05) == []
        assert queue.complete(_answer("late", "too late")) is False
        assert queue.waiting == 0

    _run(scenario())


def test_answer_after_pull_but_after_timeout_is_dropped() -> None:
    async def scenario() -> None:
        queue = CityQueue()
        waiter = asyncio.create_task(queue.submit(_request("x"), timeout=0.1))
        pulled = await queue.pull(max_items=1, wait=1)
        assert [r.request_id for r in pulled] == ["x"]
        with pytest.raises(LinkFailed):
            await waiter
        assert queue.complete(_answer("x", "nobody waits")) is False

    _run(scenario())


def test_duplicate_request_id_is_refused() -> None:
    async def scenario() -> None:
        queue = CityQueue()
        first = asyncio.create_task(queue.submit(_request("dup"), timeout=1))
        await asyncio.sleep(0)
        with pytest.raises(ProtocolViolation):
            await queue.submit(_request("dup"), timeout=1)
        queue.complete(_answer("dup", "one"))
        await first

    _run(scenario())


def test_pull_waits_then_returns_empty() -> None:
    assert _run(CityQueue().pull(max_items=4, wait=0.05)) == []


def test_a_lapsed_lease_goes_to_the_next_pull_and_only_the_first_answer_counts() -> None:
    """An issuer that pulled a request and died: after its lease the next pull (any issuer) gets it."""

    async def scenario() -> None:
        queue = CityQueue(lease=0.2)
        waiter = asyncio.create_task(queue.submit(_request("a"), timeout=5))
        (taken,) = await queue.pull(max_items=1, wait=1)  # the issuer that will die
        assert await queue.pull(max_items=1, wait=0.05) == []  # leased: nobody else gets it yet
        (again,) = await queue.pull(max_items=1, wait=1)  # the lease lapsed
        assert again.request_id == taken.request_id == "a"
        assert queue.complete(_answer("a", "from the second issuer"))
        assert not queue.complete(_answer("a", "late, from the first"))
        assert (await waiter).menu.city_name == "from the second issuer"  # type: ignore[union-attr]

    _run(scenario())


def test_a_pull_takes_no_more_than_its_limit() -> None:
    async def scenario() -> None:
        queue = CityQueue()
        waiters = [asyncio.create_task(queue.submit(_request(r), timeout=5)) for r in "abc"]
        await asyncio.sleep(0)
        assert [r.request_id for r in await queue.pull(max_items=1, wait=1)] == ["a"]
        assert [r.request_id for r in await queue.pull(max_items=1, wait=1)] == ["b"]
        for rid in "abc":
            queue.complete(_answer(rid, rid))
        await asyncio.gather(*waiters, return_exceptions=True)

    _run(scenario())


def test_a_saturated_city_says_busy_at_once() -> None:
    async def scenario() -> None:
        queue = CityQueue(busy_after=0.1)
        waiting = asyncio.create_task(queue.submit(_request("a"), timeout=5))  # no issuer pulls it
        await asyncio.sleep(0.2)
        started = asyncio.get_running_loop().time()
        with pytest.raises(Busy) as busy:
            await queue.submit(_request("b"), timeout=5)
        assert busy.value.code == "city.busy" and busy.value.retry_after >= 1
        assert asyncio.get_running_loop().time() - started < 0.1  # said at once, not after a wait
        assert [r.request_id for r in await queue.pull(max_items=8, wait=0)] == ["a"]
        queue.complete(_answer("a", "a"))
        await waiting
        assert queue.busy() is None

    _run(scenario())
