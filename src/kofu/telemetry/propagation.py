"""``traceparent`` on every outgoing request of an httpx client: the event hook the shared
clients install (the centre's aiohttp client to the gateways adds it itself).

The hook copies the current span's W3C trace context into the request's headers; outside any
span (or when the process does not trace) it adds nothing.
"""

from __future__ import annotations

from typing import Any

import httpx

from kofu.telemetry import tracing


def _inject(request: httpx.Request) -> None:
    tracing.inject(request.headers)


def sync_hooks() -> dict[str, list[Any]]:
    """Event hooks for an ``httpx.Client``."""
    return {"request": [_inject]}
