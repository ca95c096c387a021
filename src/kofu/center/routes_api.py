"""The centre's route registry for cities (mTLS; each city is known by its issuer certificate).

    POST /v1/routes   {card_serial, residence_city, effective_from?}

A city registers the route of a card it has just issued (in effect at once), or — when a
resident moved in with their card — the route to itself from ``effective_from`` on (the next
day: until then the old route applies, as in reality). Only the issuer certificate of
``residence_city`` may do either. The serial crosses this one mTLS link and is hashed at once:
the centre stores ``card_ref`` only, and never logs the request body.
"""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from kofu import clock
from kofu.center import routing
from kofu.center.auth import card_ref
from kofu.center.deps import Service
from kofu.center.models import City, Route
from kofu.net.app import PeerDep, expect_peer
from kofu.pki.jpki import requesting_city
from kofu.pki.paths import PkiPaths
from kofu.protocol.city_center import ROUTE, RouteRegistered, RouteRegistration
from kofu.protocol.errors import ProtocolViolation, Refused
from kofu.protocol.link import route


def register(
    db: sessionmaker[Session], body: RouteRegistration, pki: PkiPaths | None = None
) -> RouteRegistered:
    """Record a new card's route, or schedule a move; see the module docstring. A new card is
    routed only for the city that asked the JPKI CA for its certificate."""
    today = clock.today()
    with db() as session:
        if session.get(City, body.residence_city) is None:
            raise Refused("city.unknown", "the centre does not know this city")
        route = session.get(Route, card_ref(body.card_serial))
        current = routing.residence_on(session, route, today) if route is not None else None
    if body.effective_from is None:
        if (
            pki is not None
            and route is None
            and requesting_city(pki, body.card_serial) != body.residence_city
        ):
            raise Refused("route.not_issuer", "only the city that asked for this card may route it")
        if route is not None and current != body.residence_city:
            raise ProtocolViolation("route.conflict", "card is routed to another city: schedule a move")
        if route is None:
            routing.register_route(db, body.card_serial, body.residence_city)
        return RouteRegistered(status="registered", residence_city=body.residence_city, effective_from=today)
    if route is None:
        raise Refused("route.unknown", "no route to change for this card")
    routing.schedule_route(db, body.card_serial, body.residence_city, body.effective_from)
    return RouteRegistered(
        status="scheduled", residence_city=body.residence_city, effective_from=body.effective_from
    )


def install(app: FastAPI) -> None:
    """The route registry's endpoint on the centre's app."""

    @route(app, ROUTE)
    async def register_route(body: RouteRegistration, peer: PeerDep, service: Service) -> RouteRegistered:
        """Register a card's route; only the issuer of ``residence_city`` may."""
        expect_peer(peer, "issuer", body.residence_city)
        return await run_in_threadpool(register, service.db, body, service.verifier.pki)
