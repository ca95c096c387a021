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

from kofu.protocol.door import SAFE_METHODS, Door, Refusal, media_type, own_hosts

__all__ = ["MAX_FORM", "ConsoleGuard", "Refusal", "own_hosts"]

MAX_FORM = 16 * 1024


class ConsoleGuard(Door):
    """ASGI middleware; ``refuse(scope, send, refusal)`` writes the refusal page."""

    def __init__(
        self, app: ASGIApp, *, hosts: Iterable[str], refuse: object, max_body: int = MAX_FORM
    ) -> None:
        super().__init__(app, hosts=hosts, schemes=("http", "https"), max_body=max_body)
        self._refuse = refuse

    async def refuse(self, scope: Scope, send: Send, refusal: Refusal) -> None:
        await self._refuse(scope, send, refusal)  # type: ignore[operator]

    async def admit(self, method: str, path: str, headers: Headers, receive: Receive) -> bytes | None:
        self.check_host(headers, "console.host.refused")
        if method in SAFE_METHODS:
            return None  # the app reads what a GET carries (nothing)
        if method != "POST":
            raise Refusal(405, "console.method.refused")
        self.check_fetch(method, headers, "console.origin.refused", reads=False)
        self.check_length(headers, "console.form.too_large")
        if (
            headers.get("content-length") != "0"
            and media_type(headers) != "application/x-www-form-urlencoded"
        ):
            raise Refusal(415, "console.form.media_type")
        return await self.read_body(receive, "console.form.too_large")
