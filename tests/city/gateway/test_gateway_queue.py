"""The gateway queue: each answer reaches only its own waiter; a timeout cancels the request."""

from __future__ import annotations

import asyncio

import pytest
from tests.aio import run as _run

from kofu.city.gateway.queue import CityQueue
from kofu.protocol.center_gateway import CityResponse, MenuCall
from kofu.protocol.errors import LinkFailed, ProtocolViolation
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
