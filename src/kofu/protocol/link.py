"""What one endpoint of a link is: method, path, query, body, answer — declared once, used by both ends.

Every link between actors is a module of ``kofu.protocol`` holding its ``Endpoint`` values. The
serving app registers each route from its endpoint (``route(router, ENDPOINT)``), and the calling
side builds the URL, the query and the body from the same value, so a misspelt path or query
name cannot pass silently: FastAPI ignores an unknown query parameter, a shared declaration
leaves none to misspell. ``tests/protocol/test_contracts.py`` lists every route of every app and
fails on one that is not declared here.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from pydantic import BaseModel

from kofu.protocol.errors import ProblemBody

Method = Literal["GET", "POST"]


@dataclass(frozen=True)
class Endpoint:
    """One route of one link.

    ``query``: a model whose fields are the query parameters (None: none). ``body``: the request
    body's model (None: no body, or a form/upload the route documents itself). ``answer``: the
    response model (None: ``status`` with no body, or a document such as a PDF or a page).
    ``errors``: the error statuses the route answers besides validation (400), as documented in
    its OpenAPI entry with the ``Problem`` body.
    """

    name: str
    method: Method
    path: str
    body: type[BaseModel] | None = None
    answer: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    status: int = 200
    errors: tuple[int, ...] = ()
    media_type: str | None = None
    summary: str = ""
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def url(self, **params: object) -> str:
        """The path with its ``{placeholders}`` filled in."""
        return self.path.format(**params)

    def params(self, query: BaseModel) -> dict[str, Any]:
        """Query parameters from a value of this endpoint's query model."""
        if self.query is None or not isinstance(query, self.query):
            raise TypeError(f"{self.name} takes a {self.query.__name__ if self.query else 'no'} query")
        return query.model_dump(mode="json", exclude_none=True)


def endpoints(namespace: dict[str, Any]) -> tuple[Endpoint, ...]:
    """Every Endpoint defined at the top of a link module (for the contract test and docs)."""
    return tuple(v for v in namespace.values() if isinstance(v, Endpoint))


def route(
    router: Any, endpoint: Endpoint, **kwargs: Any
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register the decorated handler as ``endpoint`` on a FastAPI app or router."""
    responses: dict[int | str, dict[str, Any]] = {
        400: {"model": ProblemBody, "description": "invalid request (protocol.invalid …)"},
    }
    for status in endpoint.errors:
        responses[status] = {"model": ProblemBody, "description": _STATUS_WORDS.get(status, "error")}
    options: dict[str, Any] = {
        "methods": [endpoint.method],
        "status_code": endpoint.status,
        "responses": responses,
        "name": endpoint.name,
        "summary": endpoint.summary or None,
    }
    if endpoint.answer is not None:
        options["response_model"] = endpoint.answer
    else:
        options["response_model"] = None
    if endpoint.media_type is not None:
        options["response_class"] = _response_class(endpoint.media_type)
    options.update(kwargs)

    def register(handler: Callable[..., Any]) -> Callable[..., Any]:
        router.add_api_route(endpoint.path, handler, **options)
        return handler

    return register


_STATUS_WORDS = {
    403: "the peer or the session is not allowed (link.peer.*, session.*)",
    404: "no such thing",
    409: "conflicts with what was recorded before",
    410: "nobody waits for it any more",
    413: "too large",
    415: "unsupported media type",
    422: "refused by the rules (a stable code)",
    429: "too many requests (Retry-After)",
    503: "a hop is unavailable or busy; retry (Retry-After)",
}


def _response_class(media_type: str) -> Any:
    from fastapi.responses import HTMLResponse, JSONResponse, Response

    if media_type == "text/html":
        return HTMLResponse
    if media_type == "application/json":
        return JSONResponse
    return Response
