"""The date-sensitive subset: every test here runs once at each instant of `instants.INSTANTS`.

The clock is moved with time-machine, which patches what `kofu.clock` reads, so the code under
test takes "now" from where it always does. For each instant, one world is made AT that instant
(once for the whole session): the demo PKI (CAs, seal keys, trust-list signer), a 西東京市
registry seeded on that day (open around the clock, as the demo), the center's route table and a card
route, and the issuer over them. Each test then runs with the clock stopped at the instant.

While the clock is moved, the process's own time zone is Los Angeles (time-machine takes it from
the destination's zone): far from Japan and from UTC, so that code reading the host's date or
zone instead of `kofu.clock` would be a day off at most instants.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlalchemy.orm import Session, sessionmaker

from kofu.center import routes_api
from kofu.center import routing as center_routing
from kofu.center.migrate import upgrade as upgrade_center
from kofu.city.issuer.service import IssuerService
from kofu.city.registry.db import create_schema
from kofu.city.registry.models import DocumentSetting
from kofu.city.registry.seed import CITIES, SeededPerson, register_card, seed_city
from kofu.config import Settings
from kofu.pki.init import init_pki
from kofu.pki.trust import TrustList, TrustPublisher
from kofu.storage import make_engine, session_factory
from tests.dates.instants import INSTANTS, Instant

CITY = "132292"
OTHER = "132110"
REFUSAL_TRAITS = {"moved-out", "deceased", "dv-protected", "pending-change", "long-address", "rare-character"}


class CenterRoutes:
    """The center's route registry (what POST /v1/routes runs), called in-process without TLS."""

    def __init__(self, db: sessionmaker[Session]) -> None:
        self.db = db

    def register(self, card_serial: str, residence_city: str, effective_from: object = None) -> str:
        body = routes_api.RouteRegistration(
            card_serial=card_serial,
            residence_city=residence_city,
            effective_from=effective_from,  # type: ignore[arg-type]
        )
        return routes_api.register(self.db, body).status


@dataclass
class World:
    """Everything made at one instant."""

    at: Instant
    settings: Settings
    db: sessionmaker[Session]
    center_db: sessionmaker[Session]
    people: list[SeededPerson]
    issuer: IssuerService

    def serial(self, person: SeededPerson) -> str:
        return f"{person.resident_id:X}D8"

    def holder(self, role: str) -> SeededPerson:
        """The plain adult head of household who plays ``role`` in this world's tests, each role
        someone else (a test that changes its holder never meets another test's holder):

        ``reader``    orders under every setting, changed by nothing
        ``taxpayer``  declared tax in the newest year offered; orders 課税証明
        ``new-card``  gets a new card at the counter
        ``mover``     moves to the other city
        """
        heads = [
            p
            for p in self.people
            if {"adult", "household-head"} <= set(p.traits) and not REFUSAL_TRAITS & set(p.traits)
        ]
        taxpayer = next(p for p in heads if "tax-declared" in p.traits)
        others = [p for p in heads if p is not taxpayer]
        roles = {"taxpayer": taxpayer, "reader": others[0], "new-card": others[1], "mover": others[2]}
        return roles[role]

    def trust(self) -> TrustList:
        return TrustPublisher(self.settings.pki, {CITY: CITIES[CITY].name}).trust_list()

    def hours(self, opens: time, closes: time, *, year_end_closed: bool) -> None:
        """Set every document's hours and year-end closure, as staff would."""
        with self.db.begin() as session:
            for document in session.query(DocumentSetting).filter_by(city_code=CITY):
                document.opens_at, document.closes_at = opens, closes
                document.year_end_closed = year_end_closed


NATIONAL = (time(6, 30), time(23, 0))
AROUND_THE_CLOCK = (time.min, time.max)


@pytest.fixture(scope="package", params=INSTANTS, ids=lambda instant: instant.id)
def at(request: pytest.FixtureRequest) -> Instant:
    return request.param  # type: ignore[no-any-return]


HOST_ZONE = ZoneInfo("America/Los_Angeles")


def travel(moment: datetime) -> time_machine.travel:
    """Move the clock to ``moment``, stopped, with the host's zone set far from Japan."""
    return time_machine.travel(moment.astimezone(HOST_ZONE), tick=False)


@pytest.fixture(autouse=True)
def _clock_at_the_instant(at: Instant) -> Iterator[None]:
    with travel(at.moment):
        yield


def _make_world(at: Instant, var: Path) -> World:
    settings = Settings.from_env({"KOFU_VAR": str(var)})
    with travel(at.moment):
        init_pki(settings.pki, cities=settings.cities, kiosks=[])
        db = session_factory(make_engine(settings.city_db_url(CITY)))
        create_schema(db.kw["bind"])
        with db.begin() as session:
            people = seed_city(session, CITY, seed=11, households=12)  # on today's date in Japan
            for person in people:
                if "adult" in person.traits:
                    register_card(
                        session, person.resident_id, f"{person.resident_id:X}D8", f"DT-{person.resident_id}"
                    )
        center_db = session_factory(make_engine(settings.center_db_url()))
        upgrade_center(center_db.kw["bind"])
        for code in (CITY, OTHER):
            center_routing.ensure_city(center_db, code, CITIES[code].name)
        issuer = IssuerService(CITY, db, pki=settings.pki)  # its clock: kofu.clock
    world = World(at, settings, db, center_db, people, issuer)
    world.hours(*AROUND_THE_CLOCK, year_end_closed=False)  # as the demo: tests that need hours set them
    return world


@pytest.fixture(scope="session")
def _worlds() -> Iterator[dict[str, World]]:
    """One world per instant, made when a test first needs it and kept for the session, so that
    tests in any order (pytest-randomly) make each world once."""
    made: dict[str, World] = {}
    yield made
    for world in made.values():
        world.db.kw["bind"].dispose()
        world.center_db.kw["bind"].dispose()


@pytest.fixture
def world(at: Instant, _worlds: dict[str, World], tmp_path_factory: pytest.TempPathFactory) -> World:
    if at.id not in _worlds:
        _worlds[at.id] = _make_world(at, tmp_path_factory.mktemp(f"dates-{at.id}"))
    return _worlds[at.id]
