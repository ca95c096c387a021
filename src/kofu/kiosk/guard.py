"""The door of the kiosk's web API: only its own page, in the copier's own browser, gets in.

The API listens on loopback, but any page open in the kiosk's browser can send it requests, and
a foreign name that resolves to 127.0.0.1 (DNS rebinding) makes the browser treat the kiosk as
that name's own. So every request passes `ScreenGuard`, before any route sees it:

1. ``Host`` must be the kiosk's own (``host:port`` as configured, or ``localhost``,
   ``127.0.0.1`` or ``[::1]`` with its port) — else 403 ``kiosk.host.refused``;
2. a browser's ``Sec-Fetch-Site`` must be ``same-origin`` (or ``none``, a typed address, for a
   GET), and an ``Origin`` present must be the kiosk's own; a POST must show one or the other —
   else 403 ``kiosk.origin.refused``. Loading the page from another site (an image, a frame)
   would end the visit, so that is refused too;
3. a body is at most ``MAX_BODY`` bytes (413 ``kiosk.body.too_large``), and JSON (415
   ``kiosk.body.media_type``);
4. every POST carries the page's token (`PageToken`) in ``X-Kofu-Token`` — else 403
   ``kiosk.token.refused``. Two exceptions, each with its own check: ``/api/leave`` comes from
   ``navigator.sendBeacon``, which cannot set headers, so its ``text/plain`` body is the token;
   the maintenance calls carry the maintenance key (checked by their routes), which no other
   page has either.

The guard fails closed: a POST route nobody listed here needs the token. Refusals are logged
with the method, path and code only.
"""

from __future__ import annotations

import hmac
import json
import logging
import secrets
from collections.abc import Iterable

from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from kofu.kiosk.messages import kiosk_message
from kofu.protocol import kiosk_screen as screen_api
from kofu.protocol.door import SAFE_METHODS, Door, Refusal, media_type, own_hosts
from kofu.protocol.kiosk_screen import MAX_BODY, TOKEN_HEADER

__all__ = ["PageToken", "Refusal", "ScreenGuard", "own_hosts"]

log = logging.getLogger(__name__)

#: POST routes whose token is their body (a beacon cannot set headers).
BEACON_PATHS = frozenset({screen_api.LEAVE.path})
#: POST routes that need the maintenance key instead of the page token.
KEYED_PATHS = frozenset({screen_api.MAINTENANCE_ACTION.path})


class PageToken:
    """The token of the page last loaded: a new page makes the one before it worthless."""

    def __init__(self) -> None:
        self._value: str | None = None

    def issue(self) -> str:
        """A fresh token for a page being served (the old one stops working)."""
        self._value = secrets.token_urlsafe(32)
        return self._value

    def matches(self, value: str | bytes | None) -> bool:
        current = self._value
        if current is None or not value:
            return False
        given = value if isinstance(value, bytes) else value.encode()
        return hmac.compare_digest(given.strip(), current.encode())


class ScreenGuard(Door):
    """ASGI middleware: Host, Origin and fetch metadata, body size and type, the page token."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        hosts: Iterable[str],
        token: PageToken,
        max_body: int = MAX_BODY,
    ) -> None:
        super().__init__(app, hosts=hosts, schemes=("http",), max_body=max_body)
        self.token = token

    async def admit(self, method: str, path: str, headers: Headers, receive: Receive) -> bytes | None:
        self._check_headers(method, path, headers)
        # the whole body (small by rule): the token of a beacon is in it
        body = (
            b""
            if headers.get("content-length") == "0"
            else await self.read_body(receive, "kiosk.body.too_large")
        )
        self._check_body(method, path, headers, body)
        return body

    async def refuse(self, scope: Scope, send: Send, refusal: Refusal) -> None:
        log.warning("refused %s %s: %s", scope["method"], scope["path"], refusal.code)
        await _refuse(send, refusal)

    def _check_headers(self, method: str, path: str, headers: Headers) -> None:
        self.check_host(headers, "kiosk.host.refused")
        # loading the page from another site (an image, a frame) would end the visit: reads too
        self.check_fetch(method, headers, "kiosk.origin.refused", reads=True)
        self.check_length(headers, "kiosk.body.too_large")
        exempt = path in BEACON_PATHS | KEYED_PATHS
        unsafe = method not in SAFE_METHODS
        if unsafe and not exempt and not self.token.matches(headers.get(TOKEN_HEADER.lower())):
            raise Refusal(403, "kiosk.token.refused")

    def _check_body(self, method: str, path: str, headers: Headers, body: bytes) -> None:
        beacon = path in BEACON_PATHS and method not in SAFE_METHODS
        if body and media_type(headers) != ("text/plain" if beacon else "application/json"):
            raise Refusal(415, "kiosk.body.media_type")
        if beacon and not self.token.matches(body):
            raise Refusal(403, "kiosk.token.refused")


async def _refuse(send: Send, refusal: Refusal) -> None:
    message = kiosk_message(refusal.code)
    payload = {"code": refusal.code, "message_ja": message.ja, "message_en": message.en, "tries_left": None}
    body = json.dumps(payload, ensure_ascii=False).encode()
    headers = [
        (b"content-type", b"application/json"),
        (b"content-length", str(len(body)).encode()),
        (b"cache-control", b"no-store"),
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"no-referrer"),
    ]
    await send({"type": "http.response.start", "status": refusal.status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
