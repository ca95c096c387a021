"""Which city serves a card, and which cities the centre lets orders through to."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kofu import clock
from kofu.center.auth import card_ref
from kofu.center.models import City, Route, RouteChange
from kofu.protocol.errors import AuthFailed, Refused


def register_route(
    db: sessionmaker[Session], card_serial: str, residence_city: str, honseki_city: str | None = None
) -> None:
    """Record (or move) a card's residence city, and its 本籍地 city once registered."""
    ref = card_ref(card_serial)
    with db.begin() as session:
        route = session.get(Route, ref)
        now = clock.now_utc()
        if route is None:
            session.add(
                Route(card_ref=ref, residence_city=residence_city, honseki_city=honseki_city, updated_at=now)
            )
        else:
            route.residence_city = residence_city
            route.honseki_city = honseki_city
            route.updated_at = now


def schedule_route(
    db: sessionmaker[Session], card_serial: str, residence_city: str, effective_from: date
) -> None:
    """Route a card to ``residence_city`` from ``effective_from`` on; the old route applies until then."""
    ref = card_ref(card_serial)
    with db.begin() as session:
        if session.get(Route, ref) is None:
            raise Refused("route.unknown", "no route to change for this card")
        session.add(
            RouteChange(
                card_ref=ref,
                residence_city=residence_city,
                effective_from=effective_from,
                recorded_at=clock.now_utc(),
            )
        )


def residence_on(session: Session, route: Route, day: date) -> str:
    """The residence city of a route on ``day``: the latest change in effect, else the route's own."""
    change = session.scalars(
        select(RouteChange)
        .where(RouteChange.card_ref == route.card_ref, RouteChange.effective_from <= day)
        .order_by(RouteChange.effective_from.desc(), RouteChange.id.desc())
        .limit(1)
    ).first()
    return change.residence_city if change is not None else route.residence_city


def cities_for(
    db: sessionmaker[Session], card_serial: str, today: date | None = None
) -> list[tuple[City, str]]:
    """The cities this card may order from on ``today`` (default: today in Japan, so a route change
    takes effect at midnight JST), with their kind."""
    day = today or clock.today()
    with db() as session:
        route = session.get(Route, card_ref(card_serial))
        if route is None:
            raise AuthFailed("card.unknown", "no route for this card")
        found: list[tuple[City, str]] = []
        residence = residence_on(session, route, day)
        for code, kind in ((residence, "residence"), (route.honseki_city, "honseki")):
            if code is None:
                continue
            city = session.get(City, code)
            if city is not None:
                session.expunge(city)
                found.append((city, kind))
        return found


def ensure_city(db: sessionmaker[Session], code: str, name: str) -> None:
    """Make a city known to the centre (idempotent)."""
    with db.begin() as session:
        if session.get(City, code) is None:
            session.add(City(code=code, name=name, stopped=False))


def check_open(db: sessionmaker[Session], code: str) -> City:
    """The city, if the centre lets orders through to it now."""
    with db() as session:
        city = open_city(session, code)
        session.expunge(city)
        return city


def open_city(session: Session, code: str) -> City:
    """``check_open`` within the caller's transaction."""
    city = session.get(City, code)
    if city is None:
        raise Refused("city.document.not_offered", "unknown city")
    if city.stopped:
        raise Refused("city.stopped", city.stop_reason or "stopped")
    return city


def set_stopped(db: sessionmaker[Session], code: str, stopped: bool, reason: str | None = None) -> None:
    """Stop (or resume) a city; stopping is automatic on a prevented misissuance."""
    with db.begin() as session:
        city = session.get(City, code)
        if city is None:
            raise Refused("city.document.not_offered", "unknown city")
        city.stopped = stopped
        city.stop_reason = reason if stopped else None
