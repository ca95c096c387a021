"""Consistency checker of a city registry: finds what a clerk would find impossible.

``check_registries`` reads one or more cities' databases and returns every contradiction as a
``Finding`` (a stable kind from ``KINDS`` and the ids of the rows involved — never a name, since
the output goes to terminals and logs). Cross-city rules (a resident whose register is kept by the
other city, a 従前戸籍 in the other city) run when both databases are given. ``check_seeded``
generates a world (both demo cities, as ``seed_city`` does) into temporary SQLite files and checks
it.

Rules, by subject: ``places`` (municipalities of their time, real towns), ``koseki`` (each
register and the registers it cites), ``fuhyo`` (address history vs register and 住民票),
``residents`` (住民票 dates, household, register, cards, seals, taxes), ``juminhyo`` (住民票コード:
valid, one person's only).
"""

from __future__ import annotations

import tempfile
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from datetime import date
from pathlib import Path

from sqlalchemy.orm import Session

from kofu.city.registry.check import fuhyo, juminhyo, koseki, places, residents
from kofu.city.registry.check.data import CityRows, World
from kofu.city.registry.check.findings import KINDS, Finding

__all__ = ["KINDS", "Finding", "check_registries", "check_rows", "check_seeded", "count_by_kind"]


#: Every rule, each over one city of the world.
RULES: tuple[Callable[[World, CityRows], Iterable[Finding]], ...] = (
    places.check,
    koseki.check,
    fuhyo.check,
    fuhyo.against_residents,
    residents.check,
    juminhyo.check,
)


def check_rows(as_of: date, cities: Mapping[str, CityRows]) -> list[Finding]:
    """Every finding over already-loaded cities, sorted and without duplicates."""
    world = World(as_of, dict(cities))
    found: set[Finding] = set()
    for city in world.cities.values():
        for rules in RULES:
            found.update(rules(world, city))
    return sorted(found)


def check_registries(sessions: Mapping[str, Session], as_of: date) -> list[Finding]:
    """Every finding in the cities' databases (city code → session), judged on ``as_of``."""
    return check_rows(as_of, {code: CityRows.load(session, code) for code, session in sessions.items()})


def check_seeded(
    seed: int, households: int, as_of: date, *, other_households: int | None = None
) -> list[Finding]:
    """Seed both demo cities as ``seed_city`` does (``households`` each, or ``other_households``
    for the second) into temporary SQLite files and check them together."""
    from kofu.city.registry import create_schema, make_engine, session_factory, sqlite_url
    from kofu.city.registry.cities import CITIES
    from kofu.city.registry.seed import seed_city

    codes = sorted(CITIES)
    counts = {codes[0]: households, codes[1]: other_households or households}
    with tempfile.TemporaryDirectory(prefix="kofu-seed-check-") as tmp:
        engines, sessions = [], {}
        try:
            for code in codes:
                engine = make_engine(sqlite_url(Path(tmp) / f"{code}.db"))
                engines.append(engine)
                create_schema(engine)
                other = next(c for c in codes if c != code)
                with session_factory(engine).begin() as session:
                    seed_city(
                        session,
                        code,
                        seed=seed,
                        households=counts[code],
                        as_of=as_of,
                        other_households=counts[other],
                    )
                sessions[code] = session_factory(engine)()
            return check_registries(sessions, as_of)
        finally:
            for session in sessions.values():
                session.close()
            for engine in engines:
                engine.dispose()


def count_by_kind(findings: Iterable[Finding]) -> dict[str, int]:
    """How many findings of each kind, most frequent first."""
    return dict(Counter(f.kind for f in findings).most_common())
