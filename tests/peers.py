"""In-process tests name the peer they play: FastAPI's dependency override of ``tls_peer``."""

from __future__ import annotations

from fastapi import FastAPI

from kofu.net.app import tls_peer
from kofu.pki.tls import Peer


def as_peer(app: FastAPI, peer: Peer) -> None:
    """From now on every request to ``app`` comes from ``peer`` (no TLS in-process)."""
    app.dependency_overrides[tls_peer] = lambda: peer
