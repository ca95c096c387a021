"""Residents a test owns: fresh households in the running chain's registries, cards from the counter.

A test that changes state — blocks a PIN, revokes, moves or expires a card, applies for a
利用登録, abolishes a seal, edits a record — takes its own resident from here instead of a demo
card, so no other test can be disturbed by it and no test needs to know which cards the others
take. Each call seeds a fresh synthetic world (both demo cities, planned together as the demo
is, from a seed nobody else uses) into the cities' registries, picks a resident with the traits
asked for, and issues a card through the city counter (``CounterService.issue_card``, what
``kofu counter card issue`` runs: keys made on the card, JPKI certificates, the registry link,
the route at the centre over mTLS). Tests that only read may keep using the demo cards.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from kofu import clock
from kofu.city.counter.service import CounterService
from kofu.city.issuer import staff
from kofu.city.registry.models import KosekiRegister
from kofu.city.registry.queries import apply_registration
from kofu.city.registry.seed import CITIES, SeededPerson, seed_city
from kofu.config import Settings
from kofu.demo import DemoCard
from kofu.storage import make_engine, session_factory

#: Households per city of one fresh world: enough for every special kind and feature.
WORLD_HOUSEHOLDS = 12
#: Traits whose holder the counter cannot give a card (not an active resident).
INACTIVE = frozenset({"moved-out", "deceased"})
#: Traits that make the kiosk refuse a visit outright, or a 住民票 (an address too long to print).
REFUSED = frozenset({"moved-out", "deceased", "dv-protected", "pending-change", "under-15", "long-address"})
#: Traits of a household member that refuse the household's 住民票 (city.resident.household_refused).
MEMBER_REFUSED = frozenset({"dv-protected", "pending-change"})


@dataclass(frozen=True)
class Owned:
    """A test's own card and the resident it was issued to."""

    card: DemoCard
    person: SeededPerson
    household: tuple[SeededPerson, ...]


def seed_world(settings: Settings, seed: int | None = None) -> dict[str, list[SeededPerson]]:
    """A fresh world written into every demo city's registry; its people by city."""
    seed = seed if seed is not None else 10_000 + secrets.randbelow(10**9)
    today = clock.today()
    people: dict[str, list[SeededPerson]] = {}
    for code in settings.cities:
        engine = make_engine(settings.city_db_url(code))
        try:
            with session_factory(engine).begin() as session:
                people[code] = seed_city(
                    session,
                    code,
                    seed=seed,
                    households=WORLD_HOUSEHOLDS,
                    other_households=WORLD_HOUSEHOLDS,
                    as_of=today,
                )
        finally:
            engine.dispose()
    return people


def own_resident(
    settings: Settings,
    *,
    city: str = "132292",
    traits: Sequence[str] = ("adult",),
    without: Sequence[str] = (),
    household_size: int = 1,
    plain: bool = True,
) -> tuple[SeededPerson, tuple[SeededPerson, ...]]:
    """A resident of ``city`` with every trait of ``traits`` and none of ``without``, in a household
    of at least ``household_size`` active people, from a fresh world. ``plain``: none of the
    traits that refuse a visit unless asked for."""
    wanted, unwanted = set(traits), set(without)
    if plain:
        unwanted |= REFUSED - wanted
    for _ in range(20):
        world = seed_world(settings)
        people = world[city]
        for person in people:
            if wanted <= set(person.traits) and not unwanted & set(person.traits):
                household = tuple(
                    p
                    for p in people
                    if p.household_id == person.household_id and not INACTIVE & set(p.traits)
                )
                if plain and any(MEMBER_REFUSED & set(p.traits) for p in household):
                    continue  # a household copy would be refused for another member
                if len(household) >= household_size and _register_is_unique(settings, person):
                    return person, household
    raise AssertionError(f"no resident with {sorted(wanted)} without {sorted(unwanted)} in 20 worlds")


def issue_card(settings: Settings, person: SeededPerson, *, pin: str | None = None) -> DemoCard:
    """A card for ``person`` from their city's counter (route registered at the centre)."""
    with CounterService(settings, person.city_code) as counter:
        issued = counter.issue_card(person.resident_id, pin=pin)
    return DemoCard(issued.label, issued.pin, person.city_code, person.resident_id, person.traits)


def own_card(
    settings: Settings,
    *,
    city: str = "132292",
    traits: Sequence[str] = ("adult",),
    without: Sequence[str] = (),
    household_size: int = 1,
    plain: bool = True,
    honseki_registered: bool = False,
    pin: str | None = None,
) -> Owned:
    """A card of the test's own, for a fresh resident with the traits asked for (see
    ``own_resident``). ``honseki_registered``: the resident's 本籍 is in the other demo city and
    their 利用登録 there is applied for and approved by staff (the card is routed to it)."""
    if honseki_registered:
        traits = (*traits, "honseki-elsewhere")
    person, household = own_resident(
        settings, city=city, traits=traits, without=without, household_size=household_size, plain=plain
    )
    card = issue_card(settings, person, pin=pin)
    if honseki_registered:
        register_honseki(settings, card, person)
        card = DemoCard(
            card.card, card.pin, card.city, card.resident_id, (*card.traits, "honseki-registered")
        )
    return Owned(card, person, household)


def register_honseki(settings: Settings, card: DemoCard, person: SeededPerson) -> int:
    """Apply for ``person``'s 利用登録 at their 本籍地 city as if at a kiosk a week ago, and approve it
    as that city's staff do (``kofu city registrations approve``: routes the card at the centre)."""
    target = person.honseki_city_code
    assert target is not None and target != person.city_code, "the register is kept in this city"
    today = clock.today()
    serial = _card_serial(settings, card)
    engine = make_engine(settings.city_db_url(target))
    try:
        with session_factory(engine).begin() as session:
            registration = apply_registration(
                session,
                cert_serial_hex=serial,
                residence_city_code=person.city_code,
                honseki=person.honseki or "",
                hittosha=person.hittosha or "",
                on=today,
                applicant_name=person.name,
                applicant_birth_date=person.birth_date,
            )
            registration_id = registration.id
    finally:
        engine.dispose()
    staff.approve(settings, target, registration_id, today)
    return registration_id


def _card_serial(settings: Settings, card: DemoCard) -> str:
    from kofu.city.registry.models import Card

    engine = make_engine(settings.city_db_url(card.city))
    try:
        with session_factory(engine)() as session:
            row = session.query(Card).filter_by(label=card.card).one()
            return row.cert_serial_hex
    finally:
        engine.dispose()


def _register_is_unique(settings: Settings, person: SeededPerson) -> bool:
    """No other register in the 本籍地 city has the same 本籍 (a 利用登録 names its register by it)."""
    if person.honseki is None or person.honseki_city_code not in CITIES:
        return True
    engine = make_engine(settings.city_db_url(person.honseki_city_code))
    try:
        with session_factory(engine)() as session:
            return session.query(KosekiRegister).filter_by(honseki=person.honseki).count() == 1
    finally:
        engine.dispose()
