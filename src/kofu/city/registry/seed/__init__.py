"""Synthetic residents for the demo cities, plus the two writes other actors need at setup
(``ensure_city_setting``; ``register_card``, the registry's own, re-exported).

``seed_city`` is deterministic: the same (city code, seed, as_of, household counts) always
produce the same rows; it owns its ``random.Random`` instances (names come from Faker's ja_JP tables) and never touches global
random state. Both demo cities are planned together (``world``), so a register kept in one city
for someone living in the other is the same in both databases. Every seeded city holds, among
adults:

* moved-out (a whole household), deceased (a parent living with the head), dv-protected (the
  household), pending-change (a head) — each its own household;
* foreign-resident, long-address, a child of 12–14 (``under-15``) and the rare characters 髙, 𠮷,
  﨑 and 葛󠄀 (IVS), each in its own plain household as long as there are enough (40 is plenty);
* inkan-abolished (only an abolished seal) and no-tax-declaration, each a plain adult.

About 20% of households have their 本籍 in the other demo city.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from kofu import clock
from kofu.city.registry.cities import CITIES, CityInfo
from kofu.city.registry.errors import UnknownCity
from kofu.city.registry.models import CitySetting, DocumentSetting, fiscal_year_of
from kofu.city.registry.models import offered_fiscal_years as _offered
from kofu.city.registry.queries import register_card
from kofu.city.registry.seed.inkan import plan_seals
from kofu.city.registry.seed.people import HouseholdPlan, PersonPlan
from kofu.city.registry.seed.tax import plan_taxes
from kofu.city.registry.seed.traits import LONG_ADDRESS_CHARS, TRAITS, traits_of
from kofu.city.registry.seed.world import SPECIALS, Tick, World, build_world
from kofu.city.registry.seed.writer import write_city

__all__ = [
    "CITIES",
    "LONG_ADDRESS_CHARS",
    "TRAITS",
    "CityInfo",
    "SeededPerson",
    "city_info",
    "ensure_city_setting",
    "register_card",
    "seed_city",
]

_MIN_HOUSEHOLDS = len(SPECIALS)


@dataclass(frozen=True)
class SeededPerson:
    """A seeded resident and what makes them interesting to a test or a demo card.

    ``honseki``/``hittosha``/``honseki_city_code`` name the person's register (None for foreign
    residents); with ``name`` and ``birth_date`` they are what a 利用登録 applicant gives.
    """

    resident_id: int
    name: str
    city_code: str
    age: int
    traits: tuple[str, ...]
    household_id: int = 0
    birth_date: date | None = None
    honseki: str | None = None
    hittosha: str | None = None
    honseki_city_code: str | None = None


def city_info(city_code: str) -> CityInfo:
    """The demo city with this code; raises UnknownCity."""
    try:
        return CITIES[city_code]
    except KeyError:
        raise UnknownCity(f"no demo city with code {city_code!r}") from None


def ensure_city_setting(session: Session, city_code: str, *, as_of: date | None = None) -> CitySetting:
    """The city's CitySetting row with one DocumentSetting per document, created from CITIES when
    missing (flushed, not committed). 課税 years offered: the current 年度 and the previous one."""
    setting = session.get(CitySetting, city_code)
    if setting is None:
        info = city_info(city_code)
        setting = CitySetting(
            city_code=info.code,
            city_name=info.name,
            mayor_name=info.mayor_name,
            prefecture=info.prefecture,
            copy_limit=10,
            kazei_fiscal_years=_offered(as_of or clock.today()),
        )
        session.add(setting)
        session.flush()
        session.add_all(DocumentSetting(city_code=info.code, doc=doc, fee=fee) for doc, fee in info.fees)
        session.flush()
    return setting


def seed_city(
    session: Session,
    city_code: str,
    *,
    seed: int,
    households: int = 40,
    as_of: date | None = None,
    other_households: int | None = None,
    progress: Tick | None = None,
) -> list[SeededPerson]:
    """Create ``households`` synthetic households (1–6 members each) in the city's registry, the
    registers whose 本籍 is in the city (also of people living in the other demo city, which is
    planned with ``other_households``, default the same number), seals and tax records.

    ``as_of`` (default: today in Japan) is the day ages and dates are drawn against. Rows are flushed, not
    committed. Returns one SeededPerson per resident, in insertion order. ``progress`` is told
    how planning goes (households planned, households in all); the world planned for one city
    is kept for the other city of the same world (it is the same plan, and planning is most of
    the work).
    """
    if households < _MIN_HOUSEHOLDS:
        raise ValueError(f"need at least {_MIN_HOUSEHOLDS} households to hold every special kind")
    city = city_info(city_code)
    as_of = as_of or clock.today()
    other = next(code for code in CITIES if code != city.code)
    world = _world(seed, as_of, {city.code: households, other: other_households or households}, progress)
    plans = world.households[city.code]
    rng = random.Random(f"kofu.city.registry.extras:{city.code}:{seed}:{as_of.isoformat()}")
    residents = [p for plan in plans for p in plan.members]
    plain = [p for plan in plans if plan.special is None and not plan.features for p in plan.members]
    plain_adults = [p for p in plain if p.age(as_of) >= 18 and p.status == "active"]
    picked = rng.sample(plain_adults, 2) if len(plain_adults) >= 2 else [None, None]
    seals = plan_seals(rng, residents, as_of, abolished=picked[0])
    current = fiscal_year_of(as_of)
    taxes = [
        tax
        for year in _offered(as_of)
        for plan in plans
        for tax in plan_taxes(rng, plan, year, undeclared={id(picked[1])} if year == current else set())
    ]
    ensure_city_setting(session, city.code, as_of=as_of)
    ids, household_ids = write_city(session, world, city.code, seals, taxes)
    session.flush()
    seals_of: dict[int, list] = {}  # type: ignore[type-arg]
    for seal in seals:
        seals_of.setdefault(id(seal.person), []).append(seal)
    tax_of = {id(t.person): t for t in taxes if t.fiscal_year == current}
    return [
        _seeded(
            person,
            plan,
            ids[person],
            household_ids[plan],
            city.code,
            as_of,
            seals_of.get(id(person), []),
            tax_of.get(id(person)),
        )
        for plan in plans
        for person in plan.members
    ]


_last_world: tuple[tuple[object, ...], World] | None = None


def _world(seed: int, as_of: date, counts: dict[str, int], progress: Tick | None) -> World:
    """The planned world, planned once for the two cities seeded one after the other."""
    global _last_world
    key = (seed, as_of, tuple(sorted(counts.items())))
    if _last_world is not None and _last_world[0] == key:
        world = _last_world[1]
        _last_world = None  # each city's writer takes it once: the next seeding plans afresh
        return world
    world = build_world(seed, as_of, counts, progress)
    _last_world = (key, world)
    return world


def _seeded(  # type: ignore[no-untyped-def]
    person: PersonPlan,
    plan: HouseholdPlan,
    resident_id: int,
    household_id: int,
    city_code: str,
    as_of: date,
    seals,
    tax,
) -> SeededPerson:
    return SeededPerson(
        resident_id=resident_id,
        name=person.name,
        city_code=city_code,
        age=person.age(as_of),
        traits=traits_of(person, plan, city_code, as_of, seals, tax),
        household_id=household_id,
        birth_date=person.birth_date,
        honseki=person.honseki,
        hittosha=person.hittosha,
        honseki_city_code=person.honseki_city_code,
    )
