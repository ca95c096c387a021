"""Who may read an actor's ``/metrics`` (each app's own door rules, applied to the one path).

- centre: only the centre's own certificate (its operators' tools and Prometheus, which scrape
  with it); kiosks and cities, which also hold certificates of the network CA, are not let in;
- gateway: the certificate of its own city's issuer (the city's staff, in the internal
  segment) or the centre's;
- kiosk: the maintenance key (``Authorization: Bearer …``) on a request naming the kiosk's own
  host, as for every maintenance call;
- public verifier: nobody on its public port (its metrics are served on loopback only).
"""

from __future__ import annotations

import hmac
from collections.abc import Collection
from typing import Any

from kofu.pki.tls import peer_identity
from kofu.telemetry.asgi import Door, header


def peer_door(*allowed: tuple[str, str | None]) -> Door:
    """Let in a TLS peer whose certificate is one of ``allowed`` (role, identity or None: any)."""

    def door(scope: dict[str, Any]) -> bool:
        tls = scope.get("extensions", {}).get("tls") or {}
        der = tls.get("client_cert_der")
        if not der:
            return False
        try:
            peer = peer_identity(der)
        except Exception:
            return False
        return any(peer.role == role and ident in (None, peer.ident) for role, ident in allowed)

    return door


def key_door(hosts: Collection[str], key: str) -> Door:
    """Let in a request naming one of ``hosts`` and carrying ``Bearer key``."""
    expected = f"Bearer {key}".encode()

    def door(scope: dict[str, Any]) -> bool:
        given = (header(scope, b"authorization") or "").encode("latin-1")
        return (header(scope, b"host") or "").lower() in hosts and hmac.compare_digest(given, expected)

    return door


def closed(_scope: dict[str, Any]) -> bool:
    """Nobody (the public verifier's port)."""
    return False
