"""The counter's day and the center's route-change day at each instant.

A card issued at the counter now is recorded as issued today in Japan and is valid now; a move
made today takes effect at the next midnight in Japan, when the center routes the card to the
new city, and not a second before.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select

from kofu import clock
from kofu.center import routing
from kofu.city.counter.service import CounterService, move
from kofu.city.registry.models import Card
from kofu.pki.jpki import load_crl, load_jpki_ca, validate_card_certificate
from tests.dates.conftest import CITY, OTHER, CenterRoutes, World, travel
from tests.dates.instants import Instant


def _routed(world: World, serial: str) -> str:
    return next(
        city.code for city, kind in routing.cities_for(world.center_db, serial) if kind == "residence"
    )


def test_a_card_issued_now_is_issued_today_in_japan_and_valid_now(world: World, at: Instant) -> None:
    holder = world.holder("new-card")
    with CounterService(world.settings, CITY, routes=CenterRoutes(world.center_db)) as counter:
        issued = counter.issue_card(holder.resident_id, pin="1234")
        with counter.db() as session:
            card = session.scalars(select(Card).where(Card.label == issued.label)).one()
            assert card.issued_on == at.day
            serial = card.cert_serial_hex
    certificate = counter.store.load(issued.label).auth_cert_der  # as the card hands it to a kiosk
    status = validate_card_certificate(
        certificate, load_jpki_ca(world.settings.pki), load_crl(world.settings.pki), clock.now_utc()
    )
    assert status.ok, status.code
    assert _routed(world, serial) == CITY


def test_a_move_today_takes_effect_at_the_next_midnight_in_japan(world: World, at: Instant) -> None:
    holder = world.holder("mover")
    serial = world.serial(holder)
    routes = CenterRoutes(world.center_db)
    routes.register(serial, CITY)
    with (
        CounterService(world.settings, CITY, routes=routes) as old,
        CounterService(world.settings, OTHER, routes=routes) as new,
    ):
        move(old, new, holder.resident_id, clock.today())  # the counter's day: today in Japan
    midnight = datetime.combine(at.day + timedelta(days=1), datetime.min.time(), clock.JST)
    assert _routed(world, serial) == CITY
    with travel(midnight - timedelta(seconds=1)):
        assert _routed(world, serial) == CITY
    with travel(midnight):
        assert _routed(world, serial) == OTHER
