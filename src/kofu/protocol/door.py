"""The door of a server a browser talks to: its own Host, its own origin, a small body.

Both browser-facing servers — the kiosk's screen API (``kofu.kiosk.guard``) and the staff
consoles (``kofu.console.guard``) — listen where a page of another site, or a foreign name that
resolves to them (DNS rebinding), could reach them. Each is a `Door` (ASGI middleware) and
composes these checks in its own `Door.admit`, each refusal carrying its own stable code:

- `Door.check_host`: ``Host`` names the server (`own_hosts`);
- `Door.check_fetch`: ``Sec-Fetch-Site`` and ``Origin`` say the request comes from the server's
  own page; a state change must show one of them;
- `Door.check_length` and `Door.read_body`: a body is at most ``max_body`` bytes.
"""

from __future__ import annotations

from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from kofu.net.body import BodyTooLarge, read_bounded, replay

SAFE_METHODS = frozenset({"GET", "HEAD"})
LOCAL_NAMES = ("127.0.0.1", "localhost", "[::1]")


class Refusal(Exception):
    """A request the door turns away: the HTTP status and the stable code."""

    def __init__(self, status: int, code: str) -> None:
        super().__init__(code)
        self.status = status
        self.code = code


def own_hosts(host: str, port: int) -> frozenset[str]:
    """The ``Host`` values that name this server: its configured host or a loopback name, with
    its port (and without it on port 80, where a browser leaves it out)."""
    names = {host, *LOCAL_NAMES}
    hosts = {f"{name}:{port}" for name in names}
    if port == 80:
        hosts |= names
    return frozenset(h.lower() for h in hosts)


def media_type(headers: Headers) -> str:
    """The request's ``Content-Type`` without its parameters, lower case."""
    return headers.get("content-type", "").split(";")[0].strip().lower()


class Door:
    """ASGI middleware: `admit` checks a request and reads its body, or raises `Refusal`,
    which `refuse` answers. Not HTTP (lifespan) passes untouched."""

    def __init__(self, app: ASGIApp, *, hosts: Iterable[str], schemes: Iterable[str], max_body: int) -> None:
        self.app = app
        self.hosts = frozenset(h.lower() for h in hosts)
        self.origins = frozenset(f"{scheme}://{h}" for h in self.hosts for scheme in schemes)
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            body = await self.admit(scope["method"], scope["path"], Headers(scope=scope), receive)
        except Refusal as refusal:
            await self.refuse(scope, send, refusal)
            return
        await self.app(scope, receive if body is None else replay(body, receive), send)

    async def admit(self, method: str, path: str, headers: Headers, receive: Receive) -> bytes | None:
        """The request's body, read (None: left for the app to read), or `Refusal`."""
        raise NotImplementedError

    async def refuse(self, scope: Scope, send: Send, refusal: Refusal) -> None:
        """Answer a refused request."""
        raise NotImplementedError

    def check_host(self, headers: Headers, code: str) -> None:
        """``Host`` must name this server — else 403 ``code``."""
        if headers.get("host", "").lower() not in self.hosts:
            raise Refusal(403, code)

    def check_fetch(self, method: str, headers: Headers, code: str, *, reads: bool) -> None:
        """The browser's fetch metadata and ``Origin`` must be this server's own page — else 403
        ``code``. A state change must show one of the two and never comes from a typed address
        (``Sec-Fetch-Site: none``); a read is checked only with ``reads``, and may be typed."""
        unsafe = method not in SAFE_METHODS
        if not unsafe and not reads:
            return
        site, origin = headers.get("sec-fetch-site"), headers.get("origin")
        if site is not None and site not in (("same-origin",) if unsafe else ("same-origin", "none")):
            raise Refusal(403, code)
        # "null": an opaque origin, which a browser sends under some referrer policies (a beacon
        # under no-referrer); it passes only when the browser also says it is the same origin
        if (
            origin is not None
            and origin.lower() not in self.origins
            and not (origin == "null" and site == "same-origin")
        ):
            raise Refusal(403, code)
        if unsafe and origin is None and site is None:
            raise Refusal(403, code)

    def check_length(self, headers: Headers, code: str) -> None:
        """A declared ``Content-Length`` must be a number up to ``max_body`` — else 413 ``code``."""
        length = headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > self.max_body):
            raise Refusal(413, code)

    async def read_body(self, receive: Receive, code: str) -> bytes:
        """The whole body (small by rule), refused (413 ``code``) as soon as it grows past the limit."""
        try:
            return await read_bounded(receive, self.max_body)
        except BodyTooLarge:
            raise Refusal(413, code) from None
