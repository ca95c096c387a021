"""戸籍 and 附票 as seeded in both cities: consistent families, kept by the 本籍地 city."""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from registry_testdata import AS_OF, count_statements
from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from conftest import SeededCity
from kofu.city.registry import (
    CITIES,
    KosekiMember,
    KosekiRegister,
    Resident,
    find_member,
    fuhyo_for_register,
    koseki_by_honseki,
    koseki_for_resident,
)
from kofu.city.registry.seed.addresses import rename
from kofu.city.registry.seed.registers import KAISEI_ON

_ORDER = "長二三四五六七"


def _registers(session: Session) -> list[KosekiRegister]:
    stmt = select(KosekiRegister).options(
        selectinload(KosekiRegister.members).selectinload(KosekiMember.events)
    )
    return list(session.scalars(stmt))


def _all_registers(cities: dict[str, SeededCity]) -> dict[str, list[KosekiRegister]]:
    found = {}
    for code, city in cities.items():
        with city.sessions() as session:
            found[code] = _registers(session)
    return found


def _label(register: KosekiRegister) -> str:
    return f"{register.honseki}\u3000{register.hittosha}"


def test_every_register_has_one_hittosha_first_and_kaisei_when_old(cities: dict[str, SeededCity]) -> None:
    for code, registers in _all_registers(cities).items():
        assert registers, code
        for register in registers:
            assert register.honseki.startswith(CITIES[code].full_name)
            heads = [m for m in register.members if m.is_hittosha]
            assert len(heads) == 1, _label(register)
            assert register.members[0] is heads[0] and heads[0].name == register.hittosha
            assert [m.position for m in register.members] == list(range(1, len(register.members) + 1))
            assert register.hensei_on <= AS_OF
            assert (register.kaisei_on is not None) == (register.hensei_on < KAISEI_ON[code])


def test_every_member_is_born_first_and_left_with_a_reason(cities: dict[str, SeededCity]) -> None:
    for registers in _all_registers(cities).values():
        for register in registers:
            for member in register.members:
                kinds = [e.kind for e in member.events]
                assert kinds[0] == "出生" and member.events[0].event_on == member.birth_date
                assert member.events[0].reported_on is not None and member.events[0].reporter in ("父", "母")
                if member.removed:
                    assert member.removed_reason in kinds, (member.name, kinds)
                    assert member.removed_on is not None and member.removed_on <= AS_OF
                    left = next(e for e in member.events if e.kind == member.removed_reason)
                    if member.removed_reason == "婚姻":
                        assert left.new_register and left.counterpart_name  # 新本籍 and 配偶者氏名


def test_a_married_person_is_in_the_new_register_and_removed_from_the_parents(
    cities: dict[str, SeededCity],
) -> None:
    registers = [r for rs in _all_registers(cities).values() for r in rs]
    by_label = {_label(r): r for r in registers}
    checked = 0
    for register in registers:
        for member in register.members:
            for event in member.events:
                cited = rename(event.previous_register or "", AS_OF)  # written in the names of its day
                if event.kind != "婚姻" or cited not in by_label:
                    continue
                parents = by_label[cited]
                before = [
                    m
                    for m in parents.members
                    if m.given_name == member.given_name and m.birth_date == member.birth_date
                ]
                assert len(before) == 1, (member.name, event.previous_register)
                assert before[0].removed and before[0].removed_reason == "婚姻"
                assert before[0].removed_on == event.event_on
                marriage = next(e for e in before[0].events if e.kind == "婚姻")
                assert rename(marriage.new_register or "", AS_OF) == _label(register)
                checked += 1
    assert checked >= 10


def test_children_match_the_couple_of_their_register_and_are_counted_in_birth_order(
    cities: dict[str, SeededCity],
) -> None:
    checked = 0
    for registers in _all_registers(cities).values():
        for register in registers:
            husbands = [m for m in register.members if m.spouse_kind == "夫"]
            wives = [m for m in register.members if m.spouse_kind == "妻"]
            children = [  # not the 筆頭者, nor a spouse (divorced ones have no 配偶者区分 left)
                m
                for m in register.members
                if m.spouse_kind is None
                and not m.is_hittosha
                and not any(e.previous_register for e in m.events if e.kind in ("婚姻", "離婚"))
            ]
            by_mother: dict[str | None, list[KosekiMember]] = defaultdict(list)
            for child in children:
                by_mother[child.mother_name].append(child)
                if husbands and wives and child.adoptive_father_name is None:
                    assert child.father_name == husbands[0].name and child.mother_name == wives[0].name
                    assert child.birth_date > max(husbands[0].birth_date, wives[0].birth_date)
                    checked += 1
            for same_mother in by_mother.values():
                for sex in ("男", "女"):
                    ordered = sorted((c for c in same_mother if c.sex == sex), key=lambda c: c.birth_date)
                    assert [c.zokugara for c in ordered] == [f"{_ORDER[n]}{sex}" for n in range(len(ordered))]
    assert checked >= 20


def test_divorce_and_death_are_recorded_on_both_sides(cities: dict[str, SeededCity]) -> None:
    divorces = deaths = 0
    for registers in _all_registers(cities).values():
        for register in registers:
            for member in register.members:
                if member.removed_reason == "離婚":
                    divorce = next(e for e in member.events if e.kind == "離婚")
                    head = register.members[0]
                    assert any(e.kind == "離婚" and e.event_on == divorce.event_on for e in head.events)
                    divorces += 1
                if member.removed_reason == "死亡":
                    death = next(e for e in member.events if e.kind == "死亡")
                    assert death.event_on == member.removed_on and death.place and death.reporter
                    deaths += 1
    assert divorces >= 2 and deaths >= 5


def test_every_japanese_resident_is_in_the_register_their_honseki_names(
    cities: dict[str, SeededCity],
) -> None:
    sessions = {code: city.sessions() for code, city in cities.items()}
    try:
        for code in cities:
            residents = sessions[code].scalars(select(Resident)).all()
            for resident in residents:
                if resident.is_foreign:
                    assert koseki_for_resident(sessions[code], resident.id) is None
                    continue
                kept = sessions[resident.honseki_city_code]  # type: ignore[index]
                register = koseki_by_honseki(kept, resident.honseki or "", resident.hittosha or "")
                assert register is not None, (resident.name, resident.honseki, resident.hittosha)
                entries = [
                    m
                    for m in register.members
                    if m.name == resident.name and m.birth_date == resident.birth_date
                ]
                assert len(entries) == 1
                member = entries[0]
                if resident.status == "deceased":
                    assert member.removed and member.removed_reason == "死亡"
                    assert member.removed_on == resident.status_date
                    continue
                assert not member.removed
                assert (
                    find_member(register, resident.name.replace("\u3000", " "), resident.birth_date) is member
                )
                if resident.honseki_city_code == code:
                    assert member.resident_id == resident.id
                    found = koseki_for_resident(sessions[code], resident.id)
                    assert found is not None and found.id == member.id
                else:
                    assert member.resident_id is None  # lives in the other city: no link across databases
                    assert koseki_for_resident(sessions[code], resident.id) is None
    finally:
        for session in sessions.values():
            session.close()


def test_register_queries_take_three_statements(cities: dict[str, SeededCity]) -> None:
    city = next(iter(cities.values()))
    with city.sessions() as session:
        resident = session.scalars(
            select(Resident).where(Resident.honseki_city_code == city.code, Resident.status == "active")
        ).first()
        assert resident is not None
    with city.sessions() as session, count_statements(city.engine) as statements:
        member = koseki_for_resident(session, resident.id)
        assert member is not None
        register = member.register
        assert all(m.events for m in register.members)
    assert len(statements) == 3
    with city.sessions() as session, count_statements(city.engine) as statements:
        spaced = (resident.hittosha or "").replace("\u3000", " ")
        again = koseki_by_honseki(session, resident.honseki or "", spaced)
        assert again is not None and [m.name for m in again.members] == [m.name for m in register.members]
        assert all(m.events for m in again.members)
    assert len(statements) == 3
    with city.sessions() as session:
        assert koseki_by_honseki(session, resident.honseki or "", "誰\u3000もいない") is None


def test_fuhyo_lists_each_members_addresses_in_order_ending_at_home(cities: dict[str, SeededCity]) -> None:
    city = next(iter(cities.values()))
    with city.sessions() as session:
        residents = session.scalars(
            select(Resident).where(Resident.honseki_city_code == city.code, Resident.status == "active")
        ).all()
        checked = 0
        for resident in residents[:30]:
            member = koseki_for_resident(session, resident.id)
            assert member is not None
            with count_statements(city.engine) as statements:
                lines = fuhyo_for_register(session, member.koseki_id)
                assert {line.member.koseki_id for line in lines} == {member.koseki_id}
            assert len(statements) == 1
            own = [line for line in lines if line.member_id == member.id]
            assert own and own[-1].address == resident.household.address.full_text
            assert own[-1].defined_on == resident.address_defined_date
            assert [line.defined_on for line in own] == sorted(line.defined_on for line in own)
            positions = [(line.member.position, line.position) for line in lines]
            assert positions == sorted(positions)
            checked += 1
        assert checked >= 10


def test_moved_out_members_fuhyo_shows_where_they_went(cities: dict[str, SeededCity]) -> None:
    found = 0
    for code, city in cities.items():
        with city.sessions() as session:
            moved = session.scalars(select(Resident).where(Resident.status == "moved_out")).all()
        assert moved, code
        for resident in moved:
            with cities[resident.honseki_city_code or ""].sessions() as kept:
                register = koseki_by_honseki(kept, resident.honseki or "", resident.hittosha or "")
                assert register is not None
                member = find_member(register, resident.name, resident.birth_date)
                assert member is not None
                own = [line for line in fuhyo_for_register(kept, register.id) if line.member_id == member.id]
            assert own[-1].defined_on == resident.status_date  # the 附票 follows them out of the city
            assert not own[-1].address.startswith(CITIES[code].full_name)
            found += 1
    assert found >= 2


def test_registers_of_people_living_in_the_other_city_are_kept_here(cities: dict[str, SeededCity]) -> None:
    for code, city in cities.items():
        with city.sessions() as session:
            unlinked = session.scalars(
                select(KosekiMember).where(
                    KosekiMember.resident_id.is_(None), KosekiMember.removed.is_(False)
                )
            ).all()
            assert unlinked, code  # parents living elsewhere, and residents of the other city
    other_residents = 0
    for city in cities.values():
        for person in city.people:
            if "honseki-elsewhere" in person.traits:
                other = cities[person.honseki_city_code or ""]
                with other.sessions() as session:
                    register = koseki_by_honseki(session, person.honseki or "", person.hittosha or "")
                    assert register is not None
                    assert person.birth_date is not None
                    if "deceased" not in person.traits:
                        assert find_member(register, person.name, person.birth_date) is not None
                other_residents += 1
    assert other_residents >= 20


def test_events_have_dates_in_the_past(cities: dict[str, SeededCity]) -> None:
    for registers in _all_registers(cities).values():
        for register in registers:
            for member in register.members:
                for event in member.events:
                    assert date(1900, 1, 1) < event.event_on <= AS_OF, (member.name, event.kind)
