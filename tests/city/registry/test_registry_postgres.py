"""The same seed and query checks against PostgreSQL (skipped when no server is reachable)."""

from __future__ import annotations

import threading

from registry_testdata import AS_OF, KODAIRA, NISHITOKYO, count_statements
from sqlalchemy import Engine

from kofu.city.registry import (
    abolish_seal_registration,
    apply_registration,
    approve_registration,
    create_schema,
    fuhyo_for_register,
    household_members,
    koseki_for_resident,
    live_seal_registration,
    next_issue_number,
    register_card,
    register_seal,
    registration_for_card,
    resident_for_card,
    seed_city,
    session_factory,
    tax_record,
)
from kofu.city.registry.models import Resident, SealImpression
from kofu.city.registry.seed import SeededPerson


def test_postgres_seed_and_every_query(pg_engine: Engine) -> None:
    create_schema(pg_engine)
    sessions = session_factory(pg_engine)
    with sessions.begin() as session:
        seeded: list[SeededPerson] = seed_city(session, NISHITOKYO, seed=42, as_of=AS_OF)
        register_card(session, seeded[0].resident_id, "0A0B0C", "NT-0001")  # ids continue after the seed
    for trait in (
        "moved-out",
        "deceased",
        "dv-protected",
        "pending-change",
        "inkan-abolished",
        "foreign-resident",
    ):
        assert any(trait in p.traits for p in seeded), trait
    with sessions() as session, count_statements(pg_engine) as statements:
        resident = resident_for_card(session, "0a0b0c")
        assert resident is not None and resident.id == seeded[0].resident_id
        assert resident.household.address.full_text.startswith("東京都西東京市")
    assert len(statements) == 1
    with sessions() as session:
        assert resident_for_card(session, "FFFF") is None
        assert household_members(session, seeded[0].household_id)[0].zokugara == "世帯主"
        here = next(p for p in seeded if "honseki-here" in p.traits and "deceased" not in p.traits)
        member = koseki_for_resident(session, here.resident_id)
        assert member is not None and member.name == here.name
        assert fuhyo_for_register(session, member.koseki_id)
        declared = next(p for p in seeded if "tax-declared" in p.traits)
        record = tax_record(session, declared.resident_id, 2026)
        assert record is not None and record.declared
    sealed = next(p for p in seeded if "inkan-registered" in p.traits)
    with sessions.begin() as session:
        assert abolish_seal_registration(session, sealed.resident_id, on=AS_OF) is not None
    with sessions.begin() as session:
        assert live_seal_registration(session, sealed.resident_id) is None
        resident = session.get(Resident, sealed.resident_id)
        assert resident is not None
        again = register_seal(
            session, resident, SealImpression("round", 13.5, (("新",),)), number="80000001", on=AS_OF
        )
        assert again.id > 0  # the id sequence was moved past the seeded rows


def test_postgres_registration_across_cities(pg_engine: Engine) -> None:
    create_schema(pg_engine)
    sessions = session_factory(pg_engine)
    with (
        sessions.begin() as session
    ):  # the 本籍地 city's database (小平市 keeps 西東京市 residents' registers)
        seed_city(session, KODAIRA, seed=42, as_of=AS_OF)
    from kofu.city.registry.seed.world import build_world

    world = build_world(42, AS_OF, {NISHITOKYO: 40, KODAIRA: 40})
    person = next(
        p
        for h in world.households[NISHITOKYO]
        for p in h.members
        if p.honseki_city_code == KODAIRA and p.status == "active" and p.age(AS_OF) >= 18
    )
    with sessions.begin() as session:
        registration = apply_registration(
            session, cert_serial_hex="C0FFEE", residence_city_code=NISHITOKYO, honseki=person.honseki or "",
            hittosha=person.hittosha or "", on=AS_OF, applicant_name=person.name, applicant_birth_date=person.birth_date,
        )  # fmt: skip
        approve_registration(session, registration.id, on=AS_OF)
    with sessions() as session:
        found = registration_for_card(session, "c0ffee")
        assert found is not None and found.member is not None and found.member.name == person.name


def test_postgres_issue_numbers_are_unique_across_threads(pg_engine: Engine) -> None:
    create_schema(pg_engine)
    sessions = session_factory(pg_engine)
    taken: list[str] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            for _ in range(25):
                with sessions.begin() as session:
                    number = next_issue_number(session, NISHITOKYO, 2026)
                with lock:
                    taken.append(number)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    assert sorted(taken) == [f"2026-{n:06d}" for n in range(1, 201)]
