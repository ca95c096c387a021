"""戸籍の附票: each member's address history covers them from entering the computerized register
(its 編製, the member's entry, or the 改製) until they left it, without gaps, and agrees with the
住民票 of a member who lives in a checked city."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from datetime import date

from kofu.city.registry import places
from kofu.city.registry.check.data import CityRows, Row, World
from kofu.city.registry.check.findings import Finding, row
from kofu.city.registry.check.koseki import entry_of
from kofu.city.registry.check.places import judge


def coverage_start(city: CityRows, register: Row, member: Row) -> date:
    """From when the 附票 must show the member: entering the register, or its 改製 if later."""
    _, entered, _ = entry_of(city, member)
    return max(entered, register.kaisei_on or entered)


def check(world: World, city: CityRows) -> Iterator[Finding]:
    """Every member's 附票 lines."""
    for register in city.registers.values():
        for member in city.members_of[register.id]:
            yield from _lines(world, city, register, member)


def _lines(world: World, city: CityRows, register: Row, member: Row) -> Iterator[Finding]:
    code, me = city.code, row("koseki_members", member.id)
    lines = city.fuhyo_of[member.id]
    start = coverage_start(city, register, member)
    end = min((d for d in (member.removed_on, city.death_of(member)) if d is not None), default=None)
    if end is not None and end < start:
        for line in lines:  # left before the computerized register: no line is due
            if line.defined_on > end:
                yield Finding("fuhyo.after-removal", code, (me, row("fuhyo_entries", line.id)))
        return
    if not lines:
        yield Finding("fuhyo.missing", code, (me,))
        return
    if lines[0].defined_on > start:
        yield Finding("fuhyo.gap", code, (me, row("fuhyo_entries", lines[0].id)))
    for before, after in itertools.pairwise(lines):
        if after.defined_on <= before.defined_on:
            yield Finding(
                "fuhyo.overlap", code, (me, row("fuhyo_entries", before.id), row("fuhyo_entries", after.id))
            )
    for n, line in enumerate(lines):
        rows = (me, row("fuhyo_entries", line.id))
        if line.defined_on < member.birth_date:
            yield Finding("fuhyo.before-birth", code, rows)
        if end is not None and line.defined_on > end:
            yield Finding("fuhyo.after-removal", code, rows)
        if line.defined_on > world.as_of:
            yield Finding("date.future", code, rows)
        # the first line is written when the register (or its 改製) starts, in the names of then
        written = max(line.defined_on, start) if n == 0 else line.defined_on
        yield from judge(city, line.address, written, rows)


def _same_place(world: World, a: str | None, b: str | None) -> bool:
    """Two addresses naming the same place (old and new names of a municipality count as one)."""
    if a == b:
        return True
    if not a or not b:
        return False
    pa, pb = places.parse(a), places.parse(b)
    if pa is None or pb is None:
        return False
    return pa.render_on(world.as_of) == pb.render_on(world.as_of)


def against_residents(world: World, city: CityRows) -> Iterator[Finding]:
    """The 附票 of each resident of ``city`` (kept here or in the other checked city) against their
    住民票: current address and 住所を定めた年月日, moves within the city, 転入 and 転入前住所."""
    for resident in city.residents.values():
        if resident.nationality is not None or resident.status == "deceased":
            continue
        found = resident_member(world, city, resident)
        if found is None:
            continue
        kept, register, member = found
        lines = kept.fuhyo_of[member.id]
        if not lines or member.removed:
            continue
        rows = (row("residents", resident.id), f"{kept.code}/koseki_members:{member.id}")
        home = city.address_text(resident)
        start = coverage_start(kept, register, member)
        if resident.status == "moved_out":
            if lines[-1].defined_on != resident.status_date or lines[-1].address == home:
                yield Finding("fuhyo.resident", city.code, rows)
                continue
            if resident.status_date is not None and resident.status_date <= start:
                continue  # left before the register began: only where they went is shown
        current = lines[-1] if resident.status == "active" else (lines[-2] if len(lines) > 1 else None)
        if current is None or current.address != home or current.defined_on != resident.address_defined_date:
            yield Finding("fuhyo.resident", city.code, rows)
            continue
        came = resident.became_resident_date
        if came <= start:
            continue  # arrived before the 附票 begins: its first line covers it
        arrival = next((n for n, line in enumerate(lines) if line.defined_on == came), None)
        if arrival is None:
            yield Finding("fuhyo.moves", city.code, rows)
        elif resident.became_resident_reason == "転入":
            before = lines[arrival - 1] if arrival > 0 else None
            if before is None or not _same_place(world, before.address, resident.prior_address):
                yield Finding("fuhyo.moves", city.code, rows)


def resident_member(world: World, city: CityRows, resident: Row) -> tuple[CityRows, Row, Row] | None:
    """The register member a Japanese resident is (by link in the same city, else by name and birth
    date in the register their 本籍 names), when that register is in a checked city."""
    kept = world.cities.get(resident.honseki_city_code or "")
    if kept is None:
        return None
    register = kept.by_label.get(f"{resident.honseki}\u3000{resident.hittosha}")
    if register is None:
        return None
    members = kept.members_of[register.id]
    linked = [m for m in members if m.resident_id == resident.id] if kept is city else []
    same = linked or [
        m
        for m in members
        if m.given_name == resident.given_name
        and m.birth_date == resident.birth_date
        and m.family_name == resident.family_name
    ]
    return (kept, register, same[0]) if same else None
