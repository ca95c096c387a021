"""Writes one city's part of the world: bulk INSERTs with ids chosen here (fast, portable).

Ids continue after the largest existing id of each table; on PostgreSQL the id sequences are
moved past them afterwards, so later ORM inserts (cards, 利用登録, new seals) do not collide.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, insert, select, text, update
from sqlalchemy.orm import Session

from kofu.city.registry.juminhyo_code import synthetic_juminhyo_code
from kofu.city.registry.models import (
    Address,
    FuhyoEntry,
    Household,
    KosekiEvent,
    KosekiMember,
    KosekiRegister,
    Resident,
    SealRegistration,
    TaxDeduction,
    TaxIncome,
    TaxRecord,
)
from kofu.city.registry.seed.addresses import rename
from kofu.city.registry.seed.inkan import SealPlan
from kofu.city.registry.seed.people import EntryPlan, HouseholdPlan, PersonPlan, RegisterPlan, stable_days
from kofu.city.registry.seed.registers import kaisei_on
from kofu.city.registry.seed.tax import TaxPlan
from kofu.city.registry.seed.world import World

_MODELS: tuple[type[Any], ...] = (Address, Household, Resident, KosekiRegister, KosekiMember, KosekiEvent)
_MODELS += (FuhyoEntry, SealRegistration, TaxRecord, TaxIncome, TaxDeduction)


class _Ids:
    def __init__(self, session: Session):
        self.last = {m: session.scalar(select(func.coalesce(func.max(m.id), 0))) or 0 for m in _MODELS}

    def take(self, model: type) -> int:
        self.last[model] += 1
        return self.last[model]


def write_city(
    session: Session, world: World, city_code: str, seals: list[SealPlan], taxes: list[TaxPlan]
) -> tuple[dict[PersonPlan, int], dict[HouseholdPlan, int]]:
    """Insert the city's households, residents, registers (本籍 here), seals and taxes.

    Returns each resident's id and each household's id. Rows are written in the caller's transaction (not committed).
    """
    ids = _Ids(session)
    rows: dict[type, list[dict[str, Any]]] = {m: [] for m in _MODELS}
    resident_ids: dict[PersonPlan, int] = {}
    heads: list[dict[str, int]] = []
    household_ids: dict[HouseholdPlan, int] = {}
    for plan in world.households[city_code]:
        address_id, household_id = ids.take(Address), ids.take(Household)
        household_ids[plan] = household_id
        rows[Address].append(
            dict(id=address_id, prefecture=plan.prefecture, city_name=plan.city_name, town=plan.town,
                 chome_banchi=plan.chome_banchi, building=plan.building)
        )  # fmt: skip
        rows[Household].append(dict(id=household_id, address_id=address_id, created=plan.created))
        for person in plan.members:
            resident_ids[person] = ids.take(Resident)
            rows[Resident].append(_resident(person, resident_ids[person], household_id, city_code))
        heads.append({"id": household_id, "head_resident_id": resident_ids[plan.members[0]]})
    for register in (r for r in world.registers if r.city_code == city_code):
        koseki_id = ids.take(KosekiRegister)
        recorded = furigana_recorded_on(register, world.as_of)
        rows[KosekiRegister].append(
            dict(id=koseki_id, honseki=register.honseki, hittosha=register.hittosha, hensei_on=register.hensei_on,
                 hensei_reason=register.hensei_reason, kaisei_on=kaisei_on(register),
                 family_kana=family_kana(register) if recorded else None, kana_recorded_on=recorded)
        )  # fmt: skip
        for position, entry in enumerate(register.entries, start=1):
            member_id = ids.take(KosekiMember)
            row = _member(entry, member_id, koseki_id, position, resident_ids.get(entry.person))
            kept = recorded is not None and (entry.removed_on is None or entry.removed_on >= recorded)
            row["given_kana"] = entry.person.given_kana if kept else None  # none for who had left
            rows[KosekiMember].append(row)
            for n, event in enumerate(entry.events, start=1):
                rows[KosekiEvent].append(
                    dict(
                        vars(event),
                        id=ids.take(KosekiEvent),
                        member_id=member_id,
                        position=n,
                        previous_register=_cited(event.previous_register, event.event_on),
                        new_register=_cited(event.new_register, event.event_on),
                    )
                )
            for n, (address, since) in enumerate(fuhyo_lines(entry, register), start=1):
                rows[FuhyoEntry].append(
                    dict(id=ids.take(FuhyoEntry), koseki_id=koseki_id, member_id=member_id, position=n,
                         address=address, defined_on=since)
                )  # fmt: skip
    numbered = _last_seal_number(session)  # a city seeded again continues its registration numbers
    for seal in seals:
        rows[SealRegistration].append(
            dict(id=ids.take(SealRegistration), resident_id=resident_ids[seal.person],
                 registration_number=f"{numbered + int(seal.number):08d}",
                 registered_on=seal.registered_on, status="active" if seal.abolished_on is None else "abolished",
                 abolished_on=seal.abolished_on, impression=seal.impression.to_json())
        )  # fmt: skip
    for tax in taxes:
        record_id = ids.take(TaxRecord)
        rows[TaxRecord].append(
            dict(tax.values, id=record_id, resident_id=resident_ids[tax.person], fiscal_year=tax.fiscal_year,
                 declared=tax.declared, jan1_address=tax.jan1_address, dependants=tax.dependants)
        )  # fmt: skip
        for kind, revenue, income in tax.incomes:
            rows[TaxIncome].append(
                dict(
                    id=ids.take(TaxIncome), tax_record_id=record_id, kind=kind, revenue=revenue, income=income
                )
            )
        for kind, amount in tax.deductions:
            rows[TaxDeduction].append(
                dict(id=ids.take(TaxDeduction), tax_record_id=record_id, kind=kind, amount=amount)
            )
    for model in _MODELS:
        if rows[model]:
            session.execute(insert(_table(model)), rows[model])  # Core: one executemany per table
    if heads:
        table = _table(Household)
        session.execute(
            update(table).where(table.c.id == bindparam("hid")).values(head_resident_id=bindparam("head")),
            [{"hid": h["id"], "head": h["head_resident_id"]} for h in heads],
        )
    _move_sequences(session)
    return resident_ids, household_ids


def _last_seal_number(session: Session) -> int:
    numbers = session.scalars(select(SealRegistration.registration_number))
    return max((int(n) for n in numbers if n.isdigit()), default=0)


def _table(model: type[Any]) -> Table:
    return cast(Table, model.__table__)


def _cited(label: str | None, on: date) -> str | None:
    """A register label as an entry of ``on`` cites it: its 本籍 in the names of that day."""
    return rename(label, on) if label else None


def fuhyo_lines(entry: EntryPlan, register: RegisterPlan) -> list[tuple[str, date]]:
    """The member's 附票 lines: from entering the register (or its 改製, when later) — the address
    held then, written in the names of that day — and every later one until leaving the register
    or dying. None for a member gone before the register was computerized."""
    person = entry.person
    start = max(entry.entered_on, kaisei_on(register) or entry.entered_on)
    ends = [d for d in (entry.removed_on, person.death_date) if d is not None]
    end = min(ends) if ends else None
    if end is not None and end < start:
        return []
    held = [(rename(address, start), since) for address, since in person.history if since <= start][-1:]
    later = [line for line in person.history if start < line[1] and (end is None or line[1] <= end)]
    return held + later


#: 氏名の振り仮名 entered the family register on 2025-05-26 (令和5年法律第48号); what nobody notified
#: within a year the city recorded from its notice, from 2026-05-26.
FURIGANA_FROM = date(2025, 5, 26)
FURIGANA_BY_LAW = date(2026, 5, 26)


def furigana_recorded_on(register: RegisterPlan, as_of: date) -> date | None:
    """When the register's 氏名の振り仮名 was recorded: with the notice that made a register after
    the law, else a 氏の振り仮名の届 within the first year (about a third) or the city's record after
    it; None when that day is still to come."""
    if register.hensei_on >= FURIGANA_FROM:
        day = register.hensei_on
    else:
        key = f"{register.label}:振り仮名"
        notified = stable_days(key, 0, 2) == 0
        day = FURIGANA_FROM + timedelta(days=stable_days(key, 20, 360)) if notified else FURIGANA_BY_LAW
    return day if day <= as_of else None


def family_kana(register: RegisterPlan) -> str | None:
    """The reading of the register's 氏: that of its 筆頭者's family name when the register was made."""
    head = next((e for e in register.entries if e.is_hittosha), None)
    if head is None:
        return None
    person = head.person
    if head.family_name == person.family_name:
        return person.family_kana
    if person.birth_family and person.birth_family[0] == head.family_name:
        return person.birth_family[1]
    return None


def _resident(person: PersonPlan, resident_id: int, household_id: int, city_code: str) -> dict[str, Any]:
    foreign = person.foreign
    return dict(
        id=resident_id, household_id=household_id, juminhyo_code=synthetic_juminhyo_code(city_code, resident_id),
        family_name=person.family_name, given_name=person.given_name,
        family_kana=person.family_kana, given_kana=person.given_kana, birth_date=person.birth_date, sex=person.sex,
        zokugara=person.zokugara, became_resident_date=person.became_resident_date,
        became_resident_reason=person.became_resident_reason, address_defined_date=person.address_defined_date,
        prior_address=person.prior_address, notified_on=person.notified_on,
        previous_address=person.previous_address, honseki=person.honseki, honseki_city_code=person.honseki_city_code,
        hittosha=person.hittosha, status=person.status, status_date=person.status_date,
        dv_protected=person.dv_protected, pending_change=person.pending_change,
        nationality=foreign.nationality if foreign else None,
        residence_status=foreign.residence_status if foreign else None,
        stay_period=foreign.stay_period if foreign else None,
        stay_expires_on=foreign.stay_expires_on if foreign else None,
        residence_card_number=foreign.card_number if foreign else None,
        alias_name=foreign.alias_name if foreign else None,
        alias_kana=foreign.alias_kana if foreign else None,
        katakana_name=foreign.katakana_name if foreign else None,
    )  # fmt: skip


def _member(
    entry: EntryPlan, member_id: int, koseki_id: int, position: int, resident_id: int | None
) -> dict[str, Any]:
    person = entry.person
    return dict(
        id=member_id, koseki_id=koseki_id, position=position, family_name=entry.family_name,
        given_name=person.given_name, birth_date=person.birth_date, sex=person.sex, birth_place=person.birth_place,
        father_name=entry.father_name, mother_name=entry.mother_name, zokugara=entry.zokugara or "子",
        adoptive_father_name=entry.adoptive_father_name, adoptive_mother_name=None,
        adoptive_zokugara=entry.adoptive_zokugara, spouse_kind=entry.spouse_kind, is_hittosha=entry.is_hittosha,
        removed=entry.removed_on is not None, removed_on=entry.removed_on, removed_reason=entry.removed_reason,
        resident_id=resident_id,
    )  # fmt: skip


def _move_sequences(session: Session) -> None:
    if session.get_bind().dialect.name != "postgresql":
        return
    for model in _MODELS:
        table = model.__tablename__
        session.execute(
            text(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT COALESCE(MAX(id), 0) + 1 FROM {table}), false)"
            )
        )
