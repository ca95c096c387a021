"""印鑑登録: the live registration is read in one statement, abolition is seen at once, rules hold."""

from __future__ import annotations

from datetime import date

import pytest
from registry_testdata import AS_OF, count_statements
from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from kofu.city.registry import (
    Resident,
    SealImpression,
    SealRegistration,
    SealRegistrationRefused,
    abolish_seal_registration,
    live_seal_registration,
    register_seal,
    seal_registrations,
)
from kofu.city.registry.models import seal_shows_a_name
from kofu.city.registry.seed import SeededPerson


def _with(seeded: list[SeededPerson], trait: str) -> SeededPerson:
    return next(p for p in seeded if trait in p.traits and p.age >= 18)


def test_live_registration_in_one_statement_then_abolished_is_gone_at_once(
    engine: Engine, sessions: sessionmaker[Session], seeded: list[SeededPerson]
) -> None:
    person = _with(seeded, "inkan-registered")
    with sessions() as session, count_statements(engine) as statements:
        live = live_seal_registration(session, person.resident_id)
        assert live is not None and live.status == "active" and live.abolished_on is None
    assert len(statements) == 1
    assert live.seal.characters and live.seal.shape in ("round", "oval", "square")
    assert len(live.registration_number) == 8 and live.registration_number.isdigit()
    with sessions.begin() as session:
        gone = abolish_seal_registration(session, person.resident_id, on=AS_OF)
        assert gone is not None and gone.id == live.id
    with sessions() as session:
        assert live_seal_registration(session, person.resident_id) is None
        assert abolish_seal_registration(session, person.resident_id, on=AS_OF) is None
        history = seal_registrations(session, person.resident_id)
        assert history[-1].status == "abolished" and history[-1].abolished_on == AS_OF


def test_abolished_only_resident_has_no_live_registration(
    sessions: sessionmaker[Session], seeded: list[SeededPerson]
) -> None:
    person = _with(seeded, "inkan-abolished")
    with sessions() as session:
        assert live_seal_registration(session, person.resident_id) is None
        history = seal_registrations(session, person.resident_id)
        assert history and all(r.status == "abolished" and r.abolished_on for r in history)
        assert all(r.registered_on < r.abolished_on for r in history if r.abolished_on)


def test_nobody_under_fifteen_has_a_seal_and_nobody_has_two_live(
    sessions: sessionmaker[Session], seeded: list[SeededPerson]
) -> None:
    with sessions() as session:
        registrations = session.scalars(select(SealRegistration)).all()
        live_per_person: dict[int, int] = {}
        for registration in registrations:
            resident = session.get(Resident, registration.resident_id)
            assert resident is not None
            assert resident.age_on(registration.registered_on) >= 15
            if registration.status == "active":
                live_per_person[resident.id] = live_per_person.get(resident.id, 0) + 1
                assert resident.status == "active"  # moving out or dying ends a registration
        assert set(live_per_person.values()) == {1}


def test_register_seal_refuses_under_fifteen_and_a_second_live_one(
    sessions: sessionmaker[Session], seeded: list[SeededPerson]
) -> None:
    child = next(p for p in seeded if p.age < 15)
    adult = _with(seeded, "no-inkan")
    seal = SealImpression(shape="round", size_mm=12.0, columns=(("試",),))
    with sessions.begin() as session:
        with pytest.raises(SealRegistrationRefused) as refused:
            register_seal(
                session, session.get(Resident, child.resident_id), seal, number="90000001", on=AS_OF
            )  # type: ignore[arg-type]
        assert refused.value.code == "city.registry.seal_refused"
        resident = session.get(Resident, adult.resident_id)
        assert resident is not None
        made = register_seal(session, resident, seal, number="90000002", on=AS_OF)
        assert made.seal == seal
        with pytest.raises(SealRegistrationRefused):
            register_seal(session, resident, seal, number="90000003", on=AS_OF)


def test_the_database_itself_allows_one_live_registration(
    sessions: sessionmaker[Session], seeded: list[SeededPerson]
) -> None:
    person = _with(seeded, "inkan-registered")
    with sessions() as session:
        session.add(
            SealRegistration(
                resident_id=person.resident_id,
                registration_number="99999999",
                registered_on=date(2026, 1, 1),
                status="active",
                impression=SealImpression("round", 12.0, (("二",),)).to_json(),
            )
        )
        with pytest.raises(IntegrityError):
            session.flush()


def test_impression_json_round_trip_keeps_ivs_as_one_character() -> None:
    seal = SealImpression(
        "square", 15.0, (("葛\U000e0100", "西"), ("健", "一")), rotation_deg=-2.5, style="insou"
    )
    again = SealImpression.from_json(seal.to_json())
    assert again == seal
    assert again.characters == "葛\U000e0100西健一"
    assert len(again.columns[0]) == 2


@pytest.mark.parametrize(
    ("characters", "names", "shows"),
    [
        ("田無太郎", ["田無\u3000太郎"], True),  # 氏名
        ("田無", ["田無\u3000太郎"], True),  # 氏
        ("太郎", ["田無\u3000太郎"], True),  # 名
        ("田無太", ["田無\u3000太郎"], True),  # 氏と名の一部
        ("田太", ["田無\u3000太郎"], True),  # 氏の頭文字と名の頭文字
        ("田無太郎之印", ["田無\u3000太郎"], True),
        ("無郎", ["田無\u3000太郎"], False),  # the last characters: not allowed
        ("佐藤", ["田無\u3000太郎"], False),  # a former surname
        ("たなし", ["田無\u3000太郎"], False),  # the name rewritten in kana
        ("架空", ["ALVES FICTA MARINA", "架空\u3000まりな"], True),  # the 通称
        (
            "アウヴェス",
            ["ALVES FICTA MARINA", "アウヴェス\u3000フィクタ\u3000マリナ"],
            True,
        ),  # カタカナ併記名
        ("アウヴェス", ["ALVES FICTA MARINA"], False),  # katakana without a カタカナ併記名
        ("MARINA", ["ALVES FICTA MARINA"], True),
        ("髙橋", ["髙橋\u3000修"], True),
        ("高橋", ["髙橋\u3000修"], False),  # another character than the 住民票's
    ],
)
def test_a_seal_must_show_a_name_the_certificate_prints(
    characters: str, names: list[str], shows: bool
) -> None:
    assert seal_shows_a_name(characters, names) is shows


def test_every_live_seeded_seal_shows_a_printed_name(
    sessions: sessionmaker[Session], seeded: list[SeededPerson]
) -> None:
    with sessions() as session:
        live = session.scalars(select(SealRegistration).where(SealRegistration.status == "active")).all()
        assert len(live) > 20
        for registration in live:
            resident = registration.resident
            names = [n for n in (resident.name, resident.alias_name, resident.katakana_name) if n]
            assert seal_shows_a_name(registration.seal.characters, names), registration.id
