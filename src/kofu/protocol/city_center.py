"""The city → centre link (LGWAN, mTLS with the city's issuer certificate): card routes.

    POST /v1/routes           RouteRegistration → RouteRegistered   (201)
    POST /v1/routes/honseki   HonsekiRoute → HonsekiRouted

A city registers the route of a card it has just issued (in effect at once), or — when a
resident moved in with their card — the route to itself from ``effective_from`` on. A 本籍地
city routes a card whose 利用登録 it approved. Only the issuer certificate of the city named in
the body may do either. The serial crosses this link and is hashed at once: the centre stores
``card_ref`` only, and never logs a body.
"""

from __future__ import annotations

from datetime import date
from typing import Literal

from pydantic import Field

from kofu.protocol.link import Endpoint
from kofu.protocol.types import CardSerial, CityCode, Model


class RouteRegistration(Model):
    """A city's request to route a card to itself."""

    card_serial: CardSerial = Field(description="auth certificate serial, upper-case hex")
    residence_city: CityCode
    effective_from: date | None = Field(default=None, strict=False)  # an ISO date, as JSON carries it


class RouteRegistered(Model):
    """What the centre recorded (no serial, no card_ref)."""

    status: Literal["registered", "scheduled"]
    residence_city: CityCode
    effective_from: date = Field(strict=False)


class HonsekiRoute(Model):
    """A 本籍地 city's request to route a card to itself for 戸籍 documents."""

    card_serial: CardSerial
    honseki_city: CityCode


class HonsekiRouted(Model):
    """What the centre recorded (no serial, no card_ref)."""

    honseki_city: CityCode


ROUTE = Endpoint(
    "register_route",
    "POST",
    "/v1/routes",
    RouteRegistration,
    RouteRegistered,
    status=201,
    errors=(403, 409, 422),
)
HONSEKI_ROUTE = Endpoint(
    "honseki_route", "POST", "/v1/routes/honseki", HonsekiRoute, HonsekiRouted, errors=(403, 422)
)

#: The actor that serves this link.
SERVER = "center"
