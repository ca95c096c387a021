"""An actor's ASGI app served in this process over real mutual TLS 1.3, as ``kofu <actor>`` serves it."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from typing import Any

from kofu.net.server import make_server
from kofu.pki.paths import PkiPaths
from kofu.pki.tls import server_context


@contextlib.contextmanager
def serve_mtls(app: Any, paths: PkiPaths, role: str, ident: str) -> Iterator[str]:
    """Serve ``app`` with the TLS identity ``role``/``ident`` on a free loopback port (uvicorn in a
    thread, the peer certificate in every request's scope); yield the base URL, then stop."""
    server = make_server(app, "127.0.0.1", 0, server_context(paths, role, ident))
    thread = threading.Thread(target=server.run, name=f"mtls-{role}-{ident}", daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError(f"the {role} test server did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"https://localhost:{port}"
    finally:
        server.should_exit = True
        thread.join(15)
