"""Clients over mTLS, built once per process and injected: httpx for the blocking callers,
aiohttp (``kofu.net.aio``) for the centre's many calls to its gateways."""

from __future__ import annotations

import ssl
from typing import Any, Protocol

import httpx
from pydantic import BaseModel

from kofu.net.aio import AioClient
from kofu.protocol.errors import KofuError, LinkFailed, Problem, from_problem
from kofu.protocol.link import Endpoint
from kofu.telemetry.propagation import sync_hooks

_JSON = {"content-type": "application/json"}


class Answer(Protocol):
    """What a caller reads of a peer's answer (an ``httpx.Response``, an ``aio.Answer``)."""

    @property
    def status_code(self) -> int: ...
    @property
    def content(self) -> bytes: ...
    @property
    def is_success(self) -> bool: ...
    def json(self) -> Any: ...


class AsyncPeer(Protocol):
    """An async client for one peer: the production ``AioClient``, or an ``httpx.AsyncClient``
    (in tests, with a mock transport)."""

    async def request(self, method: str, url: str, *, content: Any = None, headers: Any = None) -> Answer: ...

    async def aclose(self) -> None: ...


def async_client(
    base_url: str, context: ssl.SSLContext, *, timeout: float = 30.0, pool: int = 100
) -> AioClient:
    """An async client for one peer (connection pool sized for concurrent orders)."""
    return AioClient(base_url, context, timeout=timeout, pool=pool)


def sync_client(base_url: str, context: ssl.SSLContext, *, timeout: float = 30.0) -> httpx.Client:
    """A blocking client for one peer."""
    return httpx.Client(
        base_url=base_url, verify=context, timeout=timeout, headers=_JSON, event_hooks=sync_hooks()
    )  # traceparent on every request (kofu.telemetry)


def raise_for_problem(response: Answer) -> None:
    """Turn a peer's error answer into the error it describes (keeping the stable code)."""
    if response.is_success:
        return
    try:
        body = response.json()
        problem = Problem.model_validate(body["error"])
    except (ValueError, KeyError, TypeError) as exc:
        raise LinkFailed("link.unavailable", f"HTTP {response.status_code} without a problem body") from exc
    raise from_problem(problem)


def link_error(exc: httpx.HTTPError) -> KofuError:
    """A transport failure as a retryable link error (no request content in the detail)."""
    if isinstance(exc, httpx.TimeoutException):
        return LinkFailed("link.timeout", type(exc).__name__)
    return LinkFailed("link.unavailable", type(exc).__name__)


def call(
    client: httpx.Client,
    endpoint: Endpoint,
    body: BaseModel | None = None,
    *,
    query: BaseModel | None = None,
    headers: dict[str, str] | None = None,
    path: dict[str, str] | None = None,
) -> httpx.Response:
    """One call of ``endpoint`` (its method, path, query and body as the link declares them);
    the answer, once it is a success. Transport failures and error answers raise KofuError."""
    try:
        response = client.request(
            endpoint.method,
            endpoint.url(**(path or {})),
            content=body.model_dump_json() if body is not None else None,
            params=endpoint.params(query) if query is not None else None,
            headers=headers,
        )
    except httpx.HTTPError as exc:
        raise link_error(exc) from exc
    raise_for_problem(response)
    return response


async def acall(
    client: AsyncPeer,
    endpoint: Endpoint,
    body: BaseModel | None = None,
    *,
    headers: dict[str, str] | None = None,
    path: dict[str, str] | None = None,
) -> Answer:
    """``call`` for an async client (an ``AioClient`` raises ``LinkFailed`` itself)."""
    try:
        response = await client.request(
            endpoint.method,
            endpoint.url(**(path or {})),
            content=body.model_dump_json() if body is not None else None,
            headers=headers,
        )
    except httpx.HTTPError as exc:
        raise link_error(exc) from exc
    raise_for_problem(response)
    return response
