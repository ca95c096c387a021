"""Seeding: deterministic, plausible, and holding every kind of resident a kiosk refuses."""

from __future__ import annotations

from collections import Counter
from datetime import date
from pathlib import Path

import pytest
from registry_testdata import AS_OF, KODAIRA, NISHITOKYO
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from kofu.city.registry import (
    CITIES,
    Address,
    Card,
    CitySetting,
    Household,
    Resident,
    UnknownCity,
    UnknownResident,
    create_schema,
    ensure_city_setting,
    make_engine,
    register_card,
    seed_city,
    session_factory,
    sqlite_url,
)
from kofu.city.registry.errors import InvalidCertSerial
from kofu.city.registry.juminhyo_code import is_juminhyo_code
from kofu.city.registry.seed import SeededPerson


def _snapshot(path: Path, city_code: str, seed: int) -> list[tuple[object, ...]]:
    engine = make_engine(sqlite_url(path))
    create_schema(engine)
    with session_factory(engine).begin() as session:
        seed_city(session, city_code, seed=seed, as_of=AS_OF)
    with session_factory(engine)() as session:
        stmt = (
            select(Resident, Address).join(Resident.household).join(Household.address).order_by(Resident.id)
        )
        rows = [
            (
                r.name,
                r.kana,
                r.birth_date,
                r.sex,
                r.zokugara,
                r.honseki,
                r.hittosha,
                r.status,
                r.prior_address,
                r.juminhyo_code,
                a.full_text,
            )
            for r, a in session.execute(stmt)
        ]
    engine.dispose()
    return rows


def test_same_seed_same_data_and_other_seed_differs(tmp_path: Path) -> None:
    first = _snapshot(tmp_path / "a.db", NISHITOKYO, seed=1)
    second = _snapshot(tmp_path / "b.db", NISHITOKYO, seed=1)
    other = _snapshot(tmp_path / "c.db", NISHITOKYO, seed=2)
    assert first == second
    assert first != other
    assert [row[0] for row in first] != [row[0] for row in other]


def test_cities_are_seeded_differently_with_their_own_towns(tmp_path: Path) -> None:
    nishitokyo = _snapshot(tmp_path / "n.db", NISHITOKYO, seed=1)
    kodaira = _snapshot(tmp_path / "k.db", KODAIRA, seed=1)
    assert all(str(row[-1]).startswith("東京都西東京市") for row in nishitokyo)
    assert all(str(row[-1]).startswith("東京都小平市") for row in kodaira)
    assert [row[0] for row in nishitokyo] != [row[0] for row in kodaira]


def test_every_special_kind_exists_once_with_an_adult(seeded: list[SeededPerson]) -> None:
    for trait in ("moved-out", "deceased", "dv-protected", "pending-change"):
        people = [p for p in seeded if trait in p.traits]
        assert people, trait
        assert any("adult" in p.traits and p.age >= 18 for p in people), trait
    heads = {
        trait: [p for p in seeded if trait in p.traits and "household-head" in p.traits]
        for trait in ("moved-out", "dv-protected", "pending-change")
    }
    assert all(heads.values()), heads
    deceased = [p for p in seeded if "deceased" in p.traits]
    assert all("household-member" in p.traits for p in deceased)


def test_moved_out_household_moved_out_whole_and_deceased_household_stays(
    seeded: list[SeededPerson], sessions: sessionmaker[Session]
) -> None:
    moved = next(p for p in seeded if "moved-out" in p.traits)
    dead = next(p for p in seeded if "deceased" in p.traits)
    with sessions() as session:
        moved_household = session.scalars(
            select(Resident).where(Resident.household_id == moved.household_id)
        ).all()
        assert {r.status for r in moved_household} == {"moved_out"}
        assert all(r.status_date is not None for r in moved_household)
        dead_household = session.scalars(
            select(Resident).where(Resident.household_id == dead.household_id)
        ).all()
        statuses = Counter(r.status for r in dead_household)
        assert statuses["deceased"] == 1 and statuses["active"] >= 1
    others = [p for p in seeded if p.household_id not in (moved.household_id, dead.household_id)]
    assert not any({"moved-out", "deceased"} & set(p.traits) for p in others)


def test_everyone_else_is_active_and_unflagged(seeded: list[SeededPerson]) -> None:
    special = {"moved-out", "deceased", "dv-protected", "pending-change"}
    plain = [p for p in seeded if not special & set(p.traits)]
    assert len(plain) >= len(seeded) - 12


def test_honseki_elsewhere_share_and_codes(
    seeded: list[SeededPerson], sessions: sessionmaker[Session]
) -> None:
    elsewhere = [p for p in seeded if "honseki-elsewhere" in p.traits]
    assert 0.10 <= len(elsewhere) / len(seeded) <= 0.35
    with sessions() as session:
        for resident in session.scalars(select(Resident)):
            if resident.is_foreign:  # no 戸籍: no 本籍, no 筆頭者
                assert resident.honseki is None and resident.hittosha is None
                assert resident.honseki_city_code is None and resident.residence_card_number
                continue
            assert resident.honseki_city_code is not None and resident.hittosha is not None
            city = CITIES[resident.honseki_city_code]
            assert resident.honseki.startswith(city.full_name)
            assert resident.honseki.endswith("番地")
            household_names = {
                r.name
                for r in session.scalars(
                    select(Resident).where(Resident.household_id == resident.household_id)
                )
            }
            assert resident.hittosha in household_names or resident.hittosha.startswith(resident.family_name)


def test_households_are_plausible(seeded: list[SeededPerson], sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        households = session.scalars(select(Household)).all()
        assert len(households) == 40
        for household in households:
            members = session.scalars(select(Resident).where(Resident.household_id == household.id)).all()
            assert 1 <= len(members) <= 6
            heads = [m for m in members if m.zokugara == "世帯主"]
            assert len(heads) == 1 and heads[0].id == household.head_resident_id
            assert heads[0].age_on(AS_OF) >= 18
            if not any(m.is_foreign for m in members):  # foreign spouses keep their own names
                assert len({m.family_name for m in members}) == 1
            assert len({m.given_name for m in members}) == len(members)
            for m in members:
                assert m.birth_date <= m.became_resident_date <= m.address_defined_date <= AS_OF
                assert (m.prior_address is None) == (m.became_resident_reason == "出生")
                if m.zokugara == "子":
                    assert m.birth_date > heads[0].birth_date
        address = session.scalars(select(Address)).first()
        assert address is not None and "丁目" in address.chome_banchi and "番" in address.chome_banchi
        assert address.full_text.startswith("東京都西東京市" + address.town)


def test_seeding_forty_households_gives_everyone_an_id(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        people = seed_city(session, KODAIRA, seed=3, as_of=AS_OF)
    assert len(people) > 40
    assert len({p.resident_id for p in people}) == len(people)
    with sessions() as session:
        assert session.scalars(select(Resident.id).order_by(Resident.id)).all() == sorted(
            p.resident_id for p in people
        )


def test_every_seeded_resident_has_a_valid_code_of_their_own(sessions: sessionmaker[Session]) -> None:
    """Valid 住民票コード (``is_juminhyo_code``), distinct, also when a city is seeded again."""
    with sessions.begin() as session:
        people = seed_city(session, KODAIRA, seed=3, as_of=AS_OF)
        people += seed_city(session, KODAIRA, seed=4, as_of=AS_OF)
    with sessions() as session:
        codes = session.scalars(select(Resident.juminhyo_code)).all()
    assert len(codes) == len(people) > 80
    assert all(is_juminhyo_code(code) for code in codes)
    assert len(set(codes)) == len(codes)


def test_unknown_city_and_too_few_households(sessions: sessionmaker[Session]) -> None:
    with sessions() as session:
        with pytest.raises(UnknownCity) as info:
            seed_city(session, "999999", seed=1)
        assert info.value.code == "city.registry.unknown_city"
        with pytest.raises(ValueError):
            seed_city(session, NISHITOKYO, seed=1, households=3)


def test_city_setting_is_created_once(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        first = ensure_city_setting(session, KODAIRA)
        again = ensure_city_setting(session, KODAIRA)
        assert first is again
    with sessions() as session:
        settings = session.scalars(select(CitySetting)).all()
        assert [(s.city_code, s.city_name, s.prefecture) for s in settings] == [(KODAIRA, "小平市", "東京都")]
        assert settings[0].mayor_name == CITIES[KODAIRA].mayor_name
        assert {d.doc for d in settings[0].documents} == {"juminhyo", "inkan", "koseki", "fuhyo", "kazei"}


def test_register_card(seeded: list[SeededPerson], sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        card = register_card(
            session, seeded[0].resident_id, "0a:1b:2c", "NT-0001", issued_on=date(2026, 1, 5)
        )
        assert card.cert_serial_hex == "0A1B2C" and card.status == "active"
        with pytest.raises(UnknownResident) as unknown:
            register_card(session, 10_000, "FF", "NT-9999")
        assert unknown.value.code == "city.registry.unknown_resident"
        with pytest.raises(InvalidCertSerial):
            register_card(session, seeded[0].resident_id, "not-hex", "NT-0002")
    with sessions() as session:
        assert session.scalars(select(Card.label)).all() == ["NT-0001"]
