"""住民票コード: each a valid code (``is_juminhyo_code``), and no two people with one code.

A code is the person's in every city: two rows with one code are the same person moved from one
city to the other (in different cities, the same birth date and sex, at most one still living
there); anything else is a duplicate.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from kofu.city.registry.check.data import CityRows, Row, World
from kofu.city.registry.check.findings import Finding, row
from kofu.city.registry.juminhyo_code import is_juminhyo_code
from kofu.city.registry.models import RESIDENT_ACTIVE


def check(world: World, city: CityRows) -> Iterator[Finding]:
    """Every resident of one city, against every checked city."""
    holders: dict[str, list[tuple[str, Row]]] = defaultdict(list)
    for other in world.cities.values():
        for resident in other.residents.values():
            holders[resident.juminhyo_code].append((other.code, resident))
    for resident in city.residents.values():
        me = row("residents", resident.id)
        if not is_juminhyo_code(resident.juminhyo_code or ""):
            yield Finding("resident.juminhyo-code", city.code, (me,))
        for code, other in holders[resident.juminhyo_code]:
            if (code, other.id) != (city.code, resident.id) and not _moved(city.code, resident, code, other):
                yield Finding("resident.juminhyo-code-duplicate", city.code, (me,))


def _moved(city: str, resident: Row, other_city: str, other: Row) -> bool:
    """The same person, recorded by the city they left and the city they moved to."""
    return (
        city != other_city
        and (resident.birth_date, resident.sex) == (other.birth_date, other.sex)
        and not resident.status == other.status == RESIDENT_ACTIVE
    )
