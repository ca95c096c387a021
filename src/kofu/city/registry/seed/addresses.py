"""Addresses, 本籍 and places drawn from real municipalities and towns, named as on a given day.

Pure: draws from the caller's Random only. Every text here can be read back by ``places.parse``
(the consistency checker does), and re-written in the names of another day (``rename``).
"""

from __future__ import annotations

import random
from bisect import bisect_right
from datetime import date

from kofu.city.registry import places
from kofu.city.registry.cities import kanji_number
from kofu.city.registry.places import Lineage

_BOUNDS = sorted(
    {s.start for ln in places.LINEAGES for s in ln.spans}
    | {date.fromordinal(s.end.toordinal() + 1) for ln in places.LINEAGES for s in ln.spans if s.end}
)
_ON: dict[tuple[int, int], list[Lineage]] = {}


def lineages_on(day: date, choices: tuple[Lineage, ...] = places.ELSEWHERE) -> list[Lineage]:
    """The lineages of ``choices`` that had a name on ``day`` (the answer changes only on the days
    a name starts or ends, so it is kept per period)."""
    key = (bisect_right(_BOUNDS, day), id(choices))
    found = _ON.get(key)
    if found is None:
        found = _ON[key] = [ln for ln in choices if ln.name_on(day) is not None]
    return found


def pick(rng: random.Random, day: date, choices: tuple[Lineage, ...] = places.ELSEWHERE) -> Lineage:
    """A lineage that had a name on ``day`` (any of ``choices`` if none had)."""
    found = lineages_on(day, choices) or choices
    return found[int(rng.random() * len(found))]


def city_lineage(rng: random.Random, city_code: str) -> Lineage:
    """One lineage of a demo city, weighted by its number of towns (西東京市: 田無 or 保谷)."""
    options, cumulative = _CITY.get(city_code) or _city(city_code)
    if len(options) == 1:
        return options[0]
    return options[bisect_right(cumulative, rng.random() * cumulative[-1])]


_CITY: dict[str, tuple[tuple[Lineage, ...], list[int]]] = {}


def _city(city_code: str) -> tuple[tuple[Lineage, ...], list[int]]:
    options = places.of_city(city_code)
    cumulative, total = [], 0
    for lineage in options:
        total += len(lineage.towns)
        cumulative.append(total)
    _CITY[city_code] = (options, cumulative)
    return _CITY[city_code]


def _chome(rng: random.Random, limit: int) -> str:
    return f"{kanji_number(rng.randint(1, limit))}丁目" if limit else ""


def _n(rng: random.Random, high: int) -> int:
    """1..high (cheaper than ``randint``; this is drawn for every address of the world)."""
    return int(rng.random() * high) + 1


def street(rng: random.Random, lineage: Lineage, day: date) -> tuple[str, str]:
    """A town and ``N丁目N番N号`` (or ``N番地`` in a town without 丁目) of the lineage."""
    towns = lineage.towns_on(day) or lineage.towns
    town, limit = towns[int(rng.random() * len(towns))]
    if limit:
        return town, f"{kanji_number(_n(rng, limit))}丁目{_n(rng, 30)}番{_n(rng, 25)}号"
    return town, f"{_n(rng, 3000)}番地" + (f"{_n(rng, 30)}" if rng.random() < 0.5 else "")


def address(rng: random.Random, lineage: Lineage, day: date) -> str:
    """A dwelling in the lineage, written with the names of ``day``."""
    town, rest = street(rng, lineage, day)
    return f"{lineage.name_on(day) or lineage.current}{town}{rest}"


def honseki(rng: random.Random, lineage: Lineage) -> str:
    """A 本籍 in the lineage as a current register writes it (``…N丁目N番地`` or ``…N番地``)."""
    town, limit = rng.choice(lineage.towns)
    return f"{lineage.current}{town}{_chome(rng, limit)}{rng.randint(1, 2000)}番地"


def municipality(lineage: Lineage, day: date) -> str:
    """The lineage's name on ``day`` (出生地, 死亡地)."""
    return lineage.name_on(day) or lineage.current


def rename(text: str, day: date) -> str:
    """``text`` (an address or a register label ``本籍　氏　名``) written with the names of ``day``."""
    lengths, index = places._index()
    for length in lengths:  # fast path: the name is still in use that day (almost always)
        found = index.get(text[:length])
        if found is not None:
            name = text[:length]
            settled = all(day >= on for ln in found[0] for _, _, on in ln.renamed)
            if settled and any(ln.name_on(day) == name for ln in found[0]):
                return text
            break
    head, sep, tail = text.partition("\u3000")
    parsed = places.parse(head)
    renamed = parsed.render_on(day) if parsed is not None else None
    return f"{renamed or head}{sep}{tail}"
