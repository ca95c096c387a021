"""Pure planning of synthetic households for the seeder: no database, only values.

``plan_households`` draws every person from a ``random.Random`` and a seeded Faker ``ja_JP``
instance, both owned by the caller, so the same seed always yields the same plans.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from faker import Faker

from kofu.city.registry.cities import CityInfo, kanji_number
from kofu.city.registry.models import SETAINUSHI

_KINDS = ("single", "couple", "family", "single_parent", "three_gen")
_KIND_WEIGHTS = (25, 20, 35, 10, 10)
# Where movers came from: real municipalities; the town part is Faker's and may be invented.
_PRIOR_MUNICIPALITIES = (
    "東京都練馬区",
    "東京都杉並区",
    "東京都武蔵野市",
    "東京都東久留米市",
    "東京都国分寺市",
    "東京都世田谷区",
    "埼玉県所沢市",
    "埼玉県新座市",
    "埼玉県さいたま市浦和区",
    "神奈川県横浜市港北区",
    "神奈川県川崎市中原区",
    "千葉県船橋市",
    "大阪府大阪市北区",
    "愛知県名古屋市中区",
    "北海道札幌市中央区",
    "福岡県福岡市博多区",
)
_BUILDING_PREFIXES = ("メゾン", "グリーン", "サンライズ", "エクセル", "ルミエール", "ベル", "フォレスト")


@dataclass
class PersonPlan:
    """One future Resident row (status fields are set later for the special kinds)."""

    family_name: str
    family_kana: str
    given_name: str
    given_kana: str
    sex: str
    birth_date: date
    zokugara: str
    became_resident_date: date = date.min
    became_resident_reason: str = "転入"
    address_defined_date: date = date.min
    prior_address: str | None = None
    honseki: str = ""
    honseki_city_code: str = ""
    hittosha: str = ""

    @property
    def name(self) -> str:
        """Printed name (family, full-width space, given)."""
        return f"{self.family_name}\u3000{self.given_name}"

    @property
    def is_head(self) -> bool:
        """True for the 世帯主."""
        return self.zokugara == SETAINUSHI


@dataclass
class HouseholdPlan:
    """One future Household with its Address; ``members[0]`` is the head."""

    kind: str
    town: str
    chome_banchi: str
    building: str | None
    created: date = date.min
    members: list[PersonPlan] = field(default_factory=list)


def years_before(day: date, years: int) -> date:
    """Same calendar day ``years`` earlier (29 February becomes 28 February)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class Planner:
    """Draws households for one city; ``other`` is where the ~20% 'elsewhere' 本籍 lie."""

    def __init__(self, rng: random.Random, fake: Faker, city: CityInfo, other: CityInfo, as_of: date):
        self.rng, self.fake, self.city, self.other, self.as_of = rng, fake, city, other, as_of
        self._addresses: set[tuple[str, str]] = set()

    # -- small draws -------------------------------------------------------------------------
    def _date_between(self, low: date, high: date) -> date:
        if high <= low:
            return low
        return low + timedelta(days=self.rng.randint(0, (high - low).days))

    def _birth_for_age(self, age: int) -> date:
        latest = years_before(self.as_of, age)
        return latest - timedelta(days=self.rng.randint(0, 364))

    def _person(
        self,
        family: tuple[str, str],
        sex: str,
        age: int,
        zokugara: str,
        taken: list[PersonPlan] | None = None,
    ) -> PersonPlan:
        used = {p.given_name for p in taken or ()}
        while True:  # no two people of one household share a given name
            given = self.fake.first_name_male_pair() if sex == "男" else self.fake.first_name_female_pair()
            if given[0] not in used:
                break
        return PersonPlan(
            family_name=family[0],
            family_kana=family[1],
            given_name=given[0],
            given_kana=given[1],
            sex=sex,
            birth_date=self._birth_for_age(age),
            zokugara=zokugara,
        )

    def _address(self) -> tuple[str, str]:
        while True:
            town = self.rng.choice(self.city.towns)
            chome = kanji_number(self.rng.randint(1, 5))
            text = f"{chome}丁目{self.rng.randint(1, 30)}番{self.rng.randint(1, 20)}号"
            if (town, text) not in self._addresses:
                self._addresses.add((town, text))
                return town, text

    def _honseki(self, city: CityInfo) -> str:
        town = self.rng.choice(city.towns)
        chome = kanji_number(self.rng.randint(1, 5))
        return f"{city.full_name}{town}{chome}丁目{self.rng.randint(1, 2000)}番地"

    def _prior_address(self) -> str:
        """An address outside the city (the 前住所 of someone who moved in)."""
        municipality = self.rng.choice(_PRIOR_MUNICIPALITIES)
        chome = kanji_number(self.rng.randint(1, 6))
        number = f"{self.rng.randint(1, 30)}番{self.rng.randint(1, 25)}号"
        return f"{municipality}{self.fake.town()}{chome}丁目{number}"

    # -- households --------------------------------------------------------------------------
    def household(self, kind: str | None = None, *, honseki_elsewhere: bool = False) -> HouseholdPlan:
        """Plan one household of ``kind`` (random when None) with 1–6 members."""
        kind = kind or self.rng.choices(_KINDS, weights=_KIND_WEIGHTS)[0]
        town, chome_banchi = self._address()
        building = None
        if self.rng.random() < 0.35:
            room = self.rng.randint(1, 5) * 100 + self.rng.randint(1, 9)
            building = f"{self.rng.choice(_BUILDING_PREFIXES)}{self.fake.building_name()}{room}"
        plan = HouseholdPlan(kind=kind, town=town, chome_banchi=chome_banchi, building=building)
        self._members(plan)
        self._moves(plan)
        self._registers(plan, self.other if honseki_elsewhere else self.city)
        return plan

    def _members(self, plan: HouseholdPlan) -> None:
        rng, family = self.rng, self.fake.last_name_pair()[:2]
        kind = plan.kind
        head_age = {
            "single": (19, 85),
            "couple": (22, 85),
            "family": (26, 58),
            "single_parent": (25, 55),
            "three_gen": (30, 55),
        }[kind]
        female_head_share = {"single": 0.45, "single_parent": 0.8}.get(kind, 0.05)
        head_sex = "女" if rng.random() < female_head_share else "男"
        head = self._person(family, head_sex, rng.randint(*head_age), SETAINUSHI)
        plan.members.append(head)
        head_age_now = self._age(head)
        mother: PersonPlan | None = head if head_sex == "女" else None
        if kind in ("couple", "family", "three_gen"):
            spouse_sex = "女" if head_sex == "男" else "男"
            spouse_age = max(20, head_age_now + rng.randint(-6, 3))
            spouse = self._person(
                family, spouse_sex, spouse_age, "妻" if spouse_sex == "女" else "夫", plan.members
            )
            plan.members.append(spouse)
            mother = spouse if spouse_sex == "女" else head
        if kind in ("family", "single_parent", "three_gen"):
            limit = {"family": 4, "single_parent": 3, "three_gen": 3}[kind]
            low = 0 if kind == "three_gen" else 1
            self._children(plan, family, mother or head, rng.randint(low, limit), at_least=low)
        if kind == "three_gen":
            parent_sex = rng.choice(("男", "女"))
            parent_age = min(95, head_age_now + rng.randint(24, 36))
            zokugara = "父" if parent_sex == "男" else "母"
            plan.members.append(self._person(family, parent_sex, parent_age, zokugara, plan.members))

    def _age(self, person: PersonPlan) -> int:
        b = person.birth_date
        return self.as_of.year - b.year - int((self.as_of.month, self.as_of.day) < (b.month, b.day))

    def _children(
        self, plan: HouseholdPlan, family: tuple[str, str], mother: PersonPlan, count: int, at_least: int
    ) -> None:
        mother_age = self._age(mother)
        first = self.rng.randint(max(18, min(22, mother_age - 1)), max(18, min(34, mother_age - 1)))
        birth = self._date_between(
            years_before(mother.birth_date, -first), years_before(mother.birth_date, -first - 1)
        )
        for n in range(count):
            if birth >= self.as_of - timedelta(days=30):
                if n >= at_least:
                    break
                birth = self.as_of - timedelta(days=self.rng.randint(30, 300))
            sex = self.rng.choice(("男", "女"))
            child = self._person(family, sex, 0, "子", plan.members)
            child.birth_date = birth
            plan.members.append(child)
            birth += timedelta(days=self.rng.randint(330, 4 * 365))

    def _moves(self, plan: HouseholdPlan) -> None:
        """Dates of becoming a resident and of defining the current address."""
        rng, head = self.rng, plan.members[0]
        low = max(years_before(head.birth_date, -18), years_before(self.as_of, 35))
        plan.created = self._date_between(low, self.as_of - timedelta(days=14))
        prior = self._prior_address()
        head_born_here = rng.random() < 0.2
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
                joined = self._date_between(plan.created, self.as_of - timedelta(days=7))
                person.became_resident_date = person.address_defined_date = joined
                person.prior_address = self._prior_address()
            else:
                person.became_resident_date = plan.created
                person.prior_address = prior

    def _registers(self, plan: HouseholdPlan, where: CityInfo) -> None:
        """本籍 and 筆頭者: the couple's own register, or the head's father's register."""
        head = plan.members[0]
        father_name = next((p.name for p in plan.members if p.zokugara == "父"), None)
        if father_name is None:
            father_name = f"{head.family_name}\u3000{self.fake.first_name_male_pair()[0]}"
        own = self._honseki(where), head.name
        if plan.kind == "single" and self._age(head) < 40 and self.rng.random() < 0.5:
            own = self._honseki(where), father_name  # still in the father's register
        fathers = self._honseki(where), father_name
        for person in plan.members:
            honseki, hittosha = fathers if person.zokugara in ("父", "母") else own
            person.honseki, person.hittosha, person.honseki_city_code = honseki, hittosha, where.code
