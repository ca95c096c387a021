"""What every actor's HTTP surface shares: error mapping and the calling peer.

The peer is a FastAPI dependency (``PeerDep``): in production it is read from the client
certificate of the mutually authenticated TLS connection; an in-process test replaces
``tls_peer`` with ``app.dependency_overrides`` (FastAPI's own testing seam), so nothing in the
security path knows about tests.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from kofu.net.server import peer_of
from kofu.pki.tls import Peer
from kofu.protocol.errors import AuthFailed, Busy, KofuError, Problem
from kofu.telemetry.tracing import note


def install_error_handlers(app: FastAPI) -> None:
    """Answer every KofuError with its stable code; never echo request content back."""

    @app.exception_handler(KofuError)
    async def _kofu_error(_request: Request, exc: KofuError) -> JSONResponse:
        note(code=exc.code)  # where an order stopped, on the request's span (kofu.telemetry)
        headers = {"Retry-After": str(max(1, round(exc.retry_after)))} if isinstance(exc, Busy) else None
        return JSONResponse({"error": exc.problem().model_dump()}, status_code=exc.status, headers=headers)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(exc.status_code, "protocol.invalid")
        problem = Problem(code=code, detail=str(exc.detail)[:200], kind="protocol")
        return JSONResponse({"error": problem.model_dump()}, status_code=exc.status_code, headers=exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _invalid(_request: Request, exc: RequestValidationError) -> JSONResponse:
        fields = sorted(
            {".".join(str(p) for p in err.get("loc", ())) + f" ({err.get('type')})" for err in exc.errors()}
        )
        detail = ("invalid fields: " + ", ".join(fields))[:500]
        problem = Problem(code="protocol.invalid", detail=detail, kind="protocol")
        return JSONResponse({"error": problem.model_dump()}, status_code=400)


#: Plain HTTP errors (a body that is not JSON, an unknown path) as problems with a stable code.
_HTTP_CODES = {404: "protocol.not_found", 405: "protocol.not_found", 413: "protocol.too_large"}


async def tls_peer(request: Request) -> Peer:
    """The peer of this request, known by its client certificate; refused without one."""
    peer = peer_of(request)
    if peer is None:
        raise AuthFailed("link.peer.missing", "no client certificate")
    return peer


PeerDep = Annotated[Peer, Depends(tls_peer)]


def expect_peer(peer: Peer, role: str, ident: str | None = None) -> Peer:
    """``peer`` if it is the expected role (and identity); otherwise refuse."""
    if peer.role != role or (ident is not None and peer.ident != ident):
        raise AuthFailed(
            "link.peer.rejected", f"expected {role}/{ident or '*'}, got {peer.role}/{peer.ident}"
        )
    return peer
