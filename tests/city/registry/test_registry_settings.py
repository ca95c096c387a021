"""City settings read live, and 利用登録 at the 本籍地 city: apply, approve, reject, look up."""

from __future__ import annotations

from datetime import datetime, time

import pytest
from registry_testdata import AS_OF, KODAIRA, NISHITOKYO, count_statements
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from conftest import SeededCity
from kofu.city.registry import (
    RegistrationMismatch,
    RegistrationNotPending,
    UnknownRegistration,
    apply_registration,
    approve_registration,
    city_settings,
    document_setting,
    pending_registrations,
    registration_for_card,
    reject_registration,
)
from kofu.city.registry.models import DocumentSetting, year_end_closed
from kofu.city.registry.seed import SeededPerson


def test_city_settings_in_two_statements(
    engine: Engine, sessions: sessionmaker[Session], seeded: list[SeededPerson]
) -> None:
    with sessions() as session, count_statements(engine) as statements:
        setting = city_settings(session, NISHITOKYO)
        assert setting is not None
        fees = {d.doc: d.fee for d in setting.documents}
    assert len(statements) == 2
    assert fees == {"juminhyo": 200, "inkan": 200, "koseki": 450, "fuhyo": 300, "kazei": 300}
    assert setting.copy_limit == 10 and setting.document("koseki") is not None
    with sessions.begin() as session:
        koseki = document_setting(session, NISHITOKYO, "koseki")
        assert koseki is not None
        koseki.offered = False  # the council's minority opinion: no 戸籍 at stores
    with sessions() as session:
        assert city_settings(session, KODAIRA) is None
        found = document_setting(session, NISHITOKYO, "koseki")
        assert found is not None and not found.open_at(datetime(2026, 11, 30, 10, 0))


def test_open_at_hours_weekdays_and_year_end() -> None:
    juminhyo = DocumentSetting(
        doc="juminhyo",
        fee=200,
        offered=True,
        opens_at=time(6, 30),
        closes_at=time(23, 0),
        weekdays_only=False,
    )
    koseki = DocumentSetting(
        doc="koseki", fee=450, offered=True, opens_at=time(9, 0), closes_at=time(17, 0), weekdays_only=True
    )
    monday, saturday = datetime(2026, 11, 30, 10, 0), datetime(2026, 11, 28, 10, 0)
    assert juminhyo.open_at(monday) and juminhyo.open_at(saturday)
    assert not juminhyo.open_at(datetime(2026, 11, 30, 6, 29)) and not juminhyo.open_at(
        datetime(2026, 11, 30, 23, 0)
    )
    assert koseki.open_at(monday) and not koseki.open_at(saturday)
    assert not koseki.open_at(datetime(2026, 11, 30, 17, 0))
    assert not juminhyo.open_at(datetime(2026, 12, 29, 10, 0)) and not juminhyo.open_at(
        datetime(2027, 1, 3, 10, 0)
    )
    assert year_end_closed(datetime(2026, 12, 31).date()) and not year_end_closed(datetime(2027, 1, 4).date())


def _applicant(cities: dict[str, SeededCity]) -> tuple[SeededPerson, SeededCity]:
    for city in cities.values():
        for person in city.people:
            if "honseki-elsewhere" in person.traits and person.age >= 18 and "deceased" not in person.traits:
                return person, cities[person.honseki_city_code or ""]
    raise AssertionError("no honseki-elsewhere adult")


def test_registration_is_applied_approved_and_found_by_card(cities: dict[str, SeededCity]) -> None:
    person, kept = _applicant(cities)
    assert person.birth_date is not None and person.honseki and person.hittosha
    with kept.sessions() as session:
        registration = apply_registration(
            session,
            cert_serial_hex="0a:bc:de",
            residence_city_code=person.city_code,
            honseki=person.honseki,
            hittosha=person.hittosha.replace("\u3000", ""),
            on=AS_OF,
            applicant_name=person.name,
            applicant_birth_date=person.birth_date,
        )
        assert registration.status == "pending" and registration.cert_serial_hex == "0ABCDE"
        assert pending_registrations(session) == [registration]
        same = apply_registration(
            session, cert_serial_hex="0ABCDE", residence_city_code=person.city_code, honseki=person.honseki,
            hittosha=person.hittosha, on=AS_OF,
        )  # fmt: skip
        assert same.id == registration.id
        with pytest.raises(RegistrationNotPending):
            apply_registration(
                session, cert_serial_hex="0ABCDE", residence_city_code=person.city_code, honseki="どこか1番地",
                hittosha=person.hittosha, on=AS_OF,
            )  # fmt: skip
        approved = approve_registration(session, registration.id, on=AS_OF)
        assert approved.status == "approved" and approved.decided_on == AS_OF
        with pytest.raises(RegistrationNotPending) as twice:
            approve_registration(session, registration.id, on=AS_OF)
        assert twice.value.code == "city.registry.registration_not_pending"
        session.commit()
    with kept.sessions() as session, count_statements(kept.engine) as statements:
        found = registration_for_card(session, "0ABCDE")
        assert found is not None and found.member is not None
        assert found.member.name == person.name and found.member.register.hittosha == person.hittosha
    assert len(statements) == 1
    with kept.sessions() as session:  # leave the module's database as it was
        found = registration_for_card(session, "0ABCDE")
        assert found is not None
        found.status = "rejected"
        session.commit()


def test_registration_mismatch_and_rejection(cities: dict[str, SeededCity]) -> None:
    person, kept = _applicant(cities)
    with kept.sessions() as session:
        wrong = apply_registration(
            session, cert_serial_hex="FEED01", residence_city_code=person.city_code, honseki=person.honseki or "",
            hittosha="存在\u3000しない", on=AS_OF, applicant_name=person.name, applicant_birth_date=person.birth_date,
        )  # fmt: skip
        with pytest.raises(RegistrationMismatch) as mismatch:
            approve_registration(session, wrong.id, on=AS_OF)
        assert mismatch.value.code == "city.registration.mismatch"
        stranger = apply_registration(
            session, cert_serial_hex="FEED02", residence_city_code=person.city_code, honseki=person.honseki or "",
            hittosha=person.hittosha or "", on=AS_OF, applicant_name="他人\u3000です", applicant_birth_date=AS_OF,
        )  # fmt: skip
        with pytest.raises(RegistrationMismatch):
            approve_registration(session, stranger.id, on=AS_OF)
        rejected = reject_registration(session, wrong.id, on=AS_OF, reason="本籍・筆頭者が一致しません")
        assert rejected.status == "rejected" and rejected.reason
        assert registration_for_card(session, "FEED01") is None
        with pytest.raises(UnknownRegistration):
            approve_registration(session, 10**6, on=AS_OF)
        session.rollback()


def test_a_city_may_open_over_the_year_end() -> None:
    from kofu.city.registry.models import DocumentSetting

    open_all_year = DocumentSetting(
        city_code="132292",
        doc="juminhyo",
        offered=True,
        fee=200,
        opens_at=time(6, 30),
        closes_at=time(23, 0),
        weekdays_only=False,
        year_end_closed=False,
    )
    assert open_all_year.open_at(datetime(2026, 12, 30, 10, 0))
    open_all_year.year_end_closed = True
    assert not open_all_year.open_at(datetime(2026, 12, 30, 10, 0))
