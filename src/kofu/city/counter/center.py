"""The city's link to the centre's route registry: mTLS with this city's issuer certificate.

The card serial crosses this link only (the centre hashes it into ``card_ref`` at once).
"""

from __future__ import annotations

from datetime import date
from typing import Protocol

from kofu.city.counter.errors import RouteNotRegistered
from kofu.config import Settings
from kofu.net.client import call, sync_client
from kofu.pki.tls import client_context
from kofu.protocol.city_center import ROUTE, RouteRegistered, RouteRegistration
from kofu.protocol.errors import KofuError, LinkFailed


class RouteRegistrar(Protocol):
    """Registers card routes at the centre."""

    def register(self, card_serial: str, residence_city: str, effective_from: date | None = None) -> str:
        """Route the card to ``residence_city`` (from ``effective_from``); return the centre's status."""
        ...


class CenterRoutes:
    """``POST /v1/routes`` at the centre, as the issuer of ``city``."""

    def __init__(self, settings: Settings, city: str) -> None:
        self.city = city
        self._client = sync_client(
            settings.center_url, client_context(settings.pki, "issuer", city), timeout=20.0
        )

    def register(self, card_serial: str, residence_city: str, effective_from: date | None = None) -> str:
        body = RouteRegistration(
            card_serial=card_serial.upper(), residence_city=residence_city, effective_from=effective_from
        )
        try:
            response = call(self._client, ROUTE, body)
        except LinkFailed as exc:
            raise RouteNotRegistered(f"centre unreachable: {exc.code}") from exc
        except KofuError as exc:
            raise RouteNotRegistered(f"centre refused the route: {exc.code}") from exc
        return RouteRegistered.model_validate_json(response.content).status

    def close(self) -> None:
        self._client.close()
