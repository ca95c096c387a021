"""The door of a staff console: its own Host, same-origin form posts, small url-encoded bodies.

Checked before any route (an ASGI middleware, so a refused request never reaches a form):

1. ``Host`` must name the console itself (its host or a loopback name, with its port) — else
   403 ``console.host.refused`` (a foreign name resolving here: DNS rebinding);
2. a POST must come from the console's own page: ``Origin`` (when sent) is the console's own,
   ``Sec-Fetch-Site`` (when sent) is ``same-origin``, and one of them is there — else 403
   ``console.origin.refused``;
3. a body is at most ``MAX_FORM`` bytes (413 ``console.form.too_large``) and url-encoded (415
   ``console.form.media_type``): a console has no uploads.

The CSRF token of each form is checked by the routes (``kofu.console.web``), after this.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from kofu.net.body import BodyTooLarge, read_bounded, replay

MAX_FORM = 16 * 1024
SAFE = frozenset({"GET", "HEAD"})


class Refusal(Exception):
    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code


def own_hosts(host: str, port: int) -> frozenset[str]:
    return frozenset(f"{name}:{port}".lower() for name in {host, "127.0.0.1", "localhost", "[::1]"})


class ConsoleGuard:
    """ASGI middleware; ``refuse(send, refusal)`` writes the refusal page."""

    def __init__(
        self, app: ASGIApp, *, hosts: Iterable[str], refuse: object, max_body: int = MAX_FORM
    ) -> None:
        self.app = app
        self.hosts = frozenset(h.lower() for h in hosts)
        self.origins = frozenset(f"{scheme}://{h}" for h in self.hosts for scheme in ("http", "https"))
        self.refuse = refuse
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = Headers(scope=scope)
        try:
            self._check(scope["method"], headers)
            body = await self._read(receive, headers) if scope["method"] not in SAFE else b""
        except Refusal as refusal:
            await self.refuse(scope, send, refusal)  # type: ignore[operator]
            return
        await self.app(scope, replay(body, receive) if scope["method"] not in SAFE else receive, send)

    def _check(self, method: str, headers: Headers) -> None:
        if headers.get("host", "").lower() not in self.hosts:
            raise Refusal(403, "console.host.refused")
        if method in SAFE:
            return
        if method != "POST":
            raise Refusal(405, "console.method.refused")
        site, origin = headers.get("sec-fetch-site"), headers.get("origin")
        if site is not None and site != "same-origin":
            raise Refusal(403, "console.origin.refused")
        # "null": an opaque origin, which a browser sends under some referrer policies; it passes
        # only when the browser also says the request came from the same origin
        if (
            origin is not None
            and origin.lower() not in self.origins
            and not (origin == "null" and site == "same-origin")
        ):
            raise Refusal(403, "console.origin.refused")
        if origin is None and site is None:
            raise Refusal(403, "console.origin.refused")
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            raise Refusal(413, "console.form.too_large")
        media = headers.get("content-type", "").split(";")[0].strip().lower()
        if length != "0" and media != "application/x-www-form-urlencoded":
            raise Refusal(415, "console.form.media_type")

    async def _read(self, receive: Receive, headers: Headers) -> bytes:
        try:
            return await read_bounded(receive, self.max_body)
        except BodyTooLarge:
            raise Refusal(413, "console.form.too_large") from None
