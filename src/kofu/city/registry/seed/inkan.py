"""Seal registrations of one city's residents: most adults have one, some abolished, none under 15."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from kofu.city.registry.models import SEAL_MIN_AGE, SealImpression
from kofu.city.registry.seed.names import graphemes
from kofu.city.registry.seed.people import PersonPlan, years_before

_SIZES = (10.5, 12.0, 13.5, 15.0, 16.5, 18.0)
_STYLES = ("tensho", "insou", "kaisho")


@dataclass
class SealPlan:
    """One future SealRegistration."""

    person: PersonPlan
    registered_on: date
    impression: SealImpression
    abolished_on: date | None = None
    number: str = ""


def plan_seals(
    rng: random.Random, residents: list[PersonPlan], as_of: date, *, abolished: PersonPlan | None
) -> list[SealPlan]:
    """Registrations for ``residents`` (in order); ``abolished`` gets only an abolished one.

    About 70% of adults register (15% of those aged 15–19); 8% of registrations were abolished
    (廃止), and 40% of those people registered again later. Residents who moved out or died had
    their live registration ended on that day, as a real registry does (登録抹消).
    """
    seals: list[SealPlan] = []
    for person in residents:
        age = person.age(as_of)
        if age < SEAL_MIN_AGE:
            continue
        if person is not abolished and rng.random() >= (0.7 if age >= 20 else 0.15):
            continue
        low = max(years_before(person.birth_date, -SEAL_MIN_AGE), person.became_resident_date)
        until = as_of if person.status_date is None else min(as_of, person.status_date)
        if low > until - timedelta(days=60):
            continue  # not here long enough
        registered = _between(rng, low, until - timedelta(days=60))
        seal = SealPlan(person, registered, impression(rng, person))
        seals.append(seal)
        if person is abolished or rng.random() < 0.08:
            seal.abolished_on = _between(rng, registered + timedelta(days=1), until - timedelta(days=20))
            if (
                person is not abolished
                and rng.random() < 0.4
                and seal.abolished_on < until - timedelta(days=2)
            ):
                again = _between(rng, seal.abolished_on + timedelta(days=1), until - timedelta(days=1))
                seals.append(SealPlan(person, again, impression(rng, person)))
        if person.status != "active" and person.status_date is not None:
            live = seals[-1]
            if live.abolished_on is None and live.registered_on < person.status_date:
                live.abolished_on = person.status_date
    for n, seal in enumerate(seals, start=1):
        seal.number = f"{n:08d}"
    return seals


def _between(rng: random.Random, low: date, high: date) -> date:
    return low if high <= low else low + timedelta(days=rng.randint(0, (high - low).days))


def impression(rng: random.Random, person: PersonPlan) -> SealImpression:
    """A seal for the person: the family name (sometimes the full name) engraved in a round,
    oval or square face. Foreign residents use their 通称, else their カタカナ併記名, else the
    name itself (a name in kanji): a seal must show a name the 住民票 records."""
    if person.foreign is not None:
        alias, katakana = person.foreign.alias_name, person.foreign.katakana_name
        if alias:
            family = alias.split("\u3000")[0]
        elif katakana:
            family = katakana.split("\u3000")[0]
        else:
            family = person.family_name
        columns = [graphemes(family)]
    else:
        columns = [graphemes(person.family_name)]
        if rng.random() < 0.25:
            columns.append(graphemes(person.given_name))
    shape = rng.choices(("round", "oval", "square"), weights=(85, 10, 5))[0]
    return SealImpression(
        shape=shape,
        size_mm=rng.choice(_SIZES),
        columns=tuple(tuple(column) for column in columns),
        border_mm=rng.choice((0.5, 0.6, 0.8)),
        rotation_deg=round(rng.uniform(-8, 8), 1),
        style=rng.choice(_STYLES),
    )
