"""Names outside JIS X 0208 (髙, 﨑, 𠮷 beyond the BMP, 葛 with an IVS selector) survive the
database unchanged, on SQLite and PostgreSQL, and are found again by the register query."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from registry_testdata import AS_OF, NISHITOKYO
from sqlalchemy import Engine, select

from kofu.city.registry import (
    KosekiMember,
    Resident,
    SealRegistration,
    create_schema,
    koseki_by_honseki,
    make_engine,
    seed_city,
    session_factory,
    sqlite_url,
)
from kofu.city.registry.seed.names import RARE_FAMILY_NAMES, has_rare_character

CODE_POINTS = {
    "髙橋": [0x9AD9, 0x6A4B],
    "山﨑": [0x5C71, 0xFA11],
    "\U00020bb7田": [0x20BB7, 0x7530],
    "葛\U000e0100西": [0x845B, 0xE0100, 0x897F],
}


@pytest.fixture(params=["sqlite", "postgresql"])
def any_engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        engine = make_engine(sqlite_url(tmp_path / "rare.db"))
        yield engine
        engine.dispose()
    else:
        yield request.getfixturevalue("pg_engine")


def test_the_four_rare_names_have_the_right_code_points() -> None:
    assert {family: [ord(c) for c in family] for family, _ in RARE_FAMILY_NAMES} == CODE_POINTS
    assert all(has_rare_character(family) for family in CODE_POINTS)
    assert not has_rare_character("高橋\u3000太郎") and not has_rare_character("NGUYEN\u3000VAN AN")


def test_rare_names_round_trip(any_engine: Engine) -> None:
    create_schema(any_engine)
    db = session_factory(any_engine)
    with db.begin() as session:
        seed_city(session, NISHITOKYO, seed=42, as_of=AS_OF)
    with db() as session:
        residents = session.scalars(select(Resident)).all()
        stored = {r.family_name for r in residents}
        assert set(CODE_POINTS) <= stored
        for resident in residents:
            if resident.family_name in CODE_POINTS:
                assert [ord(c) for c in resident.family_name] == CODE_POINTS[resident.family_name]
                member = session.scalars(
                    select(KosekiMember).where(
                        KosekiMember.resident_id == resident.id, KosekiMember.removed.is_(False)
                    )
                ).first()
                if member is not None:
                    assert member.family_name == resident.family_name
                    register = koseki_by_honseki(session, member.register.honseki, member.register.hittosha)
                    assert register is not None and register.id == member.koseki_id
        found = session.scalars(select(Resident).where(Resident.family_name == "葛\U000e0100西")).all()
        assert found and all(len(r.family_name) == 3 for r in found)
        plain = session.scalars(select(Resident).where(Resident.family_name == "葛西")).all()
        assert all(r.family_name == "葛西" for r in plain)  # the selector is part of the name
        seals = session.scalars(select(SealRegistration)).all()
        columns = [tuple(c) for s in seals for c in s.impression["columns"]]
        assert all(isinstance(c, str) and len(c) <= 2 for column in columns for c in column)


def test_a_long_address_round_trips(any_engine: Engine) -> None:
    create_schema(any_engine)
    db = session_factory(any_engine)
    with db.begin() as session:
        people = seed_city(session, NISHITOKYO, seed=42, as_of=AS_OF)
    person = next(p for p in people if "long-address" in p.traits)
    with db() as session:
        resident = session.get(Resident, person.resident_id)
        assert resident is not None and len(resident.household.address.full_text) > 50
        assert resident.household.address.building and resident.household.address.building.endswith("号室")
        assert resident.birth_date < date.today()
