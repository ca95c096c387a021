"""Synthetic residents for the demo cities, plus the two writes other actors need at setup.

``seed_city`` is deterministic: the same city code, seed and ``as_of`` always produce the same
rows (it seeds its own ``random.Random`` and Faker ``ja_JP`` and never touches global random
state). Every seeded city holds at least one adult of each kind the kiosk must refuse:

* moved-out — a household head; the whole household moved out;
* deceased — a parent of the head, in a household that stays active;
* dv-protected — a household head (their household is covered by the same 支援措置);
* pending-change — a household head with a notice not yet reflected.

About 20% of households (and so of residents) have their 本籍 in the other demo city.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from faker import Faker
from sqlalchemy.orm import Session

from kofu.city.registry.cities import CITIES, CityInfo
from kofu.city.registry.errors import UnknownCity, UnknownResident
from kofu.city.registry.models import (
    CARD_ACTIVE,
    RESIDENT_ACTIVE,
    RESIDENT_DECEASED,
    RESIDENT_MOVED_OUT,
    Address,
    Card,
    CitySetting,
    Household,
    Resident,
)
from kofu.city.registry.queries import normalize_cert_serial
from kofu.city.registry.seed_plan import HouseholdPlan, Planner

__all__ = [
    "CITIES",
    "TRAITS",
    "CityInfo",
    "SeededPerson",
    "ensure_city_setting",
    "register_card",
    "seed_city",
]

#: Every trait a SeededPerson can carry.
TRAITS = (
    "household-head",
    "household-member",
    "adult",
    "minor",
    "dv-protected",
    "moved-out",
    "deceased",
    "pending-change",
    "honseki-elsewhere",
    "honseki-here",
)

#: Share of households whose 本籍 is in the other demo city.
HONSEKI_ELSEWHERE_SHARE = 0.2
_MIN_HOUSEHOLDS = 4  # one per special kind


@dataclass(frozen=True)
class SeededPerson:
    """A seeded resident and what makes them interesting to a test or a demo card."""

    resident_id: int
    name: str
    city_code: str
    age: int
    traits: tuple[str, ...]
    household_id: int = 0


def city_info(city_code: str) -> CityInfo:
    """The demo city with this code; raises UnknownCity."""
    try:
        return CITIES[city_code]
    except KeyError:
        raise UnknownCity(f"no demo city with code {city_code!r}") from None


def ensure_city_setting(session: Session, city_code: str) -> CitySetting:
    """The city's CitySetting row, created from CITIES when missing (flushed, not committed)."""
    setting = session.get(CitySetting, city_code)
    if setting is None:
        info = city_info(city_code)
        setting = CitySetting(
            city_code=info.code, city_name=info.name, mayor_name=info.mayor_name, prefecture=info.prefecture
        )
        session.add(setting)
        session.flush()
    return setting


def register_card(
    session: Session, resident_id: int, cert_serial_hex: str, label: str, *, issued_on: date | None = None
) -> Card:
    """Record an active card for a resident (serial stored as upper-case hex); flushed, not committed.

    Raises UnknownResident or InvalidCertSerial; a serial already registered fails on flush with
    SQLAlchemy's IntegrityError.
    """
    if session.get(Resident, resident_id) is None:
        raise UnknownResident(f"no resident {resident_id}")
    card = Card(
        cert_serial_hex=normalize_cert_serial(cert_serial_hex),
        label=label,
        resident_id=resident_id,
        status=CARD_ACTIVE,
        issued_on=issued_on or date.today(),
    )
    session.add(card)
    session.flush()
    return card


def seed_city(
    session: Session, city_code: str, *, seed: int, households: int = 40, as_of: date | None = None
) -> list[SeededPerson]:
    """Create ``households`` synthetic households (1–6 members each) in the city's registry.

    ``as_of`` (default: today) is the day ages and dates are drawn against; data is identical for
    the same (city_code, seed, as_of). Rows are flushed, not committed. Returns one SeededPerson
    per resident, in insertion order.
    """
    if households < _MIN_HOUSEHOLDS:
        raise ValueError(f"need at least {_MIN_HOUSEHOLDS} households to hold every special kind")
    city = city_info(city_code)
    other = next(c for c in CITIES.values() if c.code != city.code)
    as_of = as_of or date.today()
    rng = random.Random(f"kofu.city.registry:{city_code}:{seed}")
    fake = Faker("ja_JP")
    fake.seed_instance(rng.getrandbits(64))
    planner = Planner(rng, fake, city, other, as_of)

    elsewhere = set(rng.sample(range(households), round(households * HONSEKI_ELSEWHERE_SHARE)))
    moved, deceased, dv, pending = rng.sample(range(households), 4)
    forced = {deceased: "three_gen", dv: rng.choice(("single", "single_parent"))}
    plans = [planner.household(forced.get(i), honseki_elsewhere=i in elsewhere) for i in range(households)]

    ensure_city_setting(session, city_code)
    rows = [_household_rows(plan, city) for plan in plans]
    session.add_all(household for household, _ in rows)  # cascades to address and members
    session.flush()
    for household, residents in rows:
        household.head_resident_id = residents[0].id
    _mark_special(rng, as_of, rows[moved][1], rows[deceased][1], rows[dv][1], rows[pending][1])
    session.flush()
    return [_seeded(person, city.code, as_of) for _, residents in rows for person in residents]


def _household_rows(plan: HouseholdPlan, city: CityInfo) -> tuple[Household, list[Resident]]:
    address = Address(
        prefecture=city.prefecture,
        city_name=city.name,
        town=plan.town,
        chome_banchi=plan.chome_banchi,
        building=plan.building,
    )
    household = Household(address=address, created=plan.created)
    residents = [
        Resident(
            household=household,
            family_name=p.family_name,
            given_name=p.given_name,
            family_kana=p.family_kana,
            given_kana=p.given_kana,
            birth_date=p.birth_date,
            sex=p.sex,
            zokugara=p.zokugara,
            became_resident_date=p.became_resident_date,
            became_resident_reason=p.became_resident_reason,
            address_defined_date=p.address_defined_date,
            prior_address=p.prior_address,
            honseki=p.honseki,
            honseki_city_code=p.honseki_city_code,
            hittosha=p.hittosha,
            status=RESIDENT_ACTIVE,
            dv_protected=False,
            pending_change=False,
        )
        for p in plan.members
    ]
    return household, residents


def _mark_special(
    rng: random.Random,
    as_of: date,
    moved: list[Resident],
    deceased: list[Resident],
    dv: list[Resident],
    pending: list[Resident],
) -> None:
    def after(day: date) -> date:
        low, high = day + timedelta(days=1), as_of - timedelta(days=1)
        return low + timedelta(days=rng.randint(0, max(0, (high - low).days)))

    left_on = after(max(r.became_resident_date for r in moved))
    for resident in moved:
        resident.status, resident.status_date = RESIDENT_MOVED_OUT, left_on
    parent = next(r for r in deceased if r.zokugara in ("父", "母"))
    parent.status, parent.status_date = RESIDENT_DECEASED, after(parent.became_resident_date)
    for resident in dv:  # the 支援措置 covers the household the applicant lives with
        resident.dv_protected = True
    pending[0].pending_change = True


def _seeded(resident: Resident, city_code: str, as_of: date) -> SeededPerson:
    age = resident.age_on(as_of)
    traits = ["household-head" if resident.zokugara == "世帯主" else "household-member"]
    traits.append("adult" if age >= 18 else "minor")
    if resident.dv_protected:
        traits.append("dv-protected")
    if resident.status == RESIDENT_MOVED_OUT:
        traits.append("moved-out")
    if resident.status == RESIDENT_DECEASED:
        traits.append("deceased")
    if resident.pending_change:
        traits.append("pending-change")
    traits.append("honseki-here" if resident.honseki_city_code == city_code else "honseki-elsewhere")
    return SeededPerson(
        resident_id=resident.id,
        name=resident.name,
        city_code=city_code,
        age=age,
        traits=tuple(traits),
        household_id=resident.household_id,
    )
