"""An async client for one peer on aiohttp: the centre's link to the cities' gateways.

It answers the calls the centre makes of its gateways with a fraction of the CPU httpx spends
(its parser and pool are in C or lean Python; no anyio layers under each read). It keeps what
the link needs: mutual TLS with the injected context, a pool of kept-alive connections, the
same timeouts, ``traceparent`` on every request, and transport failures as ``LinkFailed`` with
the stable codes of :func:`kofu.net.client.link_error` (``link.timeout``, ``link.unavailable``).
"""

from __future__ import annotations

import json
import ssl
from dataclasses import dataclass
from typing import Any

import aiohttp

from kofu.protocol.errors import LinkFailed
from kofu.telemetry import tracing

_JSON = {"content-type": "application/json"}


@dataclass(frozen=True, slots=True)
class Answer:
    """A peer's answer, read whole: its status and body."""

    status_code: int
    content: bytes

    @property
    def is_success(self) -> bool:
        return 200 <= self.status_code < 300

    def json(self) -> Any:
        return json.loads(self.content)


class AioClient:
    """See the module docstring. The session is made on the first request, inside the running
    event loop (aiohttp binds its pool to the loop that serves the process)."""

    def __init__(
        self, base_url: str, context: ssl.SSLContext, *, timeout: float = 30.0, pool: int = 100
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self._context = context
        # As httpx's: each of connecting (a pooled connection included), and each read, bounded.
        self._timeout = aiohttp.ClientTimeout(
            total=None, connect=timeout, sock_connect=timeout, sock_read=timeout
        )
        self._pool = pool
        self._session: aiohttp.ClientSession | None = None

    def _open(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            connector = aiohttp.TCPConnector(
                ssl=self._context, limit=self._pool, limit_per_host=self._pool, keepalive_timeout=5.0
            )
            self._session = aiohttp.ClientSession(
                connector=connector,
                timeout=self._timeout,
                auto_decompress=False,
                raise_for_status=False,
            )
        return self._session

    async def request(
        self,
        method: str,
        url: str,
        *,
        content: bytes | str | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """One request to ``url`` (a path under the base URL); the answer, read whole."""
        sent = {**_JSON, **headers} if headers else dict(_JSON)
        tracing.inject(sent)  # traceparent on every request (kofu.telemetry)
        try:
            async with self._open().request(
                method,
                self.base_url + url,
                data=content.encode() if isinstance(content, str) else content,
                headers=sent,
            ) as response:
                return Answer(response.status, await response.read())
        except TimeoutError as exc:  # aiohttp's timeouts are TimeoutErrors too
            raise LinkFailed("link.timeout", type(exc).__name__) from exc
        except (aiohttp.ClientError, OSError, ssl.SSLError) as exc:
            raise LinkFailed("link.unavailable", type(exc).__name__) from exc

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
