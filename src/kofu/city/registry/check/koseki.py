"""戸籍: each register on its own, and registers against the ones their 従前戸籍 and 新本籍 name."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from datetime import date

from kofu.city.registry import places
from kofu.city.registry.check.data import CityRows, Row, World, label
from kofu.city.registry.check.findings import Finding, row
from kofu.city.registry.check.places import label_place
from kofu.city.registry.seed.names import given_name_years

_ORDINALS = "長二三四五六七八九十"
_ZOKUGARA = re.compile(f"^([{_ORDINALS}])([男女])$")
#: Events that bring a member into a register from another (with 【従前戸籍】).
_ENTERING = ("婚姻", "離婚", "分籍", "養子縁組")
#: The Family Register Act in force (registers made before were remade).
FAMILY_REGISTER_ACT = date(1948, 1, 1)
#: From this day both sexes marry at 18 (before: men 18, women 16).
MARRIAGE_AGE_REFORM = date(2022, 4, 1)


def age_on(birth: date, day: date) -> int:
    """Completed years on ``day``."""
    return day.year - birth.year - int((day.month, day.day) < (birth.month, birth.day))


def given_of(name: str | None) -> str:
    """The given part of ``氏　名``."""
    return (name or "").split("\u3000")[-1]


def family_of(name: str | None) -> str:
    """The family part of ``氏　名``."""
    return (name or "").split("\u3000")[0]


def entry_of(city: CityRows, member: Row) -> tuple[str, date, Row | None]:
    """How and when the member entered its register: (kind, day, the event that says so)."""
    for event in city.events_of[member.id]:
        if event.kind in _ENTERING and event.previous_register:
            return event.kind, event.event_on, event
    return "出生", member.birth_date, None


def _m(member: Row) -> str:
    return row("koseki_members", member.id)


def _e(event: Row) -> str:
    return row("koseki_events", event.id)


def check(world: World, city: CityRows) -> Iterator[Finding]:
    """Every register of one city."""
    for register in city.registers.values():
        yield from _register(world, city, register)


def _register(world: World, city: CityRows, register: Row) -> Iterator[Finding]:
    code, members = city.code, city.members_of[register.id]
    reg = row("koseki_registers", register.id)
    heads = [m for m in members if m.is_hittosha]
    if (
        len(heads) != 1
        or members[0] is not heads[0]
        or members[0].family_name + "\u3000" + members[0].given_name != register.hittosha
    ):
        yield Finding("koseki.hittosha", code, (reg, *(_m(m) for m in heads)))
    if register.hensei_on > world.as_of or (register.kaisei_on and register.kaisei_on > world.as_of):
        yield Finding("date.future", code, (reg,))
    yield from _hensei(city, register, heads)
    surname = register.hittosha.split("\u3000")[0]
    for member in members:
        if member.family_name != surname:
            yield Finding("koseki.surname", code, (reg, _m(member)))
        yield from _member(world, city, register, member)
    yield from _zokugara(city, members)
    yield from _spouses(city, register, members)
    yield from _same_name(city, members)
    yield from _parent_ages(world, city, members)


def _hensei(city: CityRows, register: Row, heads: list[Row]) -> Iterator[Finding]:
    reg = row("koseki_registers", register.id)
    if register.hensei_on < FAMILY_REGISTER_ACT:
        yield Finding("koseki.hensei", city.code, (reg,))
        return
    if not heads:
        return
    head = heads[0]
    reason = register.hensei_reason
    if reason == "出生":
        births = [m.birth_date for m in city.members_of[register.id] if not m.is_hittosha]
        if register.hensei_on not in births:
            yield Finding("koseki.hensei", city.code, (reg, _m(head)))
        return
    made = [
        e
        for e in city.events_of[head.id]
        if e.kind == reason and e.previous_register and e.event_on == register.hensei_on
    ]
    if not made:
        yield Finding("koseki.hensei", city.code, (reg, _m(head)))


def _member(world: World, city: CityRows, register: Row, member: Row) -> Iterator[Finding]:
    code, me = city.code, _m(member)
    events = city.events_of[member.id]
    years = given_name_years(member.given_name, member.sex)
    if years and not years[0] <= member.birth_date.year <= years[1]:
        yield Finding("name.era", code, (me,))
    if not member.mother_name or (
        not member.father_name and (member.is_hittosha or member.spouse_kind is not None)
    ):
        yield Finding("koseki.parents-missing", code, (me,))
    births = [e for e in events if e.kind == "出生"]
    if not births or births[0].event_on != member.birth_date:
        yield Finding("koseki.no-birth", code, (me,))
    how, _entered, _ = entry_of(city, member)
    if how == "出生" and member.birth_date < register.hensei_on:
        yield Finding("koseki.birth-before-register", code, (row("koseki_registers", register.id), me))
    death = city.death_of(member)
    for event in events:
        days = [event.event_on] + ([event.reported_on] if event.reported_on else [])
        if any(d > world.as_of for d in days):
            yield Finding("date.future", code, (me, _e(event)))
        if event.event_on < member.birth_date:
            yield Finding("koseki.event-before-birth", code, (me, _e(event)))
        if death is not None and event.kind != "死亡" and event.event_on > death:
            yield Finding("koseki.event-after-death", code, (me, _e(event)))
        if event.kind == "婚姻":
            age = age_on(member.birth_date, event.event_on)
            least = 16 if member.sex == "女" and event.event_on < MARRIAGE_AGE_REFORM else 18
            if age < least:
                yield Finding("koseki.marriage-age", code, (me, _e(event)))
        yield from _cited(world, city, register, member, event)
    if member.birth_date > world.as_of or (member.removed_on and member.removed_on > world.as_of):
        yield Finding("date.future", code, (me,))
    yield from _removal(city, member, events, death)


def _removal(city: CityRows, member: Row, events: list[Row], death: date | None) -> Iterator[Finding]:
    me = _m(member)
    if death is not None and (not member.removed or member.removed_reason != "死亡"):
        yield Finding("koseki.removal", city.code, (me,))
    if not member.removed:
        return
    cause = [e for e in events if e.kind == member.removed_reason and e.event_on == member.removed_on]
    if member.removed_reason in ("婚姻", "離婚", "分籍"):
        cause = [e for e in cause if e.new_register]
    if not cause:
        yield Finding("koseki.removal", city.code, (me,))


def _zokugara(city: CityRows, members: list[Row]) -> Iterator[Finding]:
    by_parents: dict[tuple[str | None, str | None], list[Row]] = defaultdict(list)
    for member in members:
        match = _ZOKUGARA.match(member.zokugara or "")
        if match is None or match.group(2) != member.sex:
            yield Finding("koseki.zokugara", city.code, (_m(member),))
            continue
        born_here = entry_of(city, member)[0] == "出生"
        if (
            born_here
            and not member.is_hittosha
            and member.spouse_kind is None
            and member.adoptive_zokugara is None
        ):
            by_parents[(member.father_name, member.mother_name)].append(member)
    for children in by_parents.values():
        for sex in ("男", "女"):
            ordered = sorted((c for c in children if c.sex == sex), key=lambda c: c.birth_date)
            ranks = [_ORDINALS.index(c.zokugara[0]) for c in ordered]
            if ranks != sorted(set(ranks)):
                yield Finding("koseki.zokugara", city.code, tuple(_m(c) for c in ordered))


def _married_here(city: CityRows, member: Row) -> tuple[Row | None, bool]:
    """The member's marriage kept in this register (婚姻 without 新本籍) and whether a later 離婚
    ended it."""
    events = city.events_of[member.id]
    marriage = next((e for e in reversed(events) if e.kind == "婚姻" and not e.new_register), None)
    divorced = marriage is not None and any(
        e.kind == "離婚" and e.event_on >= marriage.event_on for e in events
    )
    return marriage, divorced


def _spouses(city: CityRows, register: Row, members: list[Row]) -> Iterator[Finding]:
    code = city.code
    spouses = []
    for member in members:
        marriage, divorced = _married_here(city, member)
        married = marriage is not None and not divorced
        kind_ok = member.spouse_kind is None or member.spouse_kind == ("夫" if member.sex == "男" else "妻")
        if (member.spouse_kind is not None) != married or not kind_ok:
            yield Finding("koseki.spouse", code, (_m(member),))
        if member.spouse_kind is not None and marriage is not None:
            spouses.append((member, marriage))
    if len(spouses) > 2 or len({m.spouse_kind for m, _ in spouses}) != len(spouses):
        yield Finding("koseki.spouse", code, tuple(_m(m) for m, _ in spouses))
        return
    if len(spouses) == 2:
        (a, ea), (b, eb) = spouses
        names_ok = (
            given_of(ea.counterpart_name) == b.given_name and given_of(eb.counterpart_name) == a.given_name
        )
        if ea.event_on != eb.event_on or not names_ok:
            yield Finding("koseki.marriage-pair", code, (_m(a), _m(b), _e(ea), _e(eb)))


def _presence(city: CityRows, member: Row) -> tuple[date, date]:
    _, entered, _ = entry_of(city, member)
    return entered, member.removed_on or date.max


def _same_name(city: CityRows, members: list[Row]) -> Iterator[Finding]:
    by_name: dict[str, list[Row]] = defaultdict(list)
    for member in members:
        by_name[member.given_name].append(member)
    for same in by_name.values():
        for n, a in enumerate(same):
            for b in same[n + 1 :]:
                (a0, a1), (b0, b1) = _presence(city, a), _presence(city, b)
                if a0 < b1 and b0 < a1:
                    yield Finding("koseki.same-name", city.code, (_m(a), _m(b)))


def _parent_ages(world: World, city: CityRows, members: list[Row]) -> Iterator[Finding]:
    """A child's parents are the couple of its register, or (for a 筆頭者 or spouse who came by
    marriage or 分籍) the couple of the register they came from."""
    couple = {f"{m.family_name}\u3000{m.given_name}": m for m in members if m.is_hittosha or m.spouse_kind}
    for child in members:
        candidates: dict[str, Row] = {}
        how, _, entered = entry_of(city, child)
        if not (child.is_hittosha or child.spouse_kind) and how in ("出生", "養子縁組"):
            candidates = couple  # born (or adopted) into the register
        elif entered is not None and entered.kind in ("婚姻", "分籍"):
            found = world.register(entered.previous_register)
            if found is not None:
                other_city, other = found
                candidates = {
                    f"{m.family_name}\u3000{m.given_name}": m
                    for m in other_city.members_of[other.id]
                    if m.is_hittosha or m.spouse_kind
                }
        for role, name in (("father", child.father_name), ("mother", child.mother_name)):
            parent = candidates.get(name or "")
            if parent is None or parent is child:
                continue
            age = age_on(parent.birth_date, child.birth_date)
            if age < 15 or (role == "mother" and age > 50):
                yield Finding("koseki.parent-age", city.code, (_m(child), _m(parent)))


def _cited(world: World, city: CityRows, register: Row, member: Row, event: Row) -> Iterator[Finding]:
    """従前戸籍 (``previous_register``) and 新本籍 (``new_register``) against the registers they name."""
    me, ev, own = _m(member), _e(event), label(register)
    for cited, entering in ((event.previous_register, True), (event.new_register, False)):
        if not cited:
            continue
        if cited == own:
            yield Finding("koseki.previous-register", city.code, (me, ev))
            continue
        found = world.register(cited)
        if found is None:
            parsed = places.parse(label_place(cited) or "")
            if parsed is not None and any(ln.demo_city in world.cities for ln in parsed.lineages):
                yield Finding("koseki.previous-register", city.code, (me, ev))
            continue
        other_city, other = found
        if other.kaisei_on is not None and event.event_on < other.kaisei_on:
            continue  # the entry is in the 改製原戸籍, not in the register kept now
        twins = [
            m
            for m in other_city.members_of[other.id]
            if m.given_name == member.given_name and m.birth_date == member.birth_date
        ]
        matching = [
            (m, e)
            for m in twins
            for e in other_city.events_of[m.id]
            if e.kind == event.kind
            and e.event_on == event.event_on
            and world.current_label(e.new_register if entering else e.previous_register) == own
        ]
        if not matching:
            yield Finding("koseki.previous-register", city.code, (me, ev))
            continue
        if entering:
            yield from _transcription(city, member, other_city, matching[0][0])


def _transcription(city: CityRows, member: Row, other_city: CityRows, twin: Row) -> Iterator[Finding]:
    fields = ("birth_date", "sex", "birth_place", "father_name", "mother_name", "zokugara")
    differs = [f for f in fields if getattr(member, f) != getattr(twin, f)]
    births = [
        next((e for e in c.events_of[m.id] if e.kind == "出生"), None)
        for c, m in ((city, member), (other_city, twin))
    ]
    if all(births):
        a, b = births
        if (a.place, a.reported_on, a.reporter) != (b.place, b.reported_on, b.reporter):  # type: ignore[union-attr]
            differs.append("出生")
    if differs:
        yield Finding(
            "koseki.transcription", city.code, (_m(member), f"{other_city.code}/koseki_members:{twin.id}")
        )
