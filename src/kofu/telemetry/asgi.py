"""The middleware around every actor's app: trace context in, a server span, request metrics, and
``GET /metrics`` behind the app's own door.

It wraps the app where the process serves it (``kofu.run``), so no app changes for it. For each
HTTP request it reads the W3C ``traceparent`` header, opens a SERVER span named after the matched
route (``order``, ``submit`` …) with the sizes that crossed (``bytes_in``, ``bytes_out``) and the
status, and counts and times the request. Paths in ``untraced`` (long polls, health checks, a
kiosk's screen polling its state) are counted but get no span: they belong to no order.

``/metrics`` is answered here only when ``door(scope)`` lets the caller in; anyone else gets
whatever the app answers for an unknown path (404), so the page is invisible to them. Doors:
``kofu.telemetry.doors``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection
from typing import Any

from opentelemetry.trace import SpanKind

from kofu.telemetry import metrics, tracing

Door = Callable[[dict[str, Any]], bool]
METRICS_PATH = "/metrics"


def header(scope: dict[str, Any], name: bytes) -> str | None:
    for key, value in scope.get("headers") or ():
        if key == name:
            return bytes(value).decode("latin-1")
    return None


class TelemetryMiddleware:
    """See the module docstring."""

    def __init__(
        self,
        app: Any,
        *,
        door: Door | None = None,
        untraced: Collection[str] = (),
        traced: bool = True,
    ) -> None:
        self.app = app
        self.door = door
        self.untraced = frozenset(untraced)
        self.traced = traced

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if scope["path"] == METRICS_PATH and scope["method"] == "GET" and self.door and self.door(scope):
            await _metrics(send)
            return
        status = 500
        sent = 0

        async def counting_send(message: dict[str, Any]) -> None:
            nonlocal status, sent
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                sent += len(message.get("body", b""))
            await send(message)

        started = time.perf_counter()
        try:
            if self.traced and tracing.enabled() and scope["path"] not in self.untraced:
                await self._traced(scope, receive, counting_send, lambda: (status, sent))
            else:
                await self.app(scope, receive, counting_send)
        finally:
            route = getattr(scope.get("route"), "name", None) or "unmatched"
            metrics.REQUESTS.labels(route, str(status)).inc()
            metrics.LATENCY.labels(route).observe(time.perf_counter() - started)

    async def _traced(
        self, scope: dict[str, Any], receive: Any, send: Any, result: Callable[[], tuple[int, int]]
    ) -> None:
        size = header(scope, b"content-length")
        with tracing.tracer().start_as_current_span(
            scope["method"] + " " + scope["path"][:48],
            context=tracing.context_from(header(scope, b"traceparent")),
            kind=SpanKind.SERVER,
            record_exception=False,
            set_status_on_exception=False,
        ) as current:
            try:
                await self.app(scope, receive, send)
            finally:
                route = getattr(scope.get("route"), "name", None)
                if route:
                    current.update_name(route)
                status, sent = result()
                current.set_attributes(
                    tracing.clean(
                        {
                            "route": route,
                            "status": status,
                            "bytes_in": int(size) if size and size.isdigit() else 0,
                            "bytes_out": sent,
                        }
                    )
                )


async def _metrics(send: Any) -> None:
    body, content_type = metrics.exposition()
    await send(
        {
            "type": "http.response.start",
            "status": 200,
            "headers": [(b"content-type", content_type.encode()), (b"cache-control", b"no-store")],
        }
    )
    await send({"type": "http.response.body", "body": body})
