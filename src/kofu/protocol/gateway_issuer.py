"""The city issuer → gateway link (the city's own network, mTLS: only this city's issuer).

    GET  /v1/pull?wait=…&limit=…   → CityPull     (a long poll: up to ``limit`` requests)
    POST /v1/results               CityResponse → 204 (delivered) | 410 (nobody waits any more)

The issuer opens no port: it asks its gateway for work and posts each answer back.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import ConfigDict, Field

from kofu.protocol.center_gateway import CityRequest, CityResponse
from kofu.protocol.link import Endpoint
from kofu.protocol.types import Id, Model

#: A W3C trace context (``version-trace_id-parent_id-flags``).
Traceparent = Annotated[str, Field(pattern=r"^[0-9a-f]{2}-[0-9a-f]{32}-[0-9a-f]{16}-[0-9a-f]{2}$")]

#: The actor that serves this link.
SERVER = "gateway"

#: The longest a pull waits for a first request, in seconds.
PULL_WAIT_MAX = 25.0


class PullQuery(Model):
    """How long to wait for the first request, and how many to take at most (query strings: the
    numbers arrive as text, so this model converts them)."""

    model_config = ConfigDict(frozen=True, extra="forbid", strict=False)

    wait: float = Field(default=20.0, ge=0, le=PULL_WAIT_MAX)
    limit: int = Field(default=1, ge=1, le=64)


class CityPull(Model):
    """Requests handed to an issuer by one long poll."""

    requests: Annotated[list[CityRequest], Field(max_length=64)]
    #: The W3C ``traceparent`` of each request, by request id: the issuer's part of an order joins
    #: the order's trace (one pull carries several requests, so one header cannot say it).
    traces: dict[Id, Traceparent] = Field(default_factory=dict, max_length=64)


PULL = Endpoint("pull", "GET", "/v1/pull", None, CityPull, query=PullQuery, errors=(403,))
RESULTS = Endpoint("results", "POST", "/v1/results", CityResponse, None, status=204, errors=(403, 410))
