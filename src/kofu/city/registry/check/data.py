"""What the checker reads: every row of one city's registry, indexed, read once with plain SELECTs.

Rows are SQLAlchemy ``Row`` objects (attribute access by column name); nothing is loaded through
the ORM, so a city of 10,000 residents reads in well under a second.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import Table, select
from sqlalchemy.orm import Session

from kofu.city.registry import places
from kofu.city.registry.models import (
    Address,
    Card,
    FuhyoEntry,
    Household,
    KosekiEvent,
    KosekiMember,
    KosekiRegister,
    Resident,
    SealRegistration,
    TaxIncome,
    TaxRecord,
)

Row = Any  # sqlalchemy Row: columns as attributes


def _rows(session: Session, model: type[Any]) -> list[Row]:
    table: Table = model.__table__
    return list(session.execute(select(table).order_by(table.c.id)).all())


def label(register: Row) -> str:
    """How other registers cite a register (従前戸籍, 新本籍): ``本籍　筆頭者``."""
    return f"{register.honseki}\u3000{register.hittosha}"


@dataclass
class CityRows:
    """One city's registry, indexed for the rules."""

    code: str
    addresses: dict[int, Row] = field(default_factory=dict)
    households: dict[int, Row] = field(default_factory=dict)
    residents: dict[int, Row] = field(default_factory=dict)
    registers: dict[int, Row] = field(default_factory=dict)
    members: dict[int, Row] = field(default_factory=dict)
    members_of: dict[int, list[Row]] = field(default_factory=lambda: defaultdict(list))
    events_of: dict[int, list[Row]] = field(default_factory=lambda: defaultdict(list))
    fuhyo_of: dict[int, list[Row]] = field(default_factory=lambda: defaultdict(list))
    seals_of: dict[int, list[Row]] = field(default_factory=lambda: defaultdict(list))
    cards_of: dict[int, list[Row]] = field(default_factory=lambda: defaultdict(list))
    taxes: list[Row] = field(default_factory=list)
    incomes_of: dict[int, list[Row]] = field(default_factory=lambda: defaultdict(list))
    by_label: dict[str, Row] = field(default_factory=dict)
    member_of_resident: dict[int, Row] = field(default_factory=dict)

    @classmethod
    def load(cls, session: Session, code: str) -> CityRows:
        """Read every table the rules need."""
        city = cls(code)
        city.addresses = {r.id: r for r in _rows(session, Address)}
        city.households = {r.id: r for r in _rows(session, Household)}
        city.residents = {r.id: r for r in _rows(session, Resident)}
        city.registers = {r.id: r for r in _rows(session, KosekiRegister)}
        city.by_label = {label(r): r for r in city.registers.values()}
        for member in sorted(_rows(session, KosekiMember), key=lambda m: (m.koseki_id, m.position)):
            city.members[member.id] = member
            city.members_of[member.koseki_id].append(member)
            if member.resident_id is not None:
                city.member_of_resident.setdefault(member.resident_id, member)
        for event in sorted(_rows(session, KosekiEvent), key=lambda e: (e.member_id, e.position)):
            city.events_of[event.member_id].append(event)
        for line in sorted(_rows(session, FuhyoEntry), key=lambda f: (f.member_id, f.position)):
            city.fuhyo_of[line.member_id].append(line)
        for seal in _rows(session, SealRegistration):
            city.seals_of[seal.resident_id].append(seal)
        for card in _rows(session, Card):
            city.cards_of[card.resident_id].append(card)
        city.taxes = _rows(session, TaxRecord)
        for income in _rows(session, TaxIncome):
            city.incomes_of[income.tax_record_id].append(income)
        return city

    def address_text(self, resident: Row) -> str:
        """The resident's current address as printed."""
        address = self.addresses[self.households[resident.household_id].address_id]
        text = f"{address.prefecture}{address.city_name}{address.town}{address.chome_banchi}"
        return f"{text} {address.building}" if address.building else text

    def death_of(self, member: Row) -> date | None:
        """The member's 死亡日, if recorded."""
        return next((e.event_on for e in self.events_of[member.id] if e.kind == "死亡"), None)


@dataclass
class World:
    """Every checked city, and the day the data is judged against."""

    as_of: date
    cities: dict[str, CityRows]

    def current_label(self, text: str | None) -> str:
        """A register label with its 本籍 written in today's names (a label written before a
        merger names the place as it was then)."""
        if not text:
            return ""
        honseki, _, rest = text.partition("\u3000")
        parsed = places.parse(honseki)
        current = parsed.render_on(self.as_of) if parsed is not None else None
        return f"{current or honseki}\u3000{rest}"

    def register(self, text: str) -> tuple[CityRows, Row] | None:
        """The register a label names (in any name of its place), in whichever checked city keeps it."""
        for key in (text, self.current_label(text)):
            for city in self.cities.values():
                found = city.by_label.get(key)
                if found is not None:
                    return city, found
        return None
