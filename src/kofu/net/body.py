"""A request body read whole in an ASGI middleware, bounded, and handed on to the app.

The browser-facing guards (the kiosk's screen, the consoles) read a body before the app does, to
check its size, type and token; :func:`read_bounded` stops reading as soon as it passes the limit,
and :func:`replay` gives the app the same body as if it had not been read.
"""

from __future__ import annotations

from starlette.types import Message, Receive


class BodyTooLarge(Exception):
    """The body grew past the limit; the guard answers with its own refusal."""


async def read_bounded(receive: Receive, limit: int) -> bytes:
    """The whole body; raises :class:`BodyTooLarge` as soon as it passes ``limit`` bytes."""
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge(size)
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


def replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` that gives ``body`` first, then waits for the disconnect as the server would."""
    sent = False

    async def again() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return again
