"""The seeded world: both demo cities' households and every register, decided together.

A city's database holds its residents and the registers whose 本籍 is in it, including those of
people living in the other city; so both cities' seeds must agree on everyone. ``build_world``
is pure and deterministic in (seed, as_of, households per city): each city's ``seed_city`` builds
the same world and writes its own part.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

from kofu.city.registry.cities import CITIES, CityInfo
from kofu.city.registry.seed import addresses, names
from kofu.city.registry.seed.families import FamilyBuilder
from kofu.city.registry.seed.households import Planner
from kofu.city.registry.seed.lives import Lives
from kofu.city.registry.seed.people import HouseholdPlan, PersonPlan, RegisterPlan, stable_days

#: Share of households whose 本籍 is in the other demo city.
HONSEKI_ELSEWHERE_SHARE = 0.2
#: Kinds every city holds at least once, each in its own household (needs 4 households).
SPECIALS = ("moved-out", "deceased", "dv-protected", "pending-change")
#: Features given to plain households, in this order, as long as there are plain households.
FEATURES = (
    "foreign-resident",
    "long-address",
    "under-15",
    *(f"rare:{n}" for n, _ in names.RARE_FAMILY_NAMES),
)
_FOREIGN_SHARE, _LONG_SHARE, _RARE_SHARE = 0.04, 0.02, 0.02


@dataclass
class World:
    """Everything seeded: households per city code, every register, people living elsewhere."""

    as_of: date
    households: dict[str, list[HouseholdPlan]]
    registers: list[RegisterPlan]
    phantoms: list[PersonPlan]


#: Called as the world is planned: (steps done, steps in all; two steps a household).
Tick = Callable[[int, int], None]


def build_world(seed: int, as_of: date, counts: dict[str, int], progress: Tick | None = None) -> World:
    """Plan ``counts[code]`` households in each demo city, then every register of the world."""
    total = 2 * sum(counts.values())  # each household is planned, then given its life
    households: dict[str, list[HouseholdPlan]] = {}
    for code in sorted(counts):
        done = sum(len(plans) for plans in households.values())
        tick = (lambda n, _total, done=done: progress(done + n, total)) if progress else None
        households[code] = _plan_city(CITIES[code], seed, as_of, counts[code], tick)
    rng = random.Random(f"kofu.city.registry.world:{seed}:{as_of.isoformat()}:{sorted(counts.items())}")
    source = names.NameSource(rng)
    for code, plans in households.items():
        for person in (p for plan in plans for p in plan.members):
            if person.became_resident_reason == "出生" and person.foreign is None:  # born here: named as then
                person.birth_place = addresses.municipality(
                    addresses.city_lineage(rng, code), person.birth_date
                )
    builder = FamilyBuilder(rng, source, as_of)
    builder.build([plan for code in sorted(households) for plan in households[code]])
    lives = Lives(rng, as_of)
    lived = total // 2
    for code, plans in households.items():
        for plan in plans:
            lived += 1
            if progress is not None and lived % 500 == 0:
                progress(lived, total)
            for person in plan.members:
                lives.resident(CITIES[code], plan, person)
                person.notified_on = _notified_on(builder, person, as_of)
    kept = {id(e.person) for r in builder.registers if r.city_code is not None for e in r.entries}
    for phantom in builder.phantoms:
        if id(phantom) in kept:  # only a register kept in a demo city has a 附票 to write
            lives.phantom(phantom)
    return World(as_of, households, builder.registers, builder.phantoms)


def _notified_on(builder: FamilyBuilder, person: PersonPlan, as_of: date) -> date:
    """The 届出日 of becoming a resident: the 出生届 the register records for a birth here, else a
    転入届 filed within the 14 days the law gives (never after the person left, nor in the future)."""
    birth = builder.birth_of(person)
    if person.became_resident_reason == "出生" and birth is not None and birth.reported_on is not None:
        return birth.reported_on
    came = person.became_resident_date
    low = 1 if person.became_resident_reason == "出生" else 0
    filed = came + timedelta(days=stable_days(f"{person.name}:{person.birth_date}:届出", low, 13))
    return max(came, min(filed, as_of, person.status_date or filed))


def _plan_city(
    city: CityInfo, seed: int, as_of: date, count: int, progress: Tick | None = None
) -> list[HouseholdPlan]:
    rng = random.Random(f"kofu.city.registry:{city.code}:{seed}")
    planner = Planner(rng, names.NameSource(rng), city, as_of)
    other = next(code for code in CITIES if code != city.code)
    elsewhere = set(rng.sample(range(count), round(count * HONSEKI_ELSEWHERE_SHARE)))
    special = dict(zip(rng.sample(range(count), len(SPECIALS)), SPECIALS, strict=True))
    plain = [i for i in range(count) if i not in special]
    rng.shuffle(plain)
    forced = dict(zip(plain, FEATURES, strict=False))
    plans = []
    for i in range(count):
        if progress is not None and i % 500 == 0:
            progress(i, count)
        feature = forced.get(i) or _random_feature(rng, special.get(i))
        plan = _household(planner, special.get(i), feature)
        plan.special = special.get(i)
        plan.honseki_city_code = other if i in elsewhere else city.code
        if feature and feature.startswith("rare:"):
            family = next(pair for pair in names.RARE_FAMILY_NAMES if pair[0] == feature[5:])
            for person in plan.members:
                person.family_name, person.family_kana = family
        if feature and feature not in plan.features:
            plan.features.append(feature)
        plans.append(plan)
    _mark_special(rng, as_of, plans)
    return plans


def _random_feature(rng: random.Random, special: str | None) -> str | None:
    draw = rng.random()
    if special is not None:
        return None
    if draw < _FOREIGN_SHARE:
        return "foreign-resident"
    if draw < _FOREIGN_SHARE + _LONG_SHARE:
        return "long-address"
    if draw < _FOREIGN_SHARE + _LONG_SHARE + _RARE_SHARE:
        return f"rare:{rng.choice(names.RARE_FAMILY_NAMES)[0]}"
    return None


def _household(planner: Planner, special: str | None, feature: str | None) -> HouseholdPlan:
    if special == "deceased":
        return planner.household("three_gen")
    if special == "dv-protected":
        return planner.household(planner.rng.choice(("single", "single_parent")))
    if feature == "foreign-resident":  # the head uses a 通称
        plan = planner.household(foreign=True)
        if plan.members[0].foreign and not plan.members[0].foreign.alias_name:
            planner.give_alias(plan.members[0])
        return plan
    if feature == "long-address":
        return planner.household(long_address=True)
    if feature == "under-15":
        for _ in range(50):  # a family with a child of 12–14, who may hold a My Number Card
            plan = planner.household("family")
            if any(m.zokugara == "子" and 12 <= m.age(planner.as_of) <= 14 for m in plan.members):
                return plan
    return planner.household()


def _mark_special(rng: random.Random, as_of: date, plans: list[HouseholdPlan]) -> None:
    def after(day: date) -> date:
        low, high = day + timedelta(days=1), as_of - timedelta(days=1)
        return low + timedelta(days=rng.randint(0, max(0, (high - low).days)))

    for plan in plans:
        if plan.special == "moved-out":
            left_on = after(max(p.address_defined_date for p in plan.members))
            for person in plan.members:
                person.status, person.status_date = "moved_out", left_on
        elif plan.special == "deceased":
            parent = next(p for p in plan.members if p.zokugara in ("父", "母"))
            parent.status, parent.status_date = "deceased", after(parent.became_resident_date)
            parent.death_date = parent.status_date
        elif plan.special == "dv-protected":
            for person in plan.members:  # the 支援措置 covers the household the applicant lives with
                person.dv_protected = True
        elif plan.special == "pending-change":
            plan.members[0].pending_change = True
