"""httpx clients over mTLS, built once per process and injected."""

from __future__ import annotations

import ssl

import httpx

from kofu.protocol.errors import KofuError, LinkFailed, Problem, from_problem

_JSON = {"content-type": "application/json"}


def async_client(
    base_url: str, context: ssl.SSLContext, *, timeout: float = 30.0, pool: int = 100
) -> httpx.AsyncClient:
    """An async client for one peer (connection pool sized for concurrent orders)."""
    limits = httpx.Limits(max_connections=pool, max_keepalive_connections=pool)
    return httpx.AsyncClient(base_url=base_url, verify=context, timeout=timeout, limits=limits, headers=_JSON)


def sync_client(base_url: str, context: ssl.SSLContext, *, timeout: float = 30.0) -> httpx.Client:
    """A blocking client for one peer."""
    return httpx.Client(base_url=base_url, verify=context, timeout=timeout, headers=_JSON)


def raise_for_problem(response: httpx.Response) -> None:
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
