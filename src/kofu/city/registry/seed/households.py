"""Households of one city: members, ages, moves. Pure: draws from the caller's Random only.

Japanese households come in five kinds (single, couple, family, single parent, three
generations); foreign households are singles, couples or families of one nationality. Registers
(本籍, 筆頭者) are not decided here but by ``registers``, over both cities at once.
"""

from __future__ import annotations

import random
import re
from datetime import date, timedelta

from kofu.city.registry.cities import CityInfo
from kofu.city.registry.models import SETAINUSHI
from kofu.city.registry.seed import addresses, names
from kofu.city.registry.seed.people import ForeignPlan, HouseholdPlan, PersonPlan, stable_days, years_before

#: An address longer than this (characters, as printed) is a long one (``traits.LONG_ADDRESS_CHARS``).
LONG_ADDRESS_CHARS = 60

KINDS = ("single", "couple", "family", "single_parent", "three_gen")
_KIND_WEIGHTS = (25, 20, 35, 10, 10)
_FOREIGN_KINDS = ("single", "couple", "family")
_HEAD_AGE = {
    "single": (19, 85),
    "couple": (22, 85),
    "family": (26, 58),
    "single_parent": (25, 55),
    "three_gen": (30, 55),
}
_BUILDING_PREFIXES = ("メゾン", "グリーン", "サンライズ", "エクセル", "ルミエール", "ベル", "フォレスト")


#: Foreign residents whose family came from elsewhere in Japan, not from abroad.
_SETTLED = ("特別永住者", "永住者")


def _period_days(period: str) -> int:
    """Days within a 在留期間 such as 「3年」 or 「4年3月」: an expiry lies at most one period ahead."""
    found = re.fullmatch(r"(?:(\d+)年)?(?:(\d+)月)?", period)
    months = int(found[1] or 0) * 12 + int(found[2] or 0) if found else 12
    return max(30, months * 30 - 20)


def _child_status(child: PersonPlan, parents: list[PersonPlan]) -> None:
    """A child's 在留資格 follows the parents': 特別永住者 and 永住者 pass on, 定住者 for the child
    of a 定住者 or of a Japanese national's spouse, else 家族滞在 for as long as the parent's stay."""
    statuses = [p.foreign.residence_status for p in parents if p.foreign is not None]
    assert child.foreign is not None
    for passed in ("特別永住者", "永住者"):
        if passed in statuses:
            child.foreign.residence_status, child.foreign.stay_period = passed, None
            child.foreign.stay_expires_on = None
            return
    holder = next(p.foreign for p in parents if p.foreign is not None and p.foreign.stay_period)
    child.foreign.residence_status = (
        "定住者" if {"定住者", "日本人の配偶者等"} & set(statuses) else "家族滞在"
    )
    child.foreign.stay_period, child.foreign.stay_expires_on = holder.stay_period, holder.stay_expires_on


def _foreign_prior(plan: HouseholdPlan, moved_in: date) -> str:
    """Where a foreign household lived before: in Japan when the head or the spouse is a 特別永住者
    or 永住者 (an address of that day, drawn from its own Random), else the country it came from."""
    head = plan.members[0]
    assert head.foreign is not None
    if not any(p.foreign is not None and p.foreign.residence_status in _SETTLED for p in plan.members[:2]):
        return head.foreign.nationality
    own = random.Random(f"kofu.seed.foreign-prior:{head.name}:{head.birth_date}")
    return addresses.address(own, addresses.pick(own, moved_in), moved_in)


class Planner:
    """Draws the households of one city."""

    def __init__(self, rng: random.Random, source: names.NameSource, city: CityInfo, as_of: date):
        self.rng, self.names, self.city, self.as_of = rng, source, city, as_of
        self._addresses: set[tuple[str, str]] = set()

    # -- small draws -------------------------------------------------------------------------
    def date_between(self, low: date, high: date) -> date:
        """A day in [low, high] (low when the range is empty)."""
        if high <= low:
            return low
        return low + timedelta(days=self.rng.randint(0, (high - low).days))

    def _birth_for_age(self, age: int) -> date:
        return years_before(self.as_of, age) - timedelta(days=self.rng.randint(0, 364))

    def person(self, family: tuple[str, str], sex: str, age: int, zokugara: str, taken=()) -> PersonPlan:  # type: ignore[no-untyped-def]
        """A Japanese person of that family, sex and age, with a given name not in ``taken``."""
        birth = self._birth_for_age(age)
        return self.named(family, sex, birth, zokugara, taken)

    def named(self, family: tuple[str, str], sex: str, birth: date, zokugara: str, taken=()) -> PersonPlan:  # type: ignore[no-untyped-def]
        """A Japanese person born on ``birth`` with a name of their generation not in ``taken``."""
        used = {p.given_name for p in taken}
        while True:  # no two people of one household share a given name
            given = self.names.given(sex, birth.year)
            if given[0] not in used:
                break
        return PersonPlan(
            family_name=family[0],
            family_kana=family[1],
            given_name=given[0],
            given_kana=given[1],
            sex=sex,
            birth_date=birth,
            zokugara=zokugara,
        )

    def address(self) -> tuple[str, str]:
        """A real 町 and a 丁目・番・号 (or 番地) not used yet in this city."""
        while True:
            lineage = addresses.city_lineage(self.rng, self.city.code)
            town, text = addresses.street(self.rng, lineage, self.as_of)
            if (town, text) not in self._addresses:
                self._addresses.add((town, text))
                return town, text

    def prior_address(self, moved_in: date) -> str:
        """An address outside the city (the 転入前住所 of someone who moved in on ``moved_in``),
        written with the names of that day."""
        return addresses.address(self.rng, addresses.pick(self.rng, moved_in), moved_in)

    # -- households --------------------------------------------------------------------------
    def household(
        self, kind: str | None = None, *, foreign: bool = False, long_address: bool = False
    ) -> HouseholdPlan:
        """Plan one household of ``kind`` (random when None) with 1–6 members."""
        if foreign:
            kind = kind if kind in _FOREIGN_KINDS else self.rng.choice(_FOREIGN_KINDS)
        kind = kind or self.rng.choices(KINDS, weights=_KIND_WEIGHTS)[0]
        town, chome_banchi = self.address()
        building = None
        if long_address:
            building = names.long_building(self.rng)
        elif self.rng.random() < 0.35:
            room = self.rng.randint(1, 5) * 100 + self.rng.randint(1, 9)
            building = f"{self.rng.choice(_BUILDING_PREFIXES)}{self.names.building()}{room}"
        plan = HouseholdPlan(
            kind=kind,
            city_code=self.city.code,
            prefecture=self.city.prefecture,
            city_name=self.city.name,
            town=town,
            chome_banchi=chome_banchi,
            building=building,
            foreign=foreign,
        )
        if long_address:
            while len(plan.address) <= LONG_ADDRESS_CHARS:  # a short 町 and 番地 need another draw
                plan.town, plan.chome_banchi = self.address()
                plan.building = names.long_building(self.rng)
            plan.features.append("long-address")
        if foreign:
            self._foreign_members(plan)
        else:
            self._members(plan)
        self._moves(plan)
        for person in plan.members:
            person.city_code = self.city.code
        return plan

    def _members(self, plan: HouseholdPlan) -> None:
        rng, family = self.rng, self.names.family()
        kind = plan.kind
        female_head_share = {"single": 0.45, "single_parent": 0.8}.get(kind, 0.05)
        head_sex = "女" if rng.random() < female_head_share else "男"
        if kind == "three_gen":
            head_sex = "男"  # lives with his parent; his register is the couple's (he is 筆頭者)
        head = self.person(family, head_sex, rng.randint(*_HEAD_AGE[kind]), SETAINUSHI)
        plan.members.append(head)
        head_age = head.age(self.as_of)
        mother: PersonPlan = head
        if kind in ("couple", "family", "three_gen"):
            spouse_sex = "女" if head_sex == "男" else "男"
            spouse_age = max(20, head_age + rng.randint(-6, 3))
            spouse = self.person(
                family, spouse_sex, spouse_age, "妻" if spouse_sex == "女" else "夫", plan.members
            )
            plan.members.append(spouse)
            mother = spouse if spouse_sex == "女" else head
        if kind in ("family", "single_parent", "three_gen"):
            limit = {"family": 4, "single_parent": 3, "three_gen": 3}[kind]
            low = 0 if kind == "three_gen" else 1
            father = next((m for m in plan.members if m.sex == "男" and m is not mother), None)
            self.children(plan, family, mother, rng.randint(low, limit), at_least=low, father=father)
        if kind == "three_gen":
            parent_sex = rng.choice(("男", "女"))
            parent_age = min(95, head_age + rng.randint(24, 36))
            zokugara = "父" if parent_sex == "男" else "母"
            plan.members.append(self.person(family, parent_sex, parent_age, zokugara, plan.members))

    def children(
        self,
        plan: HouseholdPlan,
        family: tuple[str, str],
        mother: PersonPlan,
        count: int,
        at_least: int,
        father: PersonPlan | None = None,
    ) -> None:
        """Append ``count`` children (子) born to ``mother``, one to four years apart, the first
        when both parents were 21 or more (they married first) and the last before she is 46."""
        mother_age = mother.age(self.as_of)
        first = self.rng.randint(max(21, min(22, mother_age - 1)), max(21, min(34, mother_age - 1)))
        birth = self.date_between(
            years_before(mother.birth_date, -first), years_before(mother.birth_date, -first - 1)
        )
        if father is not None:
            birth = max(
                birth, years_before(father.birth_date, -21) + timedelta(days=self.rng.randint(1, 300))
            )
        last = years_before(mother.birth_date, -46)
        for n in range(count):
            if birth >= self.as_of - timedelta(days=30) or birth > last:
                if n >= at_least:
                    break
                birth = min(last, self.as_of - timedelta(days=self.rng.randint(30, 300)))
            child = self.named(family, self.rng.choice(("男", "女")), birth, "子", plan.members)
            plan.members.append(child)
            birth += timedelta(days=self.rng.randint(330, 4 * 365))

    def _foreign_members(self, plan: HouseholdPlan) -> None:
        rng, country = self.rng, names.nationality(self.rng)
        family = names.foreign_family(rng, country)
        head_sex = rng.choice(("男", "女")) if plan.kind == "single" else "男"
        ages = {"single": (19, 70), "couple": (24, 75), "family": (27, 55)}[plan.kind]
        head = self._foreigner(country, family, head_sex, rng.randint(*ages), SETAINUSHI, set())
        plan.members.append(head)
        if plan.kind in ("couple", "family"):
            own = (
                family
                if country in ("ブラジル", "フィリピン", "アメリカ合衆国")
                else names.foreign_family(rng, country)
            )
            age = max(20, head.age(self.as_of) + rng.randint(-6, 2))
            plan.members.append(self._foreigner(country, own, "女", age, "妻", {head.given_name}))
        if plan.kind == "family":
            taken = {p.given_name for p in plan.members}
            mother_age = plan.members[1].age(self.as_of)
            for n in range(rng.randint(1, 2)):
                age = max(0, mother_age - rng.randint(24, 34) - 3 * n)
                child = self._foreigner(country, family, rng.choice(("男", "女")), age, "子", taken)
                if child.given_name in taken:
                    break  # no distinct name left for that sex
                if not self._space_sibling(child, plan.members):
                    break  # no room for a second child between the mother's youth and today
                _child_status(child, plan.members[:2])
                taken.add(child.given_name)
                plan.members.append(child)

    def _space_sibling(self, child: PersonPlan, members: list[PersonPlan]) -> bool:
        """Move ``child``'s birth (no new draw) at least ~a year from an elder sibling's; False
        when no such day lies between the mother's 20th birthday and a month ago."""
        siblings = [m for m in members if m.zokugara == "子"]
        if not siblings or all(abs((m.birth_date - child.birth_date).days) >= 330 for m in siblings):
            return True
        gap = timedelta(days=400 + stable_days(f"{child.name}:{child.birth_date}:兄弟", 0, 500))
        mother = members[1]
        earlier = min(m.birth_date for m in siblings) - gap
        later = max(m.birth_date for m in siblings) + gap
        if earlier >= years_before(mother.birth_date, -20):
            child.birth_date = earlier
        elif later <= self.as_of - timedelta(days=30):
            child.birth_date = later
        else:
            return False
        return True

    def _foreigner(
        self, country: str, family: tuple[str, str], sex: str, age: int, zokugara: str, taken: set[str]
    ) -> PersonPlan:
        rng = self.rng
        given = names.foreign_given(rng, country, sex, taken)
        status = names.residence_status(rng, country)
        period = names.stay_period(rng, status)
        expires = None
        if period is not None:  # within one period from today
            expires = self.as_of + timedelta(days=20 + rng.randint(20, 1500) % _period_days(period))
        person = PersonPlan(
            family_name=family[0],
            family_kana=family[1],
            given_name=given[0],
            given_kana=given[1],
            sex=sex,
            birth_date=self._birth_for_age(age),
            zokugara=zokugara,
            foreign=ForeignPlan(country, status, period, expires, names.card_number(rng)),
        )
        assert person.foreign is not None
        if family[0].isascii():  # a name in Latin letters: its カタカナ併記名 is on the 住民票
            person.foreign.katakana_name = f"{family[1]}\u3000{given[1]}"
        if status == "特別永住者" or (country in ("韓国", "中国") and rng.random() < 0.3):
            self.give_alias(person)
        return person

    def give_alias(self, person: PersonPlan) -> None:
        """Register a 通称 (a Japanese name used in daily life) for a foreign resident."""
        assert person.foreign is not None
        family, given = names.alias_family(self.rng), self.names.given(person.sex, person.birth_date.year)
        person.foreign.alias_name = f"{family[0]}\u3000{given[0]}"
        person.foreign.alias_kana = f"{family[1]}\u3000{given[1]}"

    def _moves(self, plan: HouseholdPlan) -> None:
        """Dates of becoming a resident and of defining the current address."""
        rng, head = self.rng, plan.members[0]
        low = max(years_before(head.birth_date, -18), years_before(self.as_of, 35))
        plan.created = self.date_between(low, self.as_of - timedelta(days=14))
        prior = self.prior_address(plan.created) if not plan.foreign else _foreign_prior(plan, plan.created)
        head_born_here = not plan.foreign and rng.random() < 0.2
        for person in plan.members:
            person.address_defined_date = plan.created
            late_joiner = person.zokugara in ("父", "母") or (
                plan.kind == "couple" and not person.is_head and rng.random() < 0.3
            )
            if person.birth_date >= plan.created and person.zokugara == "子":
                person.became_resident_reason = "出生"
                person.became_resident_date = person.address_defined_date = person.birth_date
            elif person.is_head and head_born_here:
                person.became_resident_reason = "出生"
                person.became_resident_date = person.birth_date
            elif late_joiner:
                joined = self.date_between(plan.created, self.as_of - timedelta(days=7))
                person.became_resident_date = person.address_defined_date = joined
                person.prior_address = self.prior_address(joined)
            else:
                person.became_resident_date = plan.created
                person.prior_address = prior
