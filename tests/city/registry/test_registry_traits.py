"""Every trait a demo card may need exists, among adults (who get cards), and matches the data."""

from __future__ import annotations

from registry_testdata import AS_OF

from conftest import SeededCity
from kofu.city.registry import Resident, live_seal_registration, seal_registrations, tax_record
from kofu.city.registry.models import fiscal_year_of
from kofu.city.registry.seed import TRAITS, SeededPerson
from kofu.city.registry.seed.names import RARE_FAMILY_NAMES
from kofu.city.registry.seed.traits import LONG_ADDRESS_CHARS

SPECIAL = {"moved-out", "deceased", "dv-protected", "pending-change"}
FOR_ADULTS = (
    "moved-out",
    "deceased",
    "dv-protected",
    "pending-change",
    "honseki-here",
    "honseki-elsewhere",
    "foreign-resident",
    "tsusho",
    "inkan-registered",
    "inkan-abolished",
    "no-inkan",
    "tax-declared",
    "no-tax-declaration",
    "long-address",
    "rare-character",
)
#: Refusals a test must be able to isolate: held by an adult with no other refusal.
ISOLATED = ("inkan-abolished", "no-tax-declaration", "long-address", "rare-character", "foreign-resident")


def _check_city(people: list[SeededPerson]) -> None:
    adults = [p for p in people if p.age >= 18]
    for trait in FOR_ADULTS:
        assert any(trait in p.traits for p in adults), trait
    for trait in ISOLATED:
        assert any(trait in p.traits and not SPECIAL & set(p.traits) for p in adults), trait
    assert any(12 <= p.age < 15 and not SPECIAL & set(p.traits) for p in people), "a child of 12–14"
    assert all(("under-15" in p.traits) == (p.age < 15) for p in people)
    assert all(("minor" in p.traits) == (p.age < 18) for p in people)
    assert all(set(p.traits) <= set(TRAITS) for p in people)
    assert all("honseki-registered" not in p.traits for p in people)  # only an approval adds it
    names = {p.name.split("\u3000")[0] for p in people}
    for family, _ in RARE_FAMILY_NAMES:
        assert family in names, family


def test_every_trait_with_forty_households(seeded: list[SeededPerson]) -> None:
    _check_city(seeded)


def test_every_trait_in_both_cities(cities: dict[str, SeededCity]) -> None:
    for city in cities.values():
        _check_city(city.people)


def test_traits_match_the_registry(cities: dict[str, SeededCity]) -> None:
    year = fiscal_year_of(AS_OF)
    for city in cities.values():
        with city.sessions() as session:
            for person in city.people:
                resident = session.get(Resident, person.resident_id)
                assert resident is not None and resident.name == person.name
                live = live_seal_registration(session, resident.id)
                history = seal_registrations(session, resident.id)
                assert ("inkan-registered" in person.traits) == (live is not None)
                assert ("inkan-abolished" in person.traits) == (live is None and bool(history))
                assert ("no-inkan" in person.traits) == (not history)
                record = tax_record(session, resident.id, year)
                assert ("no-tax-record" in person.traits) == (record is None)
                assert ("tax-declared" in person.traits) == (record is not None and record.declared)
                assert ("foreign-resident" in person.traits) == resident.is_foreign
                long = len(resident.household.address.full_text) > LONG_ADDRESS_CHARS
                assert ("long-address" in person.traits) == long
                if not resident.is_foreign:
                    here = resident.honseki_city_code == city.code
                    assert ("honseki-here" in person.traits) == here
                    assert (person.honseki, person.hittosha) == (resident.honseki, resident.hittosha)
