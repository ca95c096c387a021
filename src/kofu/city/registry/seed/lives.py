"""Where everyone lived: an address history from birth, so every 附票 line has its address.

A resident's history ends with what the 住民票 says: the 転入前住所 (held until the 転入), an
earlier address in the city when the current one was defined later, the current address, and
where they went if they moved out. Before that, and for people living elsewhere, it starts at
birth in the place of birth (named as it was then) and moves a few times after 18. Each line is
written with the names of the day it starts; the 附票 re-writes its first line in the names of
the day the register begins (``writer.fuhyo_lines``).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from kofu.city.registry import places
from kofu.city.registry.cities import CityInfo
from kofu.city.registry.seed import addresses
from kofu.city.registry.seed.people import HouseholdPlan, PersonPlan, years_before

_PARSED: dict[str, places.Parsed | None] = {}


def _lineage_of(place: str, day: date, fallback: places.Lineage) -> places.Lineage:
    if place not in _PARSED:  # a 出生地 is one of a few dozen municipality names
        _PARSED[place] = places.parse(place) if place else None
    parsed = _PARSED[place]
    if parsed is None:
        return fallback
    return next((ln for ln in parsed.lineages if ln.name_on(day) == parsed.municipality), fallback)


def name_since(text: str, day: date) -> date:
    """The first day the municipality of ``text`` carried the name it has on ``day``."""
    parsed = places.parse(text)
    if parsed is None:
        return date.min
    starts = [
        s.start for ln in parsed.lineages for s in ln.spans if s.name == parsed.municipality and s.covers(day)
    ]
    return max(starts, default=date.min)


class Lives:
    """Draws address histories with the caller's Random, judged against ``as_of``."""

    def __init__(self, rng: random.Random, as_of: date):
        self.rng, self.as_of = rng, as_of

    def _between(self, low: date, high: date) -> date:
        return low if high <= low else low + timedelta(days=self.rng.randint(0, (high - low).days))

    def _early(
        self, person: PersonPlan, until: date, home: places.Lineage | None = None
    ) -> list[tuple[str, date]]:
        """Birth, then up to two moves after 18, all before ``until``."""
        born = person.birth_date
        fallback = home or addresses.pick(self.rng, born)
        lineage = home or _lineage_of(person.birth_place, born, fallback)
        lines = [(addresses.address(self.rng, lineage, born), born)]
        adult = years_before(born, -18)
        if adult < until - timedelta(days=60):
            days = sorted(
                self._between(adult, until - timedelta(days=30)) for _ in range(self.rng.randint(0, 2))
            )
            for day in days:
                if day > lines[-1][1]:
                    lines.append((addresses.address(self.rng, addresses.pick(self.rng, day), day), day))
        return lines

    def phantom(self, person: PersonPlan) -> None:
        """Someone living outside the demo cities: from birth until now (or death)."""
        end = min(person.death_date or self.as_of, self.as_of)
        person.history = self._early(person, end)

    def resident(self, city: CityInfo, plan: HouseholdPlan, person: PersonPlan) -> None:
        """A resident: early life, then what the 住民票 says."""
        rng, came, defined = self.rng, person.became_resident_date, person.address_defined_date
        home = addresses.city_lineage(rng, city.code)
        history: list[tuple[str, date]] = []
        if person.foreign is not None:
            since = self._between(max(person.birth_date, years_before(came, 12)), came - timedelta(days=1))
            history.append((person.prior_address or "", since))
        elif person.became_resident_reason == "出生":
            if defined > person.birth_date:
                lineage = _lineage_of(person.birth_place, person.birth_date, home)
                history.append((addresses.address(rng, lineage, person.birth_date), person.birth_date))
        else:
            prior, high = person.prior_address or "", came - timedelta(days=1)
            history = self._early(person, came - timedelta(days=30))
            if history[-1][1] >= high:
                history = history[:1]
            low = max(history[-1][1] + timedelta(days=1), name_since(prior, came))
            history.append((prior, self._between(min(low, high), high)))
            if defined > came:
                history.append((addresses.address(rng, home, came), came))
        if defined != came and history:  # moved within the city: where from is the 異動前住所
            person.previous_address = addresses.rename(history[-1][0], defined)
        history.append((plan.address, defined))
        if person.status == "moved_out" and person.status_date is not None:
            day = person.status_date
            history.append((addresses.address(rng, addresses.pick(rng, day), day), day))
        person.history = history
