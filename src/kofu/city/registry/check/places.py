"""Places: every address, 本籍, 出生地 and 死亡地 names a municipality of its time and a real town."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from kofu.city.registry import places
from kofu.city.registry.check.data import CityRows, World
from kofu.city.registry.check.findings import Finding, row
from kofu.city.registry.cities import CITIES
from kofu.city.registry.seed.names import NATIONALITIES


def judge(
    city: CityRows, text: str | None, day: date, rows: tuple[str, ...], *, town: bool = True
) -> Iterator[Finding]:
    """Findings for one place written on ``day`` (``town``: an address, so a real town is due)."""
    if not text:
        return
    parsed = places.parse(text)
    if parsed is None:
        if text not in NATIONALITIES:
            yield Finding("place.unknown", city.code, rows)
        return
    if not parsed.valid_on(day):
        yield Finding("place.not-yet", city.code, rows)
    if not town:
        return
    if parsed.town is None or not parsed.town_valid_on(day):
        yield Finding("place.unknown-town", city.code, rows)
    elif not parsed.chome_ok():
        yield Finding("place.no-chome", city.code, rows)


def label_place(text: str | None) -> str | None:
    """The 本籍 part of a register label (``本籍　氏　名``)."""
    if not text:
        return None
    return text.split("\u3000", 1)[0]


def check(world: World, city: CityRows) -> Iterator[Finding]:
    """Places of one city's rows."""
    as_of = world.as_of
    info = CITIES.get(city.code)
    for address in city.addresses.values():
        rows = (row("addresses", address.id),)
        text = f"{address.prefecture}{address.city_name}{address.town}{address.chome_banchi}"
        if info is not None and f"{address.prefecture}{address.city_name}" != info.full_name:
            yield Finding("place.wrong-city", city.code, rows)
        yield from judge(city, text, as_of, rows)
    for register in city.registers.values():
        rows = (row("koseki_registers", register.id),)
        if info is not None and not register.honseki.startswith(info.full_name):
            yield Finding("place.wrong-city", city.code, rows)
        yield from judge(city, register.honseki, as_of, rows)
    for resident in city.residents.values():
        rows = (row("residents", resident.id),)
        yield from judge(city, resident.prior_address, resident.became_resident_date, rows)
    for member in city.members.values():
        rows = (row("koseki_members", member.id),)
        yield from judge(city, member.birth_place, member.birth_date, rows, town=False)
        for event in city.events_of[member.id]:
            rows = (row("koseki_events", event.id),)
            if event.kind in ("出生", "死亡"):
                yield from judge(city, event.place, event.event_on, rows, town=False)
            for cited in (event.previous_register, event.new_register):
                yield from judge(city, label_place(cited), event.event_on, rows)
    for tax in city.taxes:
        rows = (row("tax_records", tax.id),)
        jan1 = date(tax.fiscal_year, 1, 1)
        if info is not None and not tax.jan1_address.startswith(info.full_name):
            yield Finding("place.wrong-city", city.code, rows)
        yield from judge(city, tax.jan1_address, jan1, rows)
