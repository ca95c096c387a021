"""Where the consoles listen: the centre's operator console at port_base + 60, each city's
console after it in city order (port_base + 61, + 62, …), plain HTTP on the deployment's host
(the city's internal segment; the demo's loopback)."""

from __future__ import annotations

from kofu.config import Settings

CONSOLE_OFFSET = 60


def console_port(settings: Settings, scope: str) -> int:
    """``scope``: ``center`` or a city code of this deployment."""
    if scope == "center":
        return settings.port_base + CONSOLE_OFFSET
    return settings.port_base + CONSOLE_OFFSET + 1 + settings.cities.index(scope)


def console_url(settings: Settings, scope: str) -> str:
    return f"http://{settings.host}:{console_port(settings, scope)}"
