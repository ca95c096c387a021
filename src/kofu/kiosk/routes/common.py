"""What every area of the kiosk's routes shares: its router, running a step, the pages."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from kofu.kiosk.visit import Visit
from kofu.protocol.kiosk_screen import ScreenError, ScreenState
from kofu.protocol.link import Endpoint, route

T = TypeVar("T")

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).resolve().parent.parent / "templates"))
PAGE_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'none'"
)

WORDS = {
    400: "invalid request (kiosk.invalid)",
    401: "the maintenance key is wrong or missing (kiosk.maintenance.denied)",
    403: "not the kiosk's own host, origin or page token (kiosk.host/origin/token.refused)",
    404: "no such thing",
    409: "a step out of order (kiosk.flow)",
    413: "body too large (kiosk.body.too_large)",
    415: "body not JSON (kiosk.body.media_type)",
    422: "refused: a stable code with the resident's words",
    503: "the centre or a city is unavailable or busy",
}


def screen_route(router: Any, endpoint: Endpoint, **kwargs: Any) -> Callable[[Callable[..., Any]], Any]:
    """``route`` for the touch screen's API, whose errors are `ScreenError` bodies (JSON, also on
    the routes that answer a page or a PDF)."""
    responses: dict[int | str, dict[str, Any]] = {}
    for status in (400, *endpoint.errors):
        if endpoint.media_type in (None, "application/json"):
            responses[status] = {"model": ScreenError, "description": WORDS.get(status, "error")}
        else:
            schema = {"$ref": "#/components/schemas/ScreenError"}
            responses[status] = {
                "description": WORDS.get(status, "error"),
                "content": {"application/json": {"schema": schema}},
            }
    if endpoint.media_type not in (None, "application/json", "text/html"):
        binary = {"schema": {"type": "string", "format": "binary"}}
        responses[200] = {"description": "the document", "content": {endpoint.media_type: binary}}
    return route(router, endpoint, responses=responses, **kwargs)


async def step(visit: Visit, fn: Callable[..., T], *args: Any) -> tuple[T, ScreenState]:
    """One of the resident's steps, in a worker thread: its result and the state after it."""
    return await run_in_threadpool(visit.step, fn, *args)


class Area:
    """The routes of one area of the screen, declared where their handlers are and registered on
    the app by `install` (flat, so that the app lists each route as it serves it)."""

    def __init__(self) -> None:
        self._routes: list[tuple[Endpoint, Callable[..., Any], dict[str, Any]]] = []

    def route(self, endpoint: Endpoint, **kwargs: Any) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
        """Declare the decorated handler as ``endpoint`` of this area."""

        def declare(handler: Callable[..., Any]) -> Callable[..., Any]:
            self._routes.append((endpoint, handler, kwargs))
            return handler

        return declare

    def install(self, app: Any) -> None:
        """Register every route of the area on ``app``."""
        for endpoint, handler, kwargs in self._routes:
            screen_route(app, endpoint, **kwargs)(handler)
