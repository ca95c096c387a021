"""Hours, the year-end closure and the age rule, as the issuer applies them at each instant."""

from __future__ import annotations

import secrets
from datetime import date, datetime, timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from kofu import clock
from kofu.city.issuer.eligibility import check_age
from kofu.city.registry.models import Resident
from kofu.city.registry.queries import city_settings
from kofu.protocol.center_gateway import MenuCall, OrderCall
from kofu.protocol.errors import Refused
from kofu.protocol.kiosk_center import DocumentOffer, OrderRequest, OrderResult
from tests.dates.conftest import AROUND_THE_CLOCK, CITY, NATIONAL, World
from tests.dates.instants import Instant


def menu_offer(world: World, serial: str, doc: str = "juminhyo") -> DocumentOffer:
    request = MenuCall(request_id="m", city_code=CITY, card_serial=serial, kiosk_id="K0001")
    answer = world.issuer.handle(request)
    assert answer.menu is not None, answer.error
    return next(o for o in answer.menu.documents if o.doc == doc)


def order(
    world: World, serial: str, doc: str = "juminhyo", **options: str
) -> tuple[OrderResult, X25519PrivateKey]:
    key = X25519PrivateKey.generate()
    body = OrderRequest(
        city_code=CITY,
        doc=doc,
        options=options,
        copies=1,
        kiosk_public_key=key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw),
        idempotency_key="idem-dates",
    )
    request = OrderCall(
        request_id="o",
        city_code=CITY,
        card_serial=serial,
        kiosk_id="K0001",
        order_id=f"order-{secrets.token_hex(8)}",
        order=body,
    )
    answer = world.issuer.handle(request)
    assert answer.order is not None, answer.error
    return answer.order, key


def _outcome(world: World, serial: str) -> tuple[str | None, str | None]:
    """(the menu's refusal, the order's refusal code) for a 住民票 ordered now."""
    refusal = menu_offer(world, serial).refusal
    result, _key = order(world, serial, household="self")
    code = result.error.code if result.error is not None else None
    assert (result.status == "issued") == (code is None)
    return refusal, code


def test_national_hours_and_the_year_end_closure(world: World, at: Instant) -> None:
    serial = world.serial(world.holder("reader"))
    world.hours(*NATIONAL, year_end_closed=True)
    try:
        refusal, code = _outcome(world, serial)
    finally:
        world.hours(*AROUND_THE_CLOCK, year_end_closed=False)
    expected = None if at.national_open else "city.document.outside_hours"
    assert (refusal, code) == (expected, expected)


def test_the_year_end_closure_alone_starts_at_midnight_in_japan(world: World, at: Instant) -> None:
    serial = world.serial(world.holder("reader"))
    world.hours(*AROUND_THE_CLOCK, year_end_closed=True)
    try:
        refusal, code = _outcome(world, serial)
    finally:
        world.hours(*AROUND_THE_CLOCK, year_end_closed=False)
    expected = "city.document.outside_hours" if at.year_end else None
    assert (refusal, code) == (expected, expected)


def test_a_city_open_all_year_issues_at_every_instant(world: World) -> None:
    assert _outcome(world, world.serial(world.holder("reader"))) == (None, None)


def _fifteenth_birthday_today(day: date) -> date:
    """Born on this day 15 years ago (a 29 February birthday falls back to the 28th)."""
    try:
        return day.replace(year=day.year - 15)
    except ValueError:
        return date(day.year - 15, 2, 28)


@pytest.mark.parametrize("reading", ["japan", "utc"])
def test_fifteen_today_in_japan_may_use_a_kiosk_one_day_younger_may_not(at: Instant, reading: str) -> None:
    now: datetime = clock.now() if reading == "japan" else clock.now_utc()  # any zone: the day is Japan's
    birthday = _fifteenth_birthday_today(at.day)
    check_age(Resident(birth_date=birthday), now)
    with pytest.raises(Refused) as refused:
        check_age(Resident(birth_date=birthday + timedelta(days=1)), now)
    assert refused.value.code == "city.resident.under_15"


def test_hours_are_read_on_japans_wall_clock_whatever_the_zone_of_the_moment(
    world: World, at: Instant
) -> None:
    with world.db() as session:
        setting = city_settings(session, CITY)
        document = setting.document("juminhyo") if setting is not None else None
        assert document is not None
        document.opens_at, document.closes_at, document.year_end_closed = *NATIONAL, True
        assert document.open_at(clock.now_utc()) == document.open_at(clock.now()) == at.national_open
        session.rollback()
