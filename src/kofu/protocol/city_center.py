"""The city → centre link (LGWAN, mTLS with the city's issuer certificate): card routes.

    POST /v1/routes           RouteRegistration → RouteRegistered   (201)
    POST /v1/routes/honseki   HonsekiRoute → HonsekiRouted
    GET  /v1/cities/{code}/status   → CityStatus    (the city console: state, today's counts)
    POST /v1/cities/{code}/stop     CityStop → CityStatus   (stop or resume, with who and why)

A city registers the route of a card it has just issued (in effect at once), or — when a
resident moved in with their card — the route to itself from ``effective_from`` on. A 本籍地
city routes a card whose 利用登録 it approved. Only the issuer certificate of the city named in
the body may do either. The serial crosses this link and is hashed at once: the centre stores
``card_ref`` only, and never logs a body.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import Field

from kofu.protocol.link import Endpoint
from kofu.protocol.types import CardSerial, CityCode, Model, Text32, Text64, Text512


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


# -- the city's state at the centre (the city console) --------------------------------------------
#
#     GET  /v1/cities/{city_code}/status   → CityStatus   whether orders go through; today's counts
#     POST /v1/cities/{city_code}/stop     CityStop → CityStatus   stop or resume, with who and why
#
# Only the city's own issuer certificate may ask either. The counts are the centre's history rows
# of the city for the Japanese day: document, state and outcome code — numbers, never a person.


#: ``OrderCount.status`` of menus the centre refused for the city without asking it (a stopped
#: city), by code; their ``doc`` is ``WHOLE_MENU``.
MENU_REFUSED = "menu_refused"
WHOLE_MENU = "*"


class OrderCount(Model):
    """How many of today's orders of the city ended this way (or, ``MENU_REFUSED``, how many of
    its menus the centre refused, once per card session)."""

    doc: Text32
    status: Text32
    outcome: Text64 | None = None
    count: int = Field(ge=0)


class CityStatus(Model):
    """The city as the centre sees it."""

    city_code: CityCode
    stopped: bool
    stopped_by: Text64 | None = None
    stop_reason: Text512 | None = None
    stopped_at: datetime | None = Field(default=None, strict=False)
    today: list[OrderCount] = Field(default_factory=list, max_length=2000)


class CityStop(Model):
    """Stop (``stop``: true) or resume the city's orders; ``by`` is the staff member's name."""

    stop: bool
    by: Text32
    reason: Text512 = Field(min_length=1, max_length=256)


CITY_STATUS = Endpoint(
    "city_status", "GET", "/v1/cities/{city_code}/status", None, CityStatus, errors=(403, 404)
)
CITY_STOP = Endpoint(
    "city_stop", "POST", "/v1/cities/{city_code}/stop", CityStop, CityStatus, errors=(403, 404)
)
