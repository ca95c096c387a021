"""Serve an ASGI app over mTLS, exposing the peer certificate to the app."""

from __future__ import annotations

import asyncio
import functools
import logging
import ssl
from typing import Any

import uvicorn
from starlette.requests import Request
from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from kofu.pki.tls import Peer, peer_identity


class _PeerCertHttpTools(HttpToolsProtocol):
    """uvicorn's httptools protocol (a C parser), adding the ASGI TLS extension (the client
    certificate) to the scope of each request: the connection's certificate is read once."""

    _peer_der: bytes | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        ssl_object = transport.get_extra_info("ssl_object")
        self._peer_der = ssl_object.getpeercert(binary_form=True) if ssl_object is not None else None
        super().connection_made(transport)

    @property
    def scope(self) -> Any:
        return self.__dict__.get("_scope")

    @scope.setter
    def scope(self, value: Any) -> None:
        if value is not None:
            value.setdefault("extensions", {})["tls"] = {
                "client_cert_der": self._peer_der,
                "tls_used": True,
            }
        self.__dict__["_scope"] = value


#: Peers by certificate: a connection's certificate is parsed once, not on every request it carries.
_peer = functools.lru_cache(maxsize=4096)(peer_identity)


def peer_of(request: Request) -> Peer | None:
    """The authenticated peer of a request (None when served without TLS, as in unit tests)."""
    tls = request.scope.get("extensions", {}).get("tls")
    der = tls.get("client_cert_der") if tls else None
    return _peer(der) if der else None


def make_server(app: Any, host: str, port: int, context: ssl.SSLContext | None) -> uvicorn.Server:
    """A uvicorn server for `app`; with a context, TLS with the peer certificate in the scope."""
    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        # uvloop runs the event loop in C. On a mutual-TLS port only a peer with a certificate
        # of ours gets to send a request, and httptools parses it in C; a port open to anyone
        # keeps h11, whose parser bounds what it buffers of a request's head (16 KB).
        http=_PeerCertHttpTools if context is not None else "h11",
        loop="uvloop",
        log_level="warning",
        access_log=False,
        timeout_keep_alive=30,
        # A long poll or a waiting order must not hold a stop for its whole wait: what is still
        # open after this is cancelled, and its kiosk is told the link failed (nothing charged).
        timeout_graceful_shutdown=3,
        lifespan="on",
        ssl_context_factory=(lambda _config, _default: context) if context is not None else None,
    )
    return uvicorn.Server(config)


class _NoCancelledOnStop(logging.Filter):
    """Drops uvicorn's traceback for a request cancelled because the server is stopping (an
    issuer's long poll still open at a gateway): that is how a stop ends it, not an error."""

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and isinstance(record.exc_info[1], asyncio.CancelledError))


def serve(app: Any, host: str, port: int, context: ssl.SSLContext | None) -> None:
    """Run until interrupted."""
    logger = logging.getLogger("uvicorn.error")
    logger.setLevel(logging.WARNING)
    logger.addFilter(_NoCancelledOnStop())
    make_server(app, host, port, context).run()
